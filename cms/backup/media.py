"""Where media sit in the archive, and the checks a stored file must pass."""

from cms.backup.manifest import BackupError, MediaFile, sha256_hex
from cms.storage import Storage


def media_path(key: str) -> str:
    return f"media/{key}"


def content_digest(key: str) -> str:
    """An original's name is the SHA-256 of its bytes (`ab/cd/<sha256>.jpg`, see cms.storage)."""
    return key.rsplit("/", 1)[-1].split(".", 1)[0]


async def put_verified(storage: Storage, file: MediaFile, data: bytes) -> None:
    """Store a file and read it back: it counts as restored only when the bytes match."""
    if await storage.exists(file.key):
        if sha256_hex(await storage.get(file.key)) == file.sha256:
            return
        await storage.delete(file.key)
    await storage.put(file.key, data, file.content_type)
    if sha256_hex(await storage.get(file.key)) != file.sha256:
        raise BackupError(f"The media store did not keep {file.key} intact; check its disk.")
