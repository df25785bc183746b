"""Replaying the shipped samples day by day (issue 15 "Done when"): every key date stays listed from the day it is
first published, on the same day from one as-of date to the next, and nothing else is listed.

What the samples say (read from seeds/, not from any evaluation file): on 3 August the sale talks are to run until
15 September and Trump sets a 45-day limit counted from then (about 15-17 September, the same cut-off); on
20 August an order to sell by 20 September is reported as extended to 12 November; on 14 September the mid-
September cut-off is reported again."""

from __future__ import annotations

import datetime as dt

from newsdigest.store.store import Store
from newsdigest.stories.ledger import Ledger
from newsdigest.stories.lookup import find_story
from newsdigest.stories.service import ensure_assigned, load_ledger

SEP15, SEP20, NOV12 = dt.date(2020, 9, 15), dt.date(2020, 9, 20), dt.date(2020, 11, 12)
FIRST_PUBLISHED = {SEP15: dt.date(2020, 8, 3), SEP20: dt.date(2020, 8, 20), NOV12: dt.date(2020, 8, 20)}


def replay(store: Store) -> dict[dt.date, Ledger]:
    ensure_assigned(store)
    story = find_story(store, "tiktok", as_of=None).story
    assert story is not None
    out = {}
    day = dt.date(2020, 8, 3)
    while day <= dt.date(2020, 11, 15):
        out[day] = load_ledger(store, story.id, as_of=day, today=day)
        day += dt.timedelta(days=1)
    return out


def test_key_dates_stay_listed_on_their_day_from_first_publication(seeded_store: Store) -> None:
    for day, ledger in replay(seeded_store).items():
        listed = {i.when.lo: i for i in ledger.items}
        for key_date, first in FIRST_PUBLISHED.items():
            if day >= first:
                assert key_date in listed, (day, key_date, sorted(listed))
            else:
                assert key_date not in listed, (day, key_date)
        # no drift and nothing else: the 45-day limit (17 September counted from 3 August) joins 15 September
        assert set(listed) <= set(FIRST_PUBLISHED), (day, sorted(listed))
        if day >= FIRST_PUBLISHED[NOV12]:
            replaced_by = listed[SEP20].superseded_by
            assert replaced_by is not None and replaced_by.lo == NOV12, day
            assert [w.lo for w in listed[NOV12].replaces] == [SEP20], day
        sep15 = listed[SEP15]
        assert sep15.status(day) == ("upcoming" if day <= SEP15 else "passed"), day


def test_the_sale_talks_cut_off_is_a_key_date_with_its_reason(seeded_store: Store) -> None:
    ledger = replay(seeded_store)[dt.date(2020, 8, 21)]
    sep15 = next(i for i in ledger.items if i.when.lo == SEP15)
    assert sep15.reason and sep15.kind in ("deadline", "expiry")
    assert len(sep15.article_ids) == 2  # reported on 3 August by two articles
