"""Hostile input on the command path: parse_command, Core.answer and the subscribe arguments, with hypothesis.

Whatever a chat sends, the core answers with a Reply and never raises; garbage gets an error reply that says what
to do, never the "something went wrong on our side" apology (that one means a bug was hit).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import available_timezones

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsdigest.clock import Clock
from newsdigest.config import build_config, valid_timezone
from newsdigest.digests.filters import FilterError, fold, parse_filter
from newsdigest.digests.slots import BadTimeError, parse_hhmm, zone
from newsdigest.digests.zones import zone_for_words
from newsdigest.handlers import Core, all_commands
from newsdigest.handlers.digest_cmds import parse_subscribe_args
from newsdigest.handlers.registry import ALIASES, parse_command
from newsdigest.handlers.subscribe_args import STYLE_WORDS
from newsdigest.models import ChatKind, ChatRef, Platform
from newsdigest.reply import Reply
from newsdigest.store.store import Store
from newsdigest.texts import t

FUZZ_CHAT = ChatRef(Platform.TELEGRAM, "-100777", ChatKind.GROUP)  # not an admin: addfeed / removefeed never touch the network
AS_OF = dt.date(2020, 9, 14)
APOLOGIES = (t("en", "internal_error"), t("de", "internal_error"))
NAMES = sorted(all_commands()) + sorted(ALIASES)
SLASH_ZONES = sorted(z for z in available_timezones() if "/" in z)
# tzdata folders: names that look like zones but are directories (ZoneInfo raises IsADirectoryError for them)
ZONE_DIRS = ["America/Argentina", "America/Indiana", "America/Kentucky", "America/North_Dakota"]
_IDENT = re.compile(r"[a-z_][a-z0-9_]*")

examples = settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def core(_seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Core]:
    """One Core over a copy of the seeds for the whole module (hypothesis runs many examples per test)."""
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copy(_seeded_template, path)
    store = Store(path)
    yield Core(store=store, config=build_config({}), clock=Clock(as_of=AS_OF))
    store.close()


def _check_reply(reply: object) -> Reply:
    assert isinstance(reply, Reply)
    assert reply.blocks, "an empty reply"
    out = reply.plain_text()
    assert out.strip()
    assert not any(a in out for a in APOLOGIES), f"internal error hit: {out[:200]}"
    return reply


# -- parse_command ----------------------------------------------------------------------------------------------


@settings(max_examples=400)
@given(st.text(max_size=200))
def test_parse_command_never_raises_and_names_are_identifiers(line: str) -> None:
    parsed = parse_command(line)
    if parsed is not None:
        assert _IDENT.fullmatch(parsed.name), parsed
        assert parsed.args == parsed.args.strip()
        assert parsed.addressed_to is None or (parsed.addressed_to and not any(c.isspace() for c in parsed.addressed_to))


@settings(max_examples=300)
@given(
    st.sampled_from(NAMES),
    st.booleans(),
    st.one_of(st.none(), st.from_regex(r"[A-Za-z0-9_]{1,32}", fullmatch=True)),
    st.text(max_size=80),
    st.sampled_from([" ", "  ", "\t", "\n", " \u00a0"]),
)
def test_parse_command_reads_name_bot_and_args(name: str, upper: bool, bot: str | None, args: str, sep: str) -> None:
    written = name.upper() if upper else name
    line = f"/{written}" + (f"@{bot}" if bot else "") + sep + args
    parsed = parse_command(line)
    assert parsed is not None, line
    assert parsed.name == ALIASES.get(name, name)
    assert parsed.addressed_to == bot
    assert parsed.args == args.strip()


# -- Core.answer ------------------------------------------------------------------------------------------------

command_lines = st.one_of(
    st.text(max_size=300),
    st.builds(lambda n, a: f"/{n} {a}", st.sampled_from(NAMES), st.text(max_size=120)),
    st.builds(lambda n, a: f"/{n}@newsdigest_bot {a}", st.sampled_from(NAMES), st.text(max_size=60)),
)


@examples
@given(command_lines)
@example("/why 99999999999999999999999")
@example("/why -1")
@example("/search \"*\" OR NEAR(a b)")
@example("/subscribe 25:00")
@example("/subscribe 07:30 Mars/Olympus_Mons")
@example("/subscribe 07:30 ../../etc/passwd")
@example("/subscribe 07:30 Europe/Berlin/x")
@example("/status \x00 \x1b[2J")
@example("/lang " + "x" * 5000)
@example("/" + "a" * 10_000)
def test_answer_always_replies_and_never_apologises(core: Core, line: str) -> None:
    reply = _check_reply(core.answer(FUZZ_CHAT, line))
    parsed = parse_command(line)
    if parsed is None or parsed.name not in all_commands():
        assert reply.error


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["status", "deadline", "stories", "help", "feeds"]),
       st.from_regex(r"[A-Za-z0-9_]{1,20}", fullmatch=True), st.sampled_from(["", " tiktok"]))
def test_addressed_commands_answer_like_plain_ones(core: Core, name: str, bot: str, args: str) -> None:
    chat = ChatRef(Platform.TELEGRAM, "-100888", ChatKind.GROUP)
    plain = _check_reply(core.answer(chat, f"/{name}{args}"))
    addressed = _check_reply(core.answer(chat, f"/{name}@{bot}{args}"))
    assert not plain.error
    assert addressed.plain_text() == plain.plain_text()


@examples
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=100).filter(
    lambda s: parse_command(s) is None))
def test_plain_text_gets_an_error_reply_that_says_how(core: Core, line: str) -> None:
    reply = _check_reply(core.answer(FUZZ_CHAT, line))
    assert reply.error and "/" in reply.plain_text()


# -- subscribe arguments ----------------------------------------------------------------------------------------

zone_like = st.one_of(st.sampled_from(SLASH_ZONES), st.sampled_from(["UTC", "utc", "GMT", "Z"]),
                      st.from_regex(r"[A-Za-z_]{1,12}/[A-Za-z_+\-0-9]{1,14}", fullmatch=True))
time_like = st.one_of(st.from_regex(r"\d{1,2}:\d{2}", fullmatch=True), st.from_regex(r"[0-9.:]{1,6}", fullmatch=True))
sub_args = st.one_of(
    st.text(max_size=120),
    st.lists(st.one_of(time_like, zone_like, st.text(max_size=12)), max_size=5).map(" ".join),
)


@pytest.mark.slow  # over 5 s on a loaded 2-core machine
@settings(max_examples=400)
@given(sub_args)
def test_subscribe_args_parse_or_raise_a_usage_error(args: str) -> None:
    try:
        at, tz, story = parse_subscribe_args(args, "08:00", "Europe/Berlin")
    except (BadTimeError, ValueError):
        return
    assert parse_hhmm(at) and re.fullmatch(r"\d\d:\d\d", at)
    assert valid_timezone(tz) and zone(tz)
    assert story is None or (story == story.strip() and story)


def _story_word(w: str) -> bool:
    # words the parser reads as something else: zones and cities, filters (+w / -w), the thread keyword
    return zone_for_words(w) is None and w[0] not in "+-" and w.casefold() not in STYLE_WORDS


words = st.lists(st.from_regex(r"[A-Za-zÄÖÜäöüß\-]{1,12}", fullmatch=True).filter(_story_word),
                 max_size=3).map(" ".join).filter(lambda s: zone_for_words(s) is None)


@pytest.mark.slow  # over 5 s on a loaded 2-core machine
@settings(max_examples=300)
@given(st.integers(0, 23), st.integers(0, 59), st.booleans(), st.sampled_from([*SLASH_ZONES, "UTC"]), words)
def test_valid_time_zone_and_story_are_accepted(hour: int, minute: int, pad: bool, tz: str, story: str) -> None:
    written = f"{hour:02d}:{minute:02d}" if pad else f"{hour}:{minute:02d}"
    at, got_tz, got_story = parse_subscribe_args(f"{written} {tz} {story}", "08:00", "Europe/Berlin")
    assert (at, got_tz, got_story) == (f"{hour:02d}:{minute:02d}", tz, story or None)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from(SLASH_ZONES))
def test_subscribe_command_stores_what_it_confirms(core: Core, hour: int, minute: int, tz: str) -> None:
    chat = ChatRef(Platform.TELEGRAM, f"sub-{hour}-{minute}", ChatKind.PRIVATE)
    reply = _check_reply(core.answer(chat, f"/subscribe {hour}:{minute:02d} {tz}"))
    assert not reply.error
    [sub] = core.store.subscriptions_for(chat)
    assert (sub.time, sub.tz) == (f"{hour:02d}:{minute:02d}", tz)
    assert f"{hour:02d}:{minute:02d}" in reply.plain_text()


@pytest.mark.parametrize("bad", ["24:00", "7.30", "08:60", "0800", "8:5", "-1:00"])
def test_bad_times_are_usage_errors(core: Core, bad: str) -> None:
    reply = _check_reply(core.answer(FUZZ_CHAT, f"/subscribe {bad} Europe/Berlin"))
    assert reply.error and bad in reply.plain_text() and "HH:MM" in reply.plain_text()


@pytest.mark.parametrize("name", ZONE_DIRS)
def test_zone_folders_are_unknown_zones_in_slots(name: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        zone(name)


@pytest.mark.parametrize("name", ZONE_DIRS)
def test_zone_folders_are_refused_as_unknown_zones(core: Core, name: str) -> None:
    assert valid_timezone(name) is False
    reply = _check_reply(core.answer(FUZZ_CHAT, f"/subscribe 07:30 {name}"))
    assert reply.error and name in reply.plain_text()


def test_lone_surrogates_are_not_an_internal_error(core: Core) -> None:
    _check_reply(core.answer(FUZZ_CHAT, "/status \ud800"))


# -- filters -------------------------------------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_any_filter_text_parses_or_is_a_filter_error(raw: str) -> None:
    try:
        flt = parse_filter(raw)
    except FilterError:
        return
    assert str(flt) == "" or all(tok[0] in "+-" for tok in str(flt).split())


@settings(max_examples=300)
@given(st.lists(st.from_regex(r"[A-Za-zÄÖÜäöüßéèç]{2,10}", fullmatch=True), min_size=1, max_size=4),
       st.text(max_size=40))
def test_a_text_naming_every_plus_word_is_kept_whatever_the_case(words: list[str], noise: str) -> None:
    flt = parse_filter(" ".join(f"+{w}" for w in words))
    assert flt.keeps(" ".join(w.upper() for w in words) + " " + noise)
    assert not parse_filter(f"-{words[0]}").keeps(f"{noise} {words[0].title()} {noise}")
    assert fold(words[0]) in str(flt)
