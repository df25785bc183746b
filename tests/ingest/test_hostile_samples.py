"""Eval-style regression: each hostile sample in hostile/ carries its expectation in hostile/expect.toml.

Parsing runs on the bytes exactly as a server would send them, with the listed Content-Type.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from newsdigest.extract import extract
from newsdigest.ingest.feeds import FeedError, FeedRefused, parse_feed

SAMPLES = Path(__file__).parent / "hostile"
EXPECT: dict[str, dict[str, Any]] = tomllib.loads((SAMPLES / "expect.toml").read_text(encoding="utf-8"))


def test_every_sample_has_an_expectation() -> None:
    assert {p.stem for p in SAMPLES.glob("*.xml")} == set(EXPECT)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_hostile_sample(name: str) -> None:
    want = EXPECT[name]
    data = (SAMPLES / f"{name}.xml").read_bytes()
    if "refused" in want:
        with pytest.raises(FeedRefused, match=want["refused"]):
            parse_feed(data, content_type=want["content_type"])
        return
    if "error" in want:
        with pytest.raises(FeedError) as caught:
            parse_feed(data, content_type=want["content_type"])
        assert not isinstance(caught.value, FeedRefused)
        assert re.search(want["error"], str(caught.value)), str(caught.value)
        return
    feed = parse_feed(data, content_type=want["content_type"], url="https://probe.example/feed")
    articles = [e.article for e in feed.entries]
    assert len(articles) == want["entries"]
    for snippet in want.get("text", []):
        assert any(snippet in a.text for a in articles), snippet
    for title in want.get("titles", []):
        assert any(a.title == title for a in articles), title
    for problem in want.get("problems", []):
        assert any(problem in p for p in feed.problems), (problem, feed.problems)
    if want.get("no_problems"):
        assert not feed.problems
    if "guid" in want:
        assert articles[0].guid == want["guid"]
    if "published" in want:
        assert [a.published.isoformat() if a.published else "" for a in articles] == want["published"]
    if "deadline" in want:
        first = articles[0]
        extraction = extract(first.text, published=first.published, lang="de", title=first.title)
        assert want["deadline"] in [d.value for d in extraction.deadlines]
    assert not any("\ufffd" in a.text for a in articles[:1]), "only the bad byte's own entry may carry U+FFFD"
