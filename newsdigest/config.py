"""Configuration: TOML -> frozen dataclasses, validated once at start. Secrets may come from the environment.

Every key is documented in config.example.toml; an unknown key or a wrong value raises ConfigError
naming it, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdigest.errors import ConfigError as ConfigError  # re-exported: callers catch config.ConfigError

ENV_SECRETS = {
    ("telegram", "token"): "NEWSDIGEST_TELEGRAM_TOKEN",
    ("telegram", "webhook_secret"): "NEWSDIGEST_TELEGRAM_WEBHOOK_SECRET",
    ("slack", "bot_token"): "NEWSDIGEST_SLACK_BOT_TOKEN",
    ("slack", "signing_secret"): "NEWSDIGEST_SLACK_SIGNING_SECRET",
    ("slack", "app_token"): "NEWSDIGEST_SLACK_APP_TOKEN",
    ("summarize", "api_key"): "NEWSDIGEST_SUMMARIZE_API_KEY",
}
ENV_CONFIG_PATH = "NEWSDIGEST_CONFIG"
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# host, host:port, host:* ; a bare IPv6 address or network has no port, a bracketed one may have one
_ALLOW_ENTRY = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\](?::(?:\d{1,5}|\*))?|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?:/\d+)?"
                          r"|[^\s:/\[\]]+(?:/\d+)?(?::(?:\d{1,5}|\*))?)$")


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class StorageConfig:
    path: str = "data/newsdigest.db"  # the embedded default: an SQLite file
    url: str | None = None  # postgresql://user@host:5432/db: PostgreSQL instead (wins over path)

    @property
    def target(self) -> str:
        """What the store opens: the PostgreSQL URL when one is set, else the SQLite file."""
        return self.url or self.path

    def with_db(self, db: str) -> StorageConfig:
        """`--db`: a postgresql:// URL or an SQLite file path, replacing whichever the config named."""
        if db.startswith(POSTGRES_SCHEMES):
            return dataclasses.replace(self, url=db)
        return dataclasses.replace(self, path=db, url=None)


@dataclass(frozen=True)
class BotConfig:
    language: str = "en"  # en | de: default reply language
    timezone: str = "UTC"
    as_of: dt.date | None = None
    seeds: str | None = None  # folder of sample articles ingested into an empty database


@dataclass(frozen=True)
class TelegramConfig:
    token: str | None = None
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    admins: tuple[str, ...] = ()  # user ids (or @usernames)
    mode: str = "polling"  # polling | webhook
    webhook_url: str | None = None  # public https URL Telegram posts to (webhook mode)
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_path: str = "/telegram"
    webhook_secret: str | None = None
    poll_timeout: int = 30  # long-polling timeout in seconds
    rate_per_second: float = 30.0  # overall send budget
    rate_per_chat: float = 1.0  # messages per second to one chat
    rate_per_group_minute: int = 20  # messages per minute to one group


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    mode: str = "socket"  # socket | http
    port: int = 3000
    path: str = "/slack/events"
    command: str = "/news"
    api_base_url: str = "https://slack.com/api/"
    admins: tuple[str, ...] = ()  # Slack user ids
    rate_per_channel: float = 1.0  # chat.postMessage per second per channel
    digest_style: str = "message"  # message | thread: a parent message per digest, each story a thread reply


@dataclass(frozen=True)
class IngestConfig:
    feeds: tuple[str, ...] = ()
    interval_minutes: int = 30
    allow_hosts: tuple[str, ...] = ()  # hosts/addresses exempt from the SSRF guard
    timeout_seconds: float = 20.0  # total deadline per request
    max_bytes: int = 5_000_000  # body cap (decompressed)
    concurrency: int = 8
    fetch_pages: bool = True  # fetch the full page when an entry carries only a summary


@dataclass(frozen=True)
class DigestConfig:
    time: str = "08:00"
    grace_hours: float = 12.0
    skip_quiet: bool = False  # skip instead of sending "nothing new"


@dataclass(frozen=True)
class WorkersConfig:
    """Several `newsdigest run` processes on one PostgreSQL database (README "When one machine is not enough")."""

    leader_takeover_seconds: float = 30.0  # the leader's lease: another worker takes over this long after it died
    poll_seconds: float = 1.0  # how often a worker looks for pending digests and reminders to claim


@dataclass(frozen=True)
class OpsConfig:
    health_port: int = 0  # 0 = no /healthz and /metrics server
    health_host: str = "127.0.0.1"
    log_format: str = "text"  # text (key=value) | json
    log_level: str = "INFO"


