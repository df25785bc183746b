"""The console chat: stdin/stdout, used when no platform token is configured (and by `newsdigest ask`).

Interactive prompt on a TTY, plain line-by-line when piped; exits at EOF. Pictures (the /timeline PNG)
are written to files next to the working directory and named in the output.
"""

from __future__ import annotations

import asyncio
import sys
import textwrap
from pathlib import Path
from typing import TextIO

from newsdigest.handlers import Core, not_a_command
from newsdigest.models import ChatKind, ChatRef, Platform
from newsdigest.reply import BulletList, Divider, Heading, Image, Inline, Paragraph, Reply
from newsdigest.sender import SendOutcome, SendResult
from newsdigest.texts import t

CONSOLE_CHAT = ChatRef(Platform.CONSOLE, "console", ChatKind.PRIVATE)
WIDTH = 100


def _inline(spans: Inline) -> str:
    out = []
    for s in spans:
        piece = s.text
        if s.url and s.url != s.text:
            piece = f"{piece} <{s.url}>"
        out.append(piece)
    return "".join(out)


async def respond_line(core: Core, line: str) -> Reply:
    """One console line: a /command is answered, other text gets a one-line hint (only Slack drops the slash)."""
    if not line.lstrip().startswith("/"):
        return not_a_command(await core.reply_language(CONSOLE_CHAT), line)
    return await core.respond(CONSOLE_CHAT, line)


def render_console(reply: Reply, image_dir: Path | None = None) -> str:
    """Reply -> plain text for a terminal. Writes images into image_dir (when given) and names the files."""
    lines: list[str] = []
    for block in reply.blocks:
        if isinstance(block, Heading):
            if lines:
                lines.append("")
            lines.append(block.text)
            lines.append("─" * min(len(block.text), WIDTH))
        elif isinstance(block, Paragraph):
            lines.extend(_wrap(_inline(block.spans)))
        elif isinstance(block, BulletList):
            for i, item in enumerate(block.items, 1):
                mark = f"{i}. " if block.numbered else "• "
                lines.extend(_wrap(_inline(item), first=mark, rest=" " * len(mark)))
        elif isinstance(block, Divider):
            lines.append("")
        elif isinstance(block, Image):
            lines.append(_save_image(block, image_dir))
    return "\n".join(lines)


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    out: list[str] = []
    for n, para in enumerate(text.split("\n")):
        wrapped = textwrap.wrap(para, WIDTH, initial_indent=first if n == 0 else rest, subsequent_indent=rest,
                                break_long_words=False, break_on_hyphens=False)
        out.extend(wrapped or [rest.rstrip()])
    return out


def _save_image(image: Image, image_dir: Path | None) -> str:
    if image_dir is None:
        return t(image.lang, "picture", file=image.filename, caption=image.caption).rstrip()
    image_dir.mkdir(parents=True, exist_ok=True)
    path = image_dir / Path(image.filename).name
    path.write_bytes(image.data)
    return t(image.lang, "picture_written", file=path, caption=image.caption).rstrip()


class ConsoleBot:
    """Reads commands from a stream and prints replies; also a Sender so digests can go to the console."""

    platform = Platform.CONSOLE

    def __init__(self, core: Core, stdin: TextIO | None = None, stdout: TextIO | None = None,
                 image_dir: Path | None = None) -> None:
        self.core = core
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.image_dir = image_dir or Path.cwd()
        self.interactive = self.stdin.isatty() and self.stdout.isatty()

    def answer_line(self, line: str) -> Reply:
        """From sync code (a worker thread); the chat loop uses `respond_line`."""
        return self.core.answer(CONSOLE_CHAT, line)

    def print_reply(self, reply: Reply) -> None:
        self.stdout.write(render_console(reply, self.image_dir) + "\n")
        if not self.interactive:
            self.stdout.write("\n")
        self.stdout.flush()

    async def run(self) -> None:
        """The chat loop; returns at EOF (or /quit on a terminal)."""
        if self.interactive:
            self.stdout.write("newsdigest console — type /help, Ctrl-D to quit.\n")
        while True:
            if self.interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await asyncio.to_thread(self.stdin.readline)  # terminal I/O, not store work: its own thread
            if not line:
                return
            line = line.strip()
            if not line:
                continue
            if self.interactive and line in ("/quit", "/exit"):
                return
            if not self.interactive:
                self.stdout.write(f"> {line}\n")
            reply = await respond_line(self.core, line)
            self.print_reply(reply)

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        self.print_reply(reply)
        return SendResult(SendOutcome.SENT, messages=1)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class ConsoleSender:
    """A Sender for platform "console": prints the rendered plain text to a stream."""

    platform = Platform.CONSOLE

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        self.stream.write(render_console(reply) + "\n")
        self.stream.flush()
        return SendResult(SendOutcome.SENT, messages=1)


__all__ = ["CONSOLE_CHAT", "ConsoleBot", "ConsoleSender", "render_console", "respond_line"]
