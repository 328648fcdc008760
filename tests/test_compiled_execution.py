"""The compiled path answers exactly as the normal path: the same status, data, errors and cache
headers, for the documents of the README and the bench, hand-written edge cases, bad input and a
generated corpus, with drafts, scheduled and archived articles in the database.

Each request goes to two apps on the same database, one with `CMS_COMPILED_QUERIES` off; the
response cache is off in both, so every answer is computed.
"""

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLList,
    GraphQLNonNull,
    NamedTypeNode,
    NameNode,
    OperationDefinitionNode,
    VariableDefinitionNode,
    VariableNode,
    parse,
    print_ast,
    value_from_ast_untyped,
)
from graphql.language import ListTypeNode, NonNullTypeNode
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis_graphql import queries
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench import operations
from cms.models import ArticleSlugHistory, ArticleStatus
from cms.settings import Settings
from schema.compiled.coverage import COMPILED
from tests.builders import make_article, make_category, make_media, make_tag, make_user
from tests.conftest import app_client

SCHEMA_FILE = Path(__file__).parent.parent / "schema" / "schema.graphql"


@dataclass(frozen=True, slots=True)
class Seed:
    slug: str
    public_id: str
    former_slug: str
    georgian_slug: str


def _renditions(digest: str) -> list[dict[str, Any]]:
    return [
        {
            "aspect": aspect,
            "width": width,
            "height": width * 9 // 16,
            "format": fmt,
            "key": f"r/{digest}/{aspect}/{width}.{fmt}",
            "bytes": width * 10,
        }
        for aspect in ("original", "16x9")
        for width in (320, 640, 1200)
        for fmt in ("webp", "jpg")
    ]


async def _seed(session: AsyncSession) -> Seed:
    """A small newsroom: a category tree, tags, covers with renditions, translations, an old
    slug, and newer drafts, scheduled and archived articles that no reader may see."""
    economy = await make_category(
        session,
        slug="economy",
        names={"ka": "ეკონომიკა", "en": "Economy"},
        descriptions={"en": "Money and markets."},
    )
    markets = await make_category(
        session, slug="markets", names={"ka": "ბაზრები"}, parent_id=economy.id
    )
    await make_category(session, slug="politics", names={"en": "Politics"}, show_in_menu=False)
    wine, export, inflation = [await make_tag(session, slug=s) for s in ("wine", "export", "inf")]
    cover = await make_media(session, renditions=_renditions("c1"), caption="A vineyard")
    plain_cover = await make_media(session, storage_key="aa/bb/plain.png", width=None)
    author = await make_user(session, bio="Writes on wine.")
    now = datetime.now(UTC)
    articles = []
    for n in range(26):
        category = (economy, markets, None)[n % 3]
        articles.append(
            await make_article(
                session,
                locale="en" if n % 4 else "ka",
                category_id=category.id if category else None,
                cover_id=(cover.id, plain_cover.id, None)[n % 3],
                tags=[(wine, export), (wine,), (inflation, export), ()][n % 4],
                authors=[author] if n % 2 else [],
                views=n * 7,
                source_name="Desk" if n % 2 else None,
                is_featured=n % 5 == 0,
                translation_group=f"group-{n // 2}" if n < 8 else None,
                seo_title="SEO" if n == 3 else None,
                is_breaking=n in (5, 7, 9),
                breaking_until={5: now + timedelta(hours=1), 7: now - timedelta(hours=1)}.get(n),
            )
        )
    newest = now + timedelta(days=1)
    for status in (ArticleStatus.DRAFT, ArticleStatus.SCHEDULED, ArticleStatus.ARCHIVED):
        await make_article(
            session,
            status=status,
            category_id=economy.id,
            tags=[wine, export],
            translation_group="group-1",
            published_at=newest if status is ArticleStatus.ARCHIVED else None,
            scheduled_at=newest if status is ArticleStatus.SCHEDULED else None,
            updated_at=newest,
        )
    shown = articles[-2]
    assert shown.id is not None
    session.add(ArticleSlugHistory(article_id=shown.id, locale=shown.locale, slug="old-slug"))
    await session.commit()
    georgian = next(a for a in reversed(articles) if a.locale == "ka")
    return Seed(shown.slug, shown.public_id, "old-slug", georgian.slug)


@pytest.fixture
async def seed(sessions: async_sessionmaker[AsyncSession]) -> Seed:
    async with sessions() as session:
        return await _seed(session)


