"""Where media files live. The local file system by default; served by the app under `/media/`.

Names are content-addressed (the SHA-256 of the bytes), so a stored file never changes and can be
cached forever, and identical uploads are stored once.
"""

import hashlib
from pathlib import Path


def content_key(data: bytes, extension: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest[:2]}/{digest[2:4]}/{digest}.{extension.lstrip('.')}"


class LocalStorage:
    """Files under one root folder, written atomically (temporary name, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, key: str, data: bytes) -> None:
        path = self.root / key
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        partial.replace(path)

    def exists(self, key: str) -> bool:
        return (self.root / key).is_file()
