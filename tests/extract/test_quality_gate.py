"""The temporal quality gate (bench/temporal_eval.py, trafilatura eval_gate style) on the project's own sample.

The sample (data/temporal_sample.jsonl) is our own sentences with inline TIMEX3 gold; the dev sets stay outside
the project. The floors in bench/quality_floors.toml may rise but never fall below the minimum pinned here: a
lower floor has to change this file too, in the open.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = Path(__file__).resolve().parent / "data" / "temporal_sample.jsonl"
FLOORS = ROOT / "bench" / "quality_floors.toml"

# The committed minimum of every floor (raise together with bench/quality_floors.toml, never lower).
MINIMUM: dict[str, dict[str, float]] = {
    "temporal_sample": {"relaxed_f1": 0.99, "value_f1": 0.99, "exact_day": 0.99},
    "temporal_sample:de": {"relaxed_f1": 0.99, "value_f1": 0.99, "exact_day": 0.99},
    "temporal_sample:en": {"relaxed_f1": 0.99, "value_f1": 0.99, "exact_day": 0.99},
    "krauts_dolomiten42_de": {"relaxed_f1": 0.96, "value_f1": 0.84, "exact_day": 0.83},
    "tbaq_en": {"relaxed_f1": 0.93, "value_f1": 0.81, "exact_day": 0.89},
    "tbaq_en:te3/tbaq-timebank": {"relaxed_f1": 0.94, "value_f1": 0.83, "exact_day": 0.90},
    "tbaq_en:te3/tbaq-aquaint": {"relaxed_f1": 0.93, "value_f1": 0.76, "exact_day": 0.89},
}


@pytest.fixture(scope="module")
def gate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("temporal_eval", ROOT / "bench" / "temporal_eval.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["temporal_eval"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_gate_passes_on_the_own_sample(gate: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    assert gate.main([str(SAMPLE), "--by", "lang"]) == 0
    out = capsys.readouterr().out
    assert out.count("gate ok") == 3 and "FAIL" not in out
    assert "temporal_sample:de" in out and "temporal_sample:en" in out


def test_gate_fails_below_a_floor(gate: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    floors = tmp_path / "floors.toml"
    floors.write_text("[temporal.temporal_sample]\nrelaxed_f1 = 0.5\nvalue_f1 = 1.01\n", encoding="utf-8")
    assert gate.main([str(SAMPLE), "--floors", str(floors)]) == 1
    assert "quality gate FAILED" in capsys.readouterr().out


def test_gate_refuses_a_missing_file(gate: ModuleType, tmp_path: Path) -> None:
    assert gate.main([str(tmp_path / "nope.jsonl")]) == 2


def test_floors_only_rise() -> None:
    pinned = tomllib.loads(FLOORS.read_text(encoding="utf-8"))["temporal"]
    for name, minimum in MINIMUM.items():
        assert name in pinned, f"floors for {name} removed"
        for metric, floor in minimum.items():
            assert pinned[name][metric] >= floor, f"{name} {metric} lowered below {floor}"


def test_sample_markup_gives_offsets_into_the_plain_text(gate: ModuleType) -> None:
    docs = gate.load(SAMPLE)
    assert {d["lang"] for d in docs} == {"de", "en"} and len(docs) >= 50
    for d in docs:
        assert "[" not in d["text"] and d["timexes"], d["id"]
        for t in d["timexes"]:
            assert d["text"][t["start"] : t["end"]] == t["text"]


def test_sample_is_our_own_and_well_formed() -> None:
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        assert set(doc) == {"id", "lang", "doc_date", "marked"}
