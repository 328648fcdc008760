"""Article bodies keep their structure and lose everything that could run in a reader's browser."""

from html.parser import HTMLParser

import nh3
import pytest

from cms.services.html import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    DEFAULT_EMBED_HOSTS,
    LINK_REL,
    URL_SCHEMES,
    BodyFormat,
    markdown_to_html,
    prepare_body,
    sanitise_body,
)

MEDIA = "https://cms.example.ge/media/"
YOUTUBE = "https://www.youtube.com/embed/dQw4w9WgXcQ"


def clean(html: str, **options: frozenset[str]) -> str:
    return sanitise_body(html, media_url_prefix=MEDIA, **options)


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


def markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


def squeezed(url: str) -> str:
    return "".join(char for char in url if char > " ").lower()


def test_keeps_the_structure_of_an_article() -> None:
    body = (
        "<p>Lead with <strong>bold</strong>, <b>b</b>, <em>em</em> and <i>i</i>.<br>Next.</p>"
        "<h2>Sub</h2><h3>Subsub</h3><h4>Minor</h4>"
        "<blockquote><p>A quote.</p></blockquote>"
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>"
        '<p><a href="https://nbg.gov.ge/en">NBG</a> <a href="mailto:desk@example.ge">mail</a></p>'
        f'<figure><img src="{MEDIA}2025/wine.jpg" alt="Vineyard" width="800" height="600">'
        "<figcaption>Kakheti</figcaption></figure>"
    )

    out = clean(body)

    assert out == (
        "<p>Lead with <strong>bold</strong>, <b>b</b>, <em>em</em> and <i>i</i>.<br>Next.</p>"
        "<h2>Sub</h2><h3>Subsub</h3><h4>Minor</h4>"
        "<blockquote><p>A quote.</p></blockquote>"
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>"
        '<p><a href="https://nbg.gov.ge/en" rel="noopener noreferrer">NBG</a> '
        '<a href="mailto:desk@example.ge" rel="noopener noreferrer">mail</a></p>'
        f'<figure><img src="{MEDIA}2025/wine.jpg" alt="Vineyard" width="800" height="600">'
        "<figcaption>Kakheti</figcaption></figure>"
    )


def test_links_get_noopener_and_lose_other_attributes() -> None:
    out = clean('<a href="https://example.ge" rel="opener" target="_blank" id="x">x</a>')

    assert out == '<a href="https://example.ge" rel="noopener noreferrer">x</a>'


def test_links_with_other_schemes_lose_their_href() -> None:
    assert clean('<a href="ftp://example.ge/f">file</a>') == '<a rel="noopener noreferrer">file</a>'


def test_h1_becomes_a_sub_heading() -> None:
    assert (
        clean("<h1>Pasted <em>title</em></h1><p>x</p>") == "<h2>Pasted <em>title</em></h2><p>x</p>"
    )


def test_other_elements_are_stripped_but_their_text_kept() -> None:
    out = clean('<div class="x"><span style="color:red">Hi</span> <u>there</u></div><h5>small</h5>')

    assert out == "Hi theresmall"


def test_script_and_style_content_is_dropped() -> None:
    assert clean("<p>a</p><script>steal()</script><style>p{}</style><p>b</p>") == "<p>a</p><p>b</p>"


def test_text_stays_escaped() -> None:
    assert clean("<p>5 &lt; 6 &amp; 7 &gt; 3</p>") == "<p>5 &lt; 6 &amp; 7 &gt; 3</p>"


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    f'<img src="{MEDIA}a.jpg" onerror="alert(1)">',
    f'<img src="{MEDIA}a.jpg" alt="x&quot; onerror=&quot;alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="javascript&#0000058alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="java&NewLine;script:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href=" \x01 javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zy8+">',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe src=javascript:alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    f'<iframe src="{YOUTUBE}" onload="alert(1)"></iframe>',
    f'<iframe src="{YOUTUBE}"><script>alert(1)</script></iframe>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    "<style>@import 'javascript:alert(1)';</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    '<form action="javascript:alert(1)"><button formaction="javascript:x">go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    '<a href="#" onclick="alert(1)" onmouseover=alert(1)>x</a>',
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_neutralised(payload: str) -> None:
    out = clean(payload)

    assert "<script" not in out.lower()
    assert "javascript:" not in squeezed(out)
    found = markup(out)
    assert found.tags <= ALLOWED_TAGS
    for name, value in found.attributes:
        assert not name.startswith("on")
        assert not squeezed(value).startswith(("javascript:", "data:", "vbscript:"))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitised_output_is_a_fixed_point(payload: str) -> None:
    out = clean(payload)

    assert clean(out) == out
    again = nh3.clean(
        out,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )
    assert again == out


