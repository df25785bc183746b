"""Web pages -> article text with trafilatura (main text, title, date from the page's metadata).

Pages are fetched through fetch.py only, so the SSRF guard, deadline and size cap apply to them too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import trafilatura

from newsdigest.errors import IngestError
from newsdigest.ingest.dedupe import content_hash
from newsdigest.ingest.fetch import PAGE_ACCEPT, Fetcher, FetchError
from newsdigest.models import ArticleInput

log = logging.getLogger("newsdigest.ingest.pages")
MIN_PAGE_CHARS = 200  # less than this is not an article body (cookie walls, index pages) ...
# ... unless the page marks it as one: an <article>/<main> with a headline and paragraphs of real sentences.
SHORT_MIN_CHARS = 60
SHORT_MIN_SENTENCES = 2
SENTENCE_MIN_WORDS = 4
# Words of cookie walls, script notices, login walls and error pages: short text carrying them is not an article.
BOILERPLATE_CUES = (
    "cookie", "javascript", "datenschutzerklärung", "datenschutzeinstellung", "privacy policy", "privacy settings",
    "einloggen", "log in", "sign in", "subscribe", "abonnieren sie", "jetzt abonnieren", "newsletter",
    "seite nicht gefunden", "page not found", "404", "werbeblocker", "adblock", "ad blocker",
)
_HEADLINES = ".//h1 | .//h2"
_UNSEEN = ("script", "style", "noscript", "template")
# A sentence ends at . ! ? … (a closing quote may follow) before whitespace and the next sentence's capital.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"“”»«']?\s+(?=[\"„“»«']?[A-ZÄÖÜ0-9])")
_WORD = re.compile(r"[^\W\d_]{2,}")


class PageError(IngestError, ValueError):
    """A page carries no extractable article text."""


@dataclass(frozen=True)
class PageContent:
    url: str
    text: str
    title: str | None = None
    published: dt.date | None = None
    lang: str | None = None
    sitename: str | None = None


def extract_page(html: bytes | str, url: str | None = None) -> PageContent:
    """The main text of an HTML page (boilerplate and comments dropped) with its title and publication date."""
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError) as exc:  # trafilatura raises ValueError on unusable input
        raise PageError(f"cannot read the page: {exc}") from None
    meta: dict[str, Any] = doc if isinstance(doc, dict) else (doc.as_dict() if doc is not None else {})
    text = (meta.get("text") or "").strip()
    headline: str | None = None
    if len(text) < MIN_PAGE_CHARS:
        short = short_article(html)
        if short is None:
            raise PageError("no article text found on the page")
        headline, text = short
    return PageContent(
        url=url or meta.get("url") or "",
        text=text,
        title=meta.get("title") or headline,
        published=_date(meta.get("date")),
        lang=meta.get("language") or None,
        sitename=meta.get("sitename") or None,
    )


def short_article(html: bytes | str) -> tuple[str, str] | None:
    """(headline, text) of a page too short for the length floor that is still marked up as an article: an
    <article> or <main> element with a headline and paragraphs of at least two real sentences; None otherwise."""
    try:
        tree = trafilatura.load_html(html)
    except (ValueError, TypeError):
        return None
    if tree is None:
        return None
    for node in tree.xpath("//article | //main"):
        found = _article_in(node)
        if found is not None:
            return found
    return None


def _article_in(node: Any) -> tuple[str, str] | None:
    headlines = [_visible_text(h) for h in node.xpath(_HEADLINES)]
    headline = next((h for h in headlines if _WORD.search(h)), None)
    if headline is None:
        return None
    paragraphs = [p for p in (_visible_text(el) for el in node.xpath(".//p")) if p]
    text = "\n".join(paragraphs)
    sentences = [s for p in paragraphs for s in _SENTENCE_END.split(p) if _sentence_shaped(s)]
    if len(text) < SHORT_MIN_CHARS or len(sentences) < SHORT_MIN_SENTENCES or _boilerplate(f"{headline} {text}"):
        return None
    return headline, text


def _visible_text(el: Any) -> str:
    """The element's text without scripts, styles and elements hidden from readers (no text smuggled in)."""
    if _hidden(el):
        return ""
    parts: list[str] = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _UNSEEN:  # comments and processing instructions: no
            parts.append(_visible_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _hidden(el: Any) -> bool:
    style = str(el.get("style") or "").replace(" ", "").lower()
    return el.get("hidden") is not None or el.get("aria-hidden") == "true" or "display:none" in style \
        or "visibility:hidden" in style


def _sentence_shaped(sentence: str) -> bool:
    s = sentence.strip()
    return s[-1:] in ".!?…\"“”»«'" and len(_WORD.findall(s)) >= SENTENCE_MIN_WORDS


def _boilerplate(text: str) -> bool:
    low = text.lower()
    return any(re.search(rf"(?<!\w){re.escape(cue)}", low) for cue in BOILERPLATE_CUES)


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


async def fetch_page(fetcher: Fetcher, url: str) -> PageContent:
    """Fetch and extract one page; FetchError or PageError on failure."""
    result = await fetcher.fetch(url, accept=PAGE_ACCEPT)
    return extract_page(result.content, result.url)


def page_article(page: PageContent, *, published: dt.date | None = None, source: str | None = None) -> ArticleInput:
    """A standalone page as an article (`newsdigest ingest PAGE_URL`)."""
    host = urlsplit(page.url).hostname or None
    return ArticleInput(
        text=page.text,
        title=page.title,
        published=page.published or published,
        lang=page.lang,
        url=page.url,
        source=source or page.sitename or (host.removeprefix("www.") if host else None),
    )


def with_page(entry: ArticleInput, page: PageContent) -> ArticleInput:
    """A teaser entry completed by its page: the page's text, the entry's identity; the entry's date first.
    The entry's own text is remembered by hash, so the next poll tells a changed entry from this completion."""
    dated = entry.published is not None or page.published is None
    return dataclasses.replace(
        entry,
        text=page.text if len(page.text) > len(entry.text) else entry.text,
        title=entry.title or page.title,
        published=entry.published or page.published,
        lang=entry.lang or page.lang,
        date_note=entry.date_note if dated else None,
        entry_hash=entry.entry_hash or content_hash(entry.text),
    )


async def complete_entry(fetcher: Fetcher, entry: ArticleInput) -> tuple[ArticleInput, str | None]:
    """The entry with its page's full text, or the entry unchanged and the reason the page could not be used."""
    if not entry.url:
        return entry, None
    try:
        page = await fetch_page(fetcher, entry.url)
    except (FetchError, PageError) as exc:
        log.info("page not used url=%s reason=%s", entry.url, exc)
        return entry, f"{entry.url}: {exc}"
    return with_page(entry, page), None
