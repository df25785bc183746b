"""OPML import/export and the `newsdigest feeds` CLI actions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from newsdigest.cli_feeds import run_feeds_command
from newsdigest.config import Config
from newsdigest.ingest.opml import OpmlError, export_opml, import_opml, parse_opml
from newsdigest.store.store import Store
from tests.fakes.feed_server import FeedServer, Item, rss
from tests.ingest.conftest import TEXTS

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Subs</title></head><body>
  <outline text="Nachrichten">
    <outline type="rss" text="Tagesschau" xmlUrl="https://www.tagesschau.de/xml/rss2/"/>
    <outline text="Wirtschaft"><outline type="rss" title="Handelsblatt &amp; Co" xmlUrl="https://hb.example/rss"/></outline>
  </outline>
  <outline type="rss" text="dup" xmlUrl="https://www.tagesschau.de/xml/rss2/"/>
  <outline type="rss" text="local" xmlUrl="file:///etc/passwd"/>
  <outline text="folder without url"/>
</body></opml>"""


def test_parse_nested_outlines() -> None:
    feeds = parse_opml(OPML.encode())
    assert [(f.url, f.title) for f in feeds] == [
        ("https://www.tagesschau.de/xml/rss2/", "Tagesschau"), ("https://hb.example/rss", "Handelsblatt & Co"),
        ("file:///etc/passwd", "local")]


@pytest.mark.parametrize("doc", [
    '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body><outline xmlUrl="&a;"/></body></opml>',
    '<!DOCTYPE opml SYSTEM "http://evil.example/x.dtd"><opml/>',
    "<rss/>", "<opml><body>", "",
])
def test_refuses_dtds_and_non_opml(doc: str) -> None:
    with pytest.raises(OpmlError):
        parse_opml(doc.encode())


def test_import_then_export_round_trip(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "subs.opml"
    path.write_text(OPML, encoding="utf-8")
    report = import_opml(store, path)
    assert len(report.added) == 2 and report.invalid == ["file:///etc/passwd: only http and https URLs are fetched, not 'file'"]
    assert import_opml(store, path).existing == report.added  # idempotent
    exported = export_opml(store)
    assert [(f.url, f.title) for f in parse_opml(exported.encode())] == [
        ("https://www.tagesschau.de/xml/rss2/", "Tagesschau"), ("https://hb.example/rss", "Handelsblatt & Co")]


def test_cli_actions(tmp_path: Path, loopback_config: Config, feed_server: FeedServer) -> None:
    import dataclasses

    cfg = loopback_config.replace(storage=dataclasses.replace(loopback_config.storage, path=str(tmp_path / "db.sqlite")))
    feed_server.route("/feed.xml", rss([Item("Bahn", TEXTS["bahn"], link="https://n.example/b", guid="b")]))
    out, err = io.StringIO(), io.StringIO()
    assert run_feeds_command(cfg, "add", feed_server.url("/feed.xml"), out=out, err=err) == 0
    assert "added “Test Wire”: 1 new article, 0 already known" in out.getvalue()
    assert run_feeds_command(cfg, "add", feed_server.url("/missing.xml"), out=out, err=err) == 1
    assert "HTTP 404" in err.getvalue() and "check it" in err.getvalue()
    out = io.StringIO()
    assert run_feeds_command(cfg, "list", None, out=out, err=err) == 0
    assert "✓ Test Wire" in out.getvalue()
    out = io.StringIO()
    assert run_feeds_command(cfg, "export", None, out=out, err=err) == 0
    assert feed_server.url("/feed.xml") in out.getvalue()
    opml = tmp_path / "x.opml"
    opml.write_text(OPML)
    assert run_feeds_command(cfg, "import", str(opml), out=out, err=err) == 0
    assert run_feeds_command(cfg, "remove", feed_server.url("/feed.xml"), out=out, err=err) == 0
    assert run_feeds_command(cfg, "remove", feed_server.url("/feed.xml"), out=out, err=err) == 1
    assert run_feeds_command(cfg, "import", None, out=out, err=err) == 2
