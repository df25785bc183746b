"""`newsdigest doctor`: check configuration, database, platforms and feeds; one line per check, ✓ or ✗ + the fix.

The checks only read: the database is never created or migrated here (store/inspect.py opens it read-only), platform checks call read-only methods
(Telegram getMe, Slack auth.test) at the configured base URLs, feeds go through the SSRF-guarded fetcher. No
check prints a secret: error texts from HTTP libraries may carry the URL (the Telegram token is part of it), so
every line passes through the same masking as the logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import httpx

from newsdigest.config import (
    ENV_SECRETS,
    Config,
    ConfigError,
    SlackConfig,
    SummarizeConfig,
    TelegramConfig,
    load_config,
)
from newsdigest.errors import NotADatabaseError, StoreError, SummarizeError
from newsdigest.ingest.feeds import FeedError, parse_feed
from newsdigest.ingest.fetch import Fetcher, FetchError, FetchHTTPError, FetchRefused, FetchTimeout
from newsdigest.logs import SecretFilter, config_secrets, setup_logging
from newsdigest.store.backend import mask_url
from newsdigest.store.inspect import active_feed_urls, inspect_database
from newsdigest.store.migrations import SCHEMA_VERSION
from newsdigest.summarize.client import parse_models

PLATFORM_TIMEOUT = 10.0  # seconds for getMe / auth.test
OK, FAIL, SKIP = "✓", "✗", "-"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool | None  # None: not applicable / skipped (does not fail the run)
    detail: str
    fix: str | None = None

    def line(self) -> str:
        mark = SKIP if self.ok is None else OK if self.ok else FAIL
        text = f"{mark} {self.name}: {self.detail}"
        if self.fix and self.ok is False:
            text += f"\n    fix: {self.fix}"
        return text


# -- configuration -------------------------------------------------------------------------------------------


def config_check(config: Config) -> Check:
    where = config.source or "built-in defaults, no config file"
    platforms = [name for name, on in (("Telegram", config.telegram_enabled), ("Slack", config.slack_enabled)) if on]
    enabled = ", ".join(platforms) if platforms else "no platform token set: console chat only"
    return Check("configuration", True, f"valid ({where}); {enabled}")


# -- database ------------------------------------------------------------------------------------------------


def _dir_writable(folder: Path) -> str | None:
    """None when a file can be created in `folder` (tried for real: permission bits lie to root), else why not."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".newsdigest-doctor-", dir=folder)
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return None


def _nearest_existing(path: Path) -> Path:
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path(path.anchor or ".")


def database_checks(config: Config) -> list[Check]:
    if config.storage.url:
        return _postgres_checks(config.storage.url)
    path = Path(config.storage.path)
    unwritable_fix = (f"make {path.parent} writable for the user running newsdigest, or set [storage] path "
                      "(or --db) to a writable location")
    if path.exists() and not path.is_file():
        return [Check("database", False, f"{path} is not a file", "point [storage] path at a file, e.g. data/newsdigest.db")]
    if not path.exists():
        base = path.parent if path.parent.exists() else _nearest_existing(path)
        if not base.is_dir():
            return [Check("database", False, f"cannot create {path}: {base} is not a folder",
                          "set [storage] path (or --db) to a file in a writable folder")]
        problem = _dir_writable(base)
        if problem:
            return [Check("database", False, f"cannot create {path}: {base}: {problem}", unwritable_fix)]
        return [Check("database", True, f"{path} does not exist yet; it will be created at the first start")]
    problem = _dir_writable(path.parent) or _file_writable(path)
    writable = Check("database", problem is None, f"{path} writable" if problem is None else f"{path}: {problem}",
                     unwritable_fix)
    return [writable, *_schema_checks(path)]


def _postgres_checks(url: str) -> list[Check]:
    try:
        report = inspect_database(url)
    except StoreError as exc:  # the message names the server without the password, and what to fix
        return [Check("database", False, str(exc))]  # the message says what to fix
    reached = Check("database", True, f"PostgreSQL {mask_url(url)} answers")
    if report.version == 0:
        return [reached, Check("database schema", True, f"empty; created at the first start (version {SCHEMA_VERSION})")]
    return [reached, _version_check(report.version)]


