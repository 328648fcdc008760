"""Secrets never leave: password hashes, tokens and subscribers' addresses appear in no public
type, argument, response, feed or error, and authors' addresses are not public.

Two proofs. By name: the schema, read by introspection, offers anonymous callers no field,
argument or input field named like a secret beyond the few a caller sends or gets about
themselves, and no JSON field that could carry anything. By value: with accounts of known
passwords and tokens and a subscriber of a known address, every field anonymous callers can
reach is queried (the documents are generated from the schema, so a new field is queried too),
with the feeds, the HTTP endpoints and the errors; then revisions and the audit log as staff.
None of the secret values appears in any answer.
"""

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_client_schema,
    get_introspection_query,
    get_named_type,
    is_leaf_type,
    is_required_argument,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import GlobalID

from cms.models import ArticleStatus, Role, User, WebhookEndpoint
from cms.services.auth import token_digest
from cms.services.authors import profile_for_user
from cms.services.passwords import hash_password
from cms.web.app import create_app
from tests.builders import (
    make_article,
    make_category,
    make_media,
    make_slot,
    make_stream,
    make_tag,
    make_token,
    make_user,
)
from tests.conftest import Gql, Mailroom

PASSWORD = "correct horse battery staple"
SUBSCRIBER = "reader.secret@example.org"
SECRET_NAME = re.compile(r"password|passwd|hash|token|secret|e_?mail|salt", re.IGNORECASE)
STAFF_ONLY = {
    ("Query", "editorialArticles"),
    ("Query", "auditLog"),
    ("Query", "mediaLibrary"),
    ("Query", "newsletterSubscribers"),
    ("Query", "webhookEndpoints"),
    ("Query", "webhookDeliveries"),
    ("Query", "staff"),
    ("Article", "revisions"),
    ("Media", "usages"),
}
"""Fields refused to anonymous callers (`test_staff_fields_refuse_anonymous_callers` shows it);
the walk does not enter them. Every mutation but the public ones is refused as well (the
permission matrix test)."""
PUBLIC_MUTATIONS = {"login", "logout", "recordView", "subscribeNewsletter"}
ALLOWED_NAMES = {
    ("LoginInput", "email"): "what the caller signs in with",
    ("LoginInput", "password"): "what the caller signs in with",
    ("LoginPayload", "token"): "the caller's own new session, after the right password",
    ("Me", "email"): "the caller's own address (`me`, or `login` with the right password)",
    ("SubscribeNewsletterInput", "email"): "the address the caller subscribes",
    ("StaffMember", "email"): "a `node` of staff is null for everyone but admins",
    ("Query.article", "previewToken"): "a token the caller was given for one draft",
}
"""Names like a secret that anonymous callers meet, each only about themselves or sent by them."""


def anonymous_roots(schema: GraphQLSchema) -> list[tuple[GraphQLObjectType, set[str] | None]]:
    """The query and subscription roots, and the public mutations."""
    assert schema.query_type
    assert schema.subscription_type
    assert schema.mutation_type
    return [
        (schema.query_type, None),
        (schema.subscription_type, None),
        (schema.mutation_type, PUBLIC_MUTATIONS),
    ]


def reachable(
    schema: GraphQLSchema, roots: list[tuple[GraphQLObjectType, set[str] | None]]
) -> Iterator[tuple[str, str, GraphQLNamedType]]:
    """`(owner, name, type)` of every field, argument and input field reachable from `roots`
    (all fields of a root when its set is None), past staff fields."""
    seen: set[str] = set()
    pending: list[GraphQLNamedType] = []
    for root, only in roots:
        for name, root_field in root.fields.items():
            if only is None or name in only:
                yield from _field(root.name, name, root_field, pending)
    while pending:
        named = pending.pop()
        if named.name in seen:
            continue
        seen.add(named.name)
        if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
            for name, member in named.fields.items():
                if (named.name, name) not in STAFF_ONLY:
                    yield from _field(named.name, name, member, pending)
        if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
            pending.extend(schema.get_possible_types(named))
        if isinstance(named, GraphQLInputObjectType):
            for name, input_field in named.fields.items():
                inner = get_named_type(input_field.type)
                yield named.name, name, inner
                pending.append(inner)


