"""A story's timeline: dated events and deadlines in order, as text and as a PNG picture.

Events are the days articles reported (their headline) and past dates the articles name with a full
day ("am 26. August ..."); deadlines come from the ledger. matplotlib is imported only when a
picture is drawn (Agg backend, no display needed).
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsdigest.clock import shift_days
from newsdigest.stories.brief import compress, same_day_headlines, same_turn
from newsdigest.stories.keydate_text import what_text
from newsdigest.stories.ledger import When, parse_when
from newsdigest.stories.merge import similar, stems

if TYPE_CHECKING:
    from newsdigest.store.store import Store
    from newsdigest.store.stories_repo import StoryArticle
    from newsdigest.stories.service import StoryView

MAX_EVENTS = 16
LABEL_CHARS = 90
TIMEX_ARTICLES = 30


@dataclass(frozen=True)
class Event:
    when: When
    label: str
    kind: str  # reported | event | deadline | replaced
    article_ids: tuple[int, ...] = ()

    @property
    def day(self) -> dt.date:
        return self.when.point


def _clip(s: str, n: int = LABEL_CHARS) -> str:
    """The brief's compression: attributions and asides dropped, cut only between clauses or words."""
    return compress(s, n)


def _sentence_at(body: str, start: int, end: int) -> str:
    if not (0 <= start <= end <= len(body)):
        return ""
    left = max(body.rfind(c, 0, start) for c in ".!?\n")
    rights = [i for c in ".!?\n" if (i := body.find(c, end)) != -1]
    return " ".join(body[left + 1: (min(rights) + 1 if rights else len(body))].split())


