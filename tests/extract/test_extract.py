"""The whole pipeline on invented articles: schema, offsets, kinds, deadlines in context."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest

from newsdigest.extract import extract
from newsdigest.extract.types import DeadlineRec, Extraction, KeyPointRec, Timex

DE = """Stadtwerke müssen Gebühren zurückzahlen

Das Verwaltungsgericht Linz hat am Montag entschieden, dass die Stadtwerke Linz AG zu hohe Abwassergebühren verlangt haben.
Die Stadtwerke müssen den Haushalten die Differenz bis zum 30. Juni zurückzahlen.
Insgesamt geht es um 4,5 Millionen Euro, die rund 60.000 Haushalte betreffen.
„Wir werden das Urteil genau prüfen“, sagte Vorstand Erich Haider am Dienstag.
Die neue Gebührenordnung tritt am 1. Jänner in Kraft. Die Stadtwerke Linz AG wollen bis 2030 alle Kanäle sanieren.
Einspruch kann binnen vier Wochen beim Landesverwaltungsgericht erhoben werden.
Foto: Stadt Linz
3 Kommentare
Ich finde das super. Warum hat das so lange gedauert? Ich zahle seit Jahren zu viel!
Naja, eigentlich war das doch klar. Wer kontrolliert die eigentlich?
"""

EN = """Regulator gives airline 30 days to refund passengers

The Civil Aviation Authority on Wednesday ordered SkyJet to refund all passengers of cancelled flights by April 15.
SkyJet chief executive Tom Berger said the airline would comply. "We regret the disruption," Berger said.
The airline cancelled 1,200 flights in February, affecting about 150,000 passengers.
The new consumer rules take effect on June 1. SkyJet aims to return to full capacity by summer.
"""


@pytest.fixture(scope="module")
def de(run_extract: Callable[..., Extraction]) -> Extraction:
    return run_extract(DE, published="2021-03-10")


@pytest.fixture(scope="module")
def en(run_extract: Callable[..., Extraction]) -> Extraction:
    return run_extract(EN, published=dt.date(2021, 3, 10), lang="en")


def test_schema_is_exactly_the_design(de: Extraction) -> None:
    d = de.as_dict()
    assert list(d) == ["lang", "published", "title", "temporal", "deadlines", "key_points", "actors", "removed"]
    assert d["lang"] == "de" and d["published"] == "2021-03-10"
    assert set(d["deadlines"][0]) == {"start", "end", "text", "value", "what", "supersedes", "kind", "reason", "retired"}
    assert set(d["key_points"][0]) == {"start", "end", "text", "kind", "score"}
    assert set(d["removed"][0]) == {"start", "end", "reason"}
    json.dumps(d)
    assert Extraction.from_dict(d).as_dict() == d


def test_offsets_index_the_text(de: Extraction) -> None:
    recs: list[Timex | DeadlineRec | KeyPointRec] = [*de.temporal, *de.deadlines, *de.key_points]
    for rec in recs:
        assert DE[rec.start : rec.end] == rec.text


def test_title_is_the_headline(de: Extraction, en: Extraction) -> None:
    assert de.title == "Stadtwerke müssen Gebühren zurückzahlen"
    assert en.title == "Regulator gives airline 30 days to refund passengers"
    assert extract("Ein Satz ohne Überschrift. Und noch einer.", title="Gegeben").title == "Gegeben"


def test_german_deadlines_in_context(de: Extraction) -> None:
    values = [d.value for d in de.deadlines]
    assert "2021-06-30" in values  # bis zum 30. Juni zurückzahlen
    assert "2022-01-01" not in values and "2021-01-01" not in values  # tritt in Kraft
    assert not any(v.startswith("2030") for v in values)  # own plan
    assert not any(d.start > DE.index("3 Kommentare") for d in de.deadlines)
    (jun,) = [d for d in de.deadlines if d.value == "2021-06-30"]
    assert "zurückzahlen" in jun.what


def test_english_deadlines_in_context(en: Extraction) -> None:
    values = [d.value for d in en.deadlines]
    assert "2021-04-15" in values
    assert "2021-06-01" not in values
    assert len(values) <= 2


def test_removed_and_key_points(de: Extraction) -> None:
    reasons = [r.reason for r in de.removed]
    assert "comments" in reasons and "boilerplate" in reasons
    cut = DE.index("Foto: Stadt Linz")
    assert all(k.end <= cut for k in de.key_points)
    kinds = {k.kind for k in de.key_points}
    assert {"deadline", "figure", "quote"} <= kinds
    (quote,) = [k for k in de.key_points if k.kind == "quote"]
    assert quote.text.startswith("„Wir werden")
    assert all(0 <= k.score <= 1 for k in de.key_points)
    assert [k.score for k in de.key_points] == sorted((k.score for k in de.key_points), reverse=True)


def test_actors(de: Extraction, en: Extraction) -> None:
    assert "Erich Haider" in de.actors
    assert any(a.startswith("Stadtwerke Linz") for a in de.actors)
    assert "SkyJet" in en.actors and "Tom Berger" in en.actors and "Berger" not in en.actors
    assert "Civil Aviation Authority" in en.actors


def test_event_kind(en: Extraction) -> None:
    kinds = {k.kind for k in en.key_points}
    assert "event" in kinds or "deadline" in kinds
    assert any(k.kind == "figure" and "1,200" in k.text for k in en.key_points)


def test_published_forms() -> None:
    assert extract("x", published="2020-08-03T10:00:00Z").published == "2020-08-03"
    assert extract("x", published=dt.datetime(2020, 8, 3, 10)).published == "2020-08-03"  # noqa: DTZ001 (naive input)
    assert extract("x", published="not a date").published is None
    assert extract("x").published is None


def test_language_detection_and_override() -> None:
    assert extract(EN).lang == "en"
    assert extract(DE).lang == "de"
    assert extract(EN, lang="de").lang == "de"


def test_tagger_failure_does_not_lose_the_article() -> None:
    from newsdigest.extract import extract_with

    def broken(text: str, *, lang: str, anchor: object) -> list[Timex]:
        raise RuntimeError("boom")

    x = extract_with(DE, published="2021-03-10", tagger=broken)
    assert x.key_points and x.temporal == () and x.extra["errors"]
