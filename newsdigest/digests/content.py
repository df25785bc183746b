"""Fill a DigestInput from the store: what changed since a chat's last digest, as of a day.

When articles have been clustered into stories, the stories layer's `what_changed()` supplies each
story's merged developments (with their outlets) and deadline-ledger changes. Before any story exists
(a fresh database, or the stories layer not run yet) a direct loader reads key points and deadlines
from the store. compose.py does not know which one filled its input.

"New" means ingested after the previous digest, whatever the publication date (a lagging feed loses
nothing), and published after its day when replaying the past (`--as-of` before the articles were
ingested: ingestion times then say nothing about the replayed day). Developments are told once each, in
the brief's compressed wording (stories/brief.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from newsdigest.digests.compose import DeadlineChange, Development, DigestInput, StoryChanges, UpcomingDeadline
from newsdigest.models import Deadline, KeyPoint
from newsdigest.store.base import iso
from newsdigest.store.delivery_repo import ArticleRow
from newsdigest.store.store import Store

PER_ARTICLE = 2  # best key points taken from each new article before ranking across articles
_UNASSIGNED = -1


def load_digest_input(
    store: Store,
    *,
    as_of: dt.date,
    since: dt.datetime | None,
    stories: frozenset[str] | None = None,
    replay: bool = False,
    horizon_days: int = 7,
) -> DigestInput:
    """Per story: new developments and deadline changes since `since`; then deadlines due within the horizon."""
    via_stories = _from_stories(store, as_of=as_of, since=since, stories=stories, horizon_days=horizon_days)
    if via_stories is not None:
        return via_stories
    labels = store.story_labels()
    articles = _in_scope(store.digest_articles(until=as_of), labels, stories)
    new = [a for a in articles if _is_new(a, since, replay)]
    by_id = {a.id: a for a in articles}
    new_ids = [a.id for a in new]
    deadlines = store.deadlines(until=as_of, article_ids=list(by_id)) if by_id else []
    key_points = store.key_points(article_ids=new_ids) if new_ids else []
    superseded = {d.supersedes for d in deadlines if d.supersedes}
    changes = _deadline_changes(deadlines, set(new_ids), superseded, by_id, since, as_of)
    devs = _developments(new, key_points)
    story_ids = sorted({_sid(a) for a in new} | set(changes), key=lambda s: _story_rank(s, new))
    story_list = tuple(
        StoryChanges(
            name=labels[sid][1] if sid in labels else None,
            slug=labels[sid][0] if sid in labels else None,
            developments=tuple(devs.get(sid, ())),
            deadline_changes=tuple(changes.get(sid, ())),
        )
        for sid in story_ids
    )
    upcoming = _upcoming(deadlines, superseded, by_id, labels, as_of, horizon_days)
    return DigestInput(as_of=as_of, since=since, stories=story_list, upcoming=upcoming)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MAX_DEVELOPMENTS = 8


def _from_stories(
    store: Store, *, as_of: dt.date, since: dt.datetime | None, stories: frozenset[str] | None, horizon_days: int
) -> DigestInput | None:
    """The digest from the stories layer; None while no article has been clustered into a story."""
    from newsdigest.stories.brief import fold
    from newsdigest.stories.service import ensure_assigned
    from newsdigest.stories.status import what_changed

    ensure_assigned(store)  # one cheap query when every article has its story
    if not store.story_labels():
        return None
    first = since.date() if since else _EPOCH.date()
    candidates = store.stories_active_between(first, as_of)
    if since is not None:  # stories whose news arrived late (published before `since`, ingested after)
        known = {st.id for st in candidates}
        candidates += [st for st in store.stories_ingested_since(iso(since), until=as_of) if st.id not in known]
    if stories:
        wanted = {s.casefold() for s in stories}
        candidates = [st for st in candidates
                      if {st.slug.casefold(), st.name.casefold(), *(a.casefold() for a in st.aliases)} & wanted]
    out: list[StoryChanges] = []
    upcoming: list[UpcomingDeadline] = []
    horizon = as_of + dt.timedelta(days=horizon_days)
    for story in candidates:
        ch = what_changed(store, story, since or _EPOCH, as_of, today=as_of, limit=MAX_DEVELOPMENTS)
        devs = tuple(Development(t.text, max(1, len(t.sources)), t.published, t.lead.point.kind)
                     for t in fold(ch.developments))
        changes = tuple(
            DeadlineChange(c.kind, c.item.value, c.item.what, _when_value(c.old) if c.old else None)
            for c in ch.deadlines
            if since is not None or c.kind != "passed"  # a first digest lists what is open, not every lapse
        )
        if devs or changes:
            out.append(StoryChanges(story.name, story.slug, devs, changes))
        for item in ch.ledger.items:
            if item.superseded_by is None and item.when.precision == "day" and as_of <= item.due <= horizon:
                upcoming.append(UpcomingDeadline(item.due.isoformat(), item.what, story.name, len(item.article_ids)))
    out.sort(key=lambda s: -sum(d.sources for d in s.developments))
    return DigestInput(as_of=as_of, since=since, stories=tuple(out),
                       upcoming=tuple(sorted(upcoming, key=lambda u: u.value)))


def _when_value(when: object) -> str:
    lo = getattr(when, "lo", None)
    precision = getattr(when, "precision", "day")
    if not isinstance(lo, dt.date):
        return str(when)
    return lo.isoformat()[:7] if precision == "month" else lo.isoformat()[:4] if precision == "year" else lo.isoformat()


def _sid(a: ArticleRow) -> int:
    return a.story_id if a.story_id is not None else _UNASSIGNED


def _story_rank(sid: int, new: list[ArticleRow]) -> tuple[int, int]:
    # Stories with more new coverage first; unassigned articles last.
    return (sid == _UNASSIGNED, -sum(a.sources for a in new if _sid(a) == sid))


def _in_scope(articles: list[ArticleRow], labels: dict[int, tuple[str, str]], stories: frozenset[str] | None) -> list[ArticleRow]:
    """Restrict to the subscribed stories (by slug or name); with no stories built yet, everything counts."""
    if not stories or not labels:
        return articles
    wanted = {s.casefold() for s in stories}
    ids = {sid for sid, (slug, name) in labels.items() if slug.casefold() in wanted or name.casefold() in wanted}
    return [a for a in articles if a.story_id in ids]


def _is_new(a: ArticleRow, since: dt.datetime | None, replay: bool) -> bool:
    if since is None:
        return True
    if replay:
        return a.published[:10] > since.date().isoformat()
    return a.ingested_at > iso(since)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _developments(new: list[ArticleRow], key_points: list[KeyPoint]) -> dict[int, list[Development]]:
    """The best few key points of each new article, the same sentence from several articles merged."""
    per_article: dict[int, list[KeyPoint]] = defaultdict(list)
    for kp in key_points:
        per_article[kp.article_id].append(kp)
    merged: dict[tuple[int, str], Development] = {}
    rank: dict[tuple[int, str], tuple[float, ...]] = {}
    for a in new:
        best = sorted(per_article.get(a.id, ()), key=lambda k: (-k.score, k.start))[:PER_ARTICLE]
        for kp in best:
            key = (_sid(a), _norm(kp.text))
            old = merged.get(key)
            n = a.sources + (old.sources if old else 0)
            published = dt.date.fromisoformat(a.published[:10])
            merged[key] = Development(kp.text, n, max(published, old.published) if old and old.published else published,
                                      kp.kind)
            rank[key] = (-n, -published.toordinal(), -kp.score, kp.start)
    out: dict[int, list[Development]] = defaultdict(list)
    for key in sorted(merged, key=lambda k: rank[k]):
        out[key[0]].append(merged[key])
    return out


def _deadline_changes(
    deadlines: list[Deadline], new_ids: set[int], superseded: set[str], by_id: dict[int, ArticleRow],
    since: dt.datetime | None, as_of: dt.date,
) -> dict[int, list[DeadlineChange]]:
    known_before = {d.value for d in deadlines if d.article_id not in new_ids}
    out: dict[int, list[DeadlineChange]] = defaultdict(list)
    seen: set[tuple[int, str, str, str | None]] = set()
    for d in sorted(deadlines, key=lambda d: (d.published or dt.date.min, d.id)):
        sid = _sid(by_id[d.article_id])
        change: DeadlineChange | None = None
        if d.article_id in new_ids:
            if d.supersedes and d.supersedes != d.value:
                kind = "extended" if d.value > d.supersedes else "moved"
                change = DeadlineChange(kind, d.value, _what(d), d.supersedes)
            elif d.value not in known_before and d.value not in superseded:
                change = DeadlineChange("added", d.value, _what(d))
        elif since is not None and d.value not in superseded and _passed_in(d.value, since.date(), as_of):
            change = DeadlineChange("passed", d.value, _what(d))
        if change is None:
            continue
        key = (sid, change.change, change.value, change.previous)
        if key not in seen:
            seen.add(key)
            out[sid].append(change)
    return out


def _passed_in(value: str, start: dt.date, as_of: dt.date) -> bool:
    day = _full_date(value)
    return day is not None and start <= day < as_of


def _full_date(value: str) -> dt.date | None:
    if len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _upcoming(
    deadlines: Iterable[Deadline], superseded: set[str], by_id: dict[int, ArticleRow],
    labels: dict[int, tuple[str, str]], as_of: dt.date, horizon_days: int,
) -> tuple[UpcomingDeadline, ...]:
    groups: dict[tuple[str, int], list[Deadline]] = defaultdict(list)
    for d in deadlines:
        day = _full_date(d.value)
        if day is None or d.value in superseded or not as_of <= day <= as_of + dt.timedelta(days=horizon_days):
            continue
        groups[(d.value[:10], _sid(by_id[d.article_id]))].append(d)
    out = []
    for (value, sid), rows in sorted(groups.items()):
        what = max((_what(d) for d in rows), key=len)
        story = labels[sid][1] if sid in labels else None
        out.append(UpcomingDeadline(value, what, story, len({d.article_id for d in rows})))
    return tuple(out)


def _what(d: Deadline) -> str:
    return d.what.strip() or d.text.strip()
