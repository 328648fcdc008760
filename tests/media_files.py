"""Files for the media tests, made here with Pillow: photos with EXIF, bombs, broken images."""

import io
import random
import struct
import zlib

from PIL import ExifTags, Image

GPS_IFD = ExifTags.IFD.GPSInfo


def photo(
    width: int = 1600, height: int = 1200, *, orientation: int = 1, gps: bool = True, seed: int = 1
) -> bytes:
    """A phone photo: noisy colour (so it compresses like a real one), EXIF with GPS."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    tile = Image.frombytes("RGB", (64, 64), bytes(rng.randrange(256) for _ in range(64 * 64 * 3)))
    for x in range(0, width, 64):
        for y in range(0, height, 64):
            image.paste(tile.rotate(90 * ((x + y) // 64 % 4)), (x, y))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif.get_ifd(GPS_IFD).update(
            {
                ExifTags.GPS.GPSLatitudeRef: "N",
                ExifTags.GPS.GPSLatitude: (41.0, 42.0, 55.0),
                ExifTags.GPS.GPSLongitudeRef: "E",
                ExifTags.GPS.GPSLongitude: (44.0, 47.0, 33.0),
            }
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif)
    return buffer.getvalue()


def halves(width: int = 800, height: int = 400, image_format: str = "PNG") -> bytes:
    """Left half red, right half blue: a crop shows which side it kept."""
    image = Image.new("RGB", (width, height), (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header declares a huge canvas."""
    small = io.BytesIO()
    Image.new("L", (8, 8)).save(small, "PNG")
    data = bytearray(small.getvalue())
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(GPS_IFD)) or b"GPS" in data


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
ELF = b"\x7fELF\x02\x01\x01" + bytes(200)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