def _field(
    owner: str, name: str, member: GraphQLField, pending: list[GraphQLNamedType]
) -> Iterator[tuple[str, str, GraphQLNamedType]]:
    if (owner, name) in STAFF_ONLY:
        return
    named = get_named_type(member.type)
    yield owner, name, named
    pending.append(named)
    for argument_name, argument in member.args.items():
        argument_type = get_named_type(argument.type)
        yield f"{owner}.{name}", argument_name, argument_type
        pending.append(argument_type)


async def introspected(gql: Gql) -> GraphQLSchema:
    result = await gql(get_introspection_query(descriptions=False))
    assert result.errors is None
    return build_client_schema(result.data)


async def test_no_public_field_argument_or_input_is_named_like_a_secret(gql: Gql) -> None:
    schema = await introspected(gql)

    named_like_secrets = {
        (owner, name)
        for owner, name, _ in reachable(schema, anonymous_roots(schema))
        if SECRET_NAME.search(name)
    }

    assert named_like_secrets == set(ALLOWED_NAMES)


async def test_no_public_field_is_free_form_json(gql: Gql) -> None:
    schema = await introspected(gql)

    free_form = {
        (owner, name)
        for owner, name, kind in reachable(schema, anonymous_roots(schema))
        if kind.name == "JSON"
    }

    assert free_form == set()


async def test_staff_fields_refuse_anonymous_callers(session: AsyncSession, gql: Gql) -> None:
    article = await make_article(session, cover_id=(await make_media(session)).id)
    await session.commit()
    documents = {
        ("Query", "editorialArticles"): "{ editorialArticles { totalCount } }",
        ("Query", "auditLog"): "{ auditLog { id } }",
        ("Query", "mediaLibrary"): "{ mediaLibrary { totalCount } }",
        ("Query", "newsletterSubscribers"): "{ newsletterSubscribers { totalCount } }",
        ("Query", "staff"): "{ staff { totalCount } }",
        ("Query", "webhookEndpoints"): "{ webhookEndpoints { url } }",
        ("Query", "webhookDeliveries"): "{ webhookDeliveries(endpoint: 1) { totalCount } }",
        ("Article", "revisions"): "query A($p: String) { article(publicId: $p) { revisions "
        "{ version } } }",
        ("Media", "usages"): "query A($p: String) { article(publicId: $p) { cover { usages "
        "{ articles { title } } } } }",
    }
    assert set(documents) == STAFF_ONLY

    codes = {}
    for key, document in documents.items():
        result = await gql(document, {"p": article.public_id})
        assert result.errors is not None, key
        codes[key] = result.errors[0].extensions["code"]  # type: ignore[index]

    assert set(codes.values()) == {"UNAUTHENTICATED"}


@dataclass
class Newsroom:
    """Known secrets, and the ids of everything public, for the queries below."""

    secrets: dict[str, str] = field(default_factory=dict)
    author_emails: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    editor: User | None = None
    admin: User | None = None
    editor_token: str = ""
    admin_token: str = ""


async def _staff(session: AsyncSession, newsroom: Newsroom, role: Role, key: str) -> User:
    password_hash = hash_password(PASSWORD)
    user = await make_user(
        session,
        email=f"{key}.secret@newsroom.example",
        display_name=f"{key.title()} Byline",
        role=role,
        password_hash=password_hash,
        bio=f"{key} writes.",
    )
    token = await make_token(session, user)
    newsroom.secrets |= {
        f"{key} password hash": password_hash,
        f"{key} token": token,
        f"{key} token digest": token_digest(token),
    }
    newsroom.author_emails.append(user.email)
    if role is Role.EDITOR:
        newsroom.editor, newsroom.editor_token = user, token
    if role is Role.ADMIN:
        newsroom.admin, newsroom.admin_token = user, token
    return user