def _distinct(titles: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A day's headlines, each turn once (two outlets' headlines of one turn in other words)."""
    out: list[tuple[str, int]] = []
    for t, aid in titles:
        if not any(same_day_headlines(t, o) for o, _ in out):
            out.append((t, aid))
    return out


def build_timeline(store: Store, view: StoryView, lang: str) -> list[Event]:
    """Events and deadlines of the story in date order (at most MAX_EVENTS, the most telling kept)."""
    events: list[Event] = []
    older = store.articles_by_id(view.older_ids)  # the deadline sources' headlines are reports too
    articles = [*view.articles, *(older[i] for i in view.older_ids if i in older)]
    # The days the story was reported, with the day's headline(s), near-identical headlines merged.
    by_day: dict[dt.date, list[tuple[str, int]]] = {}
    for a in sorted(articles, key=lambda a: (a.published or dt.date.min, a.id)):
        if a.published is None:
            continue
        day_titles = by_day.setdefault(a.published, [])
        if not any(similar(stems(a.title), stems(t)) for t, _ in day_titles):
            day_titles.append((a.title, a.id))
    for day, titles in by_day.items():
        label = " / ".join(_clip(t, 60) for t, _ in _distinct(titles)[:2])
        events.append(Event(When(day, day, "day"), label, "reported", tuple(i for _, i in titles)))
    events.extend(_dated_events(store, view, articles, {e.day for e in events}))
    for it in view.ledger.items:
        kind = "replaced" if it.superseded_by is not None else "deadline"
        events.append(Event(it.when, _clip(what_text(lang, it.kind, it.what) or it.value, 70), kind,
                            tuple(it.article_ids)))
    events.sort(key=lambda e: (e.day, e.kind != "reported", e.label))
    if len(events) > MAX_EVENTS:  # keep deadlines and reports, drop the oldest mentioned events first
        keep = {id(e) for e in events if e.kind != "event"}
        extra = [e for e in events if e.kind == "event"][-(MAX_EVENTS - len(keep)):] if len(keep) < MAX_EVENTS else []
        keep |= {id(e) for e in extra}
        events = [e for e in events if id(e) in keep][-MAX_EVENTS:]
    return events


def _dated_events(
    store: Store, view: StoryView, articles: list[StoryArticle], known_days: set[dt.date]
) -> list[Event]:
    """Past days the articles name (before their own publication): what happened then."""
    ids = [a.id for a in articles[:TIMEX_ARTICLES]]
    published = {a.id: a.published for a in articles}
    deadline_spans = {(m.article_id, m.start) for it in view.ledger.items for m in it.mentions}
    rows = store.story_timexes(ids)
    bodies = store.article_texts(sorted({r.article_id for r in rows})) if rows else {}
    out: list[Event] = []
    seen: list[tuple[dt.date, frozenset[str]]] = []
    for r in rows:
        when = parse_when(r.value)
        pub = published.get(r.article_id)
        if when is None or when.precision != "day" or pub is None or when.lo >= pub:
            continue
        if (r.article_id, r.start) in deadline_spans or (pub - when.lo).days > 400:
            continue
        sentence = _sentence_at(bodies.get(r.article_id, ""), r.start, r.end)
        if not sentence:
            continue
        s = stems(sentence)
        if when.lo in known_days or any(d == when.lo for d, _ in seen):
            continue  # one event a day keeps the picture readable
        if any(same_turn(sentence, e.label) for e in out):
            continue  # the same event told again (another article, other words)
        seen.append((when.lo, s))
        out.append(Event(when, _clip(sentence), "event", (r.article_id,)))
    return out


# -- picture ----------------------------------------------------------------------------------------------------

_COLORS = {"reported": "#1f5f99", "event": "#6a6a6a", "deadline": "#c0392b", "replaced": "#b7a3a3"}


def _levels(xs: list[float], widths: list[float], n_levels: int) -> list[int]:
    """Greedy: put each label on the first level (alternating up/down) where it overlaps nothing."""
    ends: dict[int, float] = {}
    order = [lv for k in range(1, n_levels + 1) for lv in (k, -k)]
    out = []
    for x, w in zip(xs, widths, strict=True):
        for lv in order:
            if ends.get(lv, -1e9) < x:
                ends[lv] = x + w
                out.append(lv)
                break
        else:
            lv = min(order, key=lambda v: ends.get(v, -1e9))
            ends[lv] = x + w
            out.append(lv)
    return out


def render_png(events: list[Event], *, title: str, lang: str, today: dt.date | None = None) -> bytes:
    """A horizontal timeline: dates on the axis, labels on stems at staggered heights so they do not overlap."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    days = [e.day for e in events]
    lo, hi = min(days), max(days)
    span = max((hi - lo).days, 10)
    pad = dt.timedelta(days=max(2, span // 12))
    start, end = shift_days(lo, -pad.days), shift_days(hi, pad.days)  # saturate at year 1 / 9999
    width_in = 13.0
    chars_per_day = (width_in * 0.78 * 72 / 6.2) / (span + 2 * pad.days)  # ~6.2 pt per char at 8 pt
    labels = [textwrap.fill(_clip(e.label, 64), 28) for e in events]
    widths_days = [max(len(line) for line in lab.splitlines()) / chars_per_day for lab in labels]
    xs = [(d - lo).days - w / 2 for d, w in zip(days, widths_days, strict=True)]
    n_levels = 3
    levels = _levels(xs, [w + 1 for w in widths_days], n_levels)
    # One level must be taller than a label box (date + up to 3 lines at 7.5 pt, about 45 pt).
    height_in = (2 * n_levels + 3.4) * 56 / 72
    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=110)
    try:
        ax.axhline(0, color="#333333", linewidth=1.2, zorder=1)
        for e, lv, lab in zip(events, levels, labels, strict=True):
            color = _COLORS.get(e.kind, "#333333")
            y = lv * 1.0
            x = mdates.date2num(e.day)
            ax.vlines(x, 0, y, color=color, linewidth=0.8, alpha=0.7, zorder=2)
            marker = "D" if e.kind in ("deadline", "replaced") else "o"
            ax.scatter([x], [0], s=40, color=color, marker=marker, zorder=3)
            when = e.day.strftime("%d.%m.%Y") if lang == "de" else e.day.strftime("%d %b %Y")
            strike = e.kind == "replaced"
            ax.annotate(
                f"{when}\n{lab}", xy=(x, y), xytext=(0, 3 if y > 0 else -3), textcoords="offset points",
                ha="center", va="bottom" if y > 0 else "top", fontsize=7.5, color=color,
                bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": color, "lw": 0.6,
                      "ls": "--" if strike else "-"},
                zorder=4,
            )
        if today is not None and start <= today <= end:
            ax.axvline(mdates.date2num(today), color="#2e8b57", linestyle=":", linewidth=1)
        ax.set_ylim(-n_levels - 1.2, n_levels + 1.4)
        ax.set_xlim(mdates.date2num(start), mdates.date2num(end))
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=4, maxticks=10))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d.%m.%Y" if lang == "de" else "%d %b %Y"))
        ax.yaxis.set_visible(False)
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_title(title, fontsize=12, loc="left")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    finally:
        plt.close(fig)
    return buf.getvalue()
