"""WordPress exports (WXR) written by the tests, in the shapes WordPress versions produce.

WXR 1.0 (WordPress 2.x) and 1.1 (3.0 up to 3.3) differ from 1.2 (3.4 on) in the namespace of
the `wp:` elements, and 1.0 has no `<wp:author>` entries, only `dc:creator` on each item.
"""

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

SITE = "https://old.example"


@dataclass
class Post:
    post_id: int
    title: str
    content: str = "<p>Text.</p>"
    name: str = ""
    status: str = "publish"
    date_gmt: str = "2019-03-01 10:00:00"
    date_local: str = "2019-03-01 14:00:00"
    creator: str = "nino"
    excerpt: str = ""
    post_type: str = "post"
    link: str = ""
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    language: str = ""
    translations: str = ""
    meta: dict[str, str | list[str]] = field(default_factory=dict)
    attachment_url: str = ""


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _item(post: Post) -> str:
    terms = [f'<category domain="category" nicename="{c}">{c}</category>' for c in post.categories]
    terms += [f'<category domain="post_tag" nicename="{t}">{t}</category>' for t in post.tags]
    if post.language:
        terms.append(
            f'<category domain="language" nicename="{post.language}">{post.language}</category>'
        )
    if post.translations:
        terms.append(f'<category domain="post_translations" nicename="{post.translations}">'
                     f"{post.translations}</category>")  # fmt: skip
    metas = []
    for key, values in post.meta.items():
        for value in [values] if isinstance(values, str) else values:
            metas.append(
                f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key>"
                f"<wp:meta_value>{_cdata(value)}</wp:meta_value></wp:postmeta>"
            )
    link = post.link or f"{SITE}/?p={post.post_id}"
    return f"""
    <item>
      <title>{escape(post.title)}</title>
      <link>{escape(link)}</link>
      <pubDate>Fri, 01 Mar 2019 10:00:00 +0000</pubDate>
      <dc:creator>{_cdata(post.creator)}</dc:creator>
      <guid isPermaLink="false">{SITE}/?p={post.post_id}</guid>
      <content:encoded>{_cdata(post.content)}</content:encoded>
      <excerpt:encoded>{_cdata(post.excerpt)}</excerpt:encoded>
      <wp:post_id>{post.post_id}</wp:post_id>
      <wp:post_date>{_cdata(post.date_local)}</wp:post_date>
      <wp:post_date_gmt>{_cdata(post.date_gmt)}</wp:post_date_gmt>
      <wp:post_modified_gmt>{_cdata(post.date_gmt)}</wp:post_modified_gmt>
      <wp:post_name>{_cdata(post.name)}</wp:post_name>
      <wp:status>{_cdata(post.status)}</wp:status>
      <wp:post_parent>0</wp:post_parent>
      <wp:post_type>{_cdata(post.post_type)}</wp:post_type>
      {
        f"<wp:attachment_url>{_cdata(post.attachment_url)}</wp:attachment_url>"
        if post.attachment_url
        else ""
    }
      {"".join(terms)}
      {"".join(metas)}
    </item>"""


def wxr(
    posts: list[Post],
    *,
    version: str = "1.2",
    authors: dict[str, str] | None = None,
    categories: dict[str, str] | None = None,
    tags: tuple[str, ...] = (),
    preamble: str = "",
) -> str:
    """A whole export; `authors` maps logins to emails, `categories` slugs to parent slugs."""
    authors = {"nino": "nino@old.example"} if authors is None else authors
    author_entries = "" if version == "1.0" else "".join(
        f"<wp:author><wp:author_login>{_cdata(login)}</wp:author_login>"
        f"<wp:author_email>{_cdata(email)}</wp:author_email>"
        f"<wp:author_display_name>{_cdata(login.title())}</wp:author_display_name></wp:author>"
        for login, email in authors.items()
    )  # fmt: skip
    category_entries = "".join(
        f"<wp:category><wp:category_nicename>{slug}</wp:category_nicename>"
        f"<wp:category_parent>{parent}</wp:category_parent>"
        f"<wp:cat_name>{_cdata(slug.title())}</wp:cat_name></wp:category>"
        for slug, parent in (categories or {}).items()
    )
    tag_entries = "".join(
        f"<wp:tag><wp:tag_slug>{t}</wp:tag_slug><wp:tag_name>{_cdata(t.title())}</wp:tag_name>"
        "</wp:tag>"
        for t in tags
    )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
{preamble}
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/{version}/">
  <channel>
    <title>Old site</title>
    <link>{SITE}</link>
    <wp:wxr_version>{version}</wp:wxr_version>
    <wp:base_site_url>{SITE}</wp:base_site_url>
    {author_entries}{category_entries}{tag_entries}
    {"".join(_item(post) for post in posts)}
  </channel>
</rss>
"""


def write_wxr(folder: Path, text: str) -> Path:
    path = folder / "export.xml"
    path.write_text(text)
    return path
