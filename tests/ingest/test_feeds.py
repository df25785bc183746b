"""feeds.py: parsing every feed dialect from bytes, refusing entity tricks, HTML to text."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdigest.ingest.feeds import (
    FeedError,
    FeedRefused,
    discover_feed_links,
    document_kind,
    html_to_text,
    parse_feed,
    refuse_entity_declarations,
)
from tests.fakes.feed_server import Item, atom, billion_laughs, malformed, quadratic_blowup, rdf, rss, rss_full
from tests.ingest.conftest import TEXTS

ITEMS = [
    Item("TikTok-Frist", TEXTS["tiktok"], link="https://news.example/tiktok?utm_source=rss", guid="tt-1"),
    Item("Bahn saniert", TEXTS["bahn"], link="https://news.example/bahn", guid="bahn-1",
         published="Tue, 15 Sep 2020 06:30:00 +0200"),
]


def test_rss2_entries_become_articles() -> None:
    feed = parse_feed(rss(ITEMS).encode(), url="https://news.example/feed.xml")
    assert feed.version == "rss20" and feed.title == "Test Wire" and feed.lang == "de"
    first, second = (e.article for e in feed.entries)
    assert first.title == "TikTok-Frist" and first.guid == "tt-1" and first.source == "Test Wire"
    assert first.text.startswith("Die US-Regierung hat ByteDance") and first.lang == "de"
    assert first.published == dt.date(2020, 9, 14)
    assert second.published == dt.date(2020, 9, 15)  # 06:30 +02:00 is 04:30 UTC the same day
    assert not feed.entries[0].summary_only  # a full text, not a teaser


def test_content_encoded_is_preferred_and_cleaned_of_markup() -> None:
    items = [Item("Voll", TEXTS["klima"] + "\n" + TEXTS["wahl"], link="https://full.example/k", guid="k")]
    feed = parse_feed(rss_full(items).encode())
    text = feed.entries[0].article.text
    assert "Fichten leiden" in text and "Bürgermeister" in text and "<p>" not in text
    assert "\n\n" in text  # paragraphs kept apart


def test_atom_with_language_and_html_content() -> None:
    items = [Item("Deadline moved", "<p>The <b>deadline</b> moved to <i>November 12</i>.</p><script>alert(1)</script>",
                  link="https://atom.example/1", guid="urn:1")]
    feed = parse_feed(atom(items).encode())
    article = feed.entries[0].article
    assert feed.version == "atom10"
    assert article.text == "The deadline moved to November 12."
    assert article.lang == "en" and article.guid == "urn:1" and article.published == dt.date(2020, 9, 14)
    assert feed.entries[0].summary_only  # short: its page may hold the article


def test_rdf_rss10() -> None:
    feed = parse_feed(rdf(ITEMS).encode())
    assert feed.version == "rss10" and len(feed.entries) == 2
    assert feed.entries[1].article.url == "https://news.example/bahn"


def test_rss091_with_netscape_doctype_is_accepted() -> None:
    doc = rss(ITEMS, version="0.91").replace(
        "<rss", '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss', 1)
    feed = parse_feed(doc.encode())
    assert feed.version.startswith("rss09") and len(feed.entries) == 2


def test_malformed_feed_is_used_with_a_warning() -> None:
    feed = parse_feed(malformed(ITEMS).encode())
    assert feed.warning and len(feed.entries) == 2
    assert feed.entries[0].article.title == "TikTok-Frist"


@pytest.mark.parametrize("body", [b"", b"<html><body>Hallo</body></html>", b"\x00\x01\x02garbage", b"{\"json\": 1}"])
def test_non_feeds_are_errors(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(body)


def test_billion_laughs_is_refused_before_parsing() -> None:
    with pytest.raises(FeedRefused, match="entit"):
        parse_feed(billion_laughs().encode())


def test_quadratic_blowup_is_refused_before_parsing() -> None:
    # FeedRefused comes from the scan before the parser runs, which is what keeps it fast (timed in bench/timings.py)
    with pytest.raises(FeedRefused, match="entit"):
        parse_feed(quadratic_blowup().encode())


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_entity_declarations_are_found_in_wide_encodings(codec: str) -> None:
    with pytest.raises(FeedRefused):
        refuse_entity_declarations(billion_laughs().replace("<?xml version='1.0'?>", "").encode(codec))


def test_a_body_naming_a_local_file_is_not_opened(tmp_path: object) -> None:
    """feedparser opens bytes as a path when it can; parse_feed hands it a stream."""
    with pytest.raises(FeedError):
        parse_feed(b"/etc/hostname")


def test_entry_without_text_but_with_link_is_a_teaser() -> None:
    doc = rss([Item("Nur Titel", "", link="https://news.example/only-title", guid="t")])
    entry = parse_feed(doc.encode()).entries[0]
    assert entry.summary_only and entry.article.text == "Nur Titel"


def test_source_falls_back_to_the_host() -> None:
    doc = rss(ITEMS, title="").replace("<title></title>", "")
    feed = parse_feed(doc.encode(), url="https://www.news.example/feed")
    assert feed.entries[0].article.source == "example.org"  # the channel link's host


@pytest.mark.parametrize(
    ("html", "text"),
    [("<p>a</p><p>b</p>", "a\n\nb"), ("x<br>y", "x\ny"), ("A &amp; B &lt;tag&gt;", "A & B <tag>"),
     ("<style>p{}</style><p>ok</p>", "ok"), ("<div><script>evil()</script>safe</div>", "safe"),
     ("plain   text", "plain text"), ("<ul><li>eins</li><li>zwei</li></ul>", "eins\n\nzwei")],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@given(st.text(max_size=300))
def test_html_to_text_never_keeps_tags(fragment: str) -> None:
    out = html_to_text(f"<b>{fragment}</b><script>x</script>")
    assert "<b>" not in out and "<script" not in out.lower()


@pytest.mark.parametrize(
    ("body", "ctype", "kind"),
    [(b"<?xml version='1.0'?>\n<rss version='2.0'>", "text/html", "feed"),
     (b"\xef\xbb\xbf<?xml version='1.0'?><!-- c --><feed xmlns='http://www.w3.org/2005/Atom'>", None, "feed"),
     (b"<rdf:RDF xmlns:rdf='x'>", "application/xml", "feed"),
     (b"<!DOCTYPE html><html><head>", "text/html", "page"),
     (b"<html>", "application/octet-stream", "page"),
     (b"random", "application/rss+xml", "feed"),
     (b"random", "application/octet-stream", "unknown")],
)
def test_document_kind(body: bytes, ctype: str | None, kind: str) -> None:
    assert document_kind(body, ctype) == kind


def test_discover_feed_links() -> None:
    page = (b"<html><head><link rel='alternate' type='application/rss+xml' href='/feed.xml'>"
            b"<link rel=\"alternate\" type=\"application/atom+xml\" href=\"https://x.example/atom\">"
            b"<link rel='stylesheet' href='/s.css'></head></html>")
    assert discover_feed_links(page, "https://x.example/news/") == ["https://x.example/feed.xml", "https://x.example/atom"]
