"""Slot arithmetic and time parsing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdigest.digests.slots import (
    BadTimeError,
    latest_slot,
    next_slot,
    parse_hhmm,
    parse_slot,
    readable_schedules,
    slot_key,
    slot_on,
    slots_between,
    zone,
)

BERLIN = zone("Europe/Berlin")


@dataclass(frozen=True)
class _Row:
    id: int
    time: str
    tz: str


@pytest.mark.parametrize("value", ["25:00", "24:00", "08:60", "8.00", "0800", "", "ab:cd", "-1:00", "08:00:00"])
def test_bad_times_are_refused(value: str) -> None:
    with pytest.raises(BadTimeError):
        parse_hhmm(value)


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_valid_time_parses(hour: int, minute: int) -> None:
    assert parse_hhmm(f"{hour}:{minute:02d}") == dt.time(hour, minute)
    assert parse_hhmm(f"{hour:02d}:{minute:02d}") == dt.time(hour, minute)


def test_unknown_zone() -> None:
    with pytest.raises(ValueError, match="Mars/Base"):
        zone("Mars/Base")


def test_slot_keys_across_dst() -> None:
    assert slot_key(slot_on(dt.date(2020, 9, 14), dt.time(8), BERLIN)) == "2020-09-14T08:00+02:00"
    assert slot_key(slot_on(dt.date(2020, 10, 25), dt.time(8), BERLIN)) == "2020-10-25T08:00+01:00"
    # 02:30 does not exist on 29 March 2020 in Berlin: moved forward by the gap
    assert slot_key(slot_on(dt.date(2020, 3, 29), dt.time(2, 30), BERLIN)) == "2020-03-29T03:30+02:00"


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2035, 1, 1)),  # noqa: DTZ001 (wall times)
       st.integers(0, 23), st.integers(0, 59),
       st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]))
def test_latest_and_next_bracket_now(naive: dt.datetime, hour: int, minute: int, tz: str) -> None:
    now = naive.replace(tzinfo=dt.UTC)
    at, zi = dt.time(hour, minute), zone(tz)
    last, nxt = latest_slot(at, zi, now), next_slot(at, zi, now)
    assert last <= now < nxt
    assert slots_between(at, zi, last, nxt) == [last, nxt]
    assert parse_slot(slot_key(last)) == last.replace(second=0, microsecond=0)
    # consecutive slots are between 23 and 25 hours apart (DST), Lord Howe's half-hour shift included
    assert dt.timedelta(hours=22, minutes=30) <= nxt - last <= dt.timedelta(hours=25)


def test_a_stored_schedule_that_no_longer_reads_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    rows = [_Row(1, "08:00", "Europe/Berlin"), _Row(2, "8.00", "UTC"), _Row(3, "07:30", "Mars/Olympus"),
            _Row(4, "23:59", "UTC")]
    got = [(row.id, at, tz.key) for row, at, tz in readable_schedules(rows, "subscription")]
    assert got == [(1, dt.time(8, 0), "Europe/Berlin"), (4, dt.time(23, 59), "UTC")]
    logged = [r.getMessage() for r in caplog.records]
    assert logged == ["subscription 2 has a bad schedule '8.00' 'UTC'; skipped",
                      "subscription 3 has a bad schedule '07:30' 'Mars/Olympus'; skipped"]
