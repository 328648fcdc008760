"""The fuzzing script (`python -m bench.fuzz`) works: a short run with a fixed seed and a fixed
number of operations (not a time window, which a busy machine may spend before sending any) sends
generated operations to a real server and passes, and its verdict tells a server error from a
clear refusal. The long runs are recorded in SECURITY.md."""

import re
import subprocess
import sys

import orjson
import pytest

from bench.fuzz import judge
from tests.live_server import ROOT


def test_a_short_fuzzing_run_sends_queries_and_mutations_and_finds_no_server_error() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench.fuzz", "--examples", "30", "--seed", "2026"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.rstrip().endswith("OK: no server errors.")
    kinds = re.search(r"by kind: +query (\d+), mutation (\d+)", run.stdout)
    assert kinds is not None, run.stdout
    assert int(kinds[1]) > 0
    assert int(kinds[2]) > 0
    assert int(kinds[1]) + int(kinds[2]) == 30


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b"Internal Server Error"),
        (502, orjson.dumps({"data": None})),
        (200, b"<html>oops</html>"),
        (200, orjson.dumps(["not", "a", "response"])),
        (200, orjson.dumps({"data": None, "errors": [{"message": ""}]})),
        (200, orjson.dumps({"data": None, "errors": [{"message": "Unexpected error."}]})),
    ],
)
def test_the_verdict_counts_these_answers_as_server_errors(status: int, body: bytes) -> None:
    assert judge(status, body) is not None


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, orjson.dumps({"data": {"article": None}})),
        (
            200,
            orjson.dumps(
                {"data": None, "errors": [{"message": "Give exactly one of `publicId` or `slug`."}]}
            ),
        ),
        (400, orjson.dumps({"errors": [{"message": "Syntax Error: Unexpected Name 'x'."}]})),
    ],
)
def test_the_verdict_accepts_data_and_clear_errors(status: int, body: bytes) -> None:
    assert judge(status, body) is None
