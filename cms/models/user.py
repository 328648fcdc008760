"""Staff accounts and their sign-in tokens (stored only as hashes)."""

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from cms.models.columns import enum_field, timestamp_field, utcnow
from cms.models.enums import Role


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    display_name: str = Field(max_length=200)
    bio: str = Field(default="", sa_type=Text)
    password_hash: str = Field(default="", max_length=200)
    role: Role = enum_field(Role, default=Role.CONTRIBUTOR)
    is_active: bool = Field(default=True)
    created_at: datetime = timestamp_field(default_factory=utcnow)
    last_login_at: datetime | None = timestamp_field(nullable=True, default=None)


class AuthToken(SQLModel, table=True):
    __tablename__ = "auth_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    purpose: str = Field(default="session", max_length=20)
    created_at: datetime = timestamp_field(default_factory=utcnow)
    expires_at: datetime = timestamp_field()
    revoked_at: datetime | None = timestamp_field(nullable=True, default=None)


class LoginFailure(SQLModel, table=True):
    """Failed sign-ins counted per account and per address, shared by every worker."""

    __tablename__ = "login_failure"

    key: str = Field(primary_key=True, max_length=400)
    failures: int = Field(default=0)
    last_failure_at: datetime = timestamp_field(default_factory=utcnow)
    locked_until: datetime | None = timestamp_field(nullable=True, default=None)
