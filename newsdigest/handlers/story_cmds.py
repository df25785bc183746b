"""Story commands: status, deadline, timeline, stories, why.

Each command first places new articles into stories (cheap when there are none), finds the story
the user means, and renders a view of it. Numbered lists are remembered per chat for `/why N`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from newsdigest import texts
from newsdigest.clock import day_or_none
from newsdigest.extract.sentences import sentence_at
from newsdigest.handlers.context import CommandContext
from newsdigest.handlers.registry import UsageError, command
from newsdigest.handlers.resolve import resolve_story
from newsdigest.reply import (
    Block,
    BulletList,
    Heading,
    Image,
    Inline,
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
from newsdigest.store.stories_repo import StoryRecord
from newsdigest.stories.brief import Turn, compress
from newsdigest.stories.keydate_text import what_text
from newsdigest.stories.ledger import LedgerItem, When
from newsdigest.stories.merge import source_names
from newsdigest.stories.service import StoryView, ensure_assigned, stories_list, view
from newsdigest.stories.timeline import Event, build_timeline, render_png
from newsdigest.summarize.facts import Brief, Fact
from newsdigest.texts import countdown, format_date, format_short, format_short_year, month_name

STATUS_ITEMS = 6
PASSED_ITEMS = 6
POINT_CHARS = 280


# -- shared helpers -------------------------------------------------------------------------------------------


def _today(ctx: CommandContext) -> dt.date:
    return ctx.clock.today()


def _resolve(ctx: CommandContext, args: str, cmd: str) -> StoryRecord | Reply:
    """The story the user means, or the reply that says why there is none (or asks which)."""
    return resolve_story(ctx, args, cmd, _no_story)


def _no_story(ctx: CommandContext, query: str, cmd: str) -> Reply:
    lang = ctx.lang
    if query.strip() and ctx.store.stories_list(until=ctx.clock.as_of, limit=1):
        return Reply((text(texts.t(lang, "no_match", query=query.strip()[:60])),), error=True)
    when = texts.t(lang, "when_as_of", date=format_date(ctx.clock.as_of, lang)) if ctx.clock.as_of else ""
    return Reply((text(texts.t(lang, "no_stories", when=when)),))


def _view(ctx: CommandContext, story: StoryRecord) -> StoryView:
    return view(ctx.store, story, as_of=ctx.clock.as_of, today=_today(ctx))


def _open_story(ctx: CommandContext, args: str, cmd: str, title_key: str | None
                ) -> tuple[StoryRecord, StoryView, list[Block]] | Reply:
    """What every story command starts with: the story the user means (or the reply that says why there is
    none), its view, and the heading blocks (title, then the as-of and article count line). `title_key` is the
    catalog text around the story's name, None for the bare name."""
    found = _resolve(ctx, args, cmd)
    if isinstance(found, Reply):
        return found
    story_view = _view(ctx, found)
    title = texts.t(ctx.lang, title_key, name=story_view.name) if title_key else story_view.name
    return found, story_view, [Heading(title), _meta_line(ctx, story_view)]


def _meta_line(ctx: CommandContext, view: StoryView) -> Paragraph:
    lang = ctx.lang
    parts = [texts.articles(lang, view.article_count)]
    if ctx.clock.as_of is not None:
        parts.insert(0, texts.t(lang, "as_of", date=format_date(ctx.clock.as_of, lang)))
    return Paragraph((italic(" · ".join(parts)),))


def _when_text(when: When, lang: str) -> str:
    if when.precision == "day":
        s = format_date(when.lo, lang)
        return texts.t(lang, "around", date=s) if when.approx else s
    month = f"{month_name(lang, when.lo.month)} {when.lo.year}"
    if when.precision == "part":
        key = {"START": "early", "EARLY": "early", "END": "late", "LATE": "late"}.get(when.mod or "", "mid")
        return texts.t(lang, key, month=month)
    if when.precision == "month":
        return month
    if when.precision == "year":
        return str(when.lo.year)
    return f"{format_date(when.lo, lang)} – {format_date(when.hi, lang)}"


def _short(when: When, lang: str) -> str:
    return format_short(when.lo, lang) if when.precision == "day" else _when_text(when, lang)


def _telling_first(turn: Turn) -> list[int]:
    """The turn's articles, the one its quoted telling comes from first: the link goes where the words and the
    date shown come from, not to the oldest article that also carried the turn."""
    quoted = [m.article_id for m in turn.lead.point.mentions[:1]]
    return [*quoted, *(a for a in turn.article_ids if a not in quoted)]


