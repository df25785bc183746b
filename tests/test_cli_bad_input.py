"""What a new user gets for input that cannot be used: one line saying what is wrong and what to do, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdigest.cli import main
from newsdigest.store.store import Store

# Our own page: navigation around an article body long enough to be one.
PARAGRAPHS = (
    "<p>Der Stadtrat muss bis zum 15. Oktober 2025 über den Haushalt der Bibliothek entscheiden.</p>"
    "<p>Die Leiterin der Bibliothek warnte, ohne neue Mittel müsse sie im Winter zwei Filialen schließen.</p>"
    "<p>Mehrere Fraktionen kündigten an, einen eigenen Vorschlag für die Finanzierung vorzulegen.</p>"
)
PAGE = (
    '<!doctype html><html lang="de"><head><title>Frist für den Stadtrat</title></head><body>'
    "<nav>Start · Kontakt · Impressum</nav><article><h1>Frist für den Stadtrat</h1>"
    + PARAGRAPHS
    + "</article></body></html>"
)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSDIGEST_CONFIG", raising=False)
    return tmp_path


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [("empty.txt", b" \n", "empty"), ("latin1.txt", b"Stra\xdfe", "not UTF-8"), ("nav.html", b"<html><p>Menu</p></html>", "HTML")],
)
def test_extract_refuses_an_unusable_file_in_one_line(
    workdir: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, says: str
) -> None:
    (workdir / name).write_bytes(content)
    assert main(["extract", name, "--json"]) == 2
    assert says in one_line_error(capsys)


def test_extract_of_a_folder_or_a_missing_file_says_what_to_give(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "."]) == 2
    assert "ingest" in one_line_error(capsys)
    assert main(["extract", "missing.txt"]) == 2
    assert "missing.txt" in one_line_error(capsys)


def test_extract_reads_a_saved_page_as_its_main_text(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "page.html").write_text(PAGE, encoding="utf-8")
    assert main(["extract", "page.html", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["title"] == "Frist für den Stadtrat"
    assert data["deadlines"] and all("<" not in d["text"] for d in data["deadlines"])
    assert {d["value"] for d in data["deadlines"]} == {"2025-10-15"}


def test_extract_takes_title_and_date_from_the_folders_manifest(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "a.txt").write_text("Der Stadtrat muss bis zum 15. Oktober entscheiden.\n", encoding="utf-8")
    (workdir / "articles.toml").write_text('[[article]]\nfile = "a.txt"\ntitle = "Ratsfrist"\npublished = 2025-09-01\n')
    assert main(["extract", "a.txt", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["title"], data["published"]) == ("Ratsfrist", "2025-09-01")
    assert [d["value"] for d in data["deadlines"]] == ["2025-10-15"]


def test_ingest_stores_a_saved_page_without_markup(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "in").mkdir()
    (workdir / "in" / "page.htm").write_text(PAGE, encoding="utf-8")
    assert main(["ingest", "in", "--db", "x.db"]) == 0
    [article] = Store(workdir / "x.db").articles()
    assert article.title == "Frist für den Stadtrat" and "<" not in article.text and "Impressum" not in article.text


def test_ingest_of_a_url_that_is_not_http_names_what_it_takes(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "ftp://example.org/feed.xml", "--db", "x.db"]) == 2
    line = one_line_error(capsys)
    assert "ftp://example.org/feed.xml" in line and "https://" in line
