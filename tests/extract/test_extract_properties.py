"""Open-ended input: extract() never raises, offsets always index the text, big inputs finish."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.extract import extract
from newsdigest.extract.clean import find_removed
from newsdigest.extract.sentences import split
from newsdigest.extract.types import DeadlineRec, Extraction, KeyPointRec, Timex

WORDS = [
    "Die",
    "Frist",
    "bis",
    "zum",
    "15.",
    "September",
    "muss",
    "ByteDance",
    "verkaufen",
    "„",
    "“",
    ".",
    "?",
    "!",
    "\n",
    "\n\n",
    "Ich",
    "denke",
    "Foto:",
    "Teilen",
    "Trump",
    "Trumps",
    "binnen",
    "30",
    "Tagen",
    "by",
    "June",
    "1",
    "must",
    "the",
    "deadline",
    "extended",
    "to",
    "Ende",
    "Juni",
    "z.",
    "B.",
    "Nr.",
    "3.",
    "Liga",
    "…",
    "\u00a0",
    "\r\n",
    "AG",
    "Inc.",
    "CEO",
    "Mike",
    "Pompeo",
    "verlängert",
    "auf",
    "den",
    "12.",
    "November",
]

newsish = st.lists(st.sampled_from(WORDS), max_size=120).map(" ".join)


def _check(text: str, x: Extraction) -> None:
    recs: list[Timex | DeadlineRec | KeyPointRec] = [*x.temporal, *x.deadlines, *x.key_points]
    for rec in recs:
        assert 0 <= rec.start <= rec.end <= len(text)
        assert text[rec.start : rec.end] == rec.text
    for r in x.removed:
        assert 0 <= r.start < r.end <= len(text) and r.reason in ("boilerplate", "comments")
    for k in x.key_points:
        assert k.kind in ("event", "deadline", "figure", "quote", "fact") and 0.0 <= k.score <= 1.0
        assert not any(r.start < k.end and k.start < r.end for r in x.removed)
    assert x.lang in ("de", "en")
    assert all(isinstance(a, str) and a for a in x.actors)
    x.as_dict()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_unicode(text: str) -> None:
    _check(text, extract(text, published="2020-08-03"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(newsish, st.sampled_from([None, "2020-08-03", "garbage", "9999-12-31"]), st.sampled_from([None, "de", "en"]))
def test_news_like_token_soup(text: str, published: str | None, lang: str | None) -> None:
    _check(text, extract(text, published=published, lang=lang))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_sentences_cover_text_in_order(text: str) -> None:
    units = split(text)
    last = 0
    for u in units:
        assert last <= u.start < u.end <= len(text)
        assert not text[u.start].isspace() and not text[u.end - 1].isspace()
        last = u.end
    removed = find_removed(text)
    assert all(text[r.start : r.end].strip() == text[r.start : r.end] for r in removed)


@pytest.mark.parametrize(
    "text", ["", " ", "\n\n\n", ".", "„", "\x00", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace")]
)
def test_degenerate(text: str) -> None:
    _check(text, extract(text))


@pytest.mark.slow  # over 5 s on a loaded 2-core machine
@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "unit",
    [
        "Die Frist bis zum 15. September muss ByteDance einhalten, sagte Trump. ",  # many sentences, many dates
        "bis zum 15. September ",  # one megabyte "sentence" full of dates
        "a" * 1000 + " ",  # long tokens
        "„" * 50 + "Ich? " * 20 + "\n",  # unbalanced quotes, chat
        "Foto: x\n",  # all boilerplate
    ],
)
def test_megabyte_inputs_finish(unit: str) -> None:
    text = unit * (1_000_000 // len(unit))
    x = extract(text, published="2020-08-03")
    assert len(x.key_points) <= 12
    assert x.deadlines == () or all(text[d.start : d.end] == d.text for d in x.deadlines[:100])
