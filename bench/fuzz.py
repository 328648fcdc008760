"""Fuzz the GraphQL API:
`python -m bench.fuzz [--seconds 120 | --examples N] [--seed N] [--database-url URL]`.

Starts our server with production settings on a fresh database seeded with the demo newsroom,
signs in an author, an editor and an admin, then for the given time (or for a fixed number of
operations, which with a seed repeats the same run on any machine, however busy) sends queries
and mutations that hypothesis-graphql generates from `schema/schema.graphql`, each as one of
those or anonymously. A server error is an HTTP 5xx, an answer that is not a GraphQL JSON
response, an error without a message or with the masked "Unexpected error." (an unhandled
exception in our code: its traceback is in the server log), no answer, or a crash. Each distinct
one is printed with the document and variables that reproduce it; the run exits non-zero if
there was any.

Why hypothesis-graphql rather than schemathesis: schemathesis 4 drives hypothesis-graphql
through its own engine (CLI or pytest plugin), whose checks and time limits are its own; here we
need our own verdict (the masked message), four callers, a time or count bound and a live pool
of real ids, which is a few lines around hypothesis-graphql's strategies.
"""

import argparse
import asyncio
import random
import re
import secrets
import sys
import tempfile
import time
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st

from bench.fuzz_documents import Document, Documents
from bench.processes import ROOT, Server
from bench.run import server_env
from cms.db import create_engine, create_sessionmaker
from cms.migrations import upgrade
from cms.models import Role
from cms.seed import seed_demo
from cms.services import users as user_service
from cms.settings import Settings
from schema import UNEXPECTED

LOG = ROOT / "bench" / "data" / "fuzz-server.log"
STAFF = (Role.AUTHOR, Role.EDITOR, Role.ADMIN)
CALLERS = ("anonymous", *(role.value.lower() for role in STAFF))
REQUEST_TIMEOUT = 30.0
HARVEST = """{
  articles(first: 100) {
    edges { node { id publicId slug version tags { id slug } } } pageInfo { endCursor }
  }
  editorialArticles(first: 100) {
    edges { node { id publicId slug version revisions { version } } }
  }
  categories { id slug children { id slug } }
  liveStreams { id slug }
  liveNow { nowPlaying { id } upNext { id } }
  mediaLibrary(first: 100) { edges { node { id } } }
}"""
"""What an editor sees of the seeded content: the pool's first real values."""
LOGIN = """mutation Login($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { token errors { message } }
}"""


class TimeUp(Exception):
    """Ends Hypothesis's loop once the time or the examples are spent (or the server is gone)."""


@dataclass(frozen=True, slots=True)
class Failure:
    problem: str
    caller: str
    document: Document
    status: int | None
    answer: str

    def signature(self) -> tuple[str, tuple[str, ...]]:
        """Failures with one cause share the problem and the operation's root fields."""
        return self.problem, self.document.root_fields


def judge(status: int, body: bytes) -> str | None:
    """What is wrong with an answer, or None when it is a GraphQL response a client can use."""
    if status >= 500:
        return f"HTTP {status}"
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return f"HTTP {status} with a body that is not JSON"
    if not isinstance(payload, dict) or not ({"data", "errors"} & payload.keys()):
        return "a JSON body that is not a GraphQL response"
    errors = payload.get("errors") or []
    if not isinstance(errors, list):
        return "`errors` is not a list"
    for error in errors:
        message = error.get("message") if isinstance(error, dict) else None
        if not isinstance(message, str) or not message.strip():
            return "an error without a message"
        code = (error.get("extensions") or {}).get("code")
        if message == UNEXPECTED or code == "INTERNAL_SERVER_ERROR":
            path = [step for step in error.get("path") or [] if isinstance(step, str)]
            return f"{UNEXPECTED!r} at {'.'.join(path) or 'the operation'}"
    return None