@dataclass
class Paths:
    compiled: httpx.AsyncClient
    interpreted: httpx.AsyncClient

    async def both(
        self, query: str, variables: dict[str, Any] | None = None, name: str | None = None
    ) -> tuple[httpx.Response, httpx.Response]:
        body = {"query": query, "variables": variables, "operationName": name}
        return (
            await self.compiled.post("/graphql", json=body),
            await self.interpreted.post("/graphql", json=body),
        )

    async def alike(
        self, query: str, variables: dict[str, Any] | None = None, name: str | None = None
    ) -> str:
        """Asserts both answers are the same; returns the path that served the compiled app
        ("refused" for a request refused before any GraphQL work, which says neither)."""
        compiled, interpreted = await self.both(query, variables, name)
        assert interpreted.headers.get("x-execution", "interpreted") == "interpreted"
        where = f"{query}\n{variables}"
        assert compiled.status_code == interpreted.status_code, where
        served = str(compiled.headers.get("x-execution", "refused"))
        if served == "interpreted" and _field_errors_only(interpreted.json()):
            # Both answers come from graphql-core, which stops at the first field error that
            # nulls the whole response: with several, which comes first is a race between
            # concurrent resolvers, so only the kind of answer can be compared.
            assert _field_errors_only(compiled.json()), where
        else:
            assert compiled.json() == interpreted.json(), where
        for header in ("cache-control", "surrogate-key", "content-type"):
            assert compiled.headers.get(header) == interpreted.headers.get(header), where
        return served


def _field_errors_only(answer: dict[str, Any]) -> bool:
    """A response nulled by a field error: no data, and every error has a path."""
    errors = answer.get("errors") or []
    return answer.get("data") is None and bool(errors) and all(e.get("path") for e in errors)