@pytest.fixture
async def newsroom(session: AsyncSession, mailroom: Mailroom) -> Newsroom:
    newsroom = Newsroom(secrets={"password": PASSWORD, "subscriber email": SUBSCRIBER})
    author = await _staff(session, newsroom, Role.AUTHOR, "author")
    await _staff(session, newsroom, Role.EDITOR, "editor")
    await _staff(session, newsroom, Role.ADMIN, "admin")
    category = await make_category(session, slug="economy")
    tag = await make_tag(session, slug="wine")
    cover = await make_media(session)
    stream = await make_stream(session, slug="tv-live", is_primary=True, poster_id=cover.id)
    slot = await make_slot(session, stream)
    article = await make_article(
        session,
        title="Wine exports",
        category_id=category.id,
        cover_id=cover.id,
        tags=[tag],
        authors=[author],
        created_by_id=author.id,
    )
    await make_article(
        session, category_id=category.id, tags=[tag], authors=[author], created_by_id=author.id
    )
    draft = await make_article(
        session, status=ArticleStatus.DRAFT, authors=[author], created_by_id=author.id
    )
    hook = WebhookEndpoint(
        url="https://hooks.example/cms", events=["article.published"], secret="whsec_known1234"
    )
    session.add(hook)
    newsroom.secrets["webhook secret"] = hook.secret
    byline = await profile_for_user(session, author, ("en",))
    await session.commit()
    assert author.id is not None
    newsroom.ids = {
        "webhook": str(hook.id),
        "author": byline.slug,
        "article": article.public_id,
        "draft": draft.public_id,
        "category": category.slug,
        "tag": tag.slug,
        "channel": stream.slug,
        "date": datetime.now(UTC).astimezone(mailroom.settings.zone).date().isoformat(),
        "Article": str(GlobalID("Article", article.public_id)),
        "Draft": str(GlobalID("Article", draft.public_id)),
        "Author": str(GlobalID("Author", str(byline.id))),
        "Media": str(GlobalID("Media", str(cover.id))),
        "LiveStream": str(GlobalID("LiveStream", str(stream.id))),
        "ProgrammeSlot": str(GlobalID("ProgrammeSlot", str(slot.id))),
        "User": str(GlobalID("User", str(author.id))),
        "NewsletterSubscriber": str(GlobalID("NewsletterSubscriber", "1")),
    }
    return newsroom


@pytest.fixture
async def web(mailroom: Mailroom, newsroom: Newsroom) -> AsyncIterator[httpx.AsyncClient]:
    """The app, over HTTP, with query limits out of the way of documents that select all."""
    settings = mailroom.settings.model_copy(
        update={
            "max_query_tokens": 10**6,
            "max_query_depth": 50,
            "max_query_aliases": 10**4,
            "max_query_cost": 10**9,
            "max_body_bytes": 10**7,
        }
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="https://news.example") as client:
        yield client
    await app.state.engine.dispose()


ARGUMENTS = {
    ("Query", "node"): 'id: "{Article}"',
    ("Query", "article"): 'publicId: "{article}"',
    ("Query", "category"): 'slug: "{category}"',
    ("Query", "tag"): 'slug: "{tag}"',
    ("Query", "author"): 'slug: "{author}"',
    ("Query", "schedule"): 'channel: "{channel}", date: "{date}"',
    ("Query", "search"): 'query: "wine"',
    ("Query", "webhookDeliveries"): "endpoint: {webhook}",
}
"""Values for the required arguments of the fields the generated documents select."""
DEPTH = 5