def _first_link(article_ids: list[int], view: StoryView) -> str | None:
    urls = {a.id: a.url for a in view.articles}
    return next((u for aid in article_ids if (u := urls.get(aid))), None)


def _clip(s: str, n: int = POINT_CHARS) -> str:
    return compress(s, n)


def _evidence(mentions: list[Any]) -> list[dict[str, Any]]:
    return [{"article_id": m.article_id, "start": m.start, "end": m.end, "text": m.text} for m in mentions]


# -- /status --------------------------------------------------------------------------------------------------


def _turn_meta(ctx: CommandContext, turn: Turn, view: StoryView, *, short: bool) -> Span:
    lang = ctx.lang
    meta = []
    if turn.published:
        meta.append(format_short_year(turn.published, lang) if short else format_date(turn.published, lang))
    meta.append(texts.sources(lang, len(turn.sources)))
    url = _first_link(_telling_first(turn), view)
    return link(" · ".join(meta), url) if url else italic(" · ".join(meta))


def _turn_row(ctx: CommandContext, turn: Turn, view: StoryView) -> Inline:
    return item(Span(turn.text), Span(" — "), _turn_meta(ctx, turn, view, short=False))


def _deadline_row(ctx: CommandContext, it: LedgerItem, view: StoryView) -> Inline:
    lang, today = ctx.lang, _today(ctx)
    n = len(_item_sources(it, view))
    if it.superseded_by is not None:
        state = texts.t(lang, "replaced_by", date=_when_text(it.superseded_by, lang))
    else:
        state = countdown(it.due, today, lang)
    kind = texts.t(lang, f"kind_{it.kind}")
    # a date known only from the report that replaced it has no source of its own to count
    meta = [state, texts.sources(lang, n)] if n else [state]
    parts: list[Span] = [bold(_when_text(it.when, lang)), Span(" · " + " · ".join([*meta, kind]))]
    if what := what_text(lang, it.kind, it.what):
        parts.append(Span(" — " + _clip(what, 160)))
    notes = []
    if it.replaces:
        notes.append(texts.t(lang, "replaces", date=", ".join(_when_text(w, lang) for w in it.replaces)))
    if it.disagrees_with:
        dates = " vs ".join(_short(w, lang) for w in [it.when, *it.disagrees_with])
        notes.append(texts.t(lang, "disagree", dates=dates))
    if notes:
        parts.append(italic(" (" + "; ".join(notes) + ")"))
    return tuple(parts)


def _item_sources(it: LedgerItem, view: StoryView) -> list[str]:
    return source_names(it.article_ids, view.sources)


@command("status", "[story]", "where a story stands: the latest developments", "Stand einer Geschichte: das Neueste")
def status_cmd(ctx: CommandContext, args: str) -> Reply:
    opened = _open_story(ctx, args, "status", None)
    if isinstance(opened, Reply):
        return opened
    found, view, blocks = opened
    lang = ctx.lang
    lead, earlier = view.brief
    turns = [t for t in (lead, *earlier) if t is not None]
    upcoming = view.ledger.upcoming
    nxt = upcoming[0] if upcoming else None
    machine = _machine_brief(ctx, found, view, turns, nxt)
    if machine is not None:
        blocks.append(_machine_brief_block(ctx, machine))
    # With a machine brief, every fact it may cite carries its number, and /why N answers for fact N.
    numbered = machine is not None

    def mark(n: int) -> Span:
        return Span(f"[{n}] " if numbered else "")

    if lead is not None:
        blocks.append(Paragraph((bold(texts.t(lang, "now")), mark(1), Span(lead.text + " ("),
                                 _turn_meta(ctx, lead, view, short=True), Span(")"))))
    if earlier:
        blocks.append(Paragraph((bold(texts.t(lang, "earlier")),)))
        first = 2 if lead is not None else 1
        rows = tuple((mark(i), *_turn_row(ctx, t, view)) for i, t in enumerate(earlier, first))
        blocks.append(BulletList(rows, numbered=machine is None))
    if lead is None:
        blocks.append(text(texts.t(lang, "no_developments")))
    listed: list[dict[str, Any]] = [
        {"key": t.lead.key, "label": t.text, "evidence": _evidence([m for d in t.tellings for m in d.point.mentions]),
         "published": t.published.isoformat() if t.published else None,
         "last_published": t.last_published.isoformat() if t.last_published else None, "sources": len(t.sources),
         "article_ids": t.article_ids}
        for t in turns
    ]
    if nxt is not None:
        blocks.append(Paragraph((bold(texts.t(lang, "next_deadline")), mark(len(turns) + 1),
                                 *_deadline_row(ctx, nxt, view))))
    elif view.ledger.passed:
        last = view.ledger.passed[0]
        blocks.append(text(texts.t(lang, "deadlines_all_passed_status", date=_when_text(last.when, lang),
                                   ago=countdown(last.due, _today(ctx), lang))))
    if machine is not None:
        remembered = listed + ([_deadline_listed(nxt, lang)] if nxt is not None else [])
    else:
        remembered = listed[1:] if lead is not None else listed
    ctx.store.remember_list(ctx.chat.key, "status", found.id, remembered)
    data = {"command": "status", "story": _story_data(view), "now": listed[0] if listed else None,
            "items": listed[1:], "next": _ledger_data(nxt, view, ctx) if nxt is not None else None}
    if machine is not None:
        data["brief"] = {"model": machine.model, "machine_written": True,
                         "sentences": [{"text": b.text, "cites": list(b.cites)} for b in machine.sentences]}
    return Reply(tuple(blocks), data=data)


