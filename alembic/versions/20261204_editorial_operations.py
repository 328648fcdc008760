"""editorial operations: live-blog edits and pins, article expiry, merged tags' old slugs

Revision ID: 3f0c9a1d7b21
Revises: 20261204ed7b
Create Date: 2026-12-04 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '3f0c9a1d7b21'
down_revision: str | Sequence[str] | None = '20261204ed7b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('tag_alias',
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], name=op.f('fk_tag_alias_tag_id_tag'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_tag_alias'))
    )
    with op.batch_alter_table('tag_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tag_alias_tag_id'), ['tag_id'], unique=False)

    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_article_expiring', ['status', 'expires_at'], unique=False)

    with op.batch_alter_table('live_blog_update', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('pinned_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('live_blog_update', schema=None) as batch_op:
        batch_op.drop_column('pinned_at')
        batch_op.drop_column('edited_at')

    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index('ix_article_expiring')
        batch_op.drop_column('expires_at')

    with op.batch_alter_table('tag_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tag_alias_tag_id'))

    op.drop_table('tag_alias')
