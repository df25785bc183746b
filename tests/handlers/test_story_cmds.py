"""Story commands through the command core: timeline picture, why N, stories, usage errors, German."""

from __future__ import annotations

import datetime as dt
import re
import struct

from newsdigest import texts
from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.extract.deadlines import _CUE_LABEL as CUE_LABEL
from newsdigest.extract.deadlines import RULES
from newsdigest.handlers import Core, all_commands
from newsdigest.handlers.story_cmds import reason_in
from newsdigest.ingest.pipeline import ingest_article
from newsdigest.models import ArticleInput, ChatRef, Platform
from newsdigest.reply import BulletList, Paragraph
from newsdigest.store.store import Store

CHAT = ChatRef(Platform.CONSOLE, "console")
PNG = b"\x89PNG\r\n\x1a\n"


def test_story_commands_are_registered_with_both_languages() -> None:
    cmds = all_commands()
    for name in ("status", "deadline", "timeline", "stories", "why"):
        assert cmds[name].help_en and cmds[name].help_de


def test_timeline_gives_text_in_date_order_and_a_png(seeded_core: Core) -> None:
    reply = seeded_core.answer(CHAT, "/timeline tiktok")
    assert not reply.error
    out = reply.plain_text()
    dated = [line for line in out.splitlines() if line.startswith("• ")]
    assert any("12 November 2020" in x and "(deadline)" in x for x in dated)
    assert any("20 September 2020" in x and "replaced by 12 November 2020" in x for x in dated)
    days = [dt.datetime.strptime(x[2:].split(" — ")[0], "%d %B %Y").date() for x in dated]  # noqa: DTZ007 (a date)
    assert days == sorted(days)
    (image,) = reply.images
    assert image.data.startswith(PNG) and image.filename.endswith(".png")
    width, height = struct.unpack(">II", image.data[16:24])
    assert 800 <= width <= 2400 and 400 <= height <= 1400
    assert 10_000 < len(image.data) < 1_000_000


def test_why_explains_an_item_of_the_last_deadline_list(seeded_core: Core) -> None:
    listing = seeded_core.answer(CHAT, "/deadline").plain_text()
    n = next(line.split(".")[0] for line in listing.splitlines() if "15 September 2020 ·" in line)
    why = seeded_core.answer(CHAT, f"/why {n}")
    out = why.plain_text()
    assert not why.error
    assert "From 4 articles" in out
    assert "45-tägige Frist" in out and "Mitte September" in out  # the sentences themselves
    assert "sample-a.example" in out and "sample-e.example" in out


def test_why_quotes_in_the_chats_language(seeded_core: Core) -> None:
    seeded_core.answer(CHAT, "/lang de")
    seeded_core.answer(CHAT, "/deadline")
    out = seeded_core.answer(CHAT, "/why 1").plain_text()
    assert "„" in out and "“Die" not in out  # German opening quotes, not English ones


def test_why_follows_the_latest_list_per_chat(seeded_core: Core) -> None:
    other = ChatRef(Platform.CONSOLE, "other")
    seeded_core.answer(CHAT, "/status")
    seeded_core.answer(other, "/deadline")
    status_why = seeded_core.answer(CHAT, "/why 1").plain_text()
    deadline_why = seeded_core.answer(other, "/why 1").plain_text()
    assert status_why.startswith("Why #1: ") and "Oracle" in status_why
    assert deadline_why.startswith("Why #1: 15 September 2020")


def test_why_without_a_list_or_out_of_range(seeded_core: Core) -> None:
    assert "ask /status or /deadline first" in seeded_core.answer(CHAT, "/why 1").plain_text()
    seeded_core.answer(CHAT, "/deadline")
    bad = seeded_core.answer(CHAT, "/why 99")
    assert bad.error and "items 1 to" in bad.plain_text()
    assert seeded_core.answer(CHAT, "/why x").error


def test_stories_on_an_empty_database(store: Store, config: Config) -> None:
    core = Core(store=store, config=config, clock=Clock(as_of=dt.date(2020, 9, 14)))
    for cmd in ("/stories", "/status", "/deadline", "/timeline"):
        reply = core.answer(CHAT, cmd)
        assert "No stories yet" in reply.plain_text(), cmd


def test_status_by_alias_slug_and_actor(seeded_core: Core) -> None:
    slug_line = seeded_core.answer(CHAT, "/stories").plain_text()
    slug = slug_line.split("/status ")[1].split()[0]
    for query in (slug, "TikTok", "bytedance", "Oracle"):
        reply = seeded_core.answer(CHAT, f"/status {query}")
        assert not reply.error and "Now: " in reply.plain_text(), query


