"""Clustering audit on an unlabelled corpus: the stories the bot forms, for an editor to read.

    .venv/bin/python bench/cluster_audit.py CORPUS.jsonl [--db CACHE.db] [--min 3] [--batch 500] [--near 15]

CORPUS is one JSON object a line with `text`, `lang`, `doc_date` (and optionally `id`, `title`, `label`, e.g. a
newspaper section). Every article goes through ingestion (`ingest_article`: extraction, dedupe) into a database,
cached at --db when given; each run clusters a fresh copy of it with `ensure_assigned`, `--batch` articles per
placement as the bot does. No gold: it prints every story of at least --min articles with its name, slug, size and
titles, and signals to read it by:

- `label` purity: the share of the story's articles in its most common label (a story mixing sections is suspect,
  not proven wrong);
- `core`: terms in at least half of the story's articles; articles sharing none of them are marked `?`;
- `near pairs`: the most alike stories that stayed apart (cosine of their profiles), the first place to look for
  articles of one story left in two.

It ends with the clustering time (wall and CPU) and counts of stories by size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdigest.ingest.pipeline import ingest_article
from newsdigest.models import ArticleInput
from newsdigest.store.store import Store
from newsdigest.stories import service
from newsdigest.stories.cluster import StoryProfile, similarity

TITLE = 100  # characters of a title shown
TITLE_MAX = 160
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZÄÖÜ\"„])")


def lead(text: str) -> str:
    """A title for an untitled article: its first sentence, at most TITLE_MAX characters, cut between words (the
    corpora's texts open with a standfirst)."""
    text = " ".join(text.split())
    # a period after a dotted word or a short one in lower case ("U.S.", "Dr.") is an abbreviation's; after an
    # acronym ("IWF.") it ends the sentence
    ends = (m.end() for m in _SENTENCE_END.finditer(text)
            if "." not in (word := text[: m.start()].rsplit(" ", 1)[-1]) and (len(word) > 3 or word.isupper()))
    first = text[: next(ends, len(text))].strip()
    if len(first) > TITLE_MAX:
        first = first[:TITLE_MAX].rsplit(" ", 1)[0] + " …"
    return first


def build(corpus: Path, db: Path) -> dict[str, str]:
    """Ingest the corpus into `db` (unless it holds it already); returns url -> label."""
    labels: dict[str, str] = {}
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    fresh = not db.exists()
    store = Store(db)
    started = time.perf_counter()
    for i, row in enumerate(rows):
        url = f"https://corpus.example/{row.get('id', i)}"
        labels[url] = str(row.get("label", ""))
        if fresh:
            published = dt.date.fromisoformat(row["doc_date"][:10]) if row.get("doc_date") else None
            ingest_article(store, ArticleInput(text=row["text"], title=row.get("title") or lead(row["text"]),
                                               published=published,
                                               lang=row.get("lang"), url=url, source="corpus.example"))
    if fresh:
        print(f"ingested {len(rows)} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the cache is copied as one file
    store.close()
    return labels


def cluster(db: Path, batch: int) -> tuple[Store, float, float]:
    store = Store(db)
    wall, cpu = time.perf_counter(), time.process_time()
    service.ensure_assigned(store, budget_s=float("inf"), batch=batch)
    return store, time.perf_counter() - wall, time.process_time() - cpu


def stories(store: Store) -> list[dict[str, Any]]:
    """Every story with its articles (id, title, url), from the store's JSON export."""
    from newsdigest.stories.export import stories_json

    return list(stories_json(store, as_of=None)["stories"])


def profiles(store: Store, ids: list[int]) -> dict[int, StoryProfile]:
    out = {}
    for sid in ids:
        rec = store.story(sid)
        if rec is not None:
            out[sid] = StoryProfile.from_json(sid, rec.terms, rec.first_published, rec.last_published)
    return out


def core_terms(terms: list[set[str]]) -> set[str]:
    df = Counter(t for ts in terms for t in ts)
    return {t for t, c in df.items() if 2 * c >= len(terms)}


def report(store: Store, labels: dict[str, str], min_size: int, near: int) -> None:
    listed = stories(store)
    sizes = Counter(len(s["articles"]) for s in listed)
    big = sorted((s for s in listed if len(s["articles"]) >= min_size), key=lambda s: (-len(s["articles"]), s["id"]))
    urls = store_urls(store, [a["id"] for s in big for a in s["articles"]])
    weak = 0
    for s in big:
        arts = s["articles"]
        labs = Counter(labels.get(urls.get(a["id"], ""), "") for a in arts)
        lab, top = labs.most_common(1)[0]
        purity = top / len(arts)
        weak += purity < 2 / 3
        terms = article_terms(store, s["id"])
        core = core_terms(list(terms.values()))
        print(f"\n#{s['id']} {s['name']!r} ({s['slug']}) · {len(arts)} articles · label {lab or '-'} {purity:.2f}"
              f" · core {', '.join(sorted(core)[:8]) or '-'}")
        for a in sorted(arts, key=lambda a: (a.get("published") or "", a["id"])):
            mark = "?" if not terms.get(a["id"], set()) & core else " "
            lbl = labels.get(urls.get(a["id"], ""), "")
            print(f"   {mark} {a.get('published', '')} [{lbl[:4]:4}] {a['title'][:TITLE]}")
    profs = profiles(store, [s["id"] for s in listed])
    pairs = near_pairs(profs)
    names = {s["id"]: (s["name"], len(s["articles"])) for s in listed}
    print(f"\nnear pairs (most alike stories left apart, top {near}):")
    for sim, a, b in pairs[:near]:
        print(f"   {sim:.2f}  {names[a][0]!r} ({names[a][1]})  ~  {names[b][0]!r} ({names[b][1]})")
    total = sum(len(s["articles"]) for s in listed)
    print(f"\nstories {len(listed)} over {total} articles; by size: "
          + ", ".join(f"{k}: {v}" for k, v in sorted(sizes.items())))
    print(f"stories of >= {min_size}: {len(big)} holding {sum(len(s['articles']) for s in big)} articles; "
          f"label purity < 2/3: {weak}")


def near_pairs(profs: dict[int, StoryProfile]) -> list[tuple[float, int, int]]:
    index: dict[str, set[int]] = {}
    for k, p in profs.items():
        for t in p.top_terms(10):
            index.setdefault(t, set()).add(k)
    seen: set[tuple[int, int]] = set()
    out = []
    for a, p in profs.items():
        for t in p.top_terms(10):
            for b in index[t]:
                if a < b and (a, b) not in seen:
                    seen.add((a, b))
                    out.append((similarity(p, profs[b]), a, b))
    return sorted(out, key=lambda x: (-x[0], x[1], x[2]))


def store_urls(store: Store, ids: list[int]) -> dict[int, str]:
    arts = store.articles_by_id(ids)
    return {aid: a.url or "" for aid, a in arts.items()}


def article_terms(store: Store, story_id: int) -> dict[int, set[str]]:
    """The clustering terms of each article of the story."""
    rows = store.story_members([story_id], limit=100_000)
    return {aid: set(service.article_terms(title, ex).weights) for aid, title, _pub, ex in rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, metavar="CORPUS")
    ap.add_argument("--db", type=Path, help="cache of the ingested corpus (built when missing)")
    ap.add_argument("--min", type=int, default=3, dest="min_size", help="smallest story listed")
    ap.add_argument("--batch", type=int, default=service.ASSIGN_BATCH, help="articles per placement")
    ap.add_argument("--near", type=int, default=15, help="near pairs listed")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cluster-audit-") as tmp:
        cache = args.db or Path(tmp) / "corpus.db"
        labels = build(args.corpus, cache)
        work = Path(tmp) / "work.db"
        shutil.copy(cache, work)
        store, wall, cpu = cluster(work, args.batch)
        report(store, labels, args.min_size, args.near)
        print(f"clustering: {wall:.1f} s wall, {cpu:.1f} s CPU")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
