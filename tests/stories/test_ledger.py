"""The deadline ledger: merging mentions across sources, supersession, conflicts, status relative to the clock."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from newsdigest.stories.ledger import DeadlineIn, build_ledger, parse_when

D = dt.date
AUG3 = D(2020, 8, 3)


def dl(i: int, article: int, value: str, what: str = "sell the US business", *, published: dt.date = AUG3,
       supersedes: str | None = None, ttype: str | None = None, mod: str | None = None, text: str = "bis") -> DeadlineIn:
    return DeadlineIn(i, article, published, text, value, what, supersedes, 0, 3, ttype, mod)


def test_exact_and_approximate_dates_of_one_obligation_merge() -> None:
    ledger = build_ledger([
        dl(1, 1, "2020-09-15"),
        dl(2, 2, "2020-09-17", "negotiate a deal", ttype="DURATION"),  # 45 days from the publication date
        dl(3, 3, "2020-09-15", "divest", mod="MID"),  # "Mitte September" read as the 15th
        dl(4, 4, "2020-09", "divest", mod="MID"),
    ], D(2020, 9, 14))
    assert len(ledger.items) == 1
    (item,) = ledger.items
    assert item.article_ids == [1, 2, 3, 4] and item.when.lo == D(2020, 9, 15) and item.key == "d1"


def test_distinct_exact_dates_stay_apart_and_far_approximations_do_not_join() -> None:
    ledger = build_ledger([dl(1, 1, "2020-09-15"), dl(2, 2, "2020-09-20", "pay the fee"),
                           dl(3, 3, "2020-09-27", ttype="DURATION")], D(2020, 9, 1))
    assert sorted(i.when.lo.day for i in ledger.items) == [15, 20, 27]


def test_supersession_within_an_article_keeps_both() -> None:
    ledger = build_ledger([dl(1, 1, "2020-09-20"), dl(2, 1, "2020-11-12", supersedes="2020-09-20")], D(2020, 9, 14))
    (new,) = ledger.upcoming
    (old,) = ledger.superseded
    assert new.when.lo == D(2020, 11, 12) and old.superseded_by == new.when and new.replaces == [old.when]


def test_an_extension_in_a_later_article_replaces_the_earlier_date() -> None:
    ledger = build_ledger([
        dl(1, 1, "2021-03-15", "Die RNV muss ein Angebot vorlegen", published=D(2021, 3, 1)),
        dl(2, 2, "2021-03-22", "Verdi hat das Ultimatum für ein Angebot der RNV verlängert",
           published=D(2021, 3, 12), text="bis zum 22. März verlängert"),
    ], D(2021, 3, 13))
    assert [i.when.lo for i in ledger.upcoming] == [D(2021, 3, 22)]
    assert ledger.superseded[0].superseded_by is not None


def test_a_replaced_date_named_only_as_replaced_is_kept_on_record() -> None:
    ledger = build_ledger([dl(1, 1, "2020-11-12", supersedes="2020-09-20")], D(2020, 9, 14))
    assert [i.when.lo for i in ledger.superseded] == [D(2020, 9, 20)]


def test_sources_disagreeing_on_the_date_are_flagged() -> None:
    ledger = build_ledger([dl(1, 1, "2020-09-15", "ByteDance must sell TikTok's US business"),
                           dl(2, 2, "2020-09-20", "ByteDance must sell the US business of TikTok")], D(2020, 9, 1))
    a, b = ledger.upcoming
    assert a.disagrees_with == [b.when] and b.disagrees_with == [a.when]


def test_support_mentions_only_join_existing_items() -> None:
    support = DeadlineIn(-9, 7, D(2020, 8, 3), "15. September", "2020-09-15", "", None, 0, 5, "DATE", None, True)
    stray = DeadlineIn(-8, 7, D(2020, 8, 3), "1. Oktober", "2020-10-01", "", None, 0, 5, "DATE", None, True)
    ledger = build_ledger([dl(1, 1, "2020-09-15"), support, stray], D(2020, 9, 1))
    assert len(ledger.items) == 1 and ledger.items[0].article_ids == [1, 7]


def test_status_relative_to_today() -> None:
    ledger = build_ledger([dl(1, 1, "2020-09-15"), dl(2, 2, "2020-07-01", "file"), dl(3, 3, "2020-09", "report")],
                          D(2020, 9, 15))
    assert [i.when.lo for i in ledger.upcoming] == [D(2020, 9, 15), D(2020, 9, 1)]  # today counts; a month: its end
    assert [i.when.lo for i in ledger.passed] == [D(2020, 7, 1)]


def test_parse_when_values() -> None:
    assert parse_when("2020-09-15T20:30").lo == D(2020, 9, 15)  # type: ignore[union-attr]
    mid = parse_when("2020-09", mod="MID")
    assert mid is not None and (mid.lo, mid.hi, mid.approx) == (D(2020, 9, 11), D(2020, 9, 20), True)
    assert parse_when("2020-W38").lo == D(2020, 9, 14)  # type: ignore[union-attr]
    assert parse_when("2021-Q2").hi == D(2021, 6, 30)  # type: ignore[union-attr]
    for junk in ("P45D", "PRESENT_REF", "2020-13-40", "", "2020-SU"):
        assert parse_when(junk) is None


@given(st.lists(st.tuples(st.integers(0, 120), st.integers(1, 6), st.booleans()), min_size=1, max_size=12))
def test_every_mention_lands_in_exactly_one_item(specs: list[tuple[int, int, bool]]) -> None:
    base = D(2020, 9, 1)
    mentions = [dl(i, art, (base + dt.timedelta(days=off)).isoformat(), ttype="DURATION" if approx else None)
                for i, (off, art, approx) in enumerate(specs, 1)]
    ledger = build_ledger(mentions, base)
    placed = sorted(m.ref_id for i in ledger.items for m in i.mentions)
    assert placed == list(range(1, len(specs) + 1))
    assert build_ledger(list(reversed(mentions)), base).items[0].key == ledger.items[0].key or len(ledger.items) > 1


def _keydate(i: int, article: int, value: str, what: str, published: dt.date, reason: str,
             kind: str = "expiry") -> DeadlineIn:
    return DeadlineIn(i, article, published, "bis", value, what, None, 0, 3, kind=kind, reason=reason)


DRAFTED = "expiry: term set until (limit 'bis zum' + lasting state 'gelten' + modal 'soll') · planned in a draft ('Papier')"
DECIDED = "expiry: measure in force until (limit 'bis' + lasting state 'gilt' + measure 'sperre')"


def test_a_draft_date_is_dropped_once_a_decision_of_its_kind_follows() -> None:
    mentions = [
        _keydate(1, 1, "2026-02-14", "Regel ends", D(2026, 1, 5), DRAFTED),
        _keydate(2, 2, "2026-01-31", "Ausgangssperre ends", D(2026, 1, 8), DECIDED),
    ]
    before = build_ledger(mentions[:1], D(2026, 1, 6))
    assert [i.when.lo for i in before.upcoming] == [D(2026, 2, 14)]  # the plan stands until a decision comes
    after = build_ledger(mentions, D(2026, 1, 9))
    assert [i.when.lo for i in after.upcoming] == [D(2026, 1, 31)]


def test_a_draft_date_stays_when_a_later_article_repeats_it_or_no_decision_follows() -> None:
    repeated = [
        _keydate(1, 1, "2026-02-14", "Regel ends", D(2026, 1, 5), DRAFTED),
        _keydate(2, 2, "2026-01-31", "Ausgangssperre ends", D(2026, 1, 8), DECIDED),
        _keydate(3, 3, "2026-02-14", "Regel ends", D(2026, 1, 9), DECIDED),
    ]
    assert D(2026, 2, 14) in [i.when.lo for i in build_ledger(repeated, D(2026, 1, 10)).upcoming]
    other_kind = [
        _keydate(1, 1, "2026-02-14", "Regel ends", D(2026, 1, 5), DRAFTED),
        _keydate(2, 2, "2026-01-31", "Länder: Pläne vorlegen", D(2026, 1, 8), "deadline: limit + obligation",
                 kind="deadline"),
    ]
    assert D(2026, 2, 14) in [i.when.lo for i in build_ledger(other_kind, D(2026, 1, 10)).upcoming]


def test_one_actors_two_obligations_are_two_things() -> None:
    ledger = build_ledger([
        dl(1, 1, "2026-03-15", "Reederei: einen Käufer finden", published=D(2026, 3, 1)),
        DeadlineIn(2, 2, D(2026, 3, 5), "verlängert", "2026-05-12", "Reederei: die Flotte verkaufen",
                   "2026-03-20", 0, 3, reason="deadline: extension of a deadline"),
        dl(3, 2, "2026-03-20", "Reederei: die Flotte verkaufen", published=D(2026, 3, 5)),
    ], D(2026, 3, 10))
    live = {i.when.lo: i for i in ledger.items}
    assert live[D(2026, 3, 15)].superseded_by is None
    assert live[D(2026, 3, 20)].superseded_by is not None


def test_a_month_only_mention_of_the_same_end_joins_its_day() -> None:
    ledger = build_ledger([
        _keydate(1, 1, "2026-10-31", "wage subsidy scheme ends", D(2026, 9, 1), "expiry: ends"),
        _keydate(2, 2, "2026-10", "wage subsidy scheme ends", D(2026, 9, 2), "expiry: ends"),
        _keydate(3, 3, "2026-10", "harbour toll waiver ends", D(2026, 9, 3), "expiry: ends"),
    ], D(2026, 9, 4))
    days = {(i.when.precision, i.what): i.article_ids for i in ledger.upcoming}
    assert days == {("day", "wage subsidy scheme ends"): [1, 2], ("month", "harbour toll waiver ends"): [3]}


def test_a_later_plain_mention_of_the_day_does_not_keep_a_draft_alive() -> None:
    mentions = [
        _keydate(1, 1, "2026-02-14", "Regel ends", D(2026, 1, 5), DRAFTED),
        _keydate(2, 2, "2026-01-31", "Ausgangssperre ends", D(2026, 1, 8), DECIDED),
        DeadlineIn(-7, 3, D(2026, 1, 9), "14. Februar", "2026-02-14", "", None, 0, 3, "DATE", support_only=True),
    ]
    assert [i.when.lo for i in build_ledger(mentions, D(2026, 1, 10)).upcoming] == [D(2026, 1, 31)]


ENDS_IN_MONTH = "expiry: ends (ending verb 'end' + measure 'scheme')"


def test_an_expiry_ending_in_a_month_falls_due_at_its_end() -> None:
    mentions = [
        _keydate(1, 1, "2026-09", "harbour loan scheme ends", D(2026, 9, 22), ENDS_IN_MONTH),  # "due to end this month"
        _keydate(2, 2, "2026-11", "ferry licences: apply", D(2026, 9, 22), "deadline: limit + obligation",
                 kind="deadline"),  # a deadline in a month says nothing of which day
        _keydate(3, 3, "2026-10", "Hafenregel ends", D(2026, 9, 22), "expiry: lasting state 'gilt'"),  # "gilt bis Oktober"
    ]
    ledger = build_ledger(mentions, D(2026, 9, 23))
    by_what = {i.what: i.when for i in ledger.items}
    assert by_what["harbour loan scheme ends"] == parse_when("2026-09-30", mod="END")
    assert by_what["ferry licences: apply"].precision == by_what["Hafenregel ends"].precision == "month"


def test_the_month_an_end_of_month_expiry_was_told_by_still_names_it() -> None:
    ledger = build_ledger([
        _keydate(1, 1, "2026-09", "harbour loan scheme ends", D(2026, 9, 22), ENDS_IN_MONTH),
        DeadlineIn(2, 2, D(2026, 9, 24), "extended to 30 November", "2026-11-30", "harbour loan scheme ends",
                   "2026-09", 0, 3, kind="expiry", reason="expiry: extension of a measure"),
    ], D(2026, 9, 25))
    (old,) = ledger.superseded
    assert old.when.lo == D(2026, 9, 30) and old.superseded_by == parse_when("2026-11-30")
    assert [i.when.lo for i in ledger.upcoming] == [D(2026, 11, 30)]


def test_two_things_due_in_one_month_are_two_key_dates() -> None:
    ledger = build_ledger([
        _keydate(1, 1, "2026-11", "harbour loan scheme ends", D(2026, 9, 22), "expiry: lasting state 'runs'"),
        _keydate(2, 2, "2026-11", "ferry licences: apply", D(2026, 9, 22), "deadline: limit + obligation",
                 kind="deadline"),
        _keydate(3, 3, "2026-11", "the loan scheme ends", D(2026, 9, 23), "expiry: lasting state 'runs'"),
    ], D(2026, 9, 23))
    assert sorted((i.kind, i.article_ids) for i in ledger.items) == [("deadline", [2]), ("expiry", [1, 3])]


def test_a_mention_parses_its_date_once_and_a_changed_copy_its_own() -> None:
    m = dl(1, 1, "2020-09-15")
    first = m.when
    assert first is not None and m.when is first  # remembered on the mention
    for changed in (dataclasses.replace(m, value="2020-10-01"), dataclasses.replace(m, mod="MID"),
                    dataclasses.replace(m, timex_type="DURATION")):
        assert changed.when == parse_when(changed.value, mod=changed.mod,
                                          from_duration=changed.timex_type == "DURATION")
        assert changed.when != first  # no stale date from the copied mention
    assert m == dl(1, 1, "2020-09-15") and hash(m) == hash(dl(1, 1, "2020-09-15"))  # the memo is no field


def test_an_approximate_date_joins_an_exact_one_up_to_the_tolerance_and_not_beyond() -> None:
    near = build_ledger([dl(1, 1, "2020-09-15"), dl(2, 2, "2020-09-18", ttype="DURATION")], AUG3)
    far = build_ledger([dl(1, 1, "2020-09-15"), dl(2, 2, "2020-09-19", ttype="DURATION")], AUG3)
    before = build_ledger([dl(1, 1, "2020-09-15"), dl(2, 2, "2020-09-12", ttype="DURATION")], AUG3)
    assert [i.article_ids for i in near.items] == [[1, 2]]
    assert sorted(i.article_ids for i in far.items) == [[1], [2]]
    assert [i.article_ids for i in before.items] == [[1, 2]]