def _file_writable(path: Path) -> str | None:
    try:
        with path.open("ab"):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _schema_checks(path: Path) -> list[Check]:
    try:
        report = inspect_database(path)
    except NotADatabaseError as exc:
        return [Check("database schema", False, str(exc),
                      "restore a backup, or move the file away to start with an empty database")]
    except StoreError as exc:
        return [Check("database schema", False, str(exc), "check the file and its permissions")]
    return [_version_check(report.version), _integrity_check(report.integrity)]


def _version_check(version: int) -> Check:
    if version > SCHEMA_VERSION:
        return Check("database schema", False, f"version {version} is newer than this newsdigest ({SCHEMA_VERSION})",
                     "upgrade newsdigest (or point [storage] path at the database of this version)")
    if version < SCHEMA_VERSION:
        return Check("database schema", True, f"version {version}; migrated to {SCHEMA_VERSION} at the next start")
    return Check("database schema", True, f"version {version} (current)")


def _integrity_check(result: str) -> Check:
    if result == "ok":
        return Check("database integrity", True, "PRAGMA integrity_check: ok")
    return Check("database integrity", False, f"PRAGMA integrity_check: {result[:200]}",
                 "stop the bot, back the file up and rebuild it: sqlite3 OLD.db .recover | sqlite3 NEW.db")


def stored_feeds(config: Config) -> list[str]:
    """Active feeds added in chat or with `newsdigest feeds add` (read-only; none when the database is absent)."""
    return active_feed_urls(config.storage.target)


# -- platforms -----------------------------------------------------------------------------------------------


async def telegram_check(cfg: TelegramConfig, client: httpx.AsyncClient) -> Check:
    name = "Telegram getMe"
    fix_token = "copy the token from @BotFather (/mybots → API Token) into NEWSDIGEST_TELEGRAM_TOKEN"
    if not cfg.token:
        return Check(name, None, "not configured (set NEWSDIGEST_TELEGRAM_TOKEN to enable)")
    try:
        response = await client.get(f"{cfg.base_url}{cfg.token}/getMe")
    except httpx.HTTPError as exc:
        return Check(name, False, f"cannot reach {_host(cfg.base_url)}: {type(exc).__name__}",
                     "check the network / proxy and telegram.base_url")
    data = _json(response)
    if response.status_code == 401 or response.status_code == 404:
        return Check(name, False, f"token rejected ({response.status_code} {data.get('description') or ''})".strip(),
                     fix_token)
    if not data.get("ok"):
        return Check(name, False, f"HTTP {response.status_code}: {data.get('description') or 'not a Bot API answer'}",
                     "check telegram.base_url (it ends with /bot)")
    user = data.get("result")
    user = user if isinstance(user, dict) else {}
    detail = f"@{user.get('username', '?')} (id {user.get('id', '?')})"
    if cfg.mode == "webhook":
        detail += f"; webhook mode at {cfg.webhook_url}"
        if not cfg.webhook_secret:
            return Check(name, False, detail + " without a secret token",
                         "set NEWSDIGEST_TELEGRAM_WEBHOOK_SECRET so forged updates are refused")
    return Check(name, True, detail)


async def slack_checks(cfg: SlackConfig, client: httpx.AsyncClient) -> list[Check]:
    if not cfg.bot_token:
        return [Check("Slack auth.test", None, "not configured (set NEWSDIGEST_SLACK_BOT_TOKEN to enable)")]
    mode = _slack_mode(cfg)
    if cfg.mode == "socket" and mode.ok:
        mode = await _slack_app_token(cfg, client)
    return [await _slack_auth(cfg, client), mode]


async def _slack_app_token(cfg: SlackConfig, client: httpx.AsyncClient) -> Check:
    """apps.connections.open with the app-level token: what Socket Mode calls first (read-only: the URL is unused)."""
    name = "Slack socket mode"
    fix = ("Basic Information → App-Level Tokens → generate one with connections:write into "
           "NEWSDIGEST_SLACK_APP_TOKEN; and enable Socket Mode (slack/manifest.yml does)")
    try:
        response = await client.post(f"{cfg.api_base_url}apps.connections.open",
                                     headers={"Authorization": f"Bearer {cfg.app_token}"})
    except httpx.HTTPError as exc:
        return Check(name, False, f"cannot reach {_host(cfg.api_base_url)}: {type(exc).__name__}",
                     "check the network / proxy and slack.api_base_url")
    data = _json(response)
    if data.get("ok"):
        return Check(name, True, f"app-level token accepted (apps.connections.open); {cfg.command} arrives over "
                     "Socket Mode")
    error = str(data.get("error") or f"HTTP {response.status_code}")
    if error in ("invalid_auth", "not_authed", "token_revoked", "not_allowed_token_type", "token_expired"):
        return Check(name, False, f"app-level token rejected ({error})", fix)
    return Check(name, False, error, "check slack.api_base_url (it ends with /api/)")


