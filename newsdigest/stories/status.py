"""Where a story stands: its developments ranked, and what changed since a given time.

Pure: `developments()` and `diff()` work on loaded records; `service.what_changed()` loads a story's data once
and calls them.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsdigest.models import ChangeKind
from newsdigest.stories.cues import dated_before, looks_back, quotation_only
from newsdigest.stories.ledger import DeadlineIn, Ledger, LedgerItem, When, build_ledger
from newsdigest.stories.merge import (
    MergedPoint,
    PointIn,
    merge_points,
    overlap,
    source_names,
    stems,
    turn_markers,
)

if TYPE_CHECKING:
    from newsdigest.store.stories_repo import StoryArticle, StoryRecord

HALF_LIFE_DAYS = 6.0  # a development loses half its weight every this many days behind the newest news
HEADLINE_BOOST = 1.5  # the sentence an article leads with (its title says the same) is its news
KIND_WEIGHT = {"event": 1.15, "deadline": 1.0, "figure": 0.9, "fact": 1.0, "quote": 0.75}
BACKGROUND_WEIGHT = 0.4  # a sentence about earlier years, or a recap of an earlier turn, is background
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@dataclass(frozen=True)
class Development:
    point: MergedPoint
    sources: tuple[str, ...]
    rank: float

    @property
    def key(self) -> str:
        return self.point.key

    @property
    def text(self) -> str:
        return self.point.text

    @property
    def published(self) -> dt.date | None:
        return self.point.last_published


_CLOSERS = "\"“”»«'’)]"
_FINAL = frozenset(".!?…")


def unfinished(sentence: str) -> bool:
    """A body sentence that ends without a full stop (or ! ? …) ended its paragraph unfinished: a photo
    caption, a credit or a teaser line ("Rishi bonus: the Chancellor is offering …"), not news told."""
    return sentence.rstrip().rstrip(_CLOSERS)[-1:] not in _FINAL


# "declined to comment" and its kin: that someone said nothing is no development (a short sentence only)
NO_COMMENT = re.compile(
    r"\b(?:declined|refused|did\s+not\s+want)\s+to\s+comment|\bno\s+comment\b|"
    r"\bdid\s+not\s+(?:immediately\s+)?(?:respond|reply)\s+to\s+(?:a\s+|our\s+)?requests?\s+for\s+comment|"
    r"\bcould\s+not\s+(?:immediately\s+)?be\s+reached\s+for\s+comment|"
    r"\blehnt(?:e|en)?\s+(?:eine|jede|einen)\s+(?:Stellungnahme|Kommentar)\s+ab|"
    r"\bwollte(?:n)?\s+sich\s+(?:dazu\s+)?nicht\s+äußern|\bwar(?:en)?\s+für\s+eine\s+Stellungnahme\s+nicht\s+"
    r"(?:zu\s+)?erreichbar|\bauf\s+(?:eine\s+)?Anfrage\s+(?:nach\s+einem\s+Kommentar\s+)?nicht\s+(?:geantwortet|reagiert)",
    re.IGNORECASE,
)
NO_COMMENT_WORDS = 25


@functools.lru_cache(maxsize=16384)  # every rebuilt /status filters the same key points again
def no_comment(sentence: str) -> bool:
    """ "Vertreter von TikTok lehnten eine Stellungnahme ab", "A spokesman declined to comment": nothing told."""
    return len(sentence.split()) <= NO_COMMENT_WORDS and NO_COMMENT.search(sentence) is not None


def earlier_years(sentence: str, published: dt.date | None) -> bool:
    """A body sentence set in earlier years only ("TikTok kam im August 2018 in die USA", "since its 2017
    takeover") tells the story's background; one that reports a change of them (extended, called off) does not."""
    years = [int(y) for y in _YEAR.findall(sentence)]
    return (published is not None and bool(years) and max(years) < published.year
            and not turn_markers(sentence))


def background(sentence: str, published: dt.date | None) -> bool:
    """Set in earlier years (`earlier_years`) or only on dates a week or more before its article, with no turn
    marker; or told as what happened before the article's news: pluperfect, a recap marker, reporting about
    reporting (stories/cues.py)."""
    return (earlier_years(sentence, published) or looks_back(sentence)
            or (dated_before(sentence, published) and not turn_markers(sentence)))


def told_as(point: MergedPoint) -> str:
    """The kind a development ranks as: a sentence that is only a quotation ranks as a quote, whatever the
    extraction called it."""
    return "quote" if point.kind != "quote" and quotation_only(point.text) else point.kind


def headline_points(
    points: Sequence[PointIn], titles: dict[int, str], published: dict[int, dt.date | None]
) -> list[PointIn]:
    """Each article's headline as a point, scored by how much of it the *other* articles' key points support.

    A title is the outlet's own summary of its news; the one most corroborated by the rest of the
    coverage is the best lead.
    """
    own: dict[int, set[str]] = {}
    for p in points:
        own.setdefault(p.article_id, set()).update(stems(p.text))
    users: dict[str, int] = {}  # stem -> how many articles' points use it: "another article has it" without unions
    for words in own.values():
        for w in words:
            users[w] = users.get(w, 0) + 1
    out = []
    for aid, title in titles.items():
        t = stems(title)
        if len(t) < 2:
            continue
        mine = own.get(aid, set())
        # (a story whose points come from one article only gives no title support, as before)
        support = sum(1 for w in t if users.get(w, 0) > (w in mine)) / len(t) if len(own) > 1 else 0.0
        kind = "quote" if quotation_only(title) else "event"  # a headline that only quotes names no event
        out.append(PointIn(-aid, aid, title, kind, round(0.6 + 0.8 * support, 4), -1, -1, published.get(aid)))
    return out


def developments(
    points: Iterable[PointIn],
    sources: dict[int, tuple[str, ...]],
    titles: dict[int, str],
    *,
    newest: dt.date | None = None,
    published: dict[int, dt.date | None] | None = None,
) -> list[Development]:
    """Merged key points and headlines, ranked by salience x recency x how many outlets report them (best first)."""
    points = [p for p in points if p.id < 0 or not (unfinished(p.text) or no_comment(p.text))]
    if published is not None:
        points += headline_points(points, titles, published)
    merged = merge_points(points)
    days = [d for g in merged if (d := g.last_published)]
    newest = newest or (max(days) if days else None)
    title_stems = {aid: stems(t) for aid, t in titles.items()}
    out = []
    for g in merged:
        src = tuple(source_names(g.article_ids, sources))
        age = (newest - g.last_published).days if newest and g.last_published else 0
        recency = 0.5 ** (max(0, age) / HALF_LIFE_DAYS)
        headline = HEADLINE_BOOST if any(
            m.ref_id >= 0 and overlap(g.stems, title_stems.get(m.article_id, frozenset())) >= 0.6 for m in g.mentions
        ) else 1.0
        rank = (0.25 + g.score) * recency * (1 + 0.6 * math.log(len(src) or 1)) * headline
        if all(m.ref_id >= 0 and background(m.text, m.published) for m in g.mentions):
            rank *= BACKGROUND_WEIGHT
        out.append(Development(g, src, rank * KIND_WEIGHT.get(told_as(g), 1.0)))
    out.sort(key=lambda d: (-d.rank, d.key))
    return out


# -- what changed ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineChange:
    kind: ChangeKind
    item: LedgerItem  # the item as it stands now
    old: When | None = None  # moved / extended: the date it replaced


@dataclass(frozen=True)
class StoryChanges:
    """What happened in a story between `since` and `as_of`. Empty when nothing did."""

    story: StoryRecord
    since: dt.datetime
    as_of: dt.date | None
    new_articles: tuple[StoryArticle, ...]
    developments: tuple[Development, ...]  # first reported by a new article, best first
    deadlines: tuple[DeadlineChange, ...]  # added, moved (earlier), extended (later), passed since `since`
    ledger: Ledger  # the whole ledger as of now, for context
    updated: frozenset[int] = frozenset()  # new articles that are updates (same GUID or URL, new text)

    @property
    def empty(self) -> bool:
        return not (self.new_articles or self.developments or self.deadlines)


def is_new(article: StoryArticle, since: dt.datetime, as_of: dt.date | None = None) -> bool:
    """New to the bot since `since`: ingested at or after it, whatever its publication date (a feed that
    lags still delivers news). Replaying the past (`as_of` before the article was ingested), ingestion
    times say nothing about the replayed day, so publication after `since`'s day decides."""
    if article.published is None:
        return False
    ingested = _moment(article.ingested_at)
    since = since if since.tzinfo else since.replace(tzinfo=dt.UTC)
    if ingested is not None and (as_of is None or ingested.date() <= as_of):
        return ingested >= since
    return article.published > since.date()


def _moment(stamp: str | None) -> dt.datetime | None:
    if not stamp:
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def diff(
    mentions: Sequence[DeadlineIn],
    new_ids: set[int],
    since_day: dt.date,
    today: dt.date,
) -> tuple[list[DeadlineChange], Ledger]:
    """Deadline changes between the ledger without the new articles and the ledger with them."""
    before = build_ledger([m for m in mentions if m.article_id not in new_ids], today)
    after = build_ledger(mentions, today)
    changes: list[DeadlineChange] = []
    old_live = [i for i in before.items if i.superseded_by is None]
    for item in after.items:
        known = next((b for b in before.items if b.when == item.when), None)
        if item.superseded_by is None and known is None and set(item.article_ids) & new_ids:
            replaced = next((b for b in old_live if b.when in item.replaces), None)
            if item.due < today:  # first seen after it passed: news of a lapse, not a new key date
                if since_day <= item.due:
                    changes.append(DeadlineChange(ChangeKind.PASSED, item))
                continue
            if replaced is not None:
                kind = ChangeKind.EXTENDED if item.when.point > replaced.when.point else ChangeKind.MOVED
                changes.append(DeadlineChange(kind, item, replaced.when))
            else:
                changes.append(DeadlineChange(ChangeKind.ADDED, item))
    for item in after.items:
        reported = any(c.item is item for c in changes)
        if item.superseded_by is None and since_day <= item.due < today and not reported:
            changes.append(DeadlineChange(ChangeKind.PASSED, item))
    order = {ChangeKind.ADDED: 0, ChangeKind.EXTENDED: 1, ChangeKind.MOVED: 1, ChangeKind.PASSED: 2}
    changes.sort(key=lambda c: (order[c.kind], c.item.due, c.item.key))
    return changes, after
