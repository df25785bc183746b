"""The platform-neutral reply every command returns.

A Reply is a sequence of blocks holding *untrusted* text (article sentences, titles, user input).
Renderers (console, Telegram HTML, Slack Block Kit) own escaping and length limits; nothing here
is pre-escaped or pre-formatted for a platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """A run of inline text; `url` makes it a link, `bold`/`italic`/`code` style it."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    url: str | None = None


Inline = tuple[Span, ...]


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    spans: Inline


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inline, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Divider:
    pass


@dataclass(frozen=True)
class Image:
    """A picture (PNG bytes) sent as a photo/file; the console writes it to disk."""

    data: bytes = field(repr=False)
    filename: str
    caption: str = ""
    lang: str = "en"  # the caption's language: the console's note on where it wrote the file speaks it too


Block = Heading | Paragraph | BulletList | Divider | Image


@dataclass(frozen=True)
class Reply:
    blocks: tuple[Block, ...]
    error: bool = False  # the command was refused or misused; CLI `ask` exits non-zero
    data: dict[str, Any] | None = field(default=None, compare=False)  # the answer as data (`ask --json`)

    @property
    def images(self) -> tuple[Image, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Image))

    def as_dict(self, line: str = "") -> dict[str, Any]:
        """The reply as data (`newsdigest ask --json`): what the command found, plus its text."""
        out: dict[str, Any] = {"line": line, "error": self.error}
        out.update(self.data or {})
        out["text"] = self.plain_text()
        return out

    def plain_text(self) -> str:
        """Text of every block, for logs, tests and fallbacks (no markup)."""
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, Heading):
                out.append(b.text)
            elif isinstance(b, Paragraph):
                out.append(inline_text(b.spans))
            elif isinstance(b, BulletList):
                for i, item in enumerate(b.items, 1):
                    mark = f"{i}." if b.numbered else "•"
                    out.append(f"{mark} {inline_text(item)}")
            elif isinstance(b, Divider):
                out.append("")
            elif isinstance(b, Image):
                out.append(f"[image: {b.filename}] {b.caption}".rstrip())
        return "\n".join(out)


def inline_text(spans: Inline) -> str:
    return "".join(s.text for s in spans)


# Small constructors keep handler code short.
def text(*parts: str | Span) -> Paragraph:
    return Paragraph(tuple(p if isinstance(p, Span) else Span(p) for p in parts))


def item(*parts: str | Span) -> Inline:
    return tuple(p if isinstance(p, Span) else Span(p) for p in parts)


def bold(s: str) -> Span:
    return Span(s, bold=True)


def italic(s: str) -> Span:
    return Span(s, italic=True)


def code(s: str) -> Span:
    return Span(s, code=True)


def link(s: str, url: str) -> Span:
    return Span(s, url=url)


def error_reply(message: str, *extra: Block) -> Reply:
    return Reply((text(message), *extra), error=True)