@dataclass
class Generator:
    """Writes documents that select every field of a type down to a depth, with the arguments
    above, and remembers which fields it selected."""

    schema: GraphQLSchema
    ids: dict[str, str]
    staff: bool = False
    selected: set[tuple[str, str]] = field(default_factory=set)

    def selection(self, named: GraphQLNamedType, depth: int = DEPTH, alias: str = "") -> str:
        """Fields of `named`; inside a fragment on one of an interface's types they carry an
        alias, as fields of one name may have different types."""
        if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
            fragments = [
                f"... on {kind.name} {{ {self.selection(kind, depth, alias=kind.name)} }}"
                for kind in self.schema.get_possible_types(named)
            ]
            if isinstance(named, GraphQLInterfaceType):
                self.selected.update((named.name, name) for name in named.fields)
            return "__typename " + " ".join(fragments)
        assert isinstance(named, GraphQLObjectType)
        parts = []
        for name, member in named.fields.items():
            if (named.name, name) in STAFF_ONLY and not self.staff:
                continue
            part = self.call(named.name, name, member, depth)
            if part:
                parts.append(f"{alias}_{name}: {part}" if alias else part)
        return " ".join(parts) or "__typename"

    def call(self, owner: str, name: str, member: GraphQLField, depth: int) -> str:
        arguments = ARGUMENTS.get((owner, name), "").format(**self.ids)
        required = [a for a, arg in member.args.items() if is_required_argument(arg)]
        assert all(a in arguments for a in required), f"{owner}.{name} needs {required}"
        call = f"{name}({arguments})" if arguments else name
        inner = get_named_type(member.type)
        if not is_leaf_type(inner):
            if depth <= 0:
                return ""
            call += f" {{ {self.selection(inner, depth - 1)} }}"
        self.selected.add((owner, name))
        return call

    def documents(self) -> dict[str, str]:
        """One document per root query field, everything below it `DEPTH` levels deep: the
        public fields; for staff, the staff fields and the article feed (with revisions)."""
        query = self.schema.query_type
        assert query is not None
        if self.staff:
            wanted = [name for owner, name in sorted(STAFF_ONLY) if owner == "Query"]
            wanted = [n for n in wanted if n not in ("newsletterSubscribers", "staff")]
            wanted.append("articles")
        else:
            wanted = [name for name in query.fields if ("Query", name) not in STAFF_ONLY]
        return {
            name: f"{{ {self.call('Query', name, query.fields[name], DEPTH)} }}" for name in wanted
        }


def leaked(body: str, secrets: dict[str, str]) -> list[str]:
    return [what for what, value in secrets.items() if value.lower() in body.lower()]


async def _post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, token: str = ""
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )


async def _activity(client: httpx.AsyncClient, newsroom: Newsroom) -> list[httpx.Response]:
    """What readers and staff do that writes logs and revisions: sign in (rightly and wrongly),
    subscribe twice, edit, create an account. Returns the answers anonymous callers got."""
    subscribe = (
        'mutation S($e: String!) { subscribeNewsletter(input: {email: $e, locale: "en"}) '
        "{ message errors { message } } }"
    )
    login = (
        "mutation L($e: String!, $p: String!) { login(input: {email: $e, password: $p}) "
        "{ token user { email } errors { message } } }"
    )
    answers = [
        await _post(client, subscribe, {"e": SUBSCRIBER}),
        await _post(client, subscribe, {"e": SUBSCRIBER.upper()}),
        await _post(client, login, {"e": newsroom.author_emails[0], "p": "wrong password!"}),
        await _post(client, login, {"e": SUBSCRIBER, "p": PASSWORD}),
    ]
    signed_in = await _post(client, login, {"e": newsroom.author_emails[0], "p": PASSWORD})
    client.cookies.clear()  # the rest is asked anonymously again
    newsroom.secrets["login token"] = signed_in.json()["data"]["login"]["token"]
    newsroom.secrets["login token digest"] = token_digest(newsroom.secrets["login token"])
    edit = (
        'mutation U($id: String!) { updateArticle(input: {id: $id, version: 1, lead: "New"}) '
        "{ errors { message } } }"
    )
    edited = await _post(client, edit, {"id": newsroom.ids["article"]}, newsroom.editor_token)
    assert edited.json()["data"]["updateArticle"]["errors"] == []
    create_user = (
        'mutation { createUser(input: {email: "new.secret@newsroom.example", password: '
        f'"{PASSWORD}", role: AUTHOR}}) {{ errors {{ message }} }} }}'
    )
    created = await _post(client, create_user, token=newsroom.admin_token)
    assert created.json()["data"]["createUser"]["errors"] == []
    return answers


