"""ingest_local writes new articles in batches: the same decisions and rows as one transaction per article."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from newsdigest.ingest.pipeline import IngestReport, ingest_local
from newsdigest.store.store import Store
from tests.conftest import StoreTarget
from tests.ingest.conftest import TEXTS

NOW = dt.datetime(2024, 3, 2, 12, tzinfo=dt.UTC)


def _folder(root: Path) -> Path:
    """Five articles, an exact repeat of one and a syndicated copy of another (one word changed, no new figures)."""
    folder = root / "articles"
    folder.mkdir()
    names = sorted(TEXTS)[:4]
    for i, name in enumerate(names):
        (folder / f"{i}.txt").write_text(f"Meldung {name}\n\n{TEXTS[name]}\n", encoding="utf-8")
    (folder / "4.txt").write_text(f"Meldung {names[0]}\n\n{TEXTS[names[0]]}\n", encoding="utf-8")
    words = TEXTS[names[1]].split()
    words[-3] = "vielleicht"
    (folder / "5.txt").write_text(f"Meldung {names[1]}\n\n{' '.join(words)}\n", encoding="utf-8")
    (folder / "6.txt").write_text("Termin\n\nDie Kommission tagt im April erneut über den Antrag der "
                                  "Gemeinde, der Sitzungssaal bleibt bis dahin geschlossen, wie die Verwaltung "
                                  "am Freitag mitteilte.\n", encoding="utf-8")
    return folder


def _ingest(target: str, folder: Path, batch_size: int) -> tuple[IngestReport, dict[str, list[tuple[Any, ...]]]]:
    store = Store(target, now=lambda: NOW)
    try:
        # a date far ahead: refused and noted for every file, the article kept (filed under the ingest day)
        report = ingest_local(store, [folder], published=dt.date(2199, 4, 3), batch_size=batch_size)
        rows = {
            "articles": "SELECT id, title, content_hash, published, date_note FROM articles",
            "sources": "SELECT article_id, source FROM article_sources",
            "key_points": "SELECT article_id, text FROM key_points",
        }
        return report, {k: sorted(tuple(r) for r in store.query(sql)) for k, sql in rows.items()}
    finally:
        store.close()


@pytest.mark.parametrize("batch_size", [2, 100])
def test_batched_import_equals_one_transaction_per_article(store_target: StoreTarget, tmp_path: Path,
                                                            batch_size: int) -> None:
    folder = _folder(tmp_path)
    one, one_rows = _ingest(store_target("one"), folder, batch_size=1)
    batched, batched_rows = _ingest(store_target("batched"), folder, batch_size=batch_size)
    assert (batched.created, batched.known, batched.updated) == (one.created, one.known, one.updated) == (5, 2, 0)
    assert batched.problems == one.problems and len(one.problems) == 7  # in file order
    assert batched_rows == one_rows
    assert len(one_rows["articles"]) == 5 and len(one_rows["sources"]) == 7  # the copy and the repeat: sources


def test_importing_again_stores_nothing_new(store_target: StoreTarget, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _ingest(store_target(), folder, batch_size=3)
    again, _ = _ingest(store_target(), folder, batch_size=3)
    assert (again.created, again.known, again.errors) == (0, 7, [])
