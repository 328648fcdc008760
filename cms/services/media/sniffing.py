"""What a file is, judged from its bytes alone: the filename and the client's header can lie.

puremagic reads the signatures; only the formats below are admitted. Everything else (SVG and
HTML, which a browser would run as a page, executables, archives, unknown bytes) is refused.
"""

from dataclasses import dataclass

import puremagic

from cms.errors import CmsError
from cms.models import MediaKind


@dataclass(frozen=True, slots=True)
class FileType:
    kind: MediaKind
    mime_type: str
    extension: str


IMAGE_JPEG = FileType(MediaKind.IMAGE, "image/jpeg", "jpg")
IMAGE_PNG = FileType(MediaKind.IMAGE, "image/png", "png")
IMAGE_WEBP = FileType(MediaKind.IMAGE, "image/webp", "webp")
IMAGE_GIF = FileType(MediaKind.IMAGE, "image/gif", "gif")
IMAGE_AVIF = FileType(MediaKind.IMAGE, "image/avif", "avif")

ALLOWED: dict[str, FileType] = {
    ".jpg": IMAGE_JPEG,
    ".jpeg": IMAGE_JPEG,
    ".jfif": IMAGE_JPEG,
    ".jpe": IMAGE_JPEG,
    ".png": IMAGE_PNG,
    ".webp": IMAGE_WEBP,
    ".gif": IMAGE_GIF,
    ".avif": IMAGE_AVIF,
    ".mp4": FileType(MediaKind.VIDEO, "video/mp4", "mp4"),
    ".webm": FileType(MediaKind.VIDEO, "video/webm", "webm"),
    ".mp3": FileType(MediaKind.AUDIO, "audio/mpeg", "mp3"),
    ".mpga": FileType(MediaKind.AUDIO, "audio/mpeg", "mp3"),
    ".aac": FileType(MediaKind.AUDIO, "audio/aac", "aac"),
    ".m4a": FileType(MediaKind.AUDIO, "audio/mp4", "m4a"),
    ".pdf": FileType(MediaKind.DOCUMENT, "application/pdf", "pdf"),
}
ACCEPTED = "JPEG, PNG, WebP, GIF or AVIF images, MP4 or WebM video, MP3 or AAC audio, PDF"


class UnsupportedFile(CmsError):
    code = "UNSUPPORTED_MEDIA_TYPE"


def identify(data: bytes) -> FileType:
    """The allowed type the bytes most likely are; refused when the best guess is not allowed."""
    if not data:
        raise UnsupportedFile("The file is empty.", field="file")
    try:
        matches = puremagic.magic_string(data)
    except puremagic.PureError:
        matches = []
    if matches:
        best = max(match.confidence for match in matches)
        for match in matches:
            if match.confidence == best and match.extension.lower() in ALLOWED:
                return ALLOWED[match.extension.lower()]
        named = matches[0].mime_type or matches[0].extension or "an unknown type"
        raise UnsupportedFile(
            f"This file is {named}, which is not accepted: send {ACCEPTED}.", field="file"
        )
    raise UnsupportedFile(f"This file's type is not recognised: send {ACCEPTED}.", field="file")
