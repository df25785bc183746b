"""The ledger does not depend on the order in which the same articles arrive (which gives them their ids).

A bot following feeds sees a story one poll at a time, a bulk ingest sees it at once, and two outlets' articles of
one day arrive in either order: the key dates, what replaced what, and the disagreements must come out the same.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.stories.ledger import DeadlineIn, Ledger, build_ledger

D = dt.date
EXT = "deadline: extension of a deadline"
ENDS = "expiry: measure in force until"
# (published, [(text, value, what, supersedes, kind, reason, timex type, mod, support only, retired)])
Mention = tuple[str, str, str, str | None, str, str, str | None, str | None, bool, bool]
ARTICLES: list[tuple[dt.date, list[Mention]]] = [
    (D(2024, 3, 1), [("bis zum 15. März", "2024-03-15", "Werft: Sanierungsplan vorlegen", None, "deadline", "", None,
                      None, False, False),
                     ("bis Ende März", "2024-03", "Hafensperre ends", None, "expiry", ENDS, None, "END", False, False)]),
    (D(2024, 3, 1), [("until March 15", "2024-03-15", "yard: submit a repair plan", None, "deadline", "", None, None,
                      False, False)]),
    # two reports of one day extend the same plan deadline, to different days: which came first must not matter
    (D(2024, 3, 8), [("extended to March 29", "2024-03-29", "yard: submit a repair plan", None, "deadline", EXT, None,
                      None, False, False)]),
    (D(2024, 3, 8), [("bis zum 22. März verlängert", "2024-03-22", "Werft: Sanierungsplan vorlegen", None, "deadline",
                      EXT, None, None, False, False),
                     ("15. März", "2024-03-15", "", None, "deadline", "", "DATE", None, True, False)]),
    (D(2024, 3, 8), [("within 14 days", "2024-03-22", "yard: pay the harbour fee", None, "deadline", "", "DURATION",
                      None, False, False)]),
    (D(2024, 3, 12), [("no longer ends in March but on 30 April", "2024-04-30", "Hafensperre ends", "2024-03",
                       "expiry", "expiry: extension of a measure", None, None, False, False),
                      ("the end of March no longer applies", "2024-03", "Hafensperre ends", None, "expiry", ENDS,
                       None, "END", False, True)]),
    (D(2024, 3, 12), [("until 3 May", "2024-05-03", "harbour closure ends", None, "expiry", ENDS, None, None, False,
                       False)]),
]
TODAY = D(2024, 3, 14)


def _arrive(order: list[int]) -> list[DeadlineIn]:
    """The mentions as a store holds them after the articles arrived in `order`: ids in arrival order."""
    out: list[DeadlineIn] = []
    for article_id, n in enumerate(order, 1):
        published, mentions = ARTICLES[n]
        for text, value, what, supersedes, kind, reason, ttype, mod, support, retired in mentions:
            i = len(out) + 1
            out.append(DeadlineIn(-i if support else i, article_id, published, text, value, what, supersedes, 0,
                                  len(text), ttype, mod, support_only=support, kind=kind, reason=reason,
                                  retired=retired))
    return out


def _seen(ledger: Ledger, order: list[int]) -> list[tuple[object, ...]]:
    """What a reader sees, with article ids mapped back to the articles (ids only name rows)."""
    article = dict(enumerate(order, 1))
    return sorted((
        (repr(i.when), i.kind, i.what, i.status(ledger.today), repr(i.superseded_by), tuple(sorted(i.replaces, key=repr)),
         tuple(sorted(i.disagrees_with, key=repr)), tuple(sorted(article[m.article_id] for m in i.mentions)))
        for i in ledger.items
    ), key=repr)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.permutations(range(len(ARTICLES))))
def test_the_ledger_is_the_same_whatever_order_the_articles_arrive_in(order: list[int]) -> None:
    first = list(range(len(ARTICLES)))
    assert _seen(build_ledger(_arrive(order), TODAY), order) == _seen(build_ledger(_arrive(first), TODAY), first)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.permutations(range(len(ARTICLES))))
def test_the_rows_order_does_not_matter_either(order: list[int]) -> None:
    first = list(range(len(ARTICLES)))
    rows = _arrive(first)
    shuffled = [rows[k] for k in sorted(range(len(rows)), key=lambda k: order[k % len(order)])]
    assert _seen(build_ledger(shuffled, TODAY), first) == _seen(build_ledger(rows, TODAY), first)


def test_the_story_has_links_to_keep() -> None:
    """The fixture exercises replacement: an extension replaces the plan deadline, the retired end of March is
    replaced by 30 April."""
    ledger = build_ledger(_arrive(list(range(len(ARTICLES)))), TODAY)
    assert any(i.replaces for i in ledger.items) and ledger.superseded
