"""A body's searchable text and its sanitising take shortcuts that must change nothing: the text
is read off the sanitiser's output with a regular expression instead of Python's HTML
tokenizer, and bodies without media or `h1` skip the sanitiser's Python pass. Both are checked
against the long way on a fixed number of generated bodies, hostile ones included."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.services.html import _DEMOTED, ALLOWED_TAGS, _clean, _reshape, _src_filter, sanitise_body
from cms.services.text import plain_text, sanitised_text

MEDIA = "/media/"
PIECES = [
    "<p>", "</p>", "<h1>", "</h1>", "<h2 class='x'>", "</h2>", "<blockquote>", "</blockquote>",
    "<ul>", "<li>", "</li>", "</ul>", "<br>", "<br/>", "<figure>", "<figcaption>",
    "</figcaption>", "</figure>", '<a href="https://example.com/?a=1&b=2">', "</a>",
    '<a href="/x" title="a > b">', "<strong>", "</strong>", "<em>", "<b>", "<i>", "</i>",
    '<img src="/media/ab/cd/pic.jpg" alt="a &quot;quoted&quot; > alt">',
    '<img src="https://elsewhere.example/p.jpg">', '<iframe src="https://www.youtube.com/embed/x">',
    "<iframe>fallback <script>alert(1)</script>", "</iframe>", "<script>alert(1)</script>",
    "<style>p{}</style>", "<!-- note -->", "<div>", "</div>", "<span>", "<table><tr><td>",
    "&amp;", "&lt;", "&gt;", "&nbsp;", "&#8212;", "&#x10D0;", "&copy", "&am", "p;", "&",
    "<", ">", "<<p>", "a < b", '"', "'", " ", "  ", "\n", "\t", "\r\n", "Word", "სიტყვა",
    "Ünïcode", "\u00a0", "\u2028",
]  # fmt: skip
bodies = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _three_steps(html: str) -> str:
    """The sanitiser as it was, the Python pass always taken."""
    keep = _src_filter(MEDIA, frozenset({"www.youtube.com"}))
    first = _clean(html, ALLOWED_TAGS | frozenset(_DEMOTED), keep)
    return _clean(_reshape(first), ALLOWED_TAGS, keep)


@settings(max_examples=600, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(bodies)
def test_a_sanitised_body_reads_as_the_same_text(html: str) -> None:
    body = sanitise_body(html, media_url_prefix=MEDIA, embed_hosts=frozenset({"www.youtube.com"}))

    assert sanitised_text(body) == plain_text(body)


@settings(max_examples=600, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(bodies)
def test_skipping_the_python_pass_changes_no_body(html: str) -> None:
    body = sanitise_body(html, media_url_prefix=MEDIA, embed_hosts=frozenset({"www.youtube.com"}))

    assert body == _three_steps(html)


def test_text_keeps_blocks_on_their_own_lines_and_unescapes_once() -> None:
    body = sanitise_body(
        "<h2>Markets</h2><p>Lari &amp; dollar:  <b>up</b>&nbsp;2%</p><p>&amp;lt; stays</p>",
        media_url_prefix=MEDIA,
    )

    assert sanitised_text(body) == "Markets\nLari & dollar: up 2%\n&lt; stays"


def test_every_unicode_space_and_only_those_separate_words() -> None:
    spaces = [chr(c) for c in range(0x110000) if re.fullmatch(r"\s", chr(c)) and c != ord("\n")]
    others = ["\u200b", "\u2060", "\ufeff", "_", "-"]

    for space in spaces:
        assert plain_text(f"<p>one{space}{space}two</p>") == "one two"
    for other in others:
        assert plain_text(f"<p>one{other}two</p>") == f"one{other}two"
    assert all(
        (len(f"a{chr(c)}b".split()) == 2) == bool(re.fullmatch(r"\s", chr(c)))
        for c in range(0x110000)
    )
