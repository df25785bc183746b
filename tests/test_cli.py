"""The CLI as a new user meets it: in a folder holding seeds/, with the default database path."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import newsdigest
from newsdigest.cli import main
from newsdigest.store.store import Store

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSDIGEST_CONFIG", raising=False)
    for var in ("NEWSDIGEST_TELEGRAM_TOKEN", "NEWSDIGEST_SLACK_BOT_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def test_ask_unknown_command_exits_nonzero_listing_commands(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "/frobnicate"]) != 0
    out = capsys.readouterr().out
    assert "Unknown command /frobnicate" in out and "/help" in out and "/search" in out


def test_first_ask_seeds_the_default_database(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "/search Oracle"]) == 0
    assert (workdir / "data" / "newsdigest.db").is_file()
    assert "Oracle" in capsys.readouterr().out


def test_ingesting_seeds_twice_leaves_five_articles(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(workdir / "x.db")
    assert main(["ingest", "seeds", "--db", db]) == 0
    assert main(["ingest", "seeds", "--db", db]) == 0
    assert "0 new, 5 already known" in capsys.readouterr().out
    assert Store(db).article_count() == 5


def test_ingest_reports_bad_files_and_keeps_the_good_ones(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "in").mkdir()
    (workdir / "in" / "good.txt").write_text("Headline\n\nThe council must decide by 1 March 2025.\n")
    (workdir / "in" / "bad.txt").write_bytes(b"\xff\xfe\x00broken")
    (workdir / "in" / "empty.txt").write_text("  \n")
    assert main(["ingest", "in", "--db", "y.db", "--published", "2025-01-10"]) == 1
    captured = capsys.readouterr()
    assert "not UTF-8" in captured.err and "empty" in captured.err
    store = Store(workdir / "y.db")
    assert store.article_count() == 1
    assert store.articles()[0].title == "Headline"


def test_bad_arguments_and_config_are_explained(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["ask", "/status", "--as-of", "14.09.2020"])
    assert exc.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err
    (workdir / "bad.toml").write_text('[bot]\nlanguage = "fr"\n')
    assert main(["ask", "/help", "--config", "bad.toml"]) == 2
    assert "bot.language" in capsys.readouterr().err


def test_extract_json_follows_the_schema(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = sorted((workdir / "seeds").glob("*.txt"))[3]
    assert main(["extract", str(article), "--published", "2020-08-20", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"lang", "published", "title", "temporal", "deadlines", "key_points", "actors", "removed"}
    text = article.read_text(encoding="utf-8")
    for key in ("temporal", "deadlines", "key_points"):
        for rec in data[key]:
            assert text[rec["start"]:rec["end"]] == rec["text"]
    assert data["published"] == "2020-08-20"


@pytest.mark.slow  # over 5 s on a loaded 2-core machine
def test_run_with_no_tokens_is_the_console_and_exits_at_eof(workdir: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(workdir)}
    done = subprocess.run(
        [sys.executable, "-m", "newsdigest", "run", "--as-of", "2020-09-14"],
        input="/help\n/search Frist\n", capture_output=True, text=True, cwd=workdir, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "> /help" in done.stdout and "Frist" in done.stdout
    empty = subprocess.run([sys.executable, "-m", "newsdigest", "run", "--console"], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, cwd=workdir, env=env, timeout=120)
    assert empty.returncode == 0, empty.stderr  # asked for the console: EOF ends it (without --console and a
    # terminal, pipe or file on stdin it stays up instead: tests/faults/test_operator_faults.py)


def test_ask_json_and_stories_json_are_data(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "seeds", "--db", "j.db"]) == 0
    capsys.readouterr()
    assert main(["ask", "/status", "--as-of", "2020-09-14", "--db", "j.db", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["command"] == "status" and status["story"]["slug"] and status["story"]["name"]
    assert status["now"]["published"] == "2020-09-14" and status["now"]["sources"] == 2
    assert all(len(i["label"]) <= 240 and i["article_ids"] for i in [status["now"], *status["items"]])
    assert main(["ask", "/deadline", "--as-of", "2020-09-14", "--db", "j.db", "--json"]) == 0
    deadline = json.loads(capsys.readouterr().out)
    dates = [(i["status"], i["value"]) for i in deadline["items"]]
    assert dates[0] == ("upcoming", "2020-09-15")
    assert {"kind", "value", "what", "status", "replaces", "replaced_by"} <= set(deadline["items"][0])
    order = {"upcoming": 0, "passed": 1, "replaced": 2}
    assert [order[s] for s, _ in dates] == sorted(order[s] for s, _ in dates)
    assert main(["stories", "--json", "--as-of", "2020-08-21", "--db", "j.db"]) == 0
    stories = json.loads(capsys.readouterr().out)["stories"]
    arts = [a for s in stories for a in s["articles"]]
    assert arts and all(a["published"] <= "2020-08-21" and a["title"] and a["id"] for a in arts)


@pytest.mark.parametrize(("line", "command", "code"), [("/frist", "deadline", 0), ("/hilfe", "help", 0),
                                                       ("/frobnicate", None, 2), ("status", None, 2)])
def test_ask_json_always_names_the_command(workdir: Path, capsys: pytest.CaptureFixture[str], line: str,
                                           command: str | None, code: int) -> None:
    assert main(["ask", line, "--as-of", "2020-09-14", "--json"]) == code
    data = json.loads(capsys.readouterr().out)
    assert data["command"] == command and data["line"] == line and data["error"] is bool(code)


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"newsdigest {newsdigest.__version__}"


def test_stories_says_when_there_are_none_by_that_day(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "seeds", "--db", "n.db"]) == 0
    capsys.readouterr()
    assert main(["stories", "--as-of", "2019-01-01", "--db", "n.db"]) == 0
    assert capsys.readouterr().out.strip().startswith("No stories yet: there are no articles published by 1 January 2019.")
