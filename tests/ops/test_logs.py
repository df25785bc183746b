"""Logs: key=value or JSON lines, and no token or signing secret ever reaches them, not even in tracebacks."""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
import urllib.parse
import warnings
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdigest.config import build_config
from newsdigest.logs import SecretFilter, kv, parse_kv, setup_logging

TG_TOKEN = "7412589630:AAHk2x-Secret_Telegram_Token_0123456789"
SLACK_BOT = "xoxb-1234567890-0987654321-SlackBotSecretToken"
SLACK_APP = "xapp-1-A0123456-7890123456-abcdefSlackAppToken"
SIGNING = "c0ffee5ecret5igningd1ffe7e11a1b2c"  # plain hex: no token shape, only the configured value reveals it
WEBHOOK = "hook-secret-Qw3rTy-9876"
SECRETS = (TG_TOKEN, SLACK_BOT, SLACK_APP, SIGNING, WEBHOOK)
ENV = {
    "NEWSDIGEST_TELEGRAM_TOKEN": TG_TOKEN,
    "NEWSDIGEST_TELEGRAM_WEBHOOK_SECRET": WEBHOOK,
    "NEWSDIGEST_SLACK_BOT_TOKEN": SLACK_BOT,
    "NEWSDIGEST_SLACK_APP_TOKEN": SLACK_APP,
    "NEWSDIGEST_SLACK_SIGNING_SECRET": SIGNING,
}


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = (sys.excepthook, threading.excepthook)
    yield
    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
    root.setLevel(level)
    sys.excepthook, threading.excepthook = hooks
    logging.captureWarnings(False)


@pytest.fixture(params=["text", "json"])
def logged(request: pytest.FixtureRequest, restore_logging: None) -> io.StringIO:
    stream = io.StringIO()
    setup_logging(build_config({"ops": {"log_format": request.param, "log_level": "DEBUG"}}, ENV), stream)
    return stream


def leaked(text: str) -> list[str]:
    forms = set()
    for s in SECRETS:
        forms |= {s, urllib.parse.quote(s, safe=""), s[-16:]}
    return [f for f in forms if f in text]


def _fail_with_secrets() -> None:
    try:
        raise httpx.ConnectError(f"POST https://api.telegram.org/bot{TG_TOKEN}/getMe failed")
    except httpx.ConnectError as exc:
        raise RuntimeError(f"slack said no to {SLACK_BOT} signed with {SIGNING}") from exc


def test_secrets_never_appear_in_messages_args_or_tracebacks(logged: io.StringIO) -> None:
    log = logging.getLogger("newsdigest.test")
    log.info("starting %s", kv(token=TG_TOKEN, app=SLACK_APP))
    log.debug("url https://api.telegram.org/bot%s/sendMessage", urllib.parse.quote(TG_TOKEN, safe=""))
    log.warning("headers %r", {"Authorization": f"Bearer {SLACK_BOT}", "X-Secret": WEBHOOK})
    try:
        _fail_with_secrets()
    except RuntimeError:
        log.exception("send failed %s", kv(platform="slack"))
    log.error("stack", stack_info=True, extra={"ignored": SIGNING})
    log.info("broken format %d", SIGNING)  # a wrong format code must not dump the args raw
    out = logged.getvalue()
    assert leaked(out) == []
    assert out.count("***") >= 8
    assert "send failed" in out and "ConnectError" in out and "RuntimeError" in out  # the error itself is kept
    assert "broken format" in out


def test_uncaught_exceptions_in_main_and_other_threads(logged: io.StringIO) -> None:
    try:
        _fail_with_secrets()
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert "slack said no to *** signed with ***" in logged.getvalue()

    def worker() -> None:
        raise ValueError(f"thread saw {TG_TOKEN} and {SIGNING}")

    hook = threading.excepthook  # pytest replaces the hook per test; call ours through a thread explicitly
    thread = threading.Thread(target=lambda: _run_with_hook(worker, hook), name="poller")
    thread.start()
    thread.join(5)
    out = logged.getvalue()
    assert "uncaught exception" in out
    assert "thread=poller" in out or '"thread": "poller"' in out
    assert "ValueError" in out
    assert leaked(out) == []


def _run_with_hook(target: object, hook: object) -> None:
    try:
        target()  # type: ignore[operator]
    except BaseException:  # noqa: BLE001 (hands every exception to the hook under test, as threading does)
        exc_type, exc, tb = sys.exc_info()
        hook(threading.ExceptHookArgs((exc_type, exc, tb, threading.current_thread())))  # type: ignore[operator]


def test_warnings_are_masked(logged: io.StringIO) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn(f"deprecated call with {SLACK_APP}", UserWarning, stacklevel=1)
    out = logged.getvalue()
    assert "deprecated call" in out
    assert leaked(out) == []


def test_token_shapes_masked_without_configuration(restore_logging: None) -> None:
    stream = io.StringIO()
    setup_logging(build_config({}, {}), stream)
    other = "123456789:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"
    logging.getLogger("x").warning("foreign %s %s %s", other, "xoxp-11111-22222-abcdefabcdef", "xapp-1-ABCDEFGHIJK")
    out = stream.getvalue()
    assert other not in out and "xoxp-11111" not in out and "xapp-1-ABC" not in out


def test_json_lines_carry_the_key_values(restore_logging: None) -> None:
    stream = io.StringIO()
    setup_logging(build_config({"ops": {"log_format": "json"}}, {}), stream)
    logging.getLogger("newsdigest.ingest").info(
        "ingest %s", kv(feed="https://example.org/feed.xml", new=3, ms=12.25, title='a "quoted" title'))
    record = json.loads(stream.getvalue())
    assert record["level"] == "info" and record["logger"] == "newsdigest.ingest" and record["event"] == "ingest"
    assert record["feed"] == "https://example.org/feed.xml" and record["new"] == "3" and record["ms"] == "12.25"
    assert record["title"] == 'a "quoted" title'
    assert record["ts"].endswith("Z")


def test_text_lines_are_key_value(restore_logging: None) -> None:
    stream = io.StringIO()
    setup_logging(build_config({"ops": {"log_format": "text"}}, {}), stream)
    logging.getLogger("newsdigest.app").info("started %s", kv(platform="telegram"))
    fields = parse_kv(stream.getvalue())
    assert fields["level"] == "info" and fields["logger"] == "newsdigest.app" and fields["platform"] == "telegram"


def test_quiet_and_bad_level(restore_logging: None) -> None:
    stream = io.StringIO()
    setup_logging(build_config({"ops": {"log_level": "LOUD"}}, {}), stream)
    assert logging.getLogger().level == logging.INFO
    assert "unknown ops.log_level" in stream.getvalue()
    setup_logging(build_config({}, {}), stream, quiet=True)
    assert logging.getLogger().level == logging.WARNING
    assert len([h for h in logging.getLogger().handlers if h.get_name() == "newsdigest"]) == 1


_key = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)


@given(st.dictionaries(_key, st.text(max_size=30), max_size=5))
def test_kv_round_trips(fields: dict[str, str]) -> None:
    assert parse_kv(kv(**fields)) == fields


@given(secret=st.text(alphabet=st.characters(codec="utf-8"), min_size=6, max_size=40),
       before=st.text(max_size=20), after=st.text(max_size=20))
def test_any_configured_secret_is_masked(secret: str, before: str, after: str) -> None:
    f = SecretFilter([secret])
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "%s|%s|%s", (before, secret, after), None)
    f.filter(record)
    assert secret not in record.getMessage()
    assert urllib.parse.quote(secret, safe="") not in f.mask(urllib.parse.quote(secret, safe=""))
