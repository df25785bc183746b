"""Key dates on real developing stories: the ledger built from a story's own articles, scored like /deadline.

Usage: python bench/story_keydates_eval.py SCORER FOLDER [FOLDER ...] [--show] [--bot]

SCORER is the story-set scorer (score_stories.py, beside the folders and their FOLDER_gold.json); its matching
rules are used as they are. This bench takes clustering out of the picture: per gold as-of date, the ledger is
built from the gold story's articles published by then (extract() -> ledger, no database), and scored with the
scorer's measures (found, false, linked, next). `--bot` also runs the scorer itself on the folders (the bot
end to end: ingest, clustering, /deadline and /status answers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdigest.extract import extract
from newsdigest.extract.types import Extraction
from newsdigest.stories.ledger import DeadlineIn, LedgerItem, When, build_ledger


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_stories", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"story_keydates_eval: cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["score_stories"] = mod
    spec.loader.exec_module(mod)
    return mod


def mentions(aid: int, pub: dt.date, ex: Extraction, days: set[str] | None = None) -> list[DeadlineIn]:
    out = []
    durations = [t for t in ex.temporal if t.type == "DURATION"]
    for k, d in enumerate(ex.deadlines):
        dur = any(t.start < d.end and t.end > d.start for t in durations)
        mod = next((t.mod for t in ex.temporal if t.start < d.end and t.end > d.start and t.mod), None)
        out.append(DeadlineIn(aid * 1000 + k + 1, aid, pub, d.text, d.value, d.what, d.supersedes, d.start, d.end,
                              "DURATION" if dur else None, mod, kind=d.kind, reason=d.reason, retired=d.retired))
    if days is not None:
        for k, t in enumerate(ex.temporal):
            if t.type == "DATE" and len(t.value) == 10 and t.value in days:
                out.append(DeadlineIn(-(aid * 1000 + k + 1), aid, pub, t.text, t.value, "", None, t.start, t.end,
                                      "DATE", None, support_only=True))
    return out


def to_when(sc: ModuleType, w: When) -> Any:
    if w.precision in ("day", "part"):
        return sc.When(w.point, None, w.point.isoformat())
    return sc.When(None, (w.lo.year, w.lo.month), w.lo.isoformat())


def items_of(sc: ModuleType, ledger_items: list[LedgerItem], today: dt.date) -> list[Any]:
    out = []
    for n, it in enumerate(ledger_items, 1):
        st = it.status(today)
        state = {"superseded": "replaced", "passed": "passed"}.get(st, "upcoming")
        rb = to_when(sc, it.superseded_by) if it.superseded_by else None
        out.append(sc.Item(n, to_when(sc, it.when), state, rb, [to_when(sc, w) for w in it.replaces],
                           f"{it.when.lo} {it.kind} {it.what}"))
    return out


def score_folder(sc: ModuleType, folder: Path, show: bool) -> list[int]:
    gold = json.loads((folder.parent / f"{folder.name}_gold.json").read_text(encoding="utf-8"))
    manifest = tomllib.loads((folder / "articles.toml").read_text(encoding="utf-8"))["article"]
    story = set(gold["articles"])
    arts = []
    for aid, e in enumerate(manifest, 1):
        if e["file"] not in story:
            continue
        text = (folder / e["file"]).read_text(encoding="utf-8")
        pub = e["published"] if isinstance(e["published"], dt.date) else dt.date.fromisoformat(str(e["published"]))
        arts.append((aid, pub, extract(text, published=pub, lang=e.get("lang"), title=e.get("title")), e["file"]))
    tot = [0] * 8  # found, must, false, listed, linked, firm, next, dates
    print(f"=== {folder.name}: {len(arts)} story articles (oracle clustering)")
    for a in gold["asof"]:
        today = dt.date.fromisoformat(a["date"])
        upto = [x for x in arts if x[1] <= today]
        ms = [m for aid, pub, ex, _ in upto for m in mentions(aid, pub, ex)]
        days = {m.value[:10] for m in ms if m.when is not None and m.when.exact}
        ms += [m for aid, pub, ex, _ in upto for m in mentions(aid, pub, ex, days) if m.support_only]
        led = build_ledger(ms, today)
        ordered = [*led.upcoming, *led.superseded, *led.passed]
        items = items_of(sc, ordered, today)
        up = [i for i in items if i.state == "upcoming"]
        found = sum(any(sc.hits_day_or_month(i.when, g) for i in up) for g in a["upcoming"])
        pool = a["upcoming"] + a.get("also_valid", [])
        false = [i for i in up if not any(sc.valid_match(i.when, g) for g in pool)]
        firm = [r for r in a.get("replaced", []) if r.get("firm", True)]
        lk = sum(sc.linked(items, r) for r in firm)
        dated = [g for g in a["upcoming"] if g.get("date")]
        soonest = min(dated, key=lambda g: g["date"]) if dated else None
        nxt = up[0].when if up else None
        next_ok = bool(soonest and nxt and nxt.day in sc.gold_days(soonest))
        row = [found, len(a["upcoming"]), len(false), len(up), lk, len(firm), int(next_ok), 1]
        tot = [x + y for x, y in zip(tot, row, strict=True)]
        print(f"  {a['date']}  found {found}/{len(a['upcoming'])}  false {len(false)} of {len(up)}  "
              f"linked {lk}/{len(firm)}  next {'yes' if next_ok else 'no'}")
        if show:
            for i in items:
                if i.state != "passed":
                    mark = " FALSE" if i in false else ""
                    print(f"      {i.state:9} {i.text}{mark}"
                          + (f" (replaces {', '.join(w.text for w in i.replaces)})" if i.replaces else "")
                          + (f" (replaced by {i.replaced_by.text})" if i.replaced_by else ""))
    return tot


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scorer", type=Path)
    ap.add_argument("folders", type=Path, nargs="+")
    ap.add_argument("--show", action="store_true", help="list each as-of date's key dates")
    ap.add_argument("--bot", action="store_true", help="also run the scorer on the bot end to end")
    args = ap.parse_args(argv)
    sc = load_scorer(args.scorer)
    tot = [0] * 8
    for folder in args.folders:
        tot = [x + y for x, y in zip(tot, score_folder(sc, folder.resolve(), args.show), strict=True)]
    found, must, false, listed, lk, firm, nxt, dates = tot

    def pct(a: int, b: int) -> str:
        return f"{100 * a / b:.0f}%" if b else "-"

    print(f"oracle clustering: key dates found {found}/{must} ({pct(found, must)}), false {false} of {listed} "
          f"({pct(false, listed)}), replacements linked {lk}/{firm} ({pct(lk, firm)}), next right {nxt}/{dates}")
    if args.bot:
        cmd = [sys.executable, str(args.scorer), *map(str, args.folders), "--python", sys.executable]
        return subprocess.call(cmd)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
