"""Images: verify, turn upright, strip metadata, describe, and cut renditions.

Everything here is synchronous Pillow work that callers run in a worker thread. The stored
"original" is re-encoded from pixels, so no EXIF (GPS above all), XMP or comment survives; only
the colour profile is kept. Renditions come in a fixed set of widths and aspect ratios, never on
demand, so a caller cannot make the server resize at will.
"""

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import blurhash  # type: ignore[import-untyped]
from PIL import Image, ImageOps, UnidentifiedImageError

from cms.errors import CmsError
from cms.services.media.sniffing import FileType

WIDTHS = (320, 640, 960, 1280, 1920)
PIL_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF", "avif": "AVIF"}
MIME_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "avif": "image/avif",
}
KEPT_INFO = ("icc_profile", "transparency", "duration", "loop", "background")
SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "jpg": {"quality": 88, "optimize": True, "progressive": True},
    "png": {"optimize": True},
    "webp": {"quality": 80, "method": 4},
    "gif": {},
    "avif": {"quality": 60},
}


class Aspect(StrEnum):
    ORIGINAL = "original"
    LANDSCAPE = "16x9"
    SQUARE = "1x1"


RATIOS = {Aspect.LANDSCAPE: 16 / 9, Aspect.SQUARE: 1.0}


class BadImage(CmsError):
    code = "BAD_IMAGE"


@dataclass(frozen=True, slots=True)
class CleanImage:
    data: bytes
    width: int
    height: int
    dominant_color: str
    placeholder: str
    animated: bool


def _open(data: bytes, extension: str, max_pixels: int) -> Image.Image:
    """A fully decoded image; corrupt, truncated and oversized (bomb) images are refused."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[PIL_FORMATS[extension]])
            if image.width * image.height > max_pixels:
                raise BadImage(
                    f"The image is {image.width} by {image.height} pixels; at most "
                    f"{max_pixels:,} pixels are accepted.",
                    field="file",
                )
            image.verify()
            image = Image.open(io.BytesIO(data), formats=[PIL_FORMATS[extension]])
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise BadImage("The image has too many pixels to process.", field="file") from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
            raise BadImage(
                "The image is corrupt or truncated; export it again and retry.", field="file"
            ) from error
    return image


def _encode(image: Image.Image, extension: str, *, animated: bool = False) -> bytes:
    if extension == "jpg" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    image.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    options = dict(SAVE_OPTIONS[extension])
    if "icc_profile" in image.info:
        options["icc_profile"] = image.info["icc_profile"]
    if animated:
        options["save_all"] = True
    buffer = io.BytesIO()
    image.save(buffer, PIL_FORMATS[extension], **options)
    return buffer.getvalue()


def _dominant_color(image: Image.Image) -> str:
    small = image.convert("RGB")
    small.thumbnail((64, 64))
    quantized = small.quantize(colors=5, method=Image.Quantize.MEDIANCUT)
    palette = quantized.getpalette() or [0, 0, 0]
    counts: list[tuple[int, int]] = quantized.getcolors() or [(1, 0)]  # type: ignore[assignment]
    _, index = max(counts)
    red, green, blue = palette[index * 3 : index * 3 + 3]
    return f"#{red:02x}{green:02x}{blue:02x}"


def _placeholder(image: Image.Image) -> str:
    """A BlurHash: about 30 characters a frontend paints as a blur while the image loads."""
    tiny = image.convert("RGB")
    tiny.thumbnail((32, 32))
    rows = [[tiny.getpixel((x, y)) for x in range(tiny.width)] for y in range(tiny.height)]
    return str(blurhash.encode(rows, components_x=4, components_y=3))


def clean_image(data: bytes, file_type: FileType, max_pixels: int) -> CleanImage:
    image = _open(data, file_type.extension, max_pixels)
    animated = getattr(image, "n_frames", 1) > 1
    if not animated:
        image = ImageOps.exif_transpose(image)
    try:
        cleaned = _encode(image, file_type.extension, animated=animated)
    except (OSError, ValueError, EOFError) as error:
        raise BadImage("The image is corrupt or truncated.", field="file") from error
    return CleanImage(
        data=cleaned,
        width=image.width,
        height=image.height,
        dominant_color=_dominant_color(image),
        placeholder=_placeholder(image),
        animated=animated,
    )


def crop_box(
    width: int, height: int, ratio: float, focal_x: float, focal_y: float
) -> tuple[int, int, int, int]:
    """The largest box of `ratio` inside the image, centred on the focal point where it fits."""
    if width / height > ratio:
        box_width = max(1, round(height * ratio))
        left = min(max(round(focal_x * width - box_width / 2), 0), width - box_width)
        return left, 0, left + box_width, height
    box_height = max(1, round(width / ratio))
    top = min(max(round(focal_y * height - box_height / 2), 0), height - box_height)
    return 0, top, width, top + box_height


@dataclass(frozen=True, slots=True)
class RenditionFile:
    aspect: Aspect
    width: int
    height: int
    extension: str
    key: str
    data: bytes | None
    """None for the stored original itself, which is listed but not written again."""

    def as_json(self, original_size: int) -> dict[str, Any]:
        return {
            "aspect": self.aspect.value,
            "width": self.width,
            "height": self.height,
            "format": self.extension,
            "key": self.key,
            "bytes": len(self.data) if self.data is not None else original_size,
        }


def rendition_prefix(storage_key: str) -> str:
    """Renditions sit under the original's digest: derived from its content, never changing."""
    digest = storage_key.rsplit("/", 1)[-1].split(".", 1)[0]
    return f"r/{digest}"


def _aspect_folder(aspect: Aspect, focal_x: float, focal_y: float) -> str:
    if aspect is Aspect.ORIGINAL:
        return aspect.value
    return f"{aspect.value}-{round(focal_x * 100)}-{round(focal_y * 100)}"


def renditions(
    data: bytes, storage_key: str, extension: str, focal_x: float, focal_y: float
) -> Iterator[RenditionFile]:
    """Every rendition of a stored (clean) still image, largest crop first."""
    image: Image.Image = Image.open(io.BytesIO(data), formats=[PIL_FORMATS[extension]])
    image.load()
    prefix = rendition_prefix(storage_key)
    for aspect in Aspect:
        if aspect is Aspect.ORIGINAL:
            cropped = image
        else:
            box = crop_box(image.width, image.height, RATIOS[aspect], focal_x, focal_y)
            cropped = image.crop(box)
        folder = f"{prefix}/{_aspect_folder(aspect, focal_x, focal_y)}"
        full = cropped.width
        for width in [w for w in WIDTHS if w < full] + [full]:
            height = max(1, round(cropped.height * width / full))
            resized = cropped
            if width != full:
                resized = cropped.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3)
            for ext in dict.fromkeys(("webp", extension)):
                if aspect is Aspect.ORIGINAL and width == full and ext == extension:
                    yield RenditionFile(aspect, width, height, ext, storage_key, None)
                    continue
                key = f"{folder}/{width}.{ext}"
                yield RenditionFile(aspect, width, height, ext, key, _encode(resized, ext))
