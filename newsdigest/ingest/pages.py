"""Web pages -> article text with trafilatura (main text, title, date from the page's metadata).

Pages are fetched through fetch.py only, so the SSRF guard, deadline and size cap apply to them too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import trafilatura

from newsdigest.errors import IngestError
from newsdigest.ingest.fetch import PAGE_ACCEPT, Fetcher, FetchError
from newsdigest.models import ArticleInput

log = logging.getLogger("newsdigest.ingest.pages")
MIN_PAGE_CHARS = 200  # less than this is not an article body (cookie walls, index pages)


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
    if len(text) < MIN_PAGE_CHARS:
        raise PageError("no article text found on the page")
    return PageContent(
        url=url or meta.get("url") or "",
        text=text,
        title=meta.get("title") or None,
        published=_date(meta.get("date")),
        lang=meta.get("language") or None,
        sitename=meta.get("sitename") or None,
    )


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
    """A teaser entry completed by its page: the page's text, the entry's identity; the entry's date first."""
    return dataclasses.replace(
        entry,
        text=page.text if len(page.text) > len(entry.text) else entry.text,
        title=entry.title or page.title,
        published=entry.published or page.published,
        lang=entry.lang or page.lang,
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