async def test_no_secret_reaches_an_anonymous_caller(
    web: httpx.AsyncClient, newsroom: Newsroom, gql: Gql
) -> None:
    schema = await introspected(gql)
    answers = await _activity(web, newsroom)
    public_secrets = newsroom.secrets | {
        f"author email {n}": email for n, email in enumerate(newsroom.author_emails)
    }
    generator = Generator(schema, newsroom.ids)

    for name, document in generator.documents().items():
        response = await _post(web, document)
        assert "errors" not in response.json(), (name, response.json()["errors"])
        answers.append(response)
    every_node = generator.selection(schema.get_type("Node"))  # type: ignore[arg-type]
    for kind in ("Article", "Draft", "Author", "Media", "LiveStream", "ProgrammeSlot"):
        answers.append(
            await _post(web, f'{{ node(id: "{newsroom.ids[kind]}") {{ {every_node} }} }}')
        )
    for kind in ("User", "NewsletterSubscriber"):
        answers.append(await _post(web, f'{{ node(id: "{newsroom.ids[kind]}") {{ id }} }}'))
    for refused in (
        "{ editorialArticles { totalCount } }",
        "{ auditLog { details } }",
        "{ newsletterSubscribers { edges { node { email } } } }",
        "{ webhookEndpoints { url } }",
        f'{{ article(publicId: "{newsroom.ids["article"]}") {{ revisions {{ content }} }} }}',
        f'{{ article(publicId: "{newsroom.ids["draft"]}", previewToken: "forged") {{ id }} }}',
        "{ article { passwordHash } author { email } }",
    ):
        answers.append(await _post(web, refused))
    for path in (
        "/feeds/en.xml",
        "/feeds/ka.xml",
        f"/feeds/en/{newsroom.ids['category']}.xml",
        f"/feeds/en/authors/{newsroom.ids['author']}.xml",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/newsletter/subscribers.csv",
        "/newsletter/confirm?token=forged",
        "/newsletter/unsubscribe?token=forged",
        "/healthz",
    ):
        answers.append(await web.get(path))

    query_fields = {
        (owner, name)
        for owner, name, _ in reachable(schema, [(schema.query_type, None)])  # type: ignore[list-item]
        if "." not in owner and not isinstance(schema.get_type(owner), GraphQLInputObjectType)
    }
    assert query_fields - generator.selected == set()
    unexpected = {(r.url.path, r.status_code) for r in answers if r.status_code >= 500}
    assert unexpected == set()
    assert "Wine exports" in "".join(response.text for response in answers)
    for response in answers:
        assert leaked(response.text, public_secrets) == [], response.text
        assert leaked(str(response.headers), public_secrets) == []


async def test_revisions_and_audit_entries_hold_no_secret(
    web: httpx.AsyncClient, newsroom: Newsroom, gql: Gql
) -> None:
    schema = await introspected(gql)
    await _activity(web, newsroom)
    staff = Generator(schema, newsroom.ids, staff=True)

    answers = [
        await _post(web, document, token=newsroom.admin_token)
        for document in staff.documents().values()
    ]
    answers += [
        await _post(web, document, token=newsroom.editor_token)
        for name, document in staff.documents().items()
        if name not in ("auditLog", "webhookEndpoints", "webhookDeliveries")
    ]
    export = await web.get(
        "/newsletter/subscribers.csv", headers={"authorization": f"Bearer {newsroom.admin_token}"}
    )

    assert {("Article", "revisions"), ("AuditEntry", "details")} <= staff.selected
    body = "".join(response.text for response in answers)
    assert '"changedFields":[' in body
    assert "user.login" in body
    assert "user.create" in body
    for response in answers:
        assert "errors" not in response.json(), response.json()["errors"]
        assert leaked(response.text, newsroom.secrets) == [], response.text
    assert SUBSCRIBER in export.text
    without_addresses = {k: v for k, v in newsroom.secrets.items() if k != "subscriber email"}
    assert leaked(export.text, without_addresses) == []


async def test_a_failed_statement_does_not_carry_the_values_it_was_given(
    session: AsyncSession,
) -> None:
    taken = await make_user(session, email="nino.secret@newsroom.example")
    password_hash = hash_password(PASSWORD)
    session.add(User(email=taken.email, display_name="Twin", password_hash=password_hash))

    with pytest.raises(IntegrityError) as failed:
        await session.flush()

    assert "parameters hidden" in str(failed.value)
    assert password_hash not in str(failed.value)
