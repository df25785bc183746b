"""Sentence bounds and tense cues of temporal/tense.py."""

from __future__ import annotations

import datetime as dt

from newsdigest.extract.temporal.tense import Ctx

QUOTED = "``The plant is going to close in the fall.'' The figures showed a loss."


def test_sentence_ends_after_doubled_closing_quotes() -> None:
    ctx = Ctx(QUOTED, "en", dt.date(2021, 3, 10))
    start, end = ctx.sentence(QUOTED.index("fall"))
    assert QUOTED[start:end].rstrip().endswith(".''")


def test_next_sentence_lends_no_tense_to_a_quote() -> None:
    ctx = Ctx(QUOTED, "en", dt.date(2021, 3, 10))
    s = QUOTED.index("the fall")
    assert ctx.tense(s, s + len("the fall")) == "future"