@pytest.fixture(autouse=True)
def compiled_path_never_fails(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The compiled path steps aside for input it does not answer; it never fails on any."""
    yield
    failures = [r for r in caplog.records if r.name == "cms.compiled" and r.levelno >= 40]
    assert not failures, failures[0].exc_text


@pytest.fixture
async def paths(settings: Settings, seed: Seed) -> AsyncIterator[Paths]:
    base = settings.model_copy(update={"response_cache_bytes": 0})
    off = base.model_copy(update={"compiled_queries": False})
    async with app_client(base) as compiled, app_client(off) as interpreted:
        yield Paths(compiled, interpreted)


ARTICLE_FIELDS = """
  __typename id publicId locale slug title lead body plainText readingTimeMinutes
  publishedAt publishedAtLocal updatedAt createdAt scheduledAt views sourceName sourceUrl
  isFeatured seoTitle seoDescription status version isLiveBlog isBreaking isOverdue
"""
MEDIA_FIELDS = """
  __typename id kind mimeType size width height durationSeconds alt caption credit
  dominantColor placeholder originalFilename sourceUrl createdAt
  focalPoint { x y __typename }
  url original: url(width: 500) square: url(width: 700, format: WEBP, aspect: LANDSCAPE)
  srcset jpgs: srcset(format: ORIGINAL, aspect: LANDSCAPE)
  renditions { url width height format aspect bytes __typename }
"""


def _supported(seed: Seed) -> list[tuple[str, dict[str, Any] | None]]:
    """Documents the compiled path answers, each covering something the normal path does."""
    return [
        (operations.HOME, {"first": 20}),
        (operations.ARTICLE, {"slug": seed.slug, "locale": "en"}),
        (operations.CATEGORY, {"slug": "economy", "first": 20, "after": None}),
        (operations.CATEGORY, {"slug": "economy", "first": 3, "after": None}),
        (
            """query Home($locale: String, $after: String) {
              articles(first: 20, locale: $locale, after: $after) {
                totalCount pageInfo { hasNextPage endCursor }
                edges { node {
                  id publicId title slug lead publishedAt publishedAtLocal views
                  category { name slug } cover { url width height alt }
                } }
              } }""",
            {"locale": "ka"},
        ),
        (
            """query Article($slug: String!, $locale: String!) {
              article(slug: $slug, locale: $locale) {
                publicId slug title lead body readingTimeMinutes views
                publishedAt publishedAtLocal updatedAt
                sourceName sourceUrl
                category { name slug }
                tags { name slug }
                authors { name }
                cover { url width height alt caption credit }
                related(first: 5) { title slug publishedAt }
                translations { locale slug title }
              } }""",
            {"slug": seed.slug, "locale": "en"},
        ),
        (
            f"""query Everything($id: String!) {{
              article(publicId: $id) {{
                {ARTICLE_FIELDS}
                category {{ __typename id slug position showInMenu name description
                  en: name(locale: "en") ka: description(locale: "ka")
                  parent {{ slug name }} children {{ slug }} }}
                tags {{ __typename id slug name ka: name(locale: "ka") }}
                authors {{ __typename id name bio }}
                cover {{ {MEDIA_FIELDS} }}
                related(first: 3) {{ title slug tags {{ slug }} category {{ slug }} }}
                none: related(first: 0) {{ slug }}
                translations {{ locale slug title body }}
              }} }}""",
            {"id": seed.public_id},
        ),
        (
            '{ article(slug: $s, locale: "ka") { slug } }'.replace("$s", f'"{seed.georgian_slug}"'),
            None,
        ),
        ('{ article(slug: "old-slug", locale: "en") { slug publicId } }', None),
        ('{ article(slug: "nothing-here") { slug } }', None),
        ('{ article(publicId: "0000000000000") { slug } }', None),
        (
            """fragment Card on Article { id title ...Meta }
            fragment Meta on Article { publishedAt category { slug ... on Category { name } } }
            query Aliased {
              latest: articles(first: 2) { edges { cursor node { ...Card } } }
              english: articles(first: 2, locale: "en", featured: false) {
                nodes { ... on Node { id } ... { slug } __typename }
                __typename pageInfo { __typename hasPreviousPage startCursor }
              }
              __typename
            }""",
            None,
        ),
        (
            """{ articles(first: 5, category: "economy", tag: "wine") { totalCount
                 edges { node {
                   slug skipped: title @skip(if: true) kept: title @include(if: true)
                 } } } }""",
            None,
        ),
        (
            """{ categories(locale: "en", menuOnly: true) { name slug children { name slug } }
                all: categories { slug name(locale: "ka") parent { slug } }
                category(slug: "markets", locale: "en") { name description parent { name } }
                tag(slug: "wine", locale: "en") { id slug name articles(first: 2) { totalCount
                  edges { node { slug tags { name } } } } } }""",
            None,
        ),
        (
            """{ category(slug: "economy") { articles(first: 3) { edges { node {
                 category { slug articles(first: 2, locale: "ka") { totalCount
                   edges { node { slug } } } } } } } } }""",
            None,
        ),
        ('{ category(slug: "none") { slug } tag(slug: "none") { slug } }', None),
    ]


async def test_supported_documents_answer_alike_and_compiled(paths: Paths, seed: Seed) -> None:
    for query, variables in _supported(seed):
        assert await paths.alike(query, variables) == "compiled", query


async def test_feed_pages_walked_by_cursor_answer_alike(paths: Paths) -> None:
    after = None
    for _ in range(4):
        variables = {"slug": "economy", "first": 4, "after": after}
        assert await paths.alike(operations.CATEGORY, variables) == "compiled"
        response = await paths.interpreted.post(
            "/graphql", json={"query": operations.CATEGORY, "variables": variables}
        )
        after = response.json()["data"]["category"]["articles"]["pageInfo"]["endCursor"]


async def test_a_persisted_query_over_get_is_compiled(paths: Paths) -> None:
    operation = operations.home()
    query_string = operation.persisted_query_string()
    for client in (paths.compiled, paths.interpreted):
        await client.post(
            "/graphql",
            json={
                "query": operation.document,
                "variables": operation.variables,
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": _hash(operation)}},
            },
        )
    compiled = await paths.compiled.get(f"/graphql?{query_string}")
    interpreted = await paths.interpreted.get(f"/graphql?{query_string}")
    assert compiled.headers["x-execution"] == "compiled"
    assert compiled.json() == interpreted.json()
    assert compiled.headers["surrogate-key"] == interpreted.headers["surrogate-key"]


def _hash(operation: operations.Operation) -> str:
    import hashlib

    return hashlib.sha256(operation.document.encode()).hexdigest()


BAD_INPUT: list[tuple[str, dict[str, Any] | None]] = [
    (operations.HOME, {"first": "twenty"}),
    (operations.HOME, {"first": 101}),
    (operations.HOME, {}),
    (operations.CATEGORY, {"slug": "economy", "first": 5, "after": "not-a-cursor"}),
    (operations.CATEGORY, {"slug": "economy", "first": 5, "after": "ZmVlZDp4fDE="}),
    (operations.ARTICLE, {"slug": "a\x00b", "locale": "en"}),
    (operations.ARTICLE, {"slug": "any", "locale": "fr"}),
    ("{ articles(first: -1) { totalCount } }", None),
    ('{ articles(category: "nowhere") { totalCount } }', None),
    ('{ articles(tag: "nowhere") { totalCount } }', None),
    ('{ article(slug: "a", publicId: "b") { slug } }', None),
    ("{ article { slug } }", None),
    ('{ article(publicId: "x", previewToken: "forged") { slug } }', None),
    ("{ articles { edges { node { cover { url(format: JPEG) } } } } }", None),
    ("{ articles { edges { node { related(first: 21) { slug } } } } }", None),
    ("{ articles { edges { node { slug } } } liveNow { title } }", None),
    ("{ articles { edges { node { slug authorz } } } }", None),
    ('{ category(slug: "economy") { name(locale: "xx") } }', None),
    ("query A { articles { totalCount } } query B { categories { slug } }", None),
    ("query ($s: Boolean!) { articles { totalCount @include(if: $s) } }", {"s": True}),
    ("{ articles { edges { node { id revisions { version } } } } }", None),
    ("{ __schema { queryType { name } } }", None),
    (
        "{ articles(first: 100) { edges { node { related(first: 20) { related(first: 20) {"
        " slug } } } } } }",
        None,
    ),
    ("{ articles(", None),
]


async def test_bad_input_is_answered_by_the_normal_path_alike(paths: Paths) -> None:
    for query, variables in BAD_INPUT:
        assert await paths.alike(query, variables) != "compiled", query


async def test_an_unknown_operation_name_is_answered_alike(paths: Paths) -> None:
    assert await paths.alike("query A { articles { totalCount } }", None, "B") == "interpreted"


async def test_signed_in_callers_keep_the_normal_path(paths: Paths) -> None:
    response = await paths.compiled.post(
        "/graphql",
        json={"query": operations.HOME, "variables": {"first": 2}},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert response.headers["x-execution"] == "interpreted"


def _with_variables(document: DocumentNode, schema: Any) -> tuple[str, dict[str, Any]]:
    """The document with its root fields' literal arguments sent as variables instead."""
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    root = schema.query_type
    definitions: list[VariableDefinitionNode] = []
    values: dict[str, Any] = {}
    selections = []
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.name.value not in root.fields:
            selections.append(selection)
            continue
        field = root.fields[selection.name.value]
        arguments = []
        for argument in selection.arguments or ():
            name = f"v{len(definitions)}"
            declared = field.args[argument.name.value].type
            definitions.append(
                VariableDefinitionNode(
                    variable=VariableNode(name=NameNode(value=name)),
                    type=_type_node(declared),
                )
            )
            values[name] = value_from_ast_untyped(argument.value)
            arguments.append(
                ArgumentNode(name=argument.name, value=VariableNode(name=NameNode(value=name)))
            )
        selections.append(
            FieldNode(
                alias=selection.alias,
                name=selection.name,
                arguments=tuple(arguments),
                directives=selection.directives,
                selection_set=selection.selection_set,
            )
        )
    rewritten = OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=tuple(definitions),
        directives=operation.directives,
        selection_set=type(operation.selection_set)(selections=tuple(selections)),
    )
    return print_ast(DocumentNode(definitions=(rewritten,))), values