def test_german_replies(seeded_store: Store, config: Config) -> None:
    seeded_store.set_chat_lang(CHAT, "de")
    core = Core(store=seeded_store, config=config, clock=Clock(as_of=dt.date(2020, 9, 14)))
    status = core.answer(CHAT, "/status").plain_text()
    assert "Jetzt: " in status and "Nächste Frist: 15. September 2020" in status
    stories = core.answer(CHAT, "/stories").plain_text()
    assert "Geschichten, die ich verfolge" in stories and "5 Artikel" in stories
    assert "Zeitleiste" in core.answer(CHAT, "/timeline").plain_text()


def test_passed_deadlines_are_counted_in_words(seeded_store: Store, config: Config) -> None:
    core = Core(store=seeded_store, config=config, clock=Clock(source=lambda: dt.datetime(2026, 1, 5, tzinfo=dt.UTC)))
    out = core.answer(CHAT, "/deadline").plain_text()
    assert "Both deadlines of this story have passed as of 5 January 2026" in out and "All 2" not in out
    core.answer(CHAT, "/lang de")
    assert "beide Fristen dieser Geschichte sind abgelaufen" in core.answer(CHAT, "/deadline").plain_text()


KIEL = [  # one outlet's two reports: the second retells the first's turn with a new date
    ("Verdi ruft zum Hafenstreik in Kiel auf", dt.date(2020, 11, 2), "https://kiel.example/streik",
     ("Die Gewerkschaft Verdi hat die Beschäftigten im Kieler Hafen zum Streik aufgerufen. Der Hafenbetreiber muss bis "
      "zum 10. November ein neues Angebot vorlegen, sonst wird der Streik ausgeweitet. Verdi-Sprecherin Anna Berg "
      "sagte, man sei zu Gesprächen bereit.")),
    ("Hafenstreik in Kiel: Frist verlängert", dt.date(2020, 11, 4), "https://kiel.example/frist",
     ("Im Kieler Hafenstreik hat Verdi die Frist für ein neues Angebot des Hafenbetreibers bis zum 17. November "
      "verlängert. Der Hafenbetreiber muss nun bis zum 17. November ein Angebot vorlegen. Die Verhandlungen sollen am "
      "Freitag fortgesetzt werden.")),
]


def test_a_turns_link_goes_to_the_article_it_quotes(store: Store, config: Config) -> None:
    """The date and words of a turn come from its quoted telling; its link must lead there too, not to the
    oldest article that also carried the turn."""
    for title, day, url, body in KIEL:
        ingest_article(store, ArticleInput(text=body, title=title, published=day, lang="de", url=url,
                                           source="kieler-blatt.example"))
    reply = Core(store, config, Clock(as_of=dt.date(2020, 11, 5))).answer(CHAT, "/status")
    assert reply.data is not None
    turns = [reply.data["now"], *reply.data["items"]]
    assert any(len(t["article_ids"]) > 1 for t in turns)  # a turn carried by both reports: what this test is about
    urls = {a.id: a.url for a in store.articles_by_id([1, 2]).values()}
    links = [s.url for b in reply.blocks if isinstance(b, Paragraph | BulletList)
             for s in (b.spans if isinstance(b, Paragraph) else [x for row in b.items for x in row]) if s.url]
    quoted = [urls[t["evidence"][0]["article_id"]] for t in turns]
    assert links[:len(quoted)] == quoted


def test_why_gives_a_key_dates_reason_in_german(seeded_store: Store, config: Config) -> None:
    core = Core(seeded_store, config, Clock(as_of=dt.date(2020, 9, 14)))
    core.answer(CHAT, "/lang de")
    core.answer(CHAT, "/deadline")
    line = next(x for x in core.answer(CHAT, "/why 1").plain_text().splitlines() if x.startswith("Stichtag, weil"))
    assert line.startswith("Stichtag, weil — Frist: ") and "„" in line
    assert not {"limit", "deadline", "obligation", "infinitive"} & set(re.findall(r"[a-z]+", line)), line


def test_every_word_of_a_key_dates_reason_has_german() -> None:
    """The rules that make a key date, and the labels of their cues (extract/deadlines.py), all read in German:
    a new rule without German fails here instead of showing English in a German /why."""
    words = texts.REASON_WORDS["de"]
    keyed = [r for r in RULES if r.kind]
    missing = {r.name for r in keyed} | {r.kind for r in keyed if r.kind} | {CUE_LABEL[c] for r in keyed for c in r.when}
    assert not sorted(w for w in missing if w not in words)
    assert reason_in("deadline: strict limit (limit 'spätestens')", "de") == "Frist: strikte Grenze (Grenze „spätestens“)"
    assert reason_in("not in the shape extract writes", "de") == "not in the shape extract writes"
