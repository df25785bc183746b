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
from newsdigest.ingest.decode import Decoded, as_utf8_xml, decode_document
from newsdigest.ingest.fetch import FetchResult
from newsdigest.models import ArticleInput

SUMMARY_ONLY_CHARS = 400  # entry text shorter than this is a teaser: fetch the page when allowed
_BENIGN_BOZO = (feedparser.CharacterEncodingOverride,)


class FeedError(IngestError, ValueError):
    """A document is not a usable feed; the message says what is wrong."""


class FeedRefused(FeedError):
    """A document was refused before parsing (entity declarations)."""


# -- guarding the parser ---------------------------------------------------------------------------------

MAX_EXPANSION = 1_000_000  # characters entity references may add to a document (quadratic blow-up stays far below)
MAX_NESTING = 8
_SUBSET = re.compile(r"<!DOCTYPE\s[^\[>]*\[(.*?)\]\s*>", re.S | re.I)
_DECL = re.compile(
    r"""<!ENTITY\s+(%\s+)?([\w.:-]+)\s+(?:"([^"]*)"|'([^']*)'|(?:SYSTEM|PUBLIC)\s[^>]*)\s*>""", re.S | re.I)
_ENTITY = re.compile(r"<!ENTITY", re.I)
_REF = re.compile(r"&([A-Za-z_][\w.:-]*);")


def scan_text(data: bytes) -> str:
    """The document as text in its own charset (UTF-16/32 included), for scans and sniffing."""
    return decode_document(data).text


def refuse_entity_declarations(data: bytes, content_type: str | None = None) -> None:
    """Raise FeedRefused when the document's entities could expand it by more than MAX_EXPANSION characters."""
    refuse_entity_expansion(decode_document(data, content_type).text)


def refuse_entity_expansion(text: str) -> None:
    """Measure what the internal DTD's entities can add (billion laughs, quadratic blow-up) and refuse above the cap.

    Harmless declarations pass: a few short entities, and parameter entities naming external sets such as
    XHTML's %HTMLlat1; (never loaded). What cannot be measured (nested declarations in a parameter entity,
    declarations outside a readable internal subset, cycles) is refused."""
    if not _ENTITY.search(text):
        return
    subset = _SUBSET.search(text)
    if subset is None:
        raise FeedRefused("the document declares XML entities outside a readable DOCTYPE; refused to prevent "
                          "entity-expansion attacks")
    decls = list(_DECL.finditer(subset.group(1)))
    if len(decls) != len(_ENTITY.findall(text)):
        raise FeedRefused("the document's entity declarations cannot be measured; refused to prevent "
                          "entity-expansion attacks")
    values: dict[str, str] = {}
    for d in decls:
        value = d.group(3) if d.group(3) is not None else d.group(4)
        if d.group(1):  # parameter entity: only external ones (never loaded) or plain text
            if value is not None and re.search(r"[<&%]", value):
                raise FeedRefused("a parameter entity carries markup; refused to prevent entity-expansion attacks")
            continue
        if value is not None:
            values.setdefault(d.group(2), value)
    sizes: dict[str, int] = {}
    total = sum(_size(name, values, sizes, 0) for name in _REF.findall(text, subset.end()) if name in values)
    if total > MAX_EXPANSION:
        raise FeedRefused(f"entity references would expand the document by {total:,} characters (limit "
                          f"{MAX_EXPANSION:,}); refused to prevent an entity-expansion attack")


def _size(name: str, values: dict[str, str], sizes: dict[str, int], depth: int) -> int:
    """Characters one reference to `name` expands to (capped just above the limit, so huge values stay cheap)."""
    if name in sizes:
        return sizes[name]
    if depth > MAX_NESTING:
        raise FeedRefused("entities nest too deep; refused to prevent entity-expansion attacks")
    value = values[name]
    sizes[name] = MAX_EXPANSION + 1  # a cycle counts as unbounded
    size = len(_REF.sub("", value))
    for ref in _REF.findall(value):
        if ref in values:
            size = min(MAX_EXPANSION + 1, size + _size(ref, values, sizes, depth + 1))
    sizes[name] = size
    return size


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
    headline_only: bool = False  # the entry had a title and nothing else


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    link: str | None
    lang: str | None
    version: str
    entries: tuple[FeedEntry, ...]
    warning: str | None = None  # feedparser's complaint about a malformed but usable feed
    problems: tuple[str, ...] = ()  # one line each: bytes replaced, entries skipped, dates not usable


