"""OPML import/export of the feed list. Parsed with xml.etree after refusing any DOCTYPE (no DTDs, no entities)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newsdigest.errors import IngestError
from newsdigest.ingest.feeds import scan_text
from newsdigest.ingest.fetch import FetchRefused, check_url

if TYPE_CHECKING:
    from newsdigest.store.store import Store

MAX_OPML_BYTES = 5_000_000
_DOCTYPE = re.compile(r"<!DOCTYPE|<!ENTITY", re.I)


class OpmlError(IngestError, ValueError):
    """The OPML file cannot be used; the message says why."""


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str | None = None


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Every outline with an xmlUrl, at any depth, in document order, without duplicates."""
    if _DOCTYPE.search(scan_text(data)):
        raise OpmlError("the OPML file has a DOCTYPE; refused (OPML needs none, and DTDs enable entity attacks)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OpmlError(f"not valid XML: {exc}") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"not an OPML document (root element <{root.tag}>)")
    feeds: dict[str, OpmlFeed] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and url not in feeds:
            feeds[url] = OpmlFeed(url, (outline.get("title") or outline.get("text") or "").strip() or None)
    return list(feeds.values())


@dataclass
class OpmlImport:
    added: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # "url: reason"

    def summary(self) -> str:
        added = "1 feed" if len(self.added) == 1 else f"{len(self.added)} feeds"
        text = f"{added} added, {len(self.existing)} already followed"
        return text + (f", {len(self.invalid)} skipped" if self.invalid else "")

    def __str__(self) -> str:
        return self.summary()


def import_opml(store: Store, path: str | Path, *, added_by: str | None = "opml") -> OpmlImport:
    """`newsdigest feeds import FILE.opml`: add every http(s) feed of the file (nothing is fetched here;
    the poller checks them, each under the SSRF guard)."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_OPML_BYTES:
            raise OpmlError(f"{p}: larger than {MAX_OPML_BYTES} bytes")
        data = p.read_bytes()
    except OSError as exc:
        raise OpmlError(f"{p}: {exc.strerror or exc}") from None
    report = OpmlImport()
    for item in parse_opml(data):
        try:
            check_url(item.url)
        except FetchRefused as exc:
            report.invalid.append(f"{item.url}: {exc.reason}")
            continue
        known = store.feed(item.url)
        if known is not None and known.active:
            report.existing.append(item.url)
            continue
        store.add_feed(item.url, title=item.title, added_by=added_by)
        report.added.append(item.url)
    return report


def export_opml(store: Store, *, title: str = "newsdigest feeds") -> str:
    """`newsdigest feeds export`: the active feeds as OPML 2.0."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for feed in store.feeds():
        name = feed.title or feed.url
        ET.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=feed.url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