@dataclass(frozen=True)
class SummarizeConfig:
    """Optional machine-written briefs from an OpenAI-compatible Chat Completions endpoint (off by default)."""

    enabled: bool = False
    base_url: str = "http://127.0.0.1:11434/v1"  # API root; /chat/completions and /models are appended
    model: str = ""
    api_key: str | None = None
    timeout_seconds: float = 2.0  # how long a command waits before answering extractively
    digest_timeout_seconds: float = 30.0  # how long a digest may wait
    max_tokens: int = 300
    daily_token_budget: int = 200_000  # prompt + completion tokens per UTC day; 0 = unlimited


@dataclass(frozen=True)
class Config:
    storage: StorageConfig = field(default_factory=StorageConfig)
    bot: BotConfig = field(default_factory=BotConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    workers: WorkersConfig = field(default_factory=WorkersConfig)
    ops: OpsConfig = field(default_factory=OpsConfig)
    summarize: SummarizeConfig = field(default_factory=SummarizeConfig)
    source: str | None = None  # file it was read from

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram.token)

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack.bot_token)

    def replace(self, **sections: Any) -> Config:
        return dataclasses.replace(self, **sections)


_SECTIONS: dict[str, type] = {
    "storage": StorageConfig,
    "bot": BotConfig,
    "telegram": TelegramConfig,
    "slack": SlackConfig,
    "ingest": IngestConfig,
    "digest": DigestConfig,
    "workers": WorkersConfig,
    "ops": OpsConfig,
    "summarize": SummarizeConfig,
}


def load_config(path: str | Path | None = None, env: dict[str, str] | None = None) -> Config:
    """Read TOML (if given or found via $NEWSDIGEST_CONFIG / ./newsdigest.toml), apply env secrets, validate."""
    env = dict(os.environ) if env is None else env
    raw: dict[str, Any] = {}
    source: str | None = None
    candidate = path or env.get(ENV_CONFIG_PATH) or ("newsdigest.toml" if Path("newsdigest.toml").is_file() else None)
    if candidate:
        p = Path(candidate)
        if not p.is_file():
            raise ConfigError(f"config file not found: {p} (copy config.example.toml and edit it)")
        try:
            raw = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{p}: not valid TOML: {exc}") from None
        source = str(p)
    return build_config(raw, env, source=source)


def build_config(raw: dict[str, Any], env: dict[str, str] | None = None, source: str | None = None) -> Config:
    env = {} if env is None else env
    where = source or "config"
    sections: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in _SECTIONS:
            raise ConfigError(f"{where}: unknown section [{name}] (known: {', '.join(_SECTIONS)})")
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: [{name}] must be a table")
    for name, cls in _SECTIONS.items():
        values = dict(raw.get(name, {}))
        for (sec, key), var in ENV_SECRETS.items():
            if sec == name and env.get(var):
                values[key] = env[var]
        sections[name] = _build_section(cls, name, values, where)
    cfg = Config(**sections, source=source)
    _validate(cfg, where)
    return cfg


