"""Slack rendering: limits, escaping, no pings or links from untrusted text (unit and property tests)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.bot.slack_render import MAX_BLOCKS, MAX_HEADER, MAX_SECTION, escape, render, safe_url
from newsdigest.reply import (
    BulletList,
    Divider,
    Heading,
    Image,
    Paragraph,
    Reply,
    Span,
    bold,
    code,
    italic,
    item,
    link,
    text,
)
from tests.fakes.slack_api import block_errors

OUR_LINK = re.compile(r"<https?://[^\s<>|]+\|[^<>|]*>")
PING = re.compile(r"@(channel|here|everyone)", re.I)
HOSTILE = ["<!channel>", "<!here>", "<!everyone>", "@channel", "@here", "@everyone", "@Channel", "<@U123>",
           "<#C123|general>", "<http://evil|click>", "<https://evil.example>", "&", "&amp;", "&lt;", "*", "_", "~",
           "`", "```", ">", "\n", "\n>", "|", " ", "<", "!", "@", "channel", "https://x.example/a_b*c",
           "<!date^1392734382^{date}|x>", "\u200b", "\r", "\x00", "ä"]


def all_texts(msg: dict[str, Any]) -> list[str]:
    return [msg["text"], *(b["text"]["text"] for b in msg["blocks"] if "text" in b)]


def assert_inert(s: str) -> None:
    """Outside our own <http(s)://…|…> links: no <, >, raw &, and no mention syntax at all."""
    rest = OUR_LINK.sub("", s)
    assert "<" not in rest and ">" not in rest, s
    assert not re.search(r"&(?!amp;|lt;|gt;)", rest), s
    assert not PING.search(s), s
    for link_text in OUR_LINK.findall(s):
        assert link_text.startswith(("<http://", "<https://")), link_text


def assert_valid(messages: list[dict[str, Any]]) -> None:
    for msg in messages:
        json.dumps(msg)
        assert 1 <= len(msg["blocks"]) <= MAX_BLOCKS
        assert block_errors(msg["blocks"]) == []
        assert msg["text"].strip()
        for b in msg["blocks"]:
            if b["type"] == "section":
                assert b["text"]["type"] == "mrkdwn" and b["text"]["verbatim"] is True
                assert 1 <= len(b["text"]["text"]) <= MAX_SECTION
            elif b["type"] == "header":
                assert b["text"]["type"] == "plain_text" and 1 <= len(b["text"]["text"]) <= MAX_HEADER
        for s in all_texts(msg):
            assert_inert(s)


# --- unit tests -----------------------------------------------------------------------------------------------


def test_hostile_article_text_is_inert() -> None:
    hostile = "Breaking <!channel> & <http://evil|click> <@U123> <#C1> <!here> @here @channel @everyone"
    msgs = render(Reply((Heading(hostile), text(hostile), BulletList((item(hostile),))))).messages
    assert_valid(msgs)
    section = msgs[0]["blocks"][1]["text"]["text"]
    assert "&lt;!channel&gt;" in section and "&amp;" in section and "&lt;http://evil|click&gt;" in section
    assert "&lt;@\u2060U123&gt;" in section and "&lt;#C1&gt;" in section
    assert "<" not in section and ">" not in section  # nothing links, nothing mentions
    assert "@\u2060here" in section and "@\u2060channel" in section
    assert "&lt;!channel&gt;" in msgs[0]["blocks"][0]["text"]["text"]


def test_mentions_cannot_be_formed_across_spans() -> None:
    msgs = render(Reply((Paragraph((Span("@"), Span("channel"), Span("<"), Span("!here>"))),))).messages
    assert_valid(msgs)


def test_markup_characters_in_untrusted_text_do_not_format() -> None:
    out = escape("Mitarbeiter*innen und Bürger*innen, snake_case ~5 % `rm`")
    assert not set("*_~`") & set(out)
    assert "Mitarbeiter\u2217innen" in out


def test_our_styles_and_links() -> None:
    reply = Reply((text(bold("Oracle"), " wins ", italic("maybe"), " ", code("x<y"), " ",
                        link("the | story>", "https://example.com/a?b=1&c=2|3")),))
    section = render(reply).messages[0]["blocks"][0]["text"]["text"]
    assert section.startswith("*Oracle* wins _maybe_ `x&lt;y` ")
    assert section.endswith("<https://example.com/a?b=1&amp;c=2%7C3|the \u2223 story&gt;>")


def test_styles_keep_spaces_outside_markers() -> None:
    section = render(Reply((text("a", bold(" b "), "c"),))).messages[0]["blocks"][0]["text"]["text"]
    assert section == "a *b* c"


def test_only_http_links() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("mailto:x@y.z") is None
    assert safe_url("https://") is None
    assert safe_url("http://a.example/x y") == "http://a.example/x%20y"
    section = render(Reply((text(link("click", "javascript:alert(1)")),))).messages[0]["blocks"][0]["text"]["text"]
    assert section == "click"