def parse_feed(data: bytes, *, url: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0 or Atom bytes. A malformed feed is accepted while it yields entries.

    The bytes are decoded once (decode.py); the entity guard and feedparser see that text, as UTF-8."""
    decoded = decode_document(data, content_type)
    refuse_entity_expansion(decoded.text)
    # The text is UTF-8 now and says so: feedparser must not second-guess the charset.
    headers = {"content-location": url or "", "content-type": "application/xml; charset=utf-8"}
    # A stream, not bytes: feedparser would try open(bytes) as a local file path first.
    parsed = feedparser.parse(io.BytesIO(as_utf8_xml(decoded.text)), response_headers=headers, sanitize_html=True,
                              resolve_relative_uris=True)
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
    problems = _decoding_problems(decoded)
    entries = []
    for n, raw in enumerate(parsed.entries, 1):
        entry, notes = _entry(raw, source, lang, url)
        problems.extend(f"entry {n}{_name(raw)}: {note}" for note in notes)
        if entry is not None:
            entries.append(entry)
    return ParsedFeed(title, meta.get("link"), lang, parsed.get("version") or "unknown", tuple(entries),
                      _describe(problem) if problem is not None else None, tuple(problems))


def _decoding_problems(decoded: Decoded) -> list[str]:
    return [f"decoding: {p}" for p in decoded.problems()]


def _name(raw: Any) -> str:
    title = _clean_title(raw.get("title"))
    if title:
        return f" “{title[:60]}”"
    link = raw.get("link")
    return f" ({link})" if isinstance(link, str) and link else ""


_PARSER_PREFIX = re.compile(r"^<unknown>:(\d+):(\d+):\s*")


def _describe(exc: object) -> str:
    """A parser's complaint without its "<unknown>:7:0:" prefix (the line goes to the end, in words)."""
    text = str(exc).strip() or type(exc).__name__
    m = _PARSER_PREFIX.match(text)
    if m:
        text = f"{text[m.end():]} (line {m.group(1)})"
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


def _entry(raw: Any, source: str | None, feed_lang: str | None, feed_url: str | None
           ) -> tuple[FeedEntry | None, list[str]]:
    """The entry as an article (None when it carries nothing to store) and what was wrong with it."""
    text, lang = _entry_text(raw)
    title = _clean_title(raw.get("title"))
    link = raw.get("link") if isinstance(raw.get("link"), str) else None
    if not text and not title and not link:
        return None, ["entry without text, title or link, skipped"]
    published, date_note = _entry_date(raw)
    notes = [date_note] if date_note else []
    headline = not text  # the poller says so when no page completes it
    article = ArticleInput(
        text=text or title or "",
        title=title,
        published=published,
        lang=lang or feed_lang,
        url=link,
        guid=raw.get("id") or None,
        source=source,
        feed_url=feed_url,
        date_note=date_note,
    )
    return FeedEntry(article, summary_only=bool(link) and len(text) < SUMMARY_ONLY_CHARS, headline_only=headline), notes


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


_DATE_KEYS = ("published", "updated", "created")


def _entry_date(raw: Any) -> tuple[dt.date | None, str | None]:
    """The entry's date, or None and why: undated, or a date feedparser could not read (recorded, never guessed)."""
    for key in _DATE_KEYS:
        value = dict.get(raw, f"{key}_parsed")  # not raw.get: feedparser maps a missing key with a warning
        if isinstance(value, time.struct_time):
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC).date(), None
            except (OverflowError, ValueError, OSError):
                try:  # outside the platform's timestamps (year 1, 9999): the calendar date as written
                    return dt.date(value.tm_year, value.tm_mon, value.tm_mday), None
                except ValueError:
                    continue
    written = next((v for k in _DATE_KEYS if isinstance(v := dict.get(raw, k), str) and v.strip()), None)
    if written:
        return None, f"unparseable date {written.strip()[:60]!r}, filed under the ingest day"
    return None, "undated, filed under the ingest day"


class NotAFeedError(FeedError):
    """The URL is a web page, not a feed; `candidates` lists feeds the page announces."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


def parse_feed_result(result: FetchResult) -> ParsedFeed:
    """A fetched feed parsed; a web page is refused the same way for `addfeed`, `feeds add` and the poller."""
    if document_kind(result.content, result.content_type) == "page":
        raise NotAFeedError("this is a web page, not an RSS or Atom feed", discover_feed_links(result.content, result.url))
    return parse_feed(result.content, url=result.url, content_type=result.content_type)
