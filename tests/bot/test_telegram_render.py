"""Reply -> Telegram HTML: escaping, allowed tags, links, splitting at 4096 visible UTF-16 units."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.bot.telegram_render import (
    BULLET,
    CAPTION_LIMIT,
    DIVIDER,
    TEXT_LIMIT,
    Photo,
    caption,
    render,
    render_images,
    render_messages,
    safe_url,
    sanitize,
    utf16_len,
)
from newsdigest.reply import (
    Block,
    BulletList,
    Divider,
    Heading,
    Image,
    Paragraph,
    Reply,
    Span,
    bold,
    code,
    item,
    link,
    text,
)
from tests.fakes.telegram_api import parse_html, visible_length

ALLOWED_TAGS = {"b", "i", "code", "a"}


def _tags(html: str) -> set[str]:
    return {m.lower() for m in re.findall(r"</?([a-zA-Z][a-zA-Z0-9-]*)", html)}


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _expected_visible(reply: Reply) -> str:
    """What a reader must be able to read, independent of layout: every text, bullets, dividers."""
    out: list[str] = []
    for b in reply.blocks:
        if isinstance(b, Heading):
            out.append(sanitize(b.text))
        elif isinstance(b, Paragraph):
            out.extend(_span_visible(s) for s in b.spans)
        elif isinstance(b, BulletList):
            for i, entry in enumerate(b.items, 1):
                body = "".join(_span_visible(s) for s in entry)
                if body.strip():
                    out.append((f"{i}." if b.numbered else BULLET) + body)
        elif isinstance(b, Divider):
            out.append(DIVIDER)
    return _squash("".join(out))


def _span_visible(s: Span) -> str:
    t = sanitize(s.text)
    url = safe_url(s.url)
    if url and not t.strip():
        return url
    return t


def test_escapes_markup_in_untrusted_text() -> None:
    reply = Reply((Heading("<script>alert(1)</script>"), text("Tom & Jerry <b>unclosed ", bold("a<b")),))
    [msg] = render_messages(reply)
    assert "<script>" not in msg
    assert msg.startswith("<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>")
    assert "Tom &amp; Jerry &lt;b&gt;unclosed <b>a&lt;b</b>" in msg
    visible, _ = parse_html(msg)
    assert visible == "<script>alert(1)</script>\n\nTom & Jerry <b>unclosed a<b"


def test_styles_and_links() -> None:
    reply = Reply((
        text(bold("B"), Span(" "), Span("I", italic=True), Span(" "), code("x<y"), Span(" "),
             link("Oracle \"deal\"", 'https://ex.example/a?b=1&c="2"'),
             Span(" "), Span("both", bold=True, url="https://ex.example/b")),
    ))
    [msg] = render_messages(reply)
    assert "<b>B</b> <i>I</i> <code>x&lt;y</code>" in msg
    assert '<a href="https://ex.example/a?b=1&amp;c=&quot;2&quot;">Oracle "deal"</a>' in msg
    assert '<a href="https://ex.example/b"><b>both</b></a>' in msg
    _, entities = parse_html(msg)
    assert sorted(e["type"] for e in entities) == ["bold", "bold", "code", "italic", "text_link", "text_link"]


def test_only_http_links_survive() -> None:
    reply = Reply((text(link("click", "javascript:alert(1)"), Span(" "), link("data", "data:text/html,x"), Span(" "),
                        link("rel", "/relative"), Span(" "), link("", "https://ex.example/bare")),))
    [msg] = render_messages(reply)
    assert "javascript" not in msg and "data:" not in msg and 'href="/relative"' not in msg
    assert msg.startswith("click data rel ")
    assert msg.endswith('<a href="https://ex.example/bare">https://ex.example/bare</a>')


def test_code_and_link_do_not_nest() -> None:
    [msg] = render_messages(Reply((text(Span("c", code=True, bold=True, url="https://ex.example/")),)))
    assert msg == '<a href="https://ex.example/"><b>c</b></a>'  # a link cannot contain code
    [msg] = render_messages(Reply((text(Span("c", code=True, bold=True, italic=True)),)))
    assert msg == "<code>c</code>"  # code cannot contain bold


def test_lists_headings_divider() -> None:
    reply = Reply((Heading("Deadlines"), BulletList((item("15 Sep"), item("  "), item("12 Nov"))), Divider(),
                   BulletList((item("one"), item("two")), numbered=True)))
    [msg] = render_messages(reply)
    assert msg == f"<b>Deadlines</b>\n\n• 15 Sep\n• 12 Nov\n\n{DIVIDER}\n\n1. one\n2. two"


def test_empty_reply_renders_nothing() -> None:
    assert render(Reply(())) == []
    assert render(Reply((text("   \n "), Heading(""), BulletList(()),))) == []


def test_splits_on_block_boundaries() -> None:
    paragraphs = [text(f"para {i} " + "x" * 990) for i in range(10)]  # ~1000 units each
    msgs = render_messages(Reply(tuple(paragraphs)))
    assert len(msgs) == 3  # 4 + 4 + 2 paragraphs (4 * 1000 + 3 * 2 <= 4096)
    for m in msgs:
        visible, _ = parse_html(m)
        assert 0 < utf16_len(visible) <= TEXT_LIMIT
        assert visible.startswith("para ")  # every message starts at a block start


def test_long_block_splits_on_words_with_tags_reopened() -> None:
    words = " ".join(f"w{i}" for i in range(3000))  # ~17k units in one bold italic link
    reply = Reply((text(Span(words, bold=True, italic=True, url="https://ex.example/x")),))
    msgs = render_messages(reply)
    assert len(msgs) >= 4
    seen: list[str] = []
    for m in msgs:
        assert m.startswith('<a href="https://ex.example/x"><b><i>') and m.endswith("</i></b></a>")
        visible, _ = parse_html(m)
        assert utf16_len(visible) <= TEXT_LIMIT
        assert re.fullmatch(r"(w\d+ ?)+", visible)  # cut between words, never inside one
        seen.extend(visible.split())
    assert seen == words.split()


def test_prefers_line_breaks_and_counts_utf16() -> None:
    line = "🙂" * 1000  # 2000 UTF-16 units, 1000 Python characters
    body = "\n".join([line] * 5)
    msgs = render_messages(Reply((text(body),)))
    for m in msgs:
        visible, _ = parse_html(m)
        assert utf16_len(visible) <= TEXT_LIMIT
        assert set(visible.split("\n")) == {line}  # only whole lines
    assert sum(parse_html(m)[0].count(line) for m in msgs) == 5


def test_unbreakable_text_is_hard_cut_without_splitting_characters() -> None:
    blob = "ä" * 5000 + "😀" * 3000
    msgs = render_messages(Reply((text(code(blob)),)))
    joined = "".join(parse_html(m)[0] for m in msgs)
    assert joined == blob
    assert all(m.startswith("<code>") and m.endswith("</code>") for m in msgs)
    assert all(utf16_len(parse_html(m)[0]) <= TEXT_LIMIT for m in msgs)


def test_hostile_article_20k() -> None:
    evil = ("<script>alert('x')</script> Tom & Jerry <b>unclosed <i>tags &amp; &lt; entities. " * 300)[:20_000]
    reply = Reply((Heading("<b>Evil</b> & co"), text(evil), BulletList((item(link(evil[:500], "https://e.example/")),))))
    msgs = render_messages(reply)
    assert len(msgs) >= 5
    visible = "".join(parse_html(m)[0] for m in msgs)
    assert _squash(visible) == _expected_visible(reply)


def test_images_come_out_as_photos_in_order() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 10
    reply = Reply((Heading("Timeline"), Image(png, "timeline.png", "The TikTok story " * 100), text("after")))
    parts = render(reply)
    assert isinstance(parts[0], str) and isinstance(parts[1], Photo) and parts[2] == "after"
    [photo] = render_images(reply)
    assert photo.data == png and photo.filename == "timeline.png"
    assert utf16_len(photo.caption) <= CAPTION_LIMIT and photo.caption.endswith("…")
    assert caption("short <b>") == "short <b>"  # captions go out as plain text


def test_control_characters_and_lone_surrogates_are_sanitized() -> None:
    [msg] = render_messages(Reply((text("a\x00b\x07c\r\nd \ud800 e"),)))
    assert msg == "abc\nd \ufffd e"
    msg.encode("utf-8")  # sendable


# ---------------------------------------------------------------- properties

_text = st.text(st.characters(codec="utf-8") | st.sampled_from("<>&\"' \n😀"), max_size=60) | st.sampled_from(
    ["<b>", "</i>", "&amp;", "&", "<script>", "x" * 5000, ("word " * 1200).strip()]
)
_url = st.none() | st.sampled_from(["https://ex.example/a?x=1&y=\"2\"", "javascript:alert(1)", "http://h/<>", "ftp://x",
                                    "https://", "https://ok.example/p'q"])
_span = st.builds(Span, _text, st.booleans(), st.booleans(), st.booleans(), _url)
_inline = st.lists(_span, max_size=4).map(tuple)
_block: st.SearchStrategy[Block] = st.one_of(
    st.builds(Heading, _text),
    st.builds(Paragraph, _inline),
    st.builds(BulletList, st.lists(_inline, max_size=4).map(tuple), st.booleans()),
    st.just(Divider()),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_block, max_size=8).map(lambda bs: Reply(tuple(bs))))
def test_any_reply_renders_to_valid_messages(reply: Reply) -> None:
    msgs = render_messages(reply)
    visible_parts = []
    for m in msgs:
        assert _tags(m) <= ALLOWED_TAGS, m
        visible, entities = parse_html(m)  # raises on malformed HTML / bad nesting / bare & < >
        assert 1 <= visible_length(visible) <= TEXT_LIMIT
        assert utf16_len(visible) <= TEXT_LIMIT
        for e in entities:
            assert e["type"] != "text_link" or e["url"].startswith(("http://", "https://"))
        visible_parts.append(visible)
    assert _squash("".join(visible_parts)) == _expected_visible(reply)


@settings(max_examples=60, deadline=None)
@given(st.lists(_block, min_size=1, max_size=5), st.integers(min_value=20, max_value=300))
def test_small_limits_still_hold(blocks: list[Block], limit: int) -> None:
    reply = Reply(tuple(blocks))
    msgs = render_messages(reply, limit=limit)
    for m in msgs:
        visible, _ = parse_html(m)
        assert 1 <= utf16_len(visible) <= limit
    assert _squash("".join(parse_html(m)[0] for m in msgs)) == _expected_visible(reply)
