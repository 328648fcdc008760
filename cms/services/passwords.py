"""Password hashing with argon2id; parameters live in the hash, so they can be raised later."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cms.errors import CmsError

MIN_LENGTH = 10
_hasher = PasswordHasher()


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise CmsError(f"Use a password of at least {MIN_LENGTH} characters.", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def dummy_hash() -> str:
    """A hash to verify against when no account has the email, so that answer takes as long
    as a wrong password; made on first use, not at every start of a worker or command."""
    return hash_password("a password nobody has, verified to keep timing even")
