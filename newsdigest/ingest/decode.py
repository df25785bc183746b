"""Bytes -> text for feed documents, once: the HTTP charset, then the XML declaration, then the byte-order
mark or the UTF-16/32 pattern of "<?" (feedparser's order). The one chosen charset decodes the whole document;
a byte that does not fit is replaced (U+FFFD) and counted, never a reason to re-read everything in another
charset (which turns "München" into "MÃ¼nchen"). Everything downstream (entity guard, feedparser) sees the text.
"""

from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass

# (leading bytes, codec, bytes to drop): BOMs first, then "<?" / "<" in wide encodings without a BOM.
_SNIFF: tuple[tuple[bytes, str, int], ...] = (
    (codecs.BOM_UTF32_BE, "utf-32-be", 4),
    (codecs.BOM_UTF32_LE, "utf-32-le", 4),
    (codecs.BOM_UTF8, "utf-8", 3),
    (codecs.BOM_UTF16_BE, "utf-16-be", 2),
    (codecs.BOM_UTF16_LE, "utf-16-le", 2),
    (b"\x00\x00\x00<", "utf-32-be", 0),
    (b"<\x00\x00\x00", "utf-32-le", 0),
    (b"\x00<\x00?", "utf-16-be", 0),
    (b"<\x00?\x00", "utf-16-le", 0),
    (b"\x00<", "utf-16-be", 0),
    (b"<\x00", "utf-16-le", 0),
    (b"\x4c\x6f\xa7\x94", "cp037", 0),  # "<?xm" in EBCDIC; the declaration then names the code page
)
_DECLARATION = re.compile(r"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["'][^>]*\?>""")
_ANY_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
_WIDE = ("utf-16", "utf-32")
# Labels whose bytes are read as their superset, as browsers do (an "ascii" feed with one "ü" is UTF-8).
_SUPERSET = {"ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "windows-1252", "latin-1": "windows-1252",
             "gb2312": "gb18030"}


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the codec that read the document
    replaced: int = 0  # bytes that did not fit it (each became U+FFFD)
    first_bad: int | None = None  # byte offset of the first of them
    note: str | None = None  # what was fixed up or assumed, for the feed's problems

    def problems(self) -> list[str]:
        out = [self.note] if self.note else []
        if self.replaced:
            out.append(f"{self.replaced} byte(s) not valid {self.encoding} replaced by U+FFFD "
                       f"(first at byte {self.first_bad})")
        return out


def sniff(data: bytes) -> tuple[str | None, int]:
    """The encoding the first bytes prove (BOM or the wide form of "<"), and the BOM's length."""
    for lead, codec, drop in _SNIFF:
        if data.startswith(lead):
            return codec, drop
    return None, 0


def http_charset(content_type: str | None) -> str | None:
    m = _CHARSET.search(content_type or "")
    return m.group(1).lower() if m else None


def _declared(data: bytes, sniffed: str | None, drop: int) -> str | None:
    head = data[drop:drop + 1024]
    text = head.decode(sniffed or "latin-1", errors="ignore")
    m = _DECLARATION.match(text)
    return m.group(1).lower() if m else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = _SUPERSET.get(label.lower(), label.lower())
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def choose(data: bytes, content_type: str | None) -> tuple[str, int, str | None]:
    """(codec, BOM bytes to skip, note): HTTP charset, XML declaration, sniffed bytes, UTF-8 — in that order.

    A byte-order mark always wins (as in browsers), and so do bytes that prove UTF-16/32 against a label naming
    an ASCII-compatible charset (the declaration itself could only be read in the wide encoding)."""
    sniffed, drop = sniff(data)
    note = None
    for source, label in (("HTTP charset", http_charset(content_type)), ("XML declaration", _declared(data, sniffed, drop))):
        codec = _codec(label)
        if label and codec is None:
            note = f"unknown charset {label!r} in the {source}; read as {sniffed or 'utf-8'}"
            continue
        if codec is None:
            continue
        if sniffed and (drop or sniffed.startswith(_WIDE) != codec.startswith(_WIDE)):
            if not (codec == sniffed or codec in _WIDE):
                note = f"the {source} says {label} but the document starts as {sniffed}; read as {sniffed}"
            return sniffed, drop, note
        if sniffed and codec in _WIDE:  # "utf-16" without byte order: the sniffed one
            return sniffed, drop, note
        return codec, 0, note
    return sniffed or "utf-8", drop, note


class _Counter(threading.local):
    replaced = 0
    first: int | None = None


_COUNT = _Counter()


def _count_and_replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _COUNT.replaced += exc.end - exc.start
    if _COUNT.first is None:
        _COUNT.first = exc.start
    return "\ufffd" * (exc.end - exc.start), exc.end


codecs.register_error("newsdigest-count", _count_and_replace)


def decode_document(data: bytes, content_type: str | None = None) -> Decoded:
    """The document as text in the one charset its headers, declaration or bytes name; bad bytes replaced."""
    codec, drop, note = choose(data, content_type)
    _COUNT.replaced, _COUNT.first = 0, None
    text = data[drop:].decode(codec, errors="newsdigest-count")
    replaced, first = _COUNT.replaced, _COUNT.first
    return Decoded(text.removeprefix("\ufeff"), codec, replaced, None if first is None else first + drop, note)


def as_utf8_xml(text: str) -> bytes:
    """Decoded text as UTF-8 bytes whose XML declaration says so (what feedparser is handed)."""
    declaration = "<?xml version='1.0' encoding='utf-8'?>"
    if _ANY_DECLARATION.match(text):
        text = _ANY_DECLARATION.sub(declaration, text, count=1)
    return text.encode("utf-8", errors="replace")