def _type_node(graphql_type: Any) -> NamedTypeNode | ListTypeNode | NonNullTypeNode:
    if isinstance(graphql_type, GraphQLNonNull):
        inner = _type_node(graphql_type.of_type)
        assert not isinstance(inner, NonNullTypeNode)
        return NonNullTypeNode(type=inner)
    if isinstance(graphql_type, GraphQLList):
        return ListTypeNode(type=_type_node(graphql_type.of_type))
    return NamedTypeNode(name=NameNode(value=graphql_type.name))


def _corpus(sdl: str, size: int) -> list[str]:
    """A fixed corpus of generated documents over the compiled root fields."""
    found: list[str] = []

    @hypothesis_settings(
        max_examples=size,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(queries(sdl, fields=sorted(COMPILED["Query"])))
    def collect(document: object) -> None:
        found.append(str(document))

    collect()
    return found


async def test_generated_documents_answer_alike(paths: Paths) -> None:
    from graphql import build_schema

    sdl = SCHEMA_FILE.read_text(encoding="utf-8")
    schema = build_schema(sdl)
    served: Counter[str] = Counter()
    for index, text in enumerate(_corpus(sdl, 200)):
        variables: dict[str, Any] | None = None
        if index % 2:
            text, variables = _with_variables(parse(text), schema)
        served[await paths.alike(text, variables)] += 1
    assert served["compiled"] >= 10, served
