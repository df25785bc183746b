"""`newsdigest feeds …` and `ingest` as a user at a terminal reads them, against a loopback feed server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdigest.cli import main
from tests.fakes.feed_server import FeedServer, Item, html_page, rss

TEXT = ("Der Stadtrat muss bis zum 30. April über den Haushalt entscheiden. Die Opposition verlangt mehr Geld für "
        "Schulen und droht mit einer Klage, sollte die Frist verstreichen, ohne dass die Vorlage geändert wird.")


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        srv.route("/feed.xml", rss([Item("Haushalt", TEXT, guid="h1")], title="Rathaus-Ticker"))
        srv.route("/short.html", html_page("Kurz", ["Zu kurz."]), "text/html")
        yield srv


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSDIGEST_CONFIG", raising=False)
    (tmp_path / "nd.toml").write_text('[ingest]\nallow_hosts = ["127.0.0.1:*"]\ntimeout_seconds = 5\n')
    return ["--db", str(tmp_path / "nd.db"), "--config", str(tmp_path / "nd.toml")]


def test_an_empty_feed_list_says_how_to_add_one_on_the_command_line(cli: list[str],
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "list", *cli]) == 0
    out = capsys.readouterr().out
    assert "newsdigest feeds add URL" in out and "/addfeed" not in out


def test_adding_a_followed_feed_again_says_so(cli: list[str], server: FeedServer,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    url = server.url("/feed.xml")
    assert main(["feeds", "add", url, *cli]) == 0
    assert capsys.readouterr().out.startswith("added “Rathaus-Ticker”: 1 new article, 0 already known")
    assert main(["feeds", "add", url, *cli]) == 0
    assert capsys.readouterr().out.startswith("already followed: “Rathaus-Ticker”: 0 new articles, 1 already known")


def test_importing_a_file_that_is_no_opml_names_the_file_and_the_form(cli: list[str], tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("Titel\n\nKein OPML.\n")
    assert main(["feeds", "import", "notes.txt", *cli]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: notes.txt: not valid XML") and "<outline" in err


def test_a_page_without_article_text_gets_a_hint_that_fits(cli: list[str], server: FeedServer,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", server.url("/short.html"), *cli]) == 1
    err = capsys.readouterr().err
    assert "no article text" in err and "save the text as a .txt file" in err and "Check the address" not in err


def test_counts_are_not_lazy_plurals(cli: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "one.txt").write_text(f"Haushalt\n\n{TEXT}\n")
    assert main(["ingest", "one.txt", "--published", "2021-04-01", *cli]) == 0
    assert "; 1 article in " in capsys.readouterr().out
    assert main(["stories", *cli]) == 0
    assert capsys.readouterr().out.rstrip().endswith("\t1 article")


def test_a_binary_file_is_refused_not_stored(cli: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "blob.txt").write_bytes(b"PK\x03\x04 looks like text\x00\x00\x01 but is not")
    assert main(["ingest", "blob.txt", *cli]) == 1
    assert "not a text file (it holds NUL bytes)" in capsys.readouterr().err


def test_a_problem_seen_on_every_poll_is_listed_once_without_a_prefix(cli: list[str], server: FeedServer,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    server.route("/headline.xml", rss([Item("Nur der Titel", "", link=server.url("/short.html"), guid="t1"),
                                       Item("Haushalt", TEXT, guid="h1")], title="Titel-Ticker"))
    url = server.url("/headline.xml")
    for _ in range(2):  # the second add polls the feed again and meets the same headline-only entry
        assert main(["feeds", "add", url, *cli]) == 0
    capsys.readouterr()
    assert main(["feeds", "list", *cli]) == 0
    out = capsys.readouterr().out
    assert out.count("Nur der Titel") == 1 and "latest problems: " in out and "problem: " not in out


def test_importing_a_file_that_is_not_there_says_so_without_the_opml_form(cli: list[str],
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "import", "feeds.opml", *cli]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "error: feeds.opml: no such file (give the OPML file your feed reader exported)"