def test_long_reply_is_split_into_several_messages_without_loss() -> None:
    words = [f"w{i}&" for i in range(6000)]
    paragraphs = [Paragraph((Span(" ".join(words[i:i + 300])),)) for i in range(0, 6000, 300)]
    reply = Reply((*paragraphs, BulletList(tuple(item(f"point {i}") for i in range(400)))))
    msgs = render(reply).messages
    assert_valid(msgs)
    body = " ".join(b["text"]["text"] for m in msgs for b in m["blocks"])
    assert all(f"w{i}&amp;" in body for i in (0, 2999, 5999))
    assert body.count("\u2022 point") == 400


def test_giant_single_paragraph_splits_into_sections() -> None:
    msgs = render(Reply((text("x" * 10_000 + " " + "&" * 5000),))).messages
    assert_valid(msgs)
    sections = [b["text"]["text"] for m in msgs for b in m["blocks"]]
    assert len(sections) >= 5
    assert sum(s.count("x") for s in sections) == 10_000
    assert sum(s.count("&amp;") for s in sections) == 5000


def test_long_heading_truncated_within_150() -> None:
    header = render(Reply((Heading("&" * 500),))).messages[0]["blocks"][0]
    assert header["type"] == "header" and len(header["text"]["text"]) <= MAX_HEADER
    assert header["text"]["text"].endswith("\u2026") and "&amp" in header["text"]["text"]
    assert not re.search(r"&(?!amp;)", header["text"]["text"])


def test_images_come_out_as_files() -> None:
    out = render(Reply((text("timeline"), Image(b"\x89PNG", "../time line.png", "ByteDance <!channel> @here"))))
    assert len(out.messages) == 1
    [f] = out.files
    assert f.data == b"\x89PNG" and f.filename == "time_line.png"
    assert "<" not in f.title and ">" not in f.title and not PING.search(f.title)


def test_leading_quote_marker_cannot_open_blockquote() -> None:
    section = render(Reply((text("> quoted\n> again"),))).messages[0]["blocks"][0]["text"]["text"]
    assert not re.search(r"(^|\n)&gt;", section)


def test_empty_reply_has_no_messages() -> None:
    assert render(Reply(())).messages == []
    assert render(Reply((Divider(),))).messages == []


# --- properties -------------------------------------------------------------------------------------------------

hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)), max_size=12).map("".join)
long_text = st.one_of(hostile_text, st.tuples(hostile_text, st.integers(1, 150)).map(lambda t: t[0] * t[1]))
urls = st.one_of(st.none(), st.sampled_from(["https://ok.example/a?b=1&c=2", "http://evil|click>", "javascript:x",
                                             "https://x.example/<!channel>", "https://e.example/" + "a" * 1200]),
                 st.text(max_size=30))
spans = st.builds(Span, long_text, st.booleans(), st.booleans(), st.booleans(), urls)
inline = st.lists(spans, max_size=6).map(tuple)
blocks = st.one_of(
    st.builds(Heading, long_text),
    st.builds(Paragraph, inline),
    st.builds(BulletList, st.lists(inline, max_size=12).map(tuple), st.booleans()),
    st.just(Divider()),
    st.builds(Image, st.binary(max_size=8), st.text(max_size=20), hostile_text),
)
replies = st.builds(Reply, st.lists(blocks, max_size=25).map(tuple))


@pytest.mark.slow  # over 5 s on a loaded 2-core machine
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replies)
def test_any_reply_renders_valid_inert_messages(reply: Reply) -> None:
    out = render(reply)
    assert_valid(out.messages)
    assert len(out.files) == len(reply.images)
    for f in out.files:
        assert "<" not in f.title and not PING.search(f.title)


_REVERSE = {"\u2217": "*", "\u02cd": "_", "\u223c": "~", "\u02cb": "`"}


def _visible(s: str) -> str:
    s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    s = "".join(_REVERSE.get(c, c) for c in s if c not in "\u2060\u200b")
    return "".join(s.split())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(long_text, min_size=1, max_size=4), min_size=1, max_size=8))
def test_plain_paragraphs_lose_nothing_when_split(paragraphs: list[list[str]]) -> None:
    reply = Reply(tuple(Paragraph(tuple(Span(t) for t in p)) for p in paragraphs))
    sections = [b["text"]["text"] for m in render(reply).messages for b in m["blocks"]]
    expected = "".join("".join(p) for p in paragraphs)
    expected = "".join(c if (c >= " " and c != "\x7f") or c in "\t\n" else " " for c in expected if c not in "\u2060\u200b")
    assert _visible("".join(sections)) == "".join(expected.split())


@settings(max_examples=100, deadline=None)
@given(hostile_text)
def test_plain_untrusted_text_never_yields_markup(s: str) -> None:
    out = escape(s)
    assert not set("*_~`<>") & set(out)
    assert not PING.search(out)