@dataclass
class Run:
    """The server under test, its callers' tokens, and what the run saw."""

    server: Server
    client: httpx.Client
    documents: Documents
    passwords: dict[str, tuple[str, str]]
    tokens: dict[str, str] = field(default_factory=dict)
    sent: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    crashed: bool = False
    seconds: float = 0.0

    def sign_in(self, caller: str) -> None:
        email, password = self.passwords[caller]
        answer = self.client.post(
            "/graphql", json={"query": LOGIN, "variables": {"email": email, "password": password}}
        ).json()
        token = answer["data"]["login"]["token"]
        if not token:
            raise RuntimeError(f"{caller} could not sign in: {answer}")
        self.tokens[caller] = token

    def harvest(self) -> None:
        headers = {"Authorization": f"Bearer {self.tokens['editor']}"}
        answer = self.client.post("/graphql", json={"query": HARVEST}, headers=headers).json()
        if answer.get("errors"):
            raise RuntimeError(f"the harvest query failed: {answer['errors']}")
        self.documents.pool.harvest(answer["data"])

    def send(self, caller: str, document: Document, kind: str) -> None:
        self.sent[caller] += 1
        self.sent[kind] += 1
        token = self.tokens.get(caller)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = {"query": document.text, "variables": document.variables}
        try:
            response = self.client.post("/graphql", json=body, headers=headers)
        except httpx.HTTPError as error:
            self.crashed = self.server.process is None or self.server.process.poll() is not None
            lost = "the server crashed" if self.crashed else f"no answer ({error!r})"
            self.failures.append(Failure(lost, caller, document, None, ""))
            return
        self.statuses[response.status_code] += 1
        problem = judge(response.status_code, response.content)
        if problem is not None:
            text = response.text[:600]
            self.failures.append(Failure(problem, caller, document, response.status_code, text))
            return
        payload = orjson.loads(response.content)
        for refusal in payload.get("errors") or []:
            self.refusals[re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "…", refusal["message"])[:70]] += 1
        self.documents.pool.harvest(payload.get("data"))
        if token and "logout" in document.root_fields:
            self.sign_in(caller)

    def operations(self) -> int:
        return sum(self.sent[caller] for caller in CALLERS)

    def fuzz(self, seconds: float | None, examples: int | None, seed_value: int) -> None:
        """Send generated operations until `seconds` have passed or `examples` were sent."""
        deadline = time.monotonic() + seconds if seconds is not None else None
        documents = self.documents

        def done() -> bool:
            if examples is not None and self.operations() >= examples:
                return True
            return deadline is not None and time.monotonic() >= deadline

        @seed(seed_value)
        @settings(
            max_examples=10**9,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
        )
        @given(st.data())
        def step(data: st.DataObject) -> None:
            caller = data.draw(st.sampled_from(CALLERS), label="caller")
            kind = data.draw(st.sampled_from(["query", "mutation"]), label="kind")
            ast = data.draw(documents.queries if kind == "query" else documents.mutations)
            rng = random.Random(data.draw(st.integers(0, 2**63), label="rng"))
            if self.crashed or done():
                raise TimeUp
            self.send(caller, documents.finish(ast, rng), kind)

        with suppress(TimeUp):
            step()


def _settings(database_url: str | None, folder: Path) -> Settings:
    """Production settings, as a deployment runs (masked errors, no introspection), except
    that failed sign-ins are neither slowed down nor locked out: generated `login`s would
    spend the run waiting, and lock the fuzzer's own address out of signing in again."""
    return Settings(
        _env_file=None,
        env="production",
        secret_key=secrets.token_hex(16),
        database_url=database_url or f"sqlite+aiosqlite:///{folder / 'fuzz.db'}",
        media_root=folder / "media",
        site_url="https://news.example",
        digest_time=None,
        login_slowdown_seconds=0,
        login_lockout_after=10**9,
    )


