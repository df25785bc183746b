"""Story tracking on real developing stories: clustering, /status and /deadline per checkpoint, through --json.

    .venv/bin/python bench/story_eval.py STORIES_DIR [--show] [--daily]

STORIES_DIR holds `<name>/` article folders with `<name>_gold.json` labels and `score_stories.py` beside them
(the evaluation set's own scorer: its parsing and matching functions are used, so the figures are the scorer's).
Per story: a fresh database in a temporary folder, `newsdigest ingest FOLDER` (with --daily: one ingest per
publication day, in date order, as a bot following feeds sees them), then per as-of date
`newsdigest stories --json`, `ask "/status SLUG" --json` and `ask "/deadline SLUG" --json`, SLUG being the bot
story holding most of the gold story's articles by then. Besides the scorer's figures it checks the brief:
a lead reported on the newest day of the story's coverage; no development twice; no item over 240 characters;
none cut inside a word.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

MAX_ITEM = 240


def load_scorer(folder: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_stories", folder / "score_stories.py")
    if spec is None or spec.loader is None:
        sys.exit(f"story_eval: no score_stories.py in {folder}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["score_stories"] = mod
    spec.loader.exec_module(mod)
    return mod


def run(db: Path, *args: str) -> str:
    p = subprocess.run([sys.executable, "-m", "newsdigest", *args, "--db", str(db)], capture_output=True, text=True,
                       timeout=900, cwd=db.parent)
    if p.returncode not in (0, 2):
        raise RuntimeError(f"newsdigest {' '.join(args)} failed: {p.stderr[-800:]}")
    return p.stdout


def ask(db: Path, line: str, as_of: str) -> dict[str, Any]:
    return dict(json.loads(run(db, "ask", line, "--as-of", as_of, "--json")))


def _words(s: str) -> set[str]:
    return set(re.findall(r"\w+", s.casefold()))


def brief_checks(status: dict[str, Any], newest: str | None) -> dict[str, int]:
    """Lead on the newest day; no two items alike (60% of the shorter one's words); lengths; cuts at words."""
    items = [x for x in [status.get("now"), *status.get("items", [])] if x]
    labels = [str(x["label"]) for x in items]
    dup = 0
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            wa, wb = _words(a) - _STOP, _words(b) - _STOP
            if wa and wb and len(wa & wb) / min(len(wa), len(wb)) >= 0.6:
                dup += 1
    midword = 0
    for x in items:
        label = str(x["label"])
        if label.endswith("…"):
            head = label[:-1].rstrip()
            last = re.findall(r"\w+$", head)
            source = " ".join(str(e.get("text", "")) for e in x.get("evidence", []))
            if last and not re.search(rf"\b{re.escape(last[0])}\b", source):
                midword += 1
    lead = status.get("now") or {}
    return {"lead": int(bool(lead)), "lead_newest": int(bool(lead) and lead.get("last_published") == newest),
            "dup": dup, "long": sum(len(lbl) > MAX_ITEM for lbl in labels), "midword": midword, "items": len(labels)}


_STOP = frozenset("der die das und in zu den von mit für auf ist im dem nicht ein eine als auch es an the a an and of "
                  "to in on for is was that with by at as it from be has have are".split())


def ingest_daily(db: Path, folder: Path, manifest: dict[str, Any]) -> None:
    """One `newsdigest ingest` per publication day, each over a folder holding that day's articles only."""
    days: dict[str, list[dict[str, Any]]] = {}
    for entry in manifest["article"]:
        days.setdefault(str(entry["published"]), []).append(entry)
    for day in sorted(days):
        part = db.parent / f"day-{day}"
        part.mkdir()
        for entry in days[day]:
            (part / entry["file"]).write_bytes((folder / entry["file"]).read_bytes())
        lines = []
        for entry in days[day]:
            lines.append("[[article]]")
            lines += [f"{k} = {json.dumps(str(v), ensure_ascii=False)}" if k != "published" else f"{k} = {v}"
                      for k, v in entry.items()]
            lines.append("")
        (part / "articles.toml").write_text("\n".join(lines), encoding="utf-8")
        run(db, "ingest", str(part))
        run(db, "stories", "--json")  # a command places the new articles, as the bot does between polls


def score_story(sc: ModuleType, folder: Path, gold: dict[str, Any], show: bool, daily: bool = False) -> dict[str, Any]:
    manifest = tomllib.loads((folder / "articles.toml").read_text(encoding="utf-8"))
    pub = sc.published_map(folder)
    title_file = {e["title"]: e["file"] for e in manifest["article"]}
    story_files = set(gold["articles"])
    with tempfile.TemporaryDirectory(prefix="story-eval-") as tmp:
        db = Path(tmp) / "story.db"
        started = time.perf_counter()
        if daily:
            ingest_daily(db, folder, manifest)
        else:
            run(db, "ingest", str(folder))
        ingest_s = time.perf_counter() - started
        last = gold["asof"][-1]["date"]
        stories = json.loads(run(db, "stories", "--json", "--as-of", last))["stories"]
        member: dict[str, int] = {}
        for s in stories:
            for a in s["articles"]:
                if a["title"] in title_file:
                    member[title_file[a["title"]]] = s["id"]
        slugs = {s["id"]: s["slug"] for s in stories}
        per = Counter(member[f] for f in sorted(story_files) if f in member)
        main = min(per, key=lambda k: (-per[k], k)) if per else -1
        main_files = {f for f, s in member.items() if s == main}
        prec = per[main] / len(main_files) if main_files else 0.0
        rec = per[main] / len(story_files)
        near = len(main_files & set(gold["near_distractors"]))
        print(f"\n=== {gold['story']} ({gold['lang']}): clustering P {prec:.2f} R {rec:.2f}, spread "
              f"{sorted(per.values(), reverse=True)[:8]}, near distractors in main {near}; main story "
              f"{slugs.get(main)!r}; ingest {ingest_s:.1f} s")
        print(f"    {'as of':10} {'story':28} found  false  linked next fact lead newest dup long midword")
        t = sc.Tally()
        checks: Counter[str] = Counter()
        for a in gold["asof"]:
            date = a["date"]
            upto = {f for f in story_files if pub[f] <= sc.day(date)}
            cnt = Counter(member[f] for f in sorted(upto) if f in member)
            sid = min(cnt, key=lambda k: (-cnt[k], -per[k], k)) if cnt else main
            slug = slugs.get(sid, "") if sid is not None else ""
            status = ask(db, f"/status {slug}", date)
            deadline = ask(db, f"/deadline {slug}", date)
            items = sc.parse_deadlines(deadline["text"])
            upcoming = [it for it in items if it.state == "upcoming"]
            replaced_days = {it.when.day for it in items if it.state == "replaced"}
            found = 0
            for g in a["upcoming"]:
                hit = any(sc.hits_day_or_month(it.when, g) for it in upcoming)
                found += hit or bool(g.get("dual_replaced_ok") and sc.gold_days(g) & replaced_days)
            pool = a["upcoming"] + a.get("also_valid", [])
            false = sum(1 for it in upcoming if not any(sc.valid_match(it.when, g) for g in pool))
            firm = [r for r in a.get("replaced", []) if r.get("firm", True)]
            lk = sum(sc.linked(items, r) for r in firm)
            dated = [g for g in a["upcoming"] if g.get("date")]
            soonest = min(dated, key=lambda g: g["date"]) if dated else None
            nxt = sc.parse_next(status["text"])
            next_ok = bool(soonest and nxt and nxt.day in sc.gold_days(soonest))
            fact = sc.key_fact(status["text"], a["key_fact"])
            newest = max((str(pub[f]) for f in upto if member.get(f) == sid), default=None)
            bc = brief_checks(status, newest)
            checks.update(bc)
            t.add(sc.Tally(found=found, must=len(a["upcoming"]), false=false, listed=len(upcoming), linked=lk,
                           firm=len(firm), facts=int(fact), dates=1, nexts=int(next_ok)))
            print(f"    {date:10} {slug[:28]:28} {found:>2}/{len(a['upcoming']):<3} {false:>2}/{len(upcoming):<3} "
                  f"{lk:>2}/{len(firm):<3} {'yes' if next_ok else 'no':>4} {'yes' if fact else 'no':>4} "
                  f"{bc['lead']:>4} {bc['lead_newest']:>6} {bc['dup']:>3} {bc['long']:>4} {bc['midword']:>7}")
            if show:
                print("\n".join("      " + x for x in (status["text"] + "\n" + deadline["text"]).splitlines()))
        print(f"    {gold['story']}: P {prec:.2f} R {rec:.2f} · found {t.found}/{t.must} · false {t.false}/{t.listed} · "
              f"linked {t.linked}/{t.firm} · next {t.nexts}/{t.dates} · key facts {t.facts}/{t.dates} · "
              f"leads {checks['lead_newest']}/{checks['lead']} on the newest day · duplicates {checks['dup']} · "
              f"over {MAX_ITEM} chars {checks['long']} · cut mid-word {checks['midword']} (of {checks['items']} items)")
        return {"story": gold["story"], "precision": prec, "recall": rec, "facts": t.facts, "dates": t.dates,
                "dup": checks["dup"], "long": checks["long"], "midword": checks["midword"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("stories_dir", type=Path, metavar="STORIES_DIR")
    ap.add_argument("--show", action="store_true", help="print the verbatim /status and /deadline answers")
    ap.add_argument("--daily", action="store_true", help="ingest one publication day at a time")
    args = ap.parse_args(argv)
    root = args.stories_dir.resolve()
    sc = load_scorer(root)
    results = []
    for gold_path in sorted(root.glob("*_gold.json")):
        folder = root / gold_path.name.removesuffix("_gold.json")
        if (folder / "articles.toml").is_file():
            results.append(score_story(sc, folder, json.loads(gold_path.read_text(encoding="utf-8")), args.show,
                                       args.daily))
    if not results:
        sys.exit(f"story_eval: no <name>/ + <name>_gold.json in {root}")
    ok = all(r["precision"] >= 0.9 and r["recall"] >= 0.9 for r in results)
    print("\nclustering goal P >= 0.9 and R >= 0.9 for every story: " + ("met" if ok else "NOT met") + " ("
          + ", ".join(f"{r['story']} P {r['precision']:.2f} R {r['recall']:.2f}" for r in results) + ")")
    print(f"brief: duplicates {sum(r['dup'] for r in results)}, over {MAX_ITEM} chars {sum(r['long'] for r in results)}, "
          f"cut mid-word {sum(r['midword'] for r in results)}; key facts "
          f"{sum(r['facts'] for r in results)}/{sum(r['dates'] for r in results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
