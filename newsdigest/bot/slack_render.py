"""Reply -> Slack Block Kit messages (pure).

Every piece of text in a Reply is untrusted. Slack gives no backslash escapes, so each untrusted character is
mapped on its own to a fixed replacement (`_char_map`):
- `&`, `<`, `>` become entities (Slack's only escaping rule), so `<!channel>`, `<@U1>`, `<#C1>` and
  `<http://evil|click>` arrive as visible text, never as mentions or links;
- `@` gets a WORD JOINER after it, so a bare `@channel` / `@here` / `@everyone` can never be formed, not even by
  concatenating two spans;
- the mrkdwn control characters `*`, `_`, `~` and the backtick become look-alikes, so only our own markup formats;
- a newline gets a zero-width space after it, so untrusted `>` at a line start cannot open a block quote.
Because the mapping is per character with a fixed width, splitting long text never cuts an entity in half and
lengths are known before joining. Sections are `mrkdwn` with `verbatim: true` (Slack does not auto-link there).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from newsdigest.reply import BulletList, Divider, Heading, Image, Inline, Paragraph, Reply, Span

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_FALLBACK = 1000
MAX_MESSAGE_CHARS = 40_000  # Slack truncates message text beyond 40k characters
MAX_URL = 1000  # longer URLs are shown as text, not linked
MAX_FILE_TITLE = 250

WORD_JOINER = "\u2060"
ZWSP = "\u200b"
_MARKUP_LOOKALIKES = {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"}
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BULLET = "\u2022 "
_WS = re.compile(r"\s+")


def _table(in_label: bool) -> dict[int, str]:
    table = {c: " " for c in range(32) if chr(c) not in "\t\n"}  # control characters have no place in a message
    table[0x7F] = " "
    table.update({ord(k): v for k, v in {**_ENTITIES, **_MARKUP_LOOKALIKES}.items()})
    table[ord("@")] = "@" + WORD_JOINER
    table[ord("\n")] = "\n" + ZWSP
    if in_label:
        table[ord("|")] = "\u2223"
    return table


_TEXT_TABLE = _table(False)
_LABEL_TABLE = _table(True)


def _char_map(ch: str, *, in_label: bool = False) -> str:
    return ch.translate(_LABEL_TABLE if in_label else _TEXT_TABLE)


def escape(text: str, *, in_label: bool = False) -> str:
    """Make untrusted text inert in Slack mrkdwn (see the module doc)."""
    return text.translate(_LABEL_TABLE if in_label else _TEXT_TABLE)


_TITLE_MAP = str.maketrans({"<": "\u2039", ">": "\u203a", "@": "@" + WORD_JOINER})


def file_title(text: str) -> str:
    """File titles are shown as typed (no entity decoding), so angle brackets become look-alikes instead."""
    flat = " ".join("".join(c if c >= " " else " " for c in text).split())
    return flat.translate(_TITLE_MAP)


_URL_UNSAFE = re.compile(r"[\s<>|\"'`\\^{}\x00-\x1f\x7f]")


def safe_url(url: str | None) -> str | None:
    """An http(s) URL made safe inside `<url|label>`, or None when it must not be linked."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    quoted = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)
    quoted = quoted.replace("&", "&amp;")
    return quoted if len(quoted) <= MAX_URL else None


# ---------------------------------------------------------------------------------------------------------------
# Inline spans -> atomic mrkdwn pieces


def _wrap(span: Span, body: str) -> str:
    if span.code:
        body = f"`{body}`"
    if span.italic:
        body = f"_{body}_"
    if span.bold:
        body = f"*{body}*"
    return body


_TOKEN = re.compile(r"\S+\s*|\s+")


def _chunks(text: str, budget: int, *, in_label: bool = False) -> Iterator[str]:
    """Split raw text so each chunk's escaped form fits `budget`, cutting after whitespace where possible."""
    if len(escape(text, in_label=in_label)) <= budget:
        yield text
        return
    cur, size = "", 0
    for token in _TOKEN.findall(text):
        width = len(escape(token, in_label=in_label))
        if size + width > budget and cur:
            yield cur
            cur, size = "", 0
        if width <= budget:
            cur, size = cur + token, size + width
            continue
        for ch in token:  # a single word longer than a section: cut it by characters
            w = len(_char_map(ch, in_label=in_label))
            if size + w > budget:
                yield cur
                cur, size = "", 0
            cur, size = cur + ch, size + w
    if cur:
        yield cur


def _span_pieces(span: Span, budget: int) -> list[str]:
    """Render one span as pieces, each at most `budget` characters; styles wrap only the visible words."""
    if not span.text:
        return []
    styled = span.bold or span.italic or span.code
    url = safe_url(span.url)
    overhead = 2 * (int(span.bold) + int(span.italic) + int(span.code))
    pieces: list[str] = []
    if url is not None and len(url) + overhead + 8 < budget:
        for chunk in _chunks(span.text, budget - len(url) - overhead - 3, in_label=True):
            label = escape(chunk, in_label=True)
            pieces.append(_styled_around(span, f"<{url}|{label}>", chunk) if styled else f"<{url}|{label}>")
        return pieces
    for chunk in _chunks(span.text, budget - overhead):
        pieces.append(_styled_around(span, escape(chunk), chunk) if styled else escape(chunk))
    return pieces


