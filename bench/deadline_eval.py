"""Deadline precision / recall of `extract()` on hand-labelled JSONL sets (the eval README's rules).

Usage: python bench/deadline_eval.py GOLD.jsonl [GOLD.jsonl ...] [--corpus 10KGNAD.jsonl] [--errors] [--floors]

Each line: {"id", "lang", "doc_date", "deadlines": [{"start", "end", "text", "value", "approx"}], "text"?}.
A line without "text" takes it from the corpus (`--corpus`, default: 10kgnad_test_de.jsonl beside the gold's
folder in ../corpora/), line index = the number in the id ("10kgnad-13" -> line 13).

Matching, one-to-one in text order: a system key date matches a gold deadline when their spans overlap and, if
the gold has a value, the system value agrees at the gold's granularity (the gold's prefix; 3 days' slack for an
approximate one). Scored twice:
  kind deadline  system items of kind `deadline` (the goal). The labels predate the kind `expiry`: an expiry
                 item counts as a hit only on a gold item about an offer, right, bid, window or programme (which
                 either kind may match, eval README) and is never a false alarm
  any kind       every system key date
`--floors` compares the kind-deadline figures with [deadlines.<set stem>] in bench/quality_floors.toml and exits 1
below a floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdigest.extract import extract
from newsdigest.extract.types import DeadlineRec

FLOORS = Path(__file__).resolve().parent / "quality_floors.toml"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
APPROX_DAYS = 3


@dataclass
class Tally:
    gold: int = 0
    sys: int = 0
    tp: int = 0
    errors: list[str] = field(default_factory=list)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / self.sys if self.sys else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def value_ok(gold: dict[str, Any], sys_value: str) -> bool:
    want = gold.get("value")
    if not want:
        return True
    if sys_value.startswith(want):
        return True
    if gold.get("approx") and _DAY.match(want) and _DAY.match(sys_value):
        try:
            a, b = dt.date.fromisoformat(want[:10]), dt.date.fromisoformat(sys_value[:10])
        except ValueError:
            return False
        return abs((a - b).days) <= APPROX_DAYS
    return False


def _ctx(text: str, s: int, e: int) -> str:
    return (text[max(0, s - 70) : s] + "[" + text[s:e] + "]" + text[e : e + 50]).replace("\n", " ")


_EITHER = re.compile(r"offer|expir|right|bid|window|program|aid|upgrade|support ends|transfer", re.IGNORECASE)


def score(doc: dict[str, Any], text: str, preds: list[DeadlineRec], t: Tally, errors: bool,
          either: list[DeadlineRec] = ()) -> None:  # type: ignore[assignment]
    gold = sorted(doc["deadlines"], key=lambda g: g["start"])
    t.gold += len(gold)
    t.sys += len(preds)
    used: set[int] = set()
    spare = list(either)
    for g in gold:
        hit = next((i for i, p in enumerate(preds) if i not in used and p.start < g["end"] and g["start"] < p.end
                    and value_ok(g, p.value)), None)
        if hit is None and _EITHER.search(g.get("what") or ""):
            alt = next((p for p in spare if p.start < g["end"] and g["start"] < p.end and value_ok(g, p.value)), None)
            if alt is not None:
                spare.remove(alt)
                t.tp += 1
                t.sys += 1
                continue
        if hit is None:
            if errors:
                t.errors.append(f"FN {doc['id']} {g.get('value')} {_ctx(text, g['start'], g['end'])}")
            continue
        used.add(hit)
        t.tp += 1
    if errors:
        for i, p in enumerate(preds):
            if i not in used:
                t.errors.append(f"FP {doc['id']} {p.kind} {p.value} [{p.reason}] {_ctx(text, p.start, p.end)}")


def corpus_lines(path: Path) -> list[str]:
    return [json.loads(x)["text"] for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def run(path: Path, corpus: Path | None, errors: bool) -> tuple[Tally, Tally]:
    docs = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    texts: list[str] | None = None
    only, every = Tally(), Tally()
    for doc in docs:
        text = doc.get("text")
        if text is None:
            if texts is None:
                src = corpus or path.resolve().parent.parent / "corpora" / "10kgnad_test_de.jsonl"
                texts = corpus_lines(src)
            text = texts[int(doc["id"].rsplit("-", 1)[1])]
        ex = extract(text, published=doc.get("doc_date"), lang=doc.get("lang"))
        score(doc, text, [d for d in ex.deadlines if d.kind == "deadline"], only, errors,
              [d for d in ex.deadlines if d.kind == "expiry"])
        score(doc, text, list(ex.deadlines), every, False)
    return only, every


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path, nargs="+")
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--errors", action="store_true", help="list misses (FN) and false alarms (FP)")
    ap.add_argument("--floors", action="store_true", help="exit 1 when below the pinned floors")
    args = ap.parse_args(argv)
    floors = tomllib.loads(FLOORS.read_text(encoding="utf-8")).get("deadlines", {}) if FLOORS.is_file() else {}
    failed = False
    print(f"{'set':28} {'scope':14} {'gold':>5} {'sys':>5} {'tp':>4} {'P':>6} {'R':>6} {'F1':>6}")
    for path in args.gold:
        only, every = run(path, args.corpus, args.errors)
        if args.errors:
            print("\n".join(only.errors))
        for scope, t in (("kind deadline", only), ("any kind", every)):
            p, r, f = t.prf()
            print(f"{path.name:28} {scope:14} {t.gold:5} {t.sys:5} {t.tp:4} {p:6.3f} {r:6.3f} {f:6.3f}")
        p, r, f = only.prf()
        for name, got in (("precision", p), ("recall", r), ("f1", f)):
            floor = floors.get(path.stem, {}).get(name)
            if floor is not None and got + 1e-9 < floor:
                print(f"  BELOW FLOOR: {path.stem} {name} {got:.3f} < {floor}")
                failed = True
    return 1 if failed and args.floors else 0


if __name__ == "__main__":
    raise SystemExit(main())
