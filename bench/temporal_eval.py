"""TempEval-3-style evaluation of newsdigest's temporal tagger on TIMEX3-annotated JSONL.

Usage: python bench/temporal_eval.py GOLD.jsonl [--lang de] [--errors] [--limit N]

Each line: {"id", "lang", "doc_date", "text", "timexes": [{"start", "end", "text", "type", "value"}]}.
Scores: relaxed match (any overlap, one-to-one), strict match (same extent), value F1 (a relaxed match
whose value is exactly the gold value counts as a true positive — TempEval-3's attribute F1), type accuracy
on relaxed matches and exact-day accuracy (gold day values found with the right day). Values are compared
as written; "value F1 (norm.)" also accepts clock-time spelling variants of the gold ("T8:30" = "T08:30",
"T20.30" = "T20:30"), which the annotators wrote inconsistently.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdigest.extract.temporal import tag


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
    errors: list[str] = field(default_factory=list)


_CLOCK = re.compile(r"T(\d{1,2})[.:](\d\d)$")


def norm_value(v: str) -> str:
    return _CLOCK.sub(lambda m: f"T{int(m[1]):02d}:{m[2]}", v)


def _ctx(text: str, s: int, e: int) -> str:
    return (text[max(0, s - 40) : s] + "[" + text[s:e] + "]" + text[e : e + 30]).replace("\n", " ")


def score_doc(doc: dict[str, Any], lang: str, sc: Scores, want_errors: bool) -> None:
    text = doc["text"]
    anchor = dt.date.fromisoformat(doc["doc_date"][:10]) if doc.get("doc_date") else None
    gold = sorted(doc["timexes"], key=lambda t: t["start"])
    pred = tag(text, lang=doc.get("lang") or lang, anchor=anchor)
    sc.gold += len(gold)
    sc.sys += len(pred)
    used: set[int] = set()
    for g in gold:
        match = None
        for i, p in enumerate(pred):
            if i not in used and p.start < g["end"] and g["start"] < p.end:
                match = i
                break
        if g["value"][:10].count("-") == 2 and re.match(r"\d{4}-\d\d-\d\d$", g["value"][:10]):
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--lang", default="de")
    ap.add_argument("--errors", action="store_true", help="dump false negatives, false positives, value errors")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args(argv)
    docs = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        docs = docs[: args.limit]
    sc = Scores()
    t0 = time.perf_counter()
    for doc in docs:
        score_doc(doc, args.lang, sc, args.errors)
    elapsed = time.perf_counter() - t0
    if args.errors:
        print("\n".join(sc.errors))
        print()
    rp, rr, rf = prf(sc.relaxed, sc.sys, sc.gold)
    sp, sr, sf = prf(sc.strict, sc.sys, sc.gold)
    vp, vr, vf = prf(sc.value, sc.sys, sc.gold)
    _, _, vnf = prf(sc.value_norm, sc.sys, sc.gold)
    kb = sum(len(d["text"]) for d in docs) / 1000
    print(f"{args.gold.name}: {len(docs)} docs, {sc.gold} gold timexes, {sc.sys} system timexes")
    print(f"{'metric':24} {'P':>6} {'R':>6} {'F1':>6}   HeidelTime F1")
    print(f"{'relaxed match':24} {rp:6.3f} {rr:6.3f} {rf:6.3f}   0.831")
    print(f"{'strict match':24} {sp:6.3f} {sr:6.3f} {sf:6.3f}")
    print(f"{'value':24} {vp:6.3f} {vr:6.3f} {vf:6.3f}   0.800")
    print(f"{'value (norm. clock)':24} {'':6} {'':6} {vnf:6.3f}")
    print(f"type accuracy (relaxed matches): {sc.type_ok / sc.relaxed if sc.relaxed else 0:.3f}")
    print(f"exact-day accuracy: {sc.day_ok}/{sc.day_gold} = {sc.day_ok / sc.day_gold if sc.day_gold else 0:.3f}")
    print(f"time: {elapsed * 1000 / max(1, len(docs)):.3f} ms/doc, {elapsed * 1000 / max(kb, 1e-9):.3f} ms/KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
