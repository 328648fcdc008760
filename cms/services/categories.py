"""Categories and tags. Categories are few, so a request reads them all at once and walks the tree
in memory; a category page includes the articles of its sub-categories."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from cms.models import Category, Tag, TagAlias


@dataclass(slots=True)
class CategoryTree:
    """All categories, indexed by id, slug and parent, in menu order."""

    by_id: dict[int, Category] = field(default_factory=dict)
    by_slug: dict[str, Category] = field(default_factory=dict)
    children: dict[int | None, list[Category]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, categories: Sequence[Category]) -> "CategoryTree":
        tree = cls()
        for category in categories:
            assert category.id is not None
            tree.by_id[category.id] = category
            tree.by_slug[category.slug] = category
            tree.children[category.parent_id].append(category)
        return tree

    @property
    def roots(self) -> list[Category]:
        return self.children[None]

    def with_ancestors(self, category_id: int | None) -> list[int]:
        """The category's id and those of the categories above it."""
        ids: list[int] = []
        while category_id is not None and category_id not in ids and category_id in self.by_id:
            ids.append(category_id)
            category_id = self.by_id[category_id].parent_id
        return ids

    def with_descendants(self, category: Category) -> tuple[int, ...]:
        """The category's id and those of all categories below it."""
        assert category.id is not None
        ids, pending = [category.id], [category.id]
        while pending:
            for child in self.children[pending.pop()]:
                assert child.id is not None
                if child.id not in ids:
                    ids.append(child.id)
                    pending.append(child.id)
        return tuple(ids)

    def subtree_ids(self, slug: str) -> tuple[int, ...] | None:
        """The ids a page of the category `slug` lists articles of (it and all below it), or
        None when no category has that slug."""
        category = self.by_slug.get(slug)
        return None if category is None else self.with_descendants(category)


async def category_tree(*, session: AsyncSession) -> CategoryTree:
    query = select(Category).order_by(col(Category.position), col(Category.id))
    return CategoryTree.of((await session.scalars(query)).all())


async def tag_by_slug(*, session: AsyncSession, slug: str) -> Tag | None:
    """The tag with this slug, or the one a tag of this slug was merged into."""
    found = (await session.scalars(select(Tag).where(col(Tag.slug) == slug))).first()
    if found is not None:
        return found
    merged = select(Tag).join(TagAlias, col(TagAlias.tag_id) == col(Tag.id))
    return (await session.scalars(merged.where(col(TagAlias.slug) == slug))).first()


async def tags_by_ids(*, session: AsyncSession, ids: Sequence[int]) -> dict[int, Tag]:
    query = select(Tag).where(col(Tag.id).in_(ids))
    return {tag.id: tag for tag in await session.scalars(query) if tag.id is not None}
