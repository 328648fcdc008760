"""author profiles in bylines, corrections and home page slots

Revision ID: 20261204ed7b
Revises: 22341b5aa97d
Create Date: 2026-12-04 18:23:51.912002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op
from cms.services.slugs import slugify, with_suffix

USER = sa.table("user", sa.column("id"), sa.column("display_name"), sa.column("bio"))
ARTICLE = sa.table("article", sa.column("id"), sa.column("locale"))
AUTHOR = sa.table(
    "author",
    sa.column("id"),
    sa.column("slug"),
    sa.column("names", sa.JSON()),
    sa.column("bios", sa.JSON()),
    sa.column("links", sa.JSON()),
    sa.column("is_organization"),
    sa.column("user_id"),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
BYLINE_COLUMNS = ("article_id", "position")


def _create_bylines(by: str, target: str) -> None:
    op.create_table('article_author',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column(by, sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_article_author_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint([by], [f'{target}.id'], name=op.f(f'fk_article_author_{by}_{target}'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', by, name=op.f('pk_article_author'))
    )
    with op.batch_alter_table('article_author', schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_article_author_{by}'), [by], unique=False)


def _replace_bylines(old: str, new: str, target: str, mapping: dict[int, int]) -> None:
    """Bylines keyed by `old` become keyed by `new` through `mapping`; unmapped ones go."""
    bind = op.get_bind()
    table = sa.table("article_author", *(sa.column(c) for c in (*BYLINE_COLUMNS, old)))
    rows = bind.execute(sa.select(table)).mappings().all()
    with op.batch_alter_table('article_author', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f'ix_article_author_{old}'))
    op.drop_table('article_author')
    _create_bylines(new, target)
    moved = [
        {"article_id": r["article_id"], new: mapping[r[old]], "position": r["position"]}
        for r in rows
        if r[old] in mapping
    ]
    if moved:
        new_table = sa.table("article_author", *(sa.column(c) for c in (*BYLINE_COLUMNS, new)))
        bind.execute(sa.insert(new_table), moved)


def _profiles_for_bylines() -> dict[int, int]:
    """A profile for every user with a byline, named in the language they write most in."""
    bind = op.get_bind()
    bylines = sa.table("article_author", sa.column("article_id"), sa.column("user_id"))
    counted = bind.execute(
        sa.select(bylines.c.user_id, ARTICLE.c.locale, sa.func.count())
        .join(ARTICLE, ARTICLE.c.id == bylines.c.article_id)
        .group_by(bylines.c.user_id, ARTICLE.c.locale)
        .order_by(bylines.c.user_id, sa.func.count().desc(), ARTICLE.c.locale)
    ).all()
    locales: dict[int, str] = {}
    for user_id, locale, _ in counted:
        locales.setdefault(user_id, locale)
    users = bind.execute(sa.select(USER).where(USER.c.id.in_(list(locales)))).all()
    taken: set[str] = set()
    mapping = {}
    for user_id, name, bio in sorted(users):
        slug = with_suffix(slugify(name) or f"author-{user_id}", taken)
        taken.add(slug)
        locale = locales[user_id]
        author_id = bind.execute(
            sa.insert(AUTHOR)
            .values(
                slug=slug,
                names={locale: name},
                bios={locale: bio} if bio else {},
                links=[],
                is_organization=False,
                user_id=user_id,
                created_at=sa.func.now(),
            )
            .returning(AUTHOR.c.id)
        ).scalar_one()
        mapping[user_id] = author_id
    return mapping

revision: str = '20261204ed7b'
down_revision: str | Sequence[str] | None = '22341b5aa97d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('author',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('bios', sa.JSON(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=True),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('is_organization', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['photo_id'], ['media.id'], name=op.f('fk_author_photo_id_media'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_author_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_author')),
    sa.UniqueConstraint('slug', name=op.f('uq_author_slug')),
    sa.UniqueConstraint('user_id', name=op.f('uq_author_user_id'))
    )
    _replace_bylines("user_id", "author_id", "author", _profiles_for_bylines())
    op.create_table('article_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('corrected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_article_correction_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_article_correction_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_correction'))
    )
    with op.batch_alter_table('article_correction', schema=None) as batch_op:
        batch_op.create_index('ix_article_correction_article', ['article_id', 'corrected_at', 'id'], unique=False)

    op.create_table('home_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('zone', sa.Enum('LEAD', 'TOP', 'CATEGORY', name='homezone', native_enum=False, length=16), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_home_slot_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_home_slot_category_id_category'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_home_slot_set_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_slot')),
    sa.UniqueConstraint('key', name=op.f('uq_home_slot_key'))
    )
    with op.batch_alter_table('home_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_home_slot_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_home_slot_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_home_slot_expires_at'), ['expires_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('home_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_home_slot_expires_at'))
        batch_op.drop_index(batch_op.f('ix_home_slot_category_id'))
        batch_op.drop_index(batch_op.f('ix_home_slot_article_id'))

    op.drop_table('home_slot')
    with op.batch_alter_table('article_correction', schema=None) as batch_op:
        batch_op.drop_index('ix_article_correction_article')

    op.drop_table('article_correction')
    accounts = op.get_bind().execute(
        sa.select(AUTHOR.c.id, AUTHOR.c.user_id).where(AUTHOR.c.user_id.is_not(None))
    )
    _replace_bylines("author_id", "user_id", "user", {a: u for a, u in accounts})
    op.drop_table('author')