def _brief_facts(ctx: CommandContext, turns: list[Turn], nxt: LedgerItem | None, view: StoryView) -> list[Fact]:
    """The facts a machine brief may cite, numbered as /status shows them: the turns, then the next key date."""
    facts = [Fact(i, t.text, t.published, len(t.sources), tuple(t.article_ids)) for i, t in enumerate(turns, 1)]
    if nxt is not None:
        kind = texts.t(ctx.lang, f"kind_{nxt.kind}")
        what = f"{kind}, {_when_text(nxt.when, ctx.lang)}: {what_text(ctx.lang, nxt.kind, nxt.what)}".rstrip(": ")
        facts.append(Fact(len(facts) + 1, what, nxt.due if nxt.when.precision == "day" else None,
                          len(_item_sources(nxt, view)), tuple(nxt.article_ids)))
    return facts


def _machine_brief(ctx: CommandContext, story: StoryRecord, view: StoryView, turns: list[Turn],
                   nxt: LedgerItem | None) -> Brief | None:
    if ctx.briefs is None or not turns:
        return None
    facts = _brief_facts(ctx, turns, nxt, view)
    return ctx.briefs.brief(facts, story_key=f"story:{story.id}", story_name=view.name, as_of=_today(ctx),
                            lang=ctx.lang, wait=ctx.briefs.command_wait)


def _machine_brief_block(ctx: CommandContext, brief: Brief) -> Paragraph:
    label = texts.t(ctx.lang, "machine_brief", model=brief.model)
    return Paragraph((italic(label), Span(" " + " ".join(s.text for s in brief.sentences))))


def _deadline_listed(it: LedgerItem, lang: str) -> dict[str, Any]:
    """A key date as a remembered list entry, for /why."""
    label = f"{_when_text(it.when, lang)} — {_clip(what_text(lang, it.kind, it.what), 100)}".rstrip(" —")
    return {"key": it.key, "label": label,
            "evidence": _evidence(it.mentions), "reason": it.reason}


# -- /deadline ------------------------------------------------------------------------------------------------


def deadline_items(view: StoryView) -> list[LedgerItem]:
    """Upcoming, then passed (the latest PASSED_ITEMS), then replaced ones, each in date order — the numbered order."""
    led = view.ledger

    def by_date(items: list[LedgerItem]) -> list[LedgerItem]:
        return sorted(items, key=lambda i: (i.due, i.when.lo, i.key))

    return [*by_date(led.upcoming), *by_date(led.passed[:PASSED_ITEMS]), *by_date(led.superseded)]


def _story_data(view: StoryView) -> dict[str, Any]:
    return {"slug": view.story.slug, "name": view.name, "id": view.story.id, "articles": view.article_count}


def _when_value(when: When) -> str:
    if when.precision == "day":
        return when.lo.isoformat()
    if when.precision in ("month", "part"):
        return when.lo.isoformat()[:7]
    if when.precision == "year":
        return str(when.lo.year)
    return f"{when.lo.isoformat()}/{when.hi.isoformat()}"


def _ledger_data(it: LedgerItem, view: StoryView, ctx: CommandContext) -> dict[str, Any]:
    status = it.status(_today(ctx))
    return {
        "key": it.key, "kind": getattr(it, "kind", "deadline"), "value": _when_value(it.when),
        "date": _when_text(it.when, "en"), "what": it.what,
        "status": "replaced" if status == "superseded" else status,
        "replaces": [_when_value(w) for w in it.replaces],
        "replaced_by": _when_value(it.superseded_by) if it.superseded_by is not None else None,
        "sources": len(_item_sources(it, view)), "article_ids": it.article_ids,
    }


@command("deadline", "[story]", "a story's deadlines: upcoming, passed, replaced",
         "Fristen einer Geschichte: anstehend, abgelaufen, ersetzt")
def deadline_cmd(ctx: CommandContext, args: str) -> Reply:
    opened = _open_story(ctx, args, "deadline", "deadlines_title")
    if isinstance(opened, Reply):
        return opened
    found, view, blocks = opened
    lang = ctx.lang
    items = deadline_items(view)
    if not items:
        when = texts.t(lang, "when_as_of", date=format_date(ctx.clock.as_of, lang)) if ctx.clock.as_of else ""
        blocks.append(text(texts.t(lang, "no_deadlines", when=when)))
        ctx.store.remember_list(ctx.chat.key, "deadline", found.id, [])
        return Reply(tuple(blocks), data={"command": "deadline", "story": _story_data(view), "items": []})
    led = view.ledger
    if not led.upcoming:
        live = len(led.passed)
        key = {1: "all_passed_1", 2: "all_passed_2"}.get(live, "all_passed")
        blocks.append(text(texts.t(lang, key, n=live, date=format_date(_today(ctx), lang))))
    blocks.append(BulletList(tuple(_deadline_row(ctx, it, view) for it in items), numbered=True))
    listed = [_deadline_listed(it, lang) for it in items]
    ctx.store.remember_list(ctx.chat.key, "deadline", found.id, listed)
    data = {"command": "deadline", "story": _story_data(view), "items": [_ledger_data(it, view, ctx) for it in items]}
    return Reply(tuple(blocks), data=data)


# -- /stories -------------------------------------------------------------------------------------------------


@command("stories", "", "the stories I follow", "die Geschichten, die ich verfolge")
def stories_cmd(ctx: CommandContext, args: str) -> Reply:
    ensure_assigned(ctx.store)
    lang = ctx.lang
    rows = stories_list(ctx.store, until=ctx.clock.as_of, limit=15)
    if not rows:
        when = texts.t(lang, "when_as_of", date=format_date(ctx.clock.as_of, lang)) if ctx.clock.as_of else ""
        return Reply((text(texts.t(lang, "no_stories", when=when)),))
    items = tuple(
        item(bold(s.name), Span(" — "), code(f"/status {s.slug}"),
             italic(" · " + texts.t(lang, "stories_row", n=texts.articles(lang, n), date=format_date(last, lang))))
        for s, n, last in rows
    )
    return Reply((Heading(texts.t(lang, "stories_title")), BulletList(items), text(texts.t(lang, "stories_hint"))))


# -- /why -----------------------------------------------------------------------------------------------------


def _sentence(body: str, start: int, end: int) -> str:
    """The sentence around [start, end) of an article's text (split as extraction splits: "auf den 12. November"
    stays whole)."""
    if not (0 <= start <= end <= len(body)):
        return ""
    lo, hi = sentence_at(body, start, end)
    return " ".join(body[lo:hi].split())


def _updated(stamp: str | None, lang: str) -> str:
    day = day_or_none(stamp)
    return texts.t(lang, "updated_on", date=format_date(day, lang)) if day else ""


# extract's reason: "KIND: RULE (LABEL 'cue' + LABEL 'cue') · planned in a draft ('Entwurf')", parts optional
_REASON = re.compile(r"^(?P<kind>[^:]+): (?P<rule>[^(·]+?)(?: \((?P<cues>[^)]*)\))?(?: · (?P<note>[^(]+?)"
                     r"(?: \('(?P<word>[^']*)'\))?)?$")
_CUE = re.compile(r"^(?P<label>.+?) '(?P<word>.*)'$")


def reason_in(reason: str, lang: str) -> str:
    """A key date's reason as extract writes it, in `lang`: its words from `texts.REASON_WORDS`, the article's cue
    words quoted as the language quotes. A reason of another shape is shown as written."""
    words = texts.REASON_WORDS.get(lang)
    m = _REASON.match(reason)
    if not words or m is None:
        return reason

    def word(w: str) -> str:
        return words.get(w.strip(), w.strip())

    def cue(part: str) -> str:
        c = _CUE.match(part.strip())
        return f"{word(c['label'])} {texts.t(lang, 'quoted', text=c['word'])}" if c else word(part)

    out = f"{word(m['kind'])}: {word(m['rule'])}"
    if m["cues"]:
        out += " (" + " + ".join(cue(p) for p in m["cues"].split(" + ")) + ")"
    if m["note"]:
        out += f" · {word(m['note'])}" + (f" ({texts.t(lang, 'quoted', text=m['word'])})" if m["word"] else "")
    return out


@command("why", "N", "the sentences and articles behind item N of the last list",
         "die Sätze und Artikel hinter Punkt N der letzten Liste")
def why_cmd(ctx: CommandContext, args: str) -> Reply:
    lang = ctx.lang
    arg = args.strip().lstrip("#")
    if not arg.isdigit():
        raise UsageError(texts.t(lang, "why_usage"))
    last = ctx.store.last_list(ctx.chat.key)
    if last is None or not last[2]:
        return Reply((text(texts.t(lang, "why_nothing")),))
    _, _, items = last
    n = int(arg)
    if not 1 <= n <= len(items):
        raise UsageError(texts.t(lang, "why_range", n=len(items)))
    entry = items[n - 1]
    evidence = entry.get("evidence", [])
    ids = sorted({int(e["article_id"]) for e in evidence})
    arts = ctx.store.articles_by_id(ids)
    bodies = ctx.store.article_texts(ids)
    updates = ctx.store.article_updates(ids)
    rows = []
    for e in sorted(evidence, key=lambda e: (arts[e["article_id"]].published or dt.date.min
                                             if e["article_id"] in arts else dt.date.min, e["article_id"])):
        art = arts.get(int(e["article_id"]))
        if art is None:
            continue
        sentence = _sentence(bodies.get(art.id, ""), int(e["start"]), int(e["end"])) or e.get("text", "")
        meta = ", ".join(x for x in (", ".join(art.sources[:3]) or art.source or "",
                                     format_date(art.published, lang) if art.published else "",
                                     _updated(updates.get(art.id), lang)) if x)
        title = link(art.title, art.url) if art.url else bold(art.title)
        rows.append(item(Span(texts.t(lang, "quoted", text=_clip(sentence, 400)) + " — "), title, italic(f" ({meta})")))
    blocks: list[Block] = [Heading(texts.t(lang, "why_title", n=n, label=entry.get("label", "")))]
    if entry.get("reason"):
        blocks.append(text(texts.t(lang, "why_reason", reason=reason_in(entry["reason"], lang))))
    blocks.append(text(texts.t(lang, "why_from", n=len(ids)) if len(ids) != 1 else texts.articles(lang, 1) + ":"))
    blocks.append(BulletList(tuple(rows)))
    return Reply(tuple(blocks))


# -- /timeline ------------------------------------------------------------------------------------------------


@command("timeline", "[story]", "a story's dated events and deadlines, with a picture",
         "datierte Ereignisse und Fristen einer Geschichte, mit Bild")
def timeline_cmd(ctx: CommandContext, args: str) -> Reply:
    opened = _open_story(ctx, args, "timeline", "timeline_title")
    if isinstance(opened, Reply):
        return opened
    found, view, blocks = opened
    lang = ctx.lang
    events = build_timeline(ctx.store, view, lang)
    if not events:
        blocks.append(text(texts.t(lang, "timeline_empty")))
        return Reply(tuple(blocks))
    replaced_by = {it.when: it.superseded_by for it in view.ledger.items if it.superseded_by is not None}

    def marker(e: Event) -> Span:
        if e.kind == "deadline":
            return italic(f" ({texts.t(lang, 'deadline_marker')})")
        if e.kind == "replaced" and (new := replaced_by.get(e.when)) is not None:
            return italic(f" ({texts.t(lang, 'deadline_marker')}, {texts.t(lang, 'replaced_by', date=_when_text(new, lang))})")
        return Span("")

    rows = tuple(item(bold(_when_text(e.when, lang)), Span(" — "), Span(e.label), marker(e)) for e in events)
    blocks.append(BulletList(rows))
    png = render_png(events, title=view.name, lang=lang, today=_today(ctx))
    blocks.append(Image(png, f"timeline-{found.slug}.png", texts.t(lang, "timeline_title", name=view.name), lang))
    return Reply(tuple(blocks))
