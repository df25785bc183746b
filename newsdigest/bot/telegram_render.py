"""Reply -> Telegram messages (parse_mode HTML). Pure: no network, no PTB.

Telegram counts a message's length *after* entity parsing (the visible text) in UTF-16 code units and
accepts 1..4096 of them. All text in a Reply is untrusted, so every character goes through
`html.escape`; markup comes only from the span flags. Messages are split on block boundaries; a block
that alone exceeds the limit is split on a line, then word boundary, and each piece is rendered with
its own opening and closing tags, so no message ever ends inside a tag.

Entity nesting follows the Bot API rules: bold/italic may nest in links, while `code` contains nothing
and sits in nothing (a span that is both code and link stays a link).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from newsdigest.reply import BulletList, Divider, Heading, Image, Inline, Paragraph, Reply, Span

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
BLOCK_SEPARATOR = "\n\n"
DIVIDER = "――――――――"
BULLET = "• "

# C0/C1 controls except tab and newline; Telegram drops or rejects them and they have no business in chat text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # unpaired in a str; not encodable as UTF-8


@dataclass(frozen=True)
class Photo:
    """An image to send with sendPhoto; the caption is plain text (sent without parse_mode)."""

    data: bytes
    filename: str
    caption: str


_Seg = Span  # a run of visible (sanitized) text with one style


def _restyle(seg: _Seg, text: str) -> _Seg:
    return replace(seg, text=text)


def _style(seg: _Seg) -> tuple[bool, bool, bool, str | None]:
    return (seg.bold, seg.italic, seg.code, seg.url)


Part = str | Photo  # an HTML message text or a photo, in reply order


def utf16_len(s: str) -> int:
    """Length as Telegram counts it: astral characters take two UTF-16 code units."""
    return len(s) if s.isascii() else len(s.encode("utf-16-le", "surrogatepass")) // 2


def sanitize(s: str) -> str:
    """Make untrusted text sendable: valid UTF-8 (lone surrogates -> U+FFFD), \\n line ends, no control chars."""
    s = _SURROGATE.sub("\ufffd", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", s)


def safe_url(url: str | None) -> str | None:
    """Only absolute http(s) links with a host; anything else (javascript:, data:, relative) is dropped."""
    if not url:
        return None
    url = sanitize(url).strip()
    if not url or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


# ---------------------------------------------------------------- blocks -> segments


def _span_segs(span: Span) -> list[_Seg]:
    text = sanitize(span.text)
    url = safe_url(span.url)
    if url and not text.strip():
        text = url
    if not text:
        return []
    if url:  # a link may be bold/italic but not code
        return [_Seg(text, span.bold, span.italic, False, url)]
    if span.code:  # code holds no other entity
        return [_Seg(text, code=True)]
    return [_Seg(text, span.bold, span.italic)]


def _inline_segs(spans: Inline) -> list[_Seg]:
    return [seg for span in spans for seg in _span_segs(span)]


def _block_segs(block: Heading | Paragraph | BulletList | Divider) -> list[_Seg]:
    if isinstance(block, Heading):
        return [_Seg(sanitize(block.text), bold=True)]
    if isinstance(block, Paragraph):
        return _inline_segs(block.spans)
    if isinstance(block, BulletList):
        out: list[_Seg] = []
        for i, entry in enumerate(block.items, 1):
            body = _inline_segs(entry)
            if not "".join(s.text for s in body).strip():
                continue
            if out:
                out.append(_Seg("\n"))
            out.append(_Seg(f"{i}. " if block.numbered else BULLET))
            out.extend(body)
        return out
    return [_Seg(DIVIDER)]


# ---------------------------------------------------------------- splitting


def _slice(segs: list[_Seg], start: int, end: int) -> list[_Seg]:
    """The segments covering characters [start, end) of their joined text."""
    out: list[_Seg] = []
    pos = 0
    for seg in segs:
        a, b = pos, pos + len(seg.text)
        pos = b
        lo, hi = max(a, start), min(b, end)
        if lo < hi:
            out.append(_restyle(seg, seg.text[lo - a : hi - a]))
    return out


def _cut(text: str, start: int, hard_end: int) -> tuple[int, int]:
    """Where to end a piece that may reach hard_end: (piece end, next piece start). Prefer lines, then words."""
    window = text[start:hard_end]
    floor = len(window) // 2  # a boundary in the first half would waste the message
    for sep in ("\n", " "):
        idx = window.rfind(sep)
        if idx > floor:
            return start + idx, start + idx + 1
    for sep in ("\n", " "):
        idx = window.rfind(sep)
        if idx > 0:
            return start + idx, start + idx + 1
    return hard_end, hard_end


def _split_block(segs: list[_Seg], limit: int) -> list[list[_Seg]]:
    """Split one block's segments into pieces of at most `limit` UTF-16 units, tags closed per piece."""
    text = "".join(s.text for s in segs)
    if utf16_len(text) <= limit:
        return [segs]
    # cumulative UTF-16 offsets: units[i] = units before character i
    units = [0]
    for c in text:
        units.append(units[-1] + (2 if ord(c) > 0xFFFF else 1))
    pieces: list[list[_Seg]] = []
    start = 0
    while units[-1] - units[start] > limit:
        hard_end = bisect_right(units, units[start] + limit) - 1  # most characters that fit
        end, nxt = _cut(text, start, hard_end)
        pieces.append(_slice(segs, start, end))
        start = nxt
    pieces.append(_slice(segs, start, len(text)))
    return pieces


def _seg_len(segs: list[_Seg]) -> int:
    return sum(utf16_len(s.text) for s in segs)


def _strip(segs: list[_Seg]) -> list[_Seg]:
    """Drop leading/trailing whitespace (Telegram trims it; an all-blank message is 'message text is empty')."""
    segs = [s for s in segs if s.text]
    while segs and not segs[0].text.strip():
        segs.pop(0)
    while segs and not segs[-1].text.strip():
        segs.pop()
    if segs:
        segs[0] = _restyle(segs[0], segs[0].text.lstrip())
        segs[-1] = _restyle(segs[-1], segs[-1].text.rstrip())
    return segs


# ---------------------------------------------------------------- HTML


def _merge(segs: list[_Seg]) -> list[_Seg]:
    out: list[_Seg] = []
    for seg in segs:
        if out and _style(out[-1]) == _style(seg):
            out[-1] = _restyle(seg, out[-1].text + seg.text)
        else:
            out.append(seg)
    return out


def _seg_html(seg: _Seg) -> str:
    body = html.escape(seg.text, quote=False)
    if not seg.text.strip():  # no entity over pure whitespace
        return body
    if seg.code:
        return f"<code>{body}</code>"
    if seg.italic:
        body = f"<i>{body}</i>"
    if seg.bold:
        body = f"<b>{body}</b>"
    if seg.url:
        body = f'<a href="{html.escape(seg.url, quote=True)}">{body}</a>'
    return body


def _to_html(segs: list[_Seg]) -> str:
    return "".join(_seg_html(s) for s in _merge(segs))


# ---------------------------------------------------------------- public API


def render(reply: Reply, limit: int = TEXT_LIMIT) -> list[Part]:
    """The reply as Telegram parts in order: HTML texts (each 1..limit visible UTF-16 units) and photos."""
    parts: list[Part] = []
    current: list[_Seg] = []

    def flush() -> None:
        stripped = _strip(current)
        if stripped:
            parts.append(_to_html(stripped))
        current.clear()

    for block in reply.blocks:
        if isinstance(block, Image):
            flush()
            parts.append(Photo(block.data, block.filename, caption(block.caption)))
            continue
        for piece in _split_block(_strip(_block_segs(block)), limit):
            piece = _strip(piece)
            if not piece:
                continue
            used = _seg_len(current)
            if current and used + len(BLOCK_SEPARATOR) + _seg_len(piece) > limit:
                flush()
            if current:
                current.append(_Seg(BLOCK_SEPARATOR))
            current.extend(piece)
    flush()
    return parts


def render_messages(reply: Reply, limit: int = TEXT_LIMIT) -> list[str]:
    """Only the HTML texts of `render`."""
    return [p for p in render(reply, limit) if isinstance(p, str)]


def render_images(reply: Reply) -> list[Photo]:
    """Only the photos of `render` (bytes, filename, caption <= 1024)."""
    return [p for p in render(reply) if isinstance(p, Photo)]


def caption(text: str, limit: int = CAPTION_LIMIT) -> str:
    """A plain-text photo caption within Telegram's limit, cut on a word boundary with an ellipsis."""
    text = sanitize(text).strip()
    if utf16_len(text) <= limit:
        return text
    cut = text[: limit - 1]
    while utf16_len(cut) > limit - 1:
        cut = cut[:-1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"