def _server_env(settings: Settings) -> dict[str, str]:
    """The benchmark's server environment, with the relaxed sign-in limits above."""
    return server_env(settings) | {
        "CMS_DIGEST_TIME": "off",
        "CMS_LOGIN_SLOWDOWN_SECONDS": str(settings.login_slowdown_seconds),
        "CMS_LOGIN_LOCKOUT_AFTER": str(settings.login_lockout_after),
    }


async def _prepare(settings: Settings) -> dict[str, tuple[str, str]]:
    """Migrate, seed the demo newsroom, and create one account per staff role."""
    engine = create_engine(settings)
    suffix = secrets.token_hex(4)
    passwords = {}
    try:
        await upgrade(engine)
        async with create_sessionmaker(engine)() as session:
            await seed_demo(session, settings)
            for role in STAFF:
                caller = role.value.lower()
                email, password = f"fuzz-{caller}-{suffix}@newsroom.example", secrets.token_hex(16)
                await user_service.create_user(
                    session=session, email=email, password=password, role=role
                )
                passwords[caller] = (email, password)
    finally:
        await engine.dispose()
    return passwords


def _report(run: Run, args: argparse.Namespace, database: str) -> None:
    groups: dict[tuple[str, tuple[str, ...]], list[Failure]] = {}
    for failure in run.failures:
        groups.setdefault(failure.signature(), []).append(failure)
    for (problem, fields), found in groups.items():
        shortest = min(found, key=lambda failure: len(failure.document.text))
        print(f"\nFAILURE: {problem} in {', '.join(fields)} ({len(found)}x), as {shortest.caller}:")
        print(shortest.document.text)
        print(f"variables: {orjson.dumps(shortest.document.variables).decode()}")
        if shortest.status is not None:
            print(f"answer (HTTP {shortest.status}): {shortest.answer}")
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(run.statuses.items()))
    callers = ", ".join(f"{caller} {run.sent[caller]}" for caller in CALLERS)
    print(f"\n`python -m bench.fuzz {' '.join(sys.argv[1:])}` on {database}, production settings:")
    print(f"  seed:            {args.seed}")
    print(f"  operations sent: {run.operations()} in {run.seconds:.0f} s")
    print(f"  by kind:         query {run.sent['query']}, mutation {run.sent['mutation']}")
    print(f"  by caller:       {callers}")
    print(f"  by status:       {statuses}")
    print(f"  clear errors:    {run.refusals.total()}, the most frequent:")
    for message, n in run.refusals.most_common(8):
        print(f"    {n:6}  {message}")
    print(f"  failures:        {len(run.failures)} ({len(groups)} distinct)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--seconds", type=float, help="how long to fuzz (default: 120)")
    budget.add_argument("--examples", type=int, help="how many operations to send, however long")
    parser.add_argument("--seed", type=int, default=None, help="Hypothesis seed; random if unset")
    parser.add_argument("--database-url", help="an empty database; default: a fresh SQLite file")
    args = parser.parse_args()
    if args.seconds is None and args.examples is None:
        args.seconds = 120.0
    args.seed = random.randrange(2**32) if args.seed is None else args.seed
    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_bytes(b"")
    with tempfile.TemporaryDirectory(prefix="cms-fuzz-") as folder:
        settings = _settings(args.database_url, Path(folder))
        passwords = asyncio.run(_prepare(settings))
        server = Server("cms", "cms.web.app:create_app", 1, _server_env(settings), log=LOG)
        try:
            server.start()
            with httpx.Client(base_url=server.url, timeout=REQUEST_TIMEOUT) as client:
                run = Run(server, client, Documents(), passwords)
                for caller in passwords:
                    run.sign_in(caller)
                run.harvest()
                started = time.monotonic()
                run.fuzz(args.seconds, args.examples, args.seed)
                run.seconds = time.monotonic() - started
        finally:
            server.stop()
    _report(run, args, re.split(r"[+:]", settings.database_url)[0])
    if run.failures:
        print(f"FAILED: server errors above; tracebacks in {LOG.relative_to(ROOT)}.")
        raise SystemExit(1)
    print("OK: no server errors.")


if __name__ == "__main__":
    main()
