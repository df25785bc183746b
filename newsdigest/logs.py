"""Logging setup: one line per event as key=value text or JSON; secrets are masked in every record.

Events are written as `log.info("command %s", kv(platform="telegram", command="status", ms=3.2))`: the first
word names the event, the rest are key=value pairs (values with spaces or quotes are double-quoted). The JSON
formatter parses those pairs back into fields, so both formats carry the same data.

Masking happens in a filter on our handler, after the message is formatted and the traceback rendered, so a
token inside an exception message, a chained exception or a URL in an HTTP library's error is replaced by ***.
Uncaught exceptions (main thread, other threads) and warnings are routed through logging for the same reason.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterable
from types import TracebackType
from typing import TextIO

from newsdigest.config import Config

MASK = "***"
# Token shapes of Telegram (123456:ABC…), Slack (xoxb-/xapp-/xoxp-…) — masked even when not configured.
_TOKEN_SHAPES = re.compile(
    r"\b\d{6,12}(?::|%3[Aa])[A-Za-z0-9_-]{30,}|\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,}"
)
_PAIR = re.compile(r'(?:^|\s)([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*"|\S*)')
_NEEDS_QUOTES = re.compile(r'[\s"=\\]')
_RESERVED = frozenset({"ts", "level", "logger", "msg", "event", "exc", "stack"})
_NOISY = ("httpx", "httpcore", "apscheduler.executors.default", "apscheduler.scheduler", "telegram.ext.Updater",
          "aiohttp.access", "slack_bolt", "slack_sdk")
HANDLER_NAME = "newsdigest"


def kv_value(value: object) -> str:
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    if text == "" or _NEEDS_QUOTES.search(text):
        return json.dumps(text, ensure_ascii=False)
    return text


def kv(**fields: object) -> str:
    """`a=1 b="two words"`; None values are left out."""
    return " ".join(f"{k}={kv_value(v)}" for k, v in fields.items() if v is not None)


def parse_kv(message: str) -> dict[str, str]:
    """The key=value pairs of a message (inverse of kv for its output); the first occurrence of a key wins."""
    out: dict[str, str] = {}
    for key, raw in _PAIR.findall(message):
        if raw.startswith('"') and len(raw) >= 2:
            try:
                value = json.loads(raw)
            except ValueError:
                value = raw
        else:
            value = raw
        out.setdefault(key, str(value))
    return out


class SecretFilter(logging.Filter):
    """Replaces configured secrets (also URL-encoded) and anything shaped like a platform token with ***."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        variants: set[str] = set()
        for secret in secrets:
            if secret and len(secret) >= 6:
                variants |= {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret),
                             json.dumps(secret)[1:-1]}
        self.secrets = sorted(variants, key=len, reverse=True)  # longest first: a variant may contain another

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return _TOKEN_SHAPES.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):  # broken %-format: keep the parts, never let logging print them raw
            message = f"{record.msg} {record.args!r}"
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self.mask(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


def _utc_time(record: logging.LogRecord) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"{stamp}.{int(record.msecs):03d}Z"


class KeyValueFormatter(logging.Formatter):
    """`ts=… level=info logger=newsdigest.app <event> k=v …`; a traceback follows on indented lines."""

    def format(self, record: logging.LogRecord) -> str:
        head = f"ts={_utc_time(record)} level={record.levelname.lower()} logger={record.name}"
        text = f"{head} {record.getMessage()}"
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        for extra in (record.exc_text, record.stack_info):
            if extra:
                text += "\n" + "\n".join("    " + line for line in extra.splitlines())
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, event, msg, the message's key=value pairs, exc."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        data: dict[str, object] = {
            "ts": _utc_time(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": message.split(" ", 1)[0] if message else "",
            "msg": message,
        }
        for key, value in parse_kv(message).items():
            if key not in _RESERVED:
                data.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exc"] = record.exc_text
        if record.stack_info:
            data["stack"] = record.stack_info
        return json.dumps(data, ensure_ascii=False)


def config_secrets(config: Config) -> list[str]:
    t, s = config.telegram, config.slack
    return [x for x in (t.token, t.webhook_secret, s.bot_token, s.signing_secret, s.app_token) if x]


def _log_uncaught(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    logging.getLogger("newsdigest").critical("uncaught exception", exc_info=(exc_type, exc, tb))


def _log_thread_uncaught(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    name = args.thread.name if args.thread else "?"
    logging.getLogger("newsdigest").critical(
        "uncaught exception %s", kv(thread=name), exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


def setup_logging(config: Config, stream: TextIO | None = None, *, quiet: bool = False) -> logging.Handler:
    """Install one handler on the root logger (replacing earlier ones of ours).

    `quiet` (console chat, one-shot commands) shows warnings only unless a level was configured.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if config.ops.log_format == "json" else KeyValueFormatter())
    handler.addFilter(SecretFilter(config_secrets(config)))
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == HANDLER_NAME:
            root.removeHandler(old)
    root.addHandler(handler)
    level = config.ops.log_level.upper()
    if not isinstance(logging.getLevelName(level), int):
        logging.getLogger("newsdigest").warning("unknown ops.log_level %s: using INFO", kv(value=level))
        level = "INFO"
    root.setLevel("WARNING" if quiet and level == "INFO" else level)
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
    # Tracebacks that nobody catches and warnings would otherwise reach stderr unmasked.
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_thread_uncaught
    logging.captureWarnings(True)
    return handler