def _build_section(cls: type, name: str, values: dict[str, Any], where: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in fields:
            raise ConfigError(f"{where}: unknown key {name}.{key} (known: {', '.join(fields)})")
        kwargs[key] = _coerce(fields[key], value, f"{name}.{key}", where)
    return cls(**kwargs)


def _coerce(f: dataclasses.Field[Any], value: Any, key: str, where: str) -> Any:
    default = f.default if f.default is not dataclasses.MISSING else None
    kind = str(f.type)
    if "tuple" in kind:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise ConfigError(f"{where}: {key} must be a list of strings, got {value!r}")
        return tuple(str(v) for v in value)
    if "dt.date" in kind:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ConfigError(f"{where}: {key} must be a date YYYY-MM-DD, got {value!r}") from None
    if isinstance(default, bool) or kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be true or false, got {value!r}")
        return value
    if isinstance(default, int) or kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: {key} must be a whole number, got {value!r}")
        return value
    if isinstance(default, float) or kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: {key} must be a number, got {value!r}")
        return float(value)
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be a string, got {value!r}")
    return value


def _choice(value: str, allowed: tuple[str, ...], key: str, where: str) -> None:
    if value not in allowed:
        raise ConfigError(f"{where}: {key} must be one of {', '.join(allowed)}, got {value!r}")


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a tzdata folder such as America/Argentina
        return False
    return True


def _validate(cfg: Config, where: str) -> None:
    if cfg.storage.url is not None and not cfg.storage.url.startswith(POSTGRES_SCHEMES):
        raise ConfigError(f"{where}: storage.url must be a postgresql://user@host:5432/db URL "
                          "(an SQLite file goes in storage.path)")
    _choice(cfg.bot.language, ("en", "de"), "bot.language", where)
    if not valid_timezone(cfg.bot.timezone):
        raise ConfigError(f"{where}: bot.timezone {cfg.bot.timezone!r} is not an IANA zone (e.g. Europe/Berlin)")
    _choice(cfg.telegram.mode, ("polling", "webhook"), "telegram.mode", where)
    if cfg.telegram.mode == "webhook" and cfg.telegram.token and not cfg.telegram.webhook_url:
        raise ConfigError(f"{where}: telegram.mode = 'webhook' needs telegram.webhook_url")
    _choice(cfg.slack.mode, ("socket", "http"), "slack.mode", where)
    _choice(cfg.slack.digest_style, ("message", "thread"), "slack.digest_style", where)
    if not cfg.slack.command.startswith("/") or " " in cfg.slack.command:
        raise ConfigError(f"{where}: slack.command must look like /news, got {cfg.slack.command!r}")
    if cfg.slack.bot_token and cfg.slack.mode == "socket" and not cfg.slack.app_token:
        raise ConfigError(
            f"{where}: slack.mode = 'socket' needs an app token (NEWSDIGEST_SLACK_APP_TOKEN, xapp-…) "
            "or set slack.mode = 'http' with a signing secret"
        )
    if cfg.slack.bot_token and cfg.slack.mode == "http" and not cfg.slack.signing_secret:
        raise ConfigError(f"{where}: slack.mode = 'http' needs slack.signing_secret (NEWSDIGEST_SLACK_SIGNING_SECRET)")
    if not cfg.slack.path.startswith("/"):
        raise ConfigError(f"{where}: slack.path must start with /, got {cfg.slack.path!r}")
    if not _HHMM.match(cfg.digest.time):
        raise ConfigError(f"{where}: digest.time must be HH:MM (24h), got {cfg.digest.time!r}")
    for key, value in (("digest.grace_hours", cfg.digest.grace_hours), ("ingest.timeout_seconds", cfg.ingest.timeout_seconds)):
        if value < 0:
            raise ConfigError(f"{where}: {key} must not be negative")
    for key, value, lo, hi in (("workers.leader_takeover_seconds", cfg.workers.leader_takeover_seconds, 1.0, 3600),
                               ("workers.poll_seconds", cfg.workers.poll_seconds, 0.05, 60)):
        if not lo <= value <= hi:
            raise ConfigError(f"{where}: {key} must be between {lo:g} and {hi:g} seconds, got {value:g}")
    if cfg.ingest.interval_minutes < 1:
        raise ConfigError(f"{where}: ingest.interval_minutes must be at least 1")
    if cfg.ingest.concurrency < 1 or cfg.ingest.max_bytes < 1024:
        raise ConfigError(f"{where}: ingest.concurrency must be ≥ 1 and ingest.max_bytes ≥ 1024")
    for key, admins, form, example in (
        ("telegram.admins", cfg.telegram.admins, r"^(-?\d+|@\w{3,})$", "a numeric user id such as 123456789 or an @username"),
        ("slack.admins", cfg.slack.admins, r"^([UW][A-Z0-9]{2,}|@[\w.-]+)$", "a Slack user id such as U012AB3CD"),
    ):
        for admin in admins:
            if not re.match(form, admin.strip()):
                raise ConfigError(f"{where}: {key} entry {admin!r} must be {example} (nobody would match it)")
    for feed in cfg.ingest.feeds:
        if not re.match(r"^https?://[^\s/]+", feed.strip()):
            raise ConfigError(f"{where}: ingest.feeds entry {feed!r} must be an http:// or https:// URL "
                              "(e.g. \"https://example.org/feed.xml\")")
    for entry in cfg.ingest.allow_hosts:
        if not _ALLOW_ENTRY.match(entry.strip()):
            raise ConfigError(f"{where}: ingest.allow_hosts entry {entry!r} must be host, host:port or host:* "
                              "(e.g. \"feeds.intranet\", \"127.0.0.1:8080\", \"10.0.0.0/8:8443\", \"[::1]:8080\")")
    _choice(cfg.ops.log_format, ("text", "json"), "ops.log_format", where)
    for port_key, port in (("slack.port", cfg.slack.port), ("ops.health_port", cfg.ops.health_port), ("telegram.webhook_port", cfg.telegram.webhook_port)):
        if not 0 <= port <= 65535:
            raise ConfigError(f"{where}: {port_key} must be a port number 0–65535, got {port}")
    _validate_summarize(cfg.summarize, where)


def _validate_summarize(s: SummarizeConfig, where: str) -> None:
    if not s.enabled:
        return
    if not re.match(r"^https?://", s.base_url):
        raise ConfigError(f"{where}: summarize.base_url must be an http(s) URL such as http://127.0.0.1:11434/v1")
    if not s.model:
        raise ConfigError(f"{where}: summarize.enabled = true needs summarize.model (the endpoint's model name)")
    if s.timeout_seconds <= 0 or s.digest_timeout_seconds <= 0 or s.max_tokens < 16 or s.daily_token_budget < 0:
        raise ConfigError(
            f"{where}: summarize timeouts must be > 0, max_tokens ≥ 16 and daily_token_budget ≥ 0 (0 = unlimited)"
        )