def _styled_around(span: Span, body: str, raw: str) -> str:
    """Apply styles to the non-blank core and keep surrounding whitespace outside the markers (Slack needs that)."""
    core = raw.strip()
    if not core:
        return body
    lead = raw[: len(raw) - len(raw.lstrip())]
    trail = raw[len(raw.rstrip()) :]
    if body.startswith("<"):  # a link: whitespace is inside the label, markers go around the whole link
        return _wrap(span, body)
    return escape(lead) + _wrap(span, escape(core)) + escape(trail)


def inline_pieces(spans: Inline, budget: int = MAX_SECTION) -> list[str]:
    out: list[str] = []
    for span in spans:
        out.extend(_span_pieces(span, budget))
    return out


def _pack(pieces: list[str], limit: int = MAX_SECTION) -> list[str]:
    """Join atomic pieces into texts of at most `limit` characters."""
    texts: list[str] = []
    cur = ""
    for p in pieces:
        if cur and len(cur) + len(p) > limit:
            texts.append(cur)
            cur = ""
        cur += p
    if cur:
        texts.append(cur)
    return texts


# ---------------------------------------------------------------------------------------------------------------
# Blocks


def _section(text: str) -> dict[str, Any]:
    if text.startswith("&gt;"):
        text = ZWSP + text  # a leading > would open a block quote
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _header(text: str) -> dict[str, Any]:
    flat = " ".join(text.split()) or "\u2014"
    escaped = escape(flat)
    if len(escaped) > MAX_HEADER:
        cut = ""
        for c in flat:
            nxt = cut + escape(c)
            if len(nxt) > MAX_HEADER - 1:
                break
            cut = nxt
        escaped = cut + "\u2026"
    return {"type": "header", "text": {"type": "plain_text", "text": escaped}}


def _paragraph_sections(p: Paragraph) -> list[dict[str, Any]]:
    return [_section(t) for t in _pack(inline_pieces(p.spans, MAX_SECTION - 1), MAX_SECTION - 1)]


def _list_sections(b: BulletList) -> list[dict[str, Any]]:
    lines: list[str] = []
    for i, item in enumerate(b.items, 1):
        mark = f"{i}. " if b.numbered else _BULLET
        flat = tuple(Span(_WS.sub(" ", s.text), s.bold, s.italic, s.code, s.url) for s in item)
        for j, t in enumerate(_pack(inline_pieces(flat, MAX_SECTION - 8), MAX_SECTION - 8)):
            lines.append((mark if j == 0 else "    ") + t)
    texts: list[str] = []
    cur = ""
    for line in lines:
        if cur and len(cur) + 1 + len(line) > MAX_SECTION - 1:
            texts.append(cur)
            cur = ""
        cur = f"{cur}\n{line}" if cur else line
    if cur:
        texts.append(cur)
    return [_section(t) for t in texts]


def reply_blocks(reply: Reply) -> list[dict[str, Any]]:
    """Every non-image block of the reply as Block Kit blocks (not yet split into messages)."""
    blocks: list[dict[str, Any]] = []
    for b in reply.blocks:
        if isinstance(b, Heading):
            blocks.append(_header(b.text))
        elif isinstance(b, Paragraph):
            blocks.extend(_paragraph_sections(b))
        elif isinstance(b, BulletList):
            blocks.extend(_list_sections(b))
        elif isinstance(b, Divider):
            blocks.append({"type": "divider"})
    while blocks and blocks[-1]["type"] == "divider":
        blocks.pop()
    return blocks


def _block_chars(block: dict[str, Any]) -> int:
    return len(block.get("text", {}).get("text", ""))


def _block_plain(block: dict[str, Any]) -> str:
    return str(block.get("text", {}).get("text", ""))


def _fallback(blocks: list[dict[str, Any]]) -> str:
    """Notification text: the blocks' (already escaped) text, cut at a whole entity."""
    text = " \u00b7 ".join(" ".join(_block_plain(b).split()) for b in blocks if b["type"] != "divider")
    text = text.replace("\u200b", "")
    if len(text) <= MAX_FALLBACK:
        return text or " "
    cut = text[: MAX_FALLBACK - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    lt = cut.rfind("<")
    if lt != -1 and ">" not in cut[lt:]:
        cut = cut[:lt]
    return cut + "\u2026"


def split_messages(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    messages: list[list[dict[str, Any]]] = []
    cur: list[dict[str, Any]] = []
    chars = 0
    for b in blocks:
        n = _block_chars(b)
        if cur and (len(cur) >= MAX_BLOCKS or chars + n > MAX_MESSAGE_CHARS):
            messages.append(cur)
            cur, chars = [], 0
        if not cur and b["type"] == "divider":
            continue  # a message never starts with a divider
        cur.append(b)
        chars += n
    if cur:
        messages.append(cur)
    return [{"text": _fallback(m), "blocks": m} for m in messages]


@dataclass(frozen=True)
class SlackFile:
    data: bytes = field(repr=False)
    filename: str
    title: str


@dataclass(frozen=True)
class SlackReply:
    messages: list[dict[str, Any]]
    files: list[SlackFile]


_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _file(img: Image) -> SlackFile:
    name = _SAFE_FILENAME.sub("_", img.filename).strip("._") or "image.png"
    title = file_title(img.caption)[:MAX_FILE_TITLE] or name
    return SlackFile(img.data, name[:100], title)


def render(reply: Reply) -> SlackReply:
    """A Reply as Slack messages ({"text", "blocks"} each, within every limit) plus files to upload."""
    return SlackReply(split_messages(reply_blocks(reply)), [_file(i) for i in reply.images])


def render_messages(reply: Reply) -> list[dict[str, Any]]:
    return render(reply).messages
