"""Quality gate of the key-date judgement on the project's own labelled sentences (trafilatura's eval_gate style):
precision and recall of extract() against tests/extract/keydate_sentences.py must not fall below the floors
pinned in bench/quality_floors.toml, and those floors must not fall below the minimums committed here."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from newsdigest.extract import extract

from .keydate_sentences import SENTENCES

FLOORS = Path(__file__).resolve().parents[2] / "bench" / "quality_floors.toml"
# lowering a floor takes a change here too, in plain sight
MINIMUM = {"precision": 0.97, "recall": 0.97}
DEV_MINIMUM = {"deadlines_dev_de": {"precision": 0.94, "recall": 0.89},
               "deadlines_dev_en": {"precision": 0.97, "recall": 0.92}}


def _floors() -> dict[str, dict[str, float]]:
    floors: dict[str, dict[str, float]] = tomllib.loads(FLOORS.read_text(encoding="utf-8"))["deadlines"]
    return floors


def _score() -> tuple[int, int, int, list[str]]:
    tp = fp = fn = 0
    misses: list[str] = []
    for lang, published, text, expected in SENTENCES:
        found = list(extract(text, published=published, lang=lang).deadlines)
        used: set[int] = set()
        for phrase, kind, value in expected:
            s = text.index(phrase)
            e = s + len(phrase)
            hit = next((i for i, d in enumerate(found) if i not in used and d.start < e and s < d.end
                        and d.kind == kind and d.value.startswith(value)), None)
            if hit is None:
                fn += 1
                misses.append(f"missed {kind} {phrase!r} ({value}) in {text!r}: {[(d.text, d.kind, d.value) for d in found]}")
            else:
                used.add(hit)
                tp += 1
        for i, d in enumerate(found):
            if i not in used:
                fp += 1
                misses.append(f"false {d.kind} {d.text!r} ({d.value}) in {text!r}: {d.reason}")
    return tp, fp, fn, misses


def test_own_labelled_sentences_meet_the_floors() -> None:
    tp, fp, fn, misses = _score()
    floor = _floors()["keydate_sentences"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    assert precision >= floor["precision"] and recall >= floor["recall"], (precision, recall, misses)


@pytest.mark.parametrize("name", ["keydate_sentences", *DEV_MINIMUM])
def test_floors_only_go_up(name: str) -> None:
    pinned = _floors()[name]
    minimum = MINIMUM if name == "keydate_sentences" else DEV_MINIMUM[name]
    for metric, least in minimum.items():
        assert pinned[metric] >= least, f"{name}.{metric} lowered below {least}"


def test_the_labelled_sentences_test_both_kinds_and_false_alarms() -> None:
    kinds = {k for _, _, _, exp in SENTENCES for _, k, _ in exp}
    assert kinds == {"deadline", "expiry"}
    assert sum(1 for *_, exp in SENTENCES if not exp) >= 10
    assert {lang for lang, *_ in SENTENCES} == {"de", "en"}
