"""Feed documents -> articles. feedparser gets bytes in a stream, never a str (a str may be read as a path or URL).

Entity declarations are refused before parsing: feedparser resists billion-laughs but not quadratic blow-up.
Entry HTML becomes plain text through a non-executing parser; markup is never kept.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import feedparser

from newsdigest.errors import IngestError
from newsdigest.models import ArticleInput

SUMMARY_ONLY_CHARS = 400  # entry text shorter than this is a teaser: fetch the page when allowed
_BENIGN_BOZO = (feedparser.CharacterEncodingOverride,)


class FeedError(IngestError, ValueError):
    """A document is not a usable feed; the message says what is wrong."""


class FeedRefused(FeedError):
    """A document was refused before parsing (entity declarations)."""


# -- guarding the parser ---------------------------------------------------------------------------------

_DOCTYPE = re.compile(r"<!DOCTYPE", re.I)
_ENTITY = re.compile(r"<!ENTITY", re.I)


def scan_text(data: bytes) -> str:
    """The document as text for the DTD scan, whatever its byte encoding (UTF-16/32 would hide ASCII patterns)."""
    head = data[:4]
    for bom, codec in ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
                       (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le")):
        if head.startswith(bom):
            return data.decode(codec, errors="ignore")
    for pattern, codec in ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
                           (b"\x00<\x00", "utf-16-be"), (b"<\x00", "utf-16-le")):
        if head.startswith(pattern):
            return data.decode(codec, errors="ignore")
    return data.removeprefix(b"\xef\xbb\xbf").decode("latin-1")


def refuse_entity_declarations(data: bytes) -> None:
    """Raise FeedRefused for a document type declaration that declares entities (billion laughs, quadratic blow-up)."""
    text = scan_text(data)
    if _DOCTYPE.search(text) and _ENTITY.search(text):
        raise FeedRefused("the document declares XML entities in a DOCTYPE; refused to prevent entity-expansion attacks")


# -- sniffing ----------------------------------------------------------------------------------------------

_PROLOG = re.compile(r"^(\ufeff|\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>)*", re.S | re.I)
_ROOT = re.compile(r"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_FEED_ROOTS = {"rss", "feed", "rdf", "channel"}
_FEED_TYPES = ("rss", "atom", "rdf", "xml")


def document_kind(data: bytes, content_type: str | None = None) -> str:
    """'feed', 'page' or 'unknown', from the root element (servers often mislabel feeds) and the content type."""
    text = scan_text(data[:4096])
    m = _ROOT.match(text, _PROLOG.match(text).end())  # type: ignore[union-attr]
    if m:
        root = m.group(2).lower()
        if root in _FEED_ROOTS:
            return "feed"
        if root == "html":
            return "page"
    ctype = (content_type or "").lower()
    if "html" in ctype:
        return "page"
    if any(t in ctype for t in _FEED_TYPES):
        return "feed"
    if re.search(r"<html|<body|<p[ >]", text, re.I):
        return "page"
    return "unknown"


_ALT_LINK = re.compile(r"<link\b[^>]*>", re.I)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")


def discover_feed_links(html: bytes, base_url: str) -> list[str]:
    """Feed URLs a page announces with <link rel="alternate" type="application/rss+xml" href="…">."""
    from urllib.parse import urljoin

    found = []
    for tag in _ALT_LINK.findall(html[:200_000].decode("utf-8", "ignore")):
        attrs = {k.lower(): v.strip("\"'") for k, v in _ATTR.findall(tag)}
        is_feed = "alternate" in attrs.get("rel", "").lower() and any(t in attrs.get("type", "") for t in ("rss", "atom"))
        if is_feed and attrs.get("href"):
            found.append(urljoin(base_url, attrs["href"]))
    return list(dict.fromkeys(found))


# -- HTML -> text ----------------------------------------------------------------------------------------------

_SKIP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head", "select", "button"}
_BLOCK = {"p", "div", "section", "article", "blockquote", "pre", "ul", "ol", "li", "table", "tr", "h1", "h2", "h3",
          "h4", "h5", "h6", "header", "footer", "figure", "figcaption", "dl", "dt", "dd", "hr", "main", "aside"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line, no markup, entities decoded."""
    if "<" not in fragment and "&" not in fragment:
        return _tidy(fragment)
    parser = _TextParser()
    parser.feed(fragment)
    parser.close()
    return _tidy("".join(parser.parts))


def _tidy(text: str) -> str:
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.replace("\r", "")):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


# -- parsing ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    article: ArticleInput
    summary_only: bool  # text is a teaser: the page may carry the full article


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    link: str | None
    lang: str | None
    version: str
    entries: tuple[FeedEntry, ...]
    warning: str | None = None  # feedparser's complaint about a malformed but usable feed


def parse_feed(data: bytes, *, url: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0 or Atom bytes. A malformed feed is accepted while it yields entries."""
    refuse_entity_declarations(data)
    headers = {"content-location": url or "", "content-type": content_type or "application/xml"}
    # A stream, not bytes: feedparser would try open(bytes) as a local file path first.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    meta: Any = parsed.feed
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and isinstance(problem, _BENIGN_BOZO):
        problem = None
    if problem is not None and not parsed.entries:
        raise FeedError(f"not a usable feed: {_describe(problem)}")
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("not a feed (no RSS or Atom elements found)")
    title = _clean_title(meta.get("title"))
    lang = _lang(meta.get("language"))
    source = title or _host(meta.get("link")) or _host(url)
    entries = tuple(e for e in (_entry(raw, source, lang, url) for raw in parsed.entries) if e is not None)
    return ParsedFeed(title, meta.get("link"), lang, parsed.get("version") or "unknown", entries,
                      _describe(problem) if problem is not None else None)


def _describe(exc: object) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def _clean_title(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(html_to_text(value).split())
    return text[:300] or None


def _lang(value: object) -> str | None:
    if isinstance(value, str) and len(value) >= 2 and value[:2].isalpha():
        return value[:2].lower()
    return None


def _host(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def _entry(raw: Any, source: str | None, feed_lang: str | None, feed_url: str | None) -> FeedEntry | None:
    text, lang = _entry_text(raw)
    title = _clean_title(raw.get("title"))
    link = raw.get("link") if isinstance(raw.get("link"), str) else None
    if not text and not link:
        return None
    article = ArticleInput(
        text=text or title or "",
        title=title,
        published=_entry_date(raw),
        lang=lang or feed_lang,
        url=link,
        guid=raw.get("id") or None,
        source=source,
        feed_url=feed_url,
    )
    return FeedEntry(article, summary_only=bool(link) and len(text) < SUMMARY_ONLY_CHARS)


def _entry_text(raw: Any) -> tuple[str, str | None]:
    """The longest of the entry's content bodies and its summary, as plain text, with its declared language."""
    candidates = []
    for detail in [*raw.get("content", []), raw.get("summary_detail")]:
        if detail and isinstance(detail.get("value"), str):
            candidates.append((html_to_text(detail["value"]), _lang(detail.get("language"))))
    if not candidates and isinstance(raw.get("summary"), str):
        candidates.append((html_to_text(raw["summary"]), None))
    if not candidates:
        return "", None
    return max(candidates, key=lambda c: len(c[0]))


def _entry_date(raw: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(key)
        if isinstance(value, time.struct_time):
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC).date()
            except (OverflowError, ValueError, OSError):
                continue
    return None
