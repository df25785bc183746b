"""TempEval-3-style evaluation of newsdigest's temporal tagger, and its quality gate (trafilatura eval_gate style).

Usage: python bench/temporal_eval.py SET.jsonl... [--floors bench/quality_floors.toml] [--by source] [--errors]
                                     [--limit N] [--lang de] [--pred PRED.jsonl]

--pred scores another system's predictions ({"id", "timexes": [...]} a line, e.g. HeidelTime's from
../shared/tools/heideltime/run_heideltime.py) with this same code instead of running the tagger.

Each line: {"id", "lang", "doc_date", "text", "timexes": [{"start", "end", "text", "type", "value"}]}, or instead
of "text"/"timexes" a "marked" text with inline gold, "[15. September|DATE|2020-09-15]" (the project's own sample).
Scores: relaxed match (any overlap, one-to-one), strict match (same extent), value F1 (a relaxed match whose value is
exactly the gold value counts as a true positive — TempEval-3's attribute F1), type accuracy on relaxed matches and
exact-day accuracy (gold day values found with the right day). "value F1 (norm.)" also accepts clock-time spelling
variants of the gold ("T8:30" = "T08:30"), which annotators wrote inconsistently.

The gate: every set (by file stem, and with --by, each part "stem:value") that has floors in the floors file must
reach them — relaxed F1, value F1 and exact-day accuracy — or the script exits 1. Floors only ever go up
(tests/bench/test_quality_floors.py holds the committed minimum).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdigest.extract.temporal import tag

FLOORS = Path(__file__).resolve().parent / "quality_floors.toml"
METRICS = ("relaxed_f1", "value_f1", "exact_day")


@dataclass
class Scores:
    gold: int = 0
    sys: int = 0
    relaxed: int = 0
    strict: int = 0
    value: int = 0
    value_norm: int = 0
    type_ok: int = 0
    day_gold: int = 0
    day_ok: int = 0
    docs: int = 0
    chars: int = 0
    errors: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        return {
            "relaxed_f1": prf(self.relaxed, self.sys, self.gold)[2],
            "value_f1": prf(self.value, self.sys, self.gold)[2],
            "exact_day": self.day_ok / self.day_gold if self.day_gold else 1.0,
        }


_CLOCK = re.compile(r"T(\d{1,2})[.:](\d\d)$")
_MARK = re.compile(r"\[([^\[\]|]+)\|(DATE|TIME|DURATION|SET)\|([^\[\]|]+)\]")


def norm_value(v: str) -> str:
    return _CLOCK.sub(lambda m: f"T{int(m[1]):02d}:{m[2]}", v)


def unmark(marked: str) -> tuple[str, list[dict[str, Any]]]:
    """'Am [Freitag|DATE|2021-03-12] …' -> the plain text and its gold timexes with offsets."""
    out: list[str] = []
    timexes: list[dict[str, Any]] = []
    pos = n = 0
    for m in _MARK.finditer(marked):
        out.append(marked[pos : m.start()])
        n += m.start() - pos
        timexes.append({"start": n, "end": n + len(m[1]), "text": m[1], "type": m[2], "value": m[3]})
        out.append(m[1])
        n += len(m[1])
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), timexes


def load(path: Path) -> list[dict[str, Any]]:
    docs = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}:{i}: not JSON: {exc}") from None
        if "marked" in doc:
            doc["text"], doc["timexes"] = unmark(doc["marked"])
        docs.append(doc)
    return docs


def _ctx(text: str, s: int, e: int) -> str:
    return (text[max(0, s - 40) : s] + "[" + text[s:e] + "]" + text[e : e + 30]).replace("\n", " ")


def _is_day(v: str) -> bool:
    return re.match(r"\d{4}-\d\d-\d\d$", v[:10]) is not None


@dataclass(frozen=True)
class Pred:
    start: int
    end: int
    type: str
    value: str


def score_doc(doc: dict[str, Any], lang: str, sc: Scores, want_errors: bool, given: list[Pred] | None = None) -> None:
    text = doc["text"]
    anchor = dt.date.fromisoformat(doc["doc_date"][:10]) if doc.get("doc_date") else None
    gold = sorted(doc["timexes"], key=lambda t: t["start"])
    pred: list[Any] = given if given is not None else tag(text, lang=doc.get("lang") or lang, anchor=anchor)
    sc.docs += 1
    sc.chars += len(text)
    sc.gold += len(gold)
    sc.sys += len(pred)
    used: set[int] = set()
    for g in gold:
        match = next(
            (i for i, p in enumerate(pred) if i not in used and p.start < g["end"] and g["start"] < p.end), None
        )
        if _is_day(g["value"]):
            sc.day_gold += 1
            if match is not None and pred[match].value[:10] == g["value"][:10]:
                sc.day_ok += 1
        if match is None:
            if want_errors:
                sc.errors.append(f"FN  {g['type']:8} {g['value']:18} {_ctx(text, g['start'], g['end'])}")
            continue
        used.add(match)
        p = pred[match]
        sc.relaxed += 1
        sc.strict += p.start == g["start"] and p.end == g["end"]
        sc.value += p.value == g["value"]
        sc.value_norm += norm_value(p.value) == norm_value(g["value"])
        sc.type_ok += p.type == g["type"]
        if want_errors and (
            norm_value(p.value) != norm_value(g["value"]) or (p.start, p.end) != (g["start"], g["end"])
        ):
            sc.errors.append(
                f"VAL gold={g['value']:16} sys={p.value:16} {p.type:8} gold[{g['text']}] sys{_ctx(text, p.start, p.end)}"
            )
    if want_errors:
        for i, p in enumerate(pred):
            if i not in used:
                sc.errors.append(f"FP  {p.type:8} {p.value:18} {_ctx(text, p.start, p.end)}")


def prf(tp: int, n_sys: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_sys if n_sys else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def load_pred(path: Path) -> dict[str, list[Pred]]:
    out: dict[str, list[Pred]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            ts = sorted(d.get("timexes", []), key=lambda t: t["start"])
            out[d["id"]] = [Pred(t["start"], t["end"], t.get("type", ""), t.get("value", "")) for t in ts]
    return out


def read_floors(path: Path) -> dict[str, dict[str, float]]:
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {name: {k: float(v) for k, v in floors.items()} for name, floors in data.get("temporal", {}).items()}


def report(name: str, sc: Scores, elapsed: float) -> None:
    rp, rr, rf = prf(sc.relaxed, sc.sys, sc.gold)
    sp, sr, sf = prf(sc.strict, sc.sys, sc.gold)
    vp, vr, vf = prf(sc.value, sc.sys, sc.gold)
    _, _, vnf = prf(sc.value_norm, sc.sys, sc.gold)
    print(f"{name}: {sc.docs} docs, {sc.gold} gold timexes, {sc.sys} system timexes")
    print(f"{'metric':24} {'P':>6} {'R':>6} {'F1':>6}")
    print(f"{'relaxed match':24} {rp:6.3f} {rr:6.3f} {rf:6.3f}")
    print(f"{'strict match':24} {sp:6.3f} {sr:6.3f} {sf:6.3f}")
    print(f"{'value':24} {vp:6.3f} {vr:6.3f} {vf:6.3f}")
    print(f"{'value (norm. clock)':24} {'':6} {'':6} {vnf:6.3f}")
    print(f"type accuracy (relaxed matches): {sc.type_ok / sc.relaxed if sc.relaxed else 0:.3f}")
    day = sc.day_ok / sc.day_gold if sc.day_gold else 0
    print(f"exact-day accuracy: {sc.day_ok}/{sc.day_gold} = {day:.3f}")
    kb = sc.chars / 1000
    print(f"time: {elapsed * 1000 / max(1, sc.docs):.3f} ms/doc, {elapsed * 1000 / max(kb, 1e-9):.3f} ms/KB")


def gate(name: str, sc: Scores, floors: dict[str, dict[str, float]]) -> list[str]:
    """Printed verdict of one set against its floors; returns the failures."""
    pinned = floors.get(name)
    if not pinned:
        print(f"gate: no floors pinned for {name!r}")
        return []
    got = sc.figures()
    failed = [f"{name} {k} {got[k]:.3f} < floor {v:.3f}" for k, v in sorted(pinned.items()) if got.get(k, 0.0) < v]
    line = "  ".join(f"{k} {got[k]:.3f} (floor {pinned[k]:.3f})" for k in METRICS if k in pinned)
    print(f"gate {'FAIL' if failed else 'ok'}: {line}")
    return failed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("sets", type=Path, nargs="+", metavar="SET.jsonl")
    ap.add_argument("--lang", default="de", help="language of documents without a lang field")
    ap.add_argument("--floors", type=Path, default=FLOORS, help="TOML with [temporal.<set>] floors")
    ap.add_argument("--by", metavar="FIELD", help="also score each value of this document field (e.g. source)")
    ap.add_argument("--errors", action="store_true", help="dump false negatives, false positives, value errors")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--pred", type=Path, help="score these predictions instead of the tagger's (one set only)")
    args = ap.parse_args(argv)
    external = load_pred(args.pred) if args.pred else None
    floors = read_floors(args.floors)
    failures: list[str] = []
    for path in args.sets:
        if not path.is_file():
            print(f"no such file: {path}", file=sys.stderr)
            return 2
        docs = load(path)[: args.limit or None]
        parts: dict[str, Scores] = {path.stem: Scores()}
        t0 = time.perf_counter()
        for doc in docs:
            names = [path.stem]
            if args.by:
                names.append(f"{path.stem}:{doc.get(args.by)}")
            given = None if external is None else external.get(doc["id"], [])
            for n in names:
                score_doc(doc, args.lang, parts.setdefault(n, Scores()), args.errors and n == path.stem, given)
        elapsed = time.perf_counter() - t0
        if args.errors:
            print("\n".join(parts[path.stem].errors) + "\n")
        for name, sc in parts.items():
            report(name, sc, elapsed if name == path.stem else 0.0)
            failures += gate(name, sc, floors)
            print()
    if failures:
        print("quality gate FAILED:\n  " + "\n  ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