async def _slack_auth(cfg: SlackConfig, client: httpx.AsyncClient) -> Check:
    name = "Slack auth.test"
    fix_token = ("copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into "
                 "NEWSDIGEST_SLACK_BOT_TOKEN (install the app to the workspace first)")
    token = cfg.bot_token or ""
    if not token.startswith("xoxb-"):
        return Check(name, False, "NEWSDIGEST_SLACK_BOT_TOKEN does not start with xoxb- (not a bot token)", fix_token)
    try:
        response = await client.post(f"{cfg.api_base_url}auth.test", headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        return Check(name, False, f"cannot reach {_host(cfg.api_base_url)}: {type(exc).__name__}",
                     "check the network / proxy and slack.api_base_url")
    data = _json(response)
    if data.get("ok"):
        return Check(name, True, f"workspace {data.get('team', '?')} as @{data.get('user', '?')}")
    error = data.get("error") or f"HTTP {response.status_code}"
    if error in ("invalid_auth", "not_authed", "token_revoked", "account_inactive", "token_expired"):
        return Check(name, False, f"token rejected ({error})", fix_token)
    return Check(name, False, f"{error}", "check slack.api_base_url (it ends with /api/)")


def _slack_mode(cfg: SlackConfig) -> Check:
    name = f"Slack {cfg.mode} mode"
    if cfg.mode == "socket":
        if not cfg.app_token or not cfg.app_token.startswith("xapp-"):
            return Check(name, False, "NEWSDIGEST_SLACK_APP_TOKEN is missing or does not start with xapp-",
                         "Basic Information → App-Level Tokens → generate one with connections:write; "
                         "and enable Socket Mode (slack/manifest.yml does)")
        return Check(name, True, f"app token present; {cfg.command} arrives over Socket Mode")
    if not cfg.signing_secret:
        return Check(name, False, "NEWSDIGEST_SLACK_SIGNING_SECRET is missing",
                     "Basic Information → App Credentials → Signing Secret")
    return Check(name, True, f"signing secret present; Slack must reach http(s)://YOUR-HOST:{cfg.port}{cfg.path}")


def _json(response: httpx.Response) -> dict[str, object]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host or url
    except httpx.InvalidURL:
        return url


# -- feeds ---------------------------------------------------------------------------------------------------


async def feed_checks(config: Config, urls: list[str]) -> list[Check]:
    if not urls:
        return [Check("feeds", None, "none configured ([ingest] feeds or /addfeed)")]
    limit = asyncio.Semaphore(config.ingest.concurrency)
    async with Fetcher(config.ingest) as fetcher:

        async def one(url: str) -> Check:
            async with limit:
                return await feed_check(fetcher, url)

        return list(await asyncio.gather(*(one(u) for u in urls)))


async def feed_check(fetcher: Fetcher, url: str) -> Check:
    name = f"feed {url}"
    try:
        result = await fetcher.fetch(url)
        parsed = parse_feed(result.content, url=result.url, content_type=result.content_type)
    except FetchRefused as exc:
        return Check(name, False, f"refused by the SSRF guard: {exc.reason}",
                     "if you trust this host, add it to [ingest] allow_hosts; otherwise remove the feed")
    except FetchHTTPError as exc:
        return Check(name, False, f"{exc.reason}", "check the URL in a browser; remove or replace the feed")
    except FetchTimeout as exc:
        return Check(name, False, f"unreachable: {exc.reason}", "check the URL and the network; raise "
                     "[ingest] timeout_seconds for a slow server")
    except FetchError as exc:
        return Check(name, False, f"unreachable: {exc.reason}", "check the URL (host name, port) and the network")
    except FeedError as exc:
        return Check(name, False, f"not a feed: {exc}", "use the RSS/Atom address (look for the feed link on the "
                     "site), not the web page")
    title = f" — {parsed.title}" if parsed.title else ""
    return Check(name, True, f"{len(parsed.entries)} entries ({parsed.version}){title}")


# -- summarising model -------------------------------------------------------------------------------------


async def summarize_check(cfg: SummarizeConfig, client: httpx.AsyncClient) -> Check:
    name = "summarising model"
    if not cfg.enabled:
        return Check(name, None, "off ([summarize] enabled = false): briefs are extractive")
    headers = {"Authorization": f"Bearer {cfg.api_key}"} if cfg.api_key else {}
    try:
        response = await client.get(cfg.base_url.rstrip("/") + "/models", headers=headers)
    except httpx.HTTPError as exc:
        return Check(name, False, f"cannot reach {cfg.base_url}: {type(exc).__name__}",
                     "start the server (e.g. `ollama serve`) or fix [summarize] base_url")
    if response.status_code in (401, 403):
        return Check(name, False, f"API key refused ({response.status_code})", "set NEWSDIGEST_SUMMARIZE_API_KEY")
    try:
        models = parse_models(response.json()) if response.status_code == 200 else None
    except (ValueError, SummarizeError):
        models = None
    if models is None:
        return Check(name, False, f"GET {cfg.base_url}/models answered {response.status_code} without a model list",
                     "[summarize] base_url is the API root of an OpenAI-compatible server, ending in /v1")
    if cfg.model not in models:
        return Check(name, False, f"{cfg.base_url} does not serve {cfg.model!r} (it serves: "
                     f"{', '.join(models[:8]) or 'none'})", "set [summarize] model to one of those")
    return Check(name, True, f"{cfg.base_url} serves {cfg.model}")


# -- running -------------------------------------------------------------------------------------------------


async def collect_checks(config: Config, *, client: httpx.AsyncClient | None = None) -> list[Check]:
    """Every check in order; `client` lets tests inject transport settings."""
    checks = [config_check(config), *database_checks(config)]
    own = client is None
    http = client or httpx.AsyncClient(timeout=PLATFORM_TIMEOUT, trust_env=True)
    try:
        checks.append(await telegram_check(config.telegram, http))
        checks += await slack_checks(config.slack, http)
        checks.append(await summarize_check(config.summarize, http))
    finally:
        if own:
            await http.aclose()
    feeds = list(dict.fromkeys([*config.ingest.feeds, *stored_feeds(config)]))
    checks += await feed_checks(config, feeds)
    return checks


def report(checks: list[Check], masker: Callable[[str], str], out: TextIO) -> int:
    """Print the lines; exit 1 when a check failed."""
    for check in checks:
        print(masker(check.line()), file=out)
    failed = sum(1 for c in checks if c.ok is False)
    print(masker(_problems(failed) if failed else "all checks passed"), file=out)
    return 1 if failed else 0


async def run_doctor_async(config: Config, out: TextIO | None = None) -> int:
    checks = await collect_checks(config)
    return report(checks, SecretFilter(config_secrets(config)).mask, out or sys.stdout)


def run_doctor(config: Config, out: TextIO | None = None) -> int:
    """The CLI entry point: exit 0 when every check passed, 1 otherwise."""
    return asyncio.run(run_doctor_async(config, out))  # the CLI's one event loop


def doctor_main(config_path: str | None, db: str | None = None, out: TextIO | None = None,
                env: dict[str, str] | None = None, *, configure_logging: bool = True) -> int:
    """Like run_doctor, but loads the configuration itself so a broken file is reported as a ✗ line."""
    out = out or sys.stdout
    env = dict(os.environ) if env is None else env
    try:
        config = load_config(config_path, env)
    except ConfigError as exc:
        mask = SecretFilter([env.get(var, "") for var in ENV_SECRETS.values()]).mask
        line = Check("configuration", False, str(exc), "correct what the line names (config.example.toml lists every key)").line()
        print(mask(line), file=out)
        print(_problems(1), file=out)
        return 1
    if db:
        config = config.replace(storage=config.storage.with_db(db))
    if configure_logging:  # library warnings go through the masking handler, not logging's bare last resort
        setup_logging(config, quiet=True)
    return run_doctor(config, out)


def _problems(n: int) -> str:
    return "1 problem found" if n == 1 else f"{n} problems found"
