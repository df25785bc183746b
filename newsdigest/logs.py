"""Logging setup: key=value text or JSON lines; secrets are masked in every record."""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import TextIO

from newsdigest.config import Config

# Token shapes of Telegram (123456:ABC…), Slack (xoxb-/xapp-/xoxp-) and long hex secrets.
_TOKEN_SHAPES = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b|\bxox[abposr]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,}")


class SecretFilter(logging.Filter):
    """Replaces configured secrets and anything shaped like a platform token with ***."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return _TOKEN_SHAPES.sub("***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self.mask(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for pair in re.findall(r"(\w+)=(\S+)", record.getMessage()):
            data.setdefault(pair[0], pair[1])
        if record.exc_text:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


def config_secrets(config: Config) -> list[str]:
    t, s = config.telegram, config.slack
    return [x for x in (t.token, t.webhook_secret, s.bot_token, s.signing_secret, s.app_token) if x]


def setup_logging(config: Config, stream: TextIO | None = None, *, quiet: bool = False) -> logging.Handler:
    """Install one handler on the root logger (replacing earlier ones of ours).

    `quiet` (console chat, one-shot commands) shows warnings only unless a level was configured.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name("newsdigest")
    if config.ops.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"))
    handler.addFilter(SecretFilter(config_secrets(config)))
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == "newsdigest":
            root.removeHandler(old)
    root.addHandler(handler)
    level = config.ops.log_level.upper()
    root.setLevel("WARNING" if quiet and level == "INFO" else level)
    for noisy in ("httpx", "httpcore", "apscheduler.executors.default", "telegram.ext.Updater", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler
