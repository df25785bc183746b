"""Compose a digest (PURE): what changed per story since a chat's last digest -> Reply.

No store, no clock: the loader (digests/content.py) gathers a DigestInput from the stories layer's
`StoryChanges` (the one definition of what changed in a story), this module only decides what to say and how much. A digest stays compact — items per story, stories per digest
and total characters are capped, with "+N more" where something was left out — so it fits one
Telegram message (4096) or a few Slack sections; the renderers split anything longer anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from newsdigest.models import ChangeKind
from newsdigest.reply import Block, BulletList, Heading, Inline, Paragraph, Reply, Span, inline_text, item, text
from newsdigest.stories.brief import compress
from newsdigest.stories.keydate_text import what_text
from newsdigest.stories.ledger import When
from newsdigest.stories.status import DeadlineChange, StoryChanges
from newsdigest.summarize.facts import Brief, Fact
from newsdigest.texts import countdown, format_date, format_moment, format_value, sources, t

_CHANGE_ORDER = {ChangeKind.EXTENDED: 0, ChangeKind.MOVED: 1, ChangeKind.ADDED: 2, ChangeKind.PASSED: 3}


@dataclass(frozen=True)
class UpcomingDeadline:
    value: str  # ISO date
    what: str
    story: str | None = None
    sources: int = 1
    kind: str = "deadline"  # deadline | expiry: how `what` reads (stories.keydate_text)


@dataclass(frozen=True)
class DigestInput:
    as_of: dt.date  # the chat's local date the digest is for (countdowns count from here)
    since: dt.datetime | None  # the chat's previous digest (local time), None for the first one
    stories: tuple[StoryChanges, ...] = ()
    upcoming: tuple[UpcomingDeadline, ...] = ()
    briefs: Mapping[int, Brief] = field(default_factory=dict)  # story id -> checked machine brief ([summarize])


@dataclass(frozen=True)
class ComposeOptions:
    lang: str = "en"
    skip_quiet: bool = False  # a quiet day yields None instead of "nothing new"
    scheduled: bool = True  # scheduled digest ("Your news digest") vs. on demand
    max_stories: int = 5
    max_items: int = 4  # developments per story
    max_changes: int = 4  # deadline changes per story
    max_upcoming: int = 8
    max_item_chars: int = 280
    max_chars: int = 3500  # below Telegram's 4096 with headings and bullets
    horizon_days: int = 7


@dataclass
class _Budget:
    left: int
    dropped: int = 0
    lines: list[Inline] = field(default_factory=list)

    def take(self, line: Inline, *, force: bool = False) -> bool:
        """Spend room on a line; `force` spends it even past the limit (what must never be dropped)."""
        size = sum(len(s.text) for s in line) + 3
        if size > self.left and not force:
            self.dropped += 1
            return False
        self.left -= size
        self.lines.append(line)
        return True


def is_quiet(inp: DigestInput) -> bool:
    return all(s.empty for s in inp.stories) and not inp.upcoming


def compose(inp: DigestInput, opts: ComposeOptions | None = None) -> Reply | None:
    """The digest for one chat, or None when the day is quiet and skip_quiet is set."""
    opts = opts or ComposeOptions()
    lang = opts.lang
    title = t(lang, "title" if opts.scheduled else "title_now", date=format_date(inp.as_of, lang, weekday=True))
    since = format_moment(inp.since, lang) if inp.since else None
    if is_quiet(inp):
        if opts.skip_quiet:
            return None
        line = t(lang, "nothing_new", since=since) if since else t(lang, "nothing_new_start")
        return Reply((text(line),))
    blocks: list[Block] = [Heading(title), text(t(lang, "since", since=since) if since else t(lang, "since_start"))]
    budget = _Budget(opts.max_chars - len(title) - 80)
    # Key dates due within the horizon are never dropped for room: they are set aside first, and the
    # stories share what is left (fewer items each, "+N more").
    upcoming = _upcoming_blocks(inp, opts, budget)
    stories = [s for s in inp.stories if not s.empty]
    for story in stories[: opts.max_stories]:
        blocks.extend(_story_blocks(story, inp, opts, budget))
    if len(stories) > opts.max_stories:
        blocks.append(text(t(lang, "digest_more_stories", n=len(stories) - opts.max_stories)))
    blocks.extend(upcoming)
    return Reply(tuple(blocks))


@dataclass(frozen=True)
class _Line:
    inline: Inline
    fact: str  # what the line says, for a machine brief to cite
    day: dt.date | None
    sources: int


def _story_lines(story: StoryChanges, as_of: dt.date, opts: ComposeOptions) -> tuple[list[_Line], int]:
    """A story's candidate lines (deadline changes, then developments) and how many were left out."""
    lang = opts.lang
    changes = sorted(story.deadlines, key=lambda c: (_CHANGE_ORDER[c.kind], c.item.value))
    lines = []
    for c in changes[: opts.max_changes]:
        line = _change_line(c, as_of, lang)
        lines.append(_Line(line, inline_text(line), c.item.when.lo if c.item.when.precision == "day" else None, 1))
    hidden = max(0, len(changes) - opts.max_changes)
    for dev in story.developments[: opts.max_items]:
        n = max(1, len(dev.sources))
        said = _clip(dev.text, opts.max_item_chars)
        note = (t(lang, "updated") + ", " if set(dev.point.article_ids) & story.updated else "") + sources(lang, n)
        lines.append(_Line(item(said, Span(f" ({note})", italic=True)), said, dev.published, n))
    hidden += max(0, len(story.developments) - opts.max_items)
    return lines, hidden


def story_facts(story: StoryChanges, as_of: dt.date, opts: ComposeOptions) -> list[Fact]:
    """The facts a machine brief of this story's digest section may cite: its lines, numbered as shown."""
    lines, _ = _story_lines(story, as_of, opts)
    return [Fact(i, line.fact, line.day, line.sources) for i, line in enumerate(lines, 1)]


def _story_blocks(story: StoryChanges, inp: DigestInput, opts: ComposeOptions, budget: _Budget) -> list[Block]:
    lang = opts.lang
    name = story.story.name or (t(lang, "all_news") if len(inp.stories) == 1 else t(lang, "other_news"))
    candidates, hidden = _story_lines(story, inp.as_of, opts)
    brief = inp.briefs.get(story.story.id)
    lines = [c.inline for c in candidates]
    if brief is not None:  # the facts the brief cites carry their numbers
        lines = [(Span(f"[{i}] "), *line) for i, line in enumerate(lines, 1)]
    kept = [line for line in lines if budget.take(line)]
    hidden += len(lines) - len(kept)
    if not kept:
        return []
    if hidden:
        kept.append(item(Span(t(lang, "more", n=hidden), italic=True)))
    head: list[Block] = [Heading(name)]
    if brief is not None:
        head.append(Paragraph((Span(t(lang, "machine_brief", model=brief.model), italic=True),
                               Span(" " + " ".join(s.text for s in brief.sentences)))))
    return [*head, BulletList(tuple(kept))]


def _change_line(change: DeadlineChange, as_of: dt.date, lang: str) -> Inline:
    value = change.item.value
    day = _full_day(value)
    note = f" ({countdown(day, as_of, lang)})" if day is not None and change.kind != ChangeKind.PASSED else ""
    old = format_value(when_value(change.old), lang) if change.old else ""
    line = t(lang, f"change_{change.kind}", date=format_value(value, lang), countdown=note, old=old,
              what=_clip(what_text(lang, change.item.kind, change.item.what), 200))
    return item(line.removesuffix(": "))  # a bare "Frist" names nothing the line does not say


def when_value(when: When) -> str:
    """A ledger date back as the TIMEX3 value it is as precise as (2020-09-20, 2020-09, 2020)."""
    day = when.lo.isoformat()
    return day[:7] if when.precision == "month" else day[:4] if when.precision == "year" else day


def _upcoming_blocks(inp: DigestInput, opts: ComposeOptions, budget: _Budget) -> list[Block]:
    lang = opts.lang
    rows: list[Inline] = []
    ordered = sorted(inp.upcoming, key=lambda u: u.value)
    for n, u in enumerate(ordered):
        day = _full_day(u.value)
        due_soon = day is not None and 0 <= (day - inp.as_of).days <= opts.horizon_days
        if n >= opts.max_upcoming and not due_soon:
            continue
        when = format_value(u.value, lang) + (f" ({countdown(day, inp.as_of, lang)})" if day is not None else "")
        tail = f" — {u.story}" if u.story else ""
        rows.append(item(Span(when, bold=True), Span(f": {_clip(what_text(lang, u.kind, u.what), 120 if due_soon else 200)}{tail}")))
    kept = [r for r in rows if budget.take(r, force=True)]
    hidden = len(ordered) - len(kept)
    if not kept:
        return []
    if hidden:
        kept.append(item(Span(t(lang, "more", n=hidden), italic=True)))
    return [Heading(t(lang, "digest_upcoming", days=opts.horizon_days)), BulletList(tuple(kept))]


def _full_day(value: str) -> dt.date | None:
    """The day of a full TIMEX3 date value; None for a month, a year or anything else (no countdown then)."""
    if len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _clip(s: str, limit: int) -> str:
    """The brief's compression: asides and attributions go first, cuts fall between clauses or words."""
    return compress(s, limit)