@pytest.mark.parametrize("host", sorted(DEFAULT_EMBED_HOSTS))
def test_embeds_from_allowed_hosts_survive(host: str) -> None:
    embed = f'<iframe src="https://{host}/embed/1" width="560" height="315" title="Clip" '

    assert clean(embed + "allowfullscreen></iframe>") == (
        f'<iframe src="https://{host}/embed/1" width="560" height="315" title="Clip" '
        'allowfullscreen=""></iframe>'
    )


@pytest.mark.parametrize(
    "src",
    [
        "https://evil.example/embed/1",
        "http://www.youtube.com/embed/1",
        "//www.youtube.com/embed/1",
        "https://youtube.com/embed/1",
        "https://www.youtube.com.evil.example/embed/1",
        "https://www.youtube.com@evil.example/embed/1",
        "https://evil.example\\@www.youtube.com/embed/1",
        "https://www.youtube.com:8443/embed/1",
        "https://www.you tube.com/embed/1",
        "/embed/1",
    ],
)
def test_embeds_from_other_hosts_are_dropped(src: str) -> None:
    out = clean(f'<p>before</p><iframe src="{src}">fallback</iframe><p>after</p>')

    assert out == "<p>before</p><p>after</p>"


def test_embed_hosts_can_be_chosen() -> None:
    body = f'<iframe src="https://embed.example.ge/v/1"></iframe><iframe src="{YOUTUBE}"></iframe>'

    out = clean(body, embed_hosts=frozenset({"Embed.Example.ge"}))

    assert out == '<iframe src="https://embed.example.ge/v/1"></iframe>'


def test_embed_fallback_content_is_dropped() -> None:
    out = clean(f'<iframe src="{YOUTUBE}"><p>Your browser <b>cannot</b></p></iframe><p>x</p>')

    assert out == f'<iframe src="{YOUTUBE}"></iframe><p>x</p>'


@pytest.mark.parametrize(
    "src",
    [
        "https://evil.example/media/a.jpg",
        "https://cms.example.ge/media-other/a.jpg",
        "https://cms.example.ge/static/a.jpg",
        "https://cms.example.ge/media/../admin/logout",
        "https://cms.example.ge/media/%2e%2e/admin/logout",
        "https://cms.example.ge/media/a b.jpg",
        "/media/a.jpg",
        "a.jpg",
    ],
)
def test_images_from_elsewhere_are_dropped(src: str) -> None:
    out = clean(f'<figure><img src="{src}" alt="x"><figcaption>c</figcaption></figure>')

    assert out == "<figure><figcaption>c</figcaption></figure>"


def test_own_media_prefix_may_be_relative_and_lack_a_slash() -> None:
    body = '<img src="/media/a.jpg" alt="a"><img src="/media-x/b.jpg">'

    assert sanitise_body(body, media_url_prefix="/media") == '<img src="/media/a.jpg" alt="a">'


@pytest.mark.parametrize("prefix", ["", "/", "//"])
def test_a_media_prefix_must_not_be_the_site_root(prefix: str) -> None:
    with pytest.raises(ValueError, match="media_url_prefix"):
        sanitise_body("<p>x</p>", media_url_prefix=prefix)


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("## Heading", "<h2>Heading</h2>\n"),
        ("> quote", "<blockquote>\n<p>quote</p>\n</blockquote>\n"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"),
        ("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n"),
        ("**b** *i*", "<p><strong>b</strong> <em>i</em></p>\n"),
        ("[NBG](https://nbg.gov.ge)", '<p><a href="https://nbg.gov.ge">NBG</a></p>\n'),
        ("| a |\n|---|\n| 1 |", "<p>| a |\n|---|\n| 1 |</p>\n"),
    ],
)
def test_markdown_becomes_html(markdown: str, html: str) -> None:
    assert markdown_to_html(markdown) == html


def test_markdown_bodies_are_sanitised() -> None:
    source = (
        "# Title\n\n## Heading\n\n> quote\n\n- item\n\n"
        "[NBG](https://nbg.gov.ge) [bad](javascript:alert(1)) <b onclick=x>raw</b>\n\n"
        "<script>alert(1)</script>\n\n"
        f"![Vineyard]({MEDIA}wine.jpg) ![tracker](https://evil.example/p.gif)"
    )

    out = prepare_body(source, BodyFormat.MARKDOWN, media_url_prefix=MEDIA)

    assert out == (
        "<h2>Title</h2>\n<h2>Heading</h2>\n<blockquote>\n<p>quote</p>\n</blockquote>\n"
        "<ul>\n<li>item</li>\n</ul>\n"
        '<p><a href="https://nbg.gov.ge" rel="noopener noreferrer">NBG</a> '
        "[bad](javascript:alert(1)) <b>raw</b></p>\n\n"
        f'<p><img src="{MEDIA}wine.jpg" alt="Vineyard"> </p>\n'
    )


def test_html_bodies_are_only_sanitised() -> None:
    out = prepare_body("## not markdown<p>x</p>", BodyFormat.HTML, media_url_prefix=MEDIA)

    assert out == "## not markdown<p>x</p>"
