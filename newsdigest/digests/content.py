"""Fill a DigestInput from the store: what changed since a chat's last digest, as of a day.

The stories layer's `what_changed()` supplies each story's merged developments (with their outlets) and its
deadline-ledger changes; articles are clustered into stories first when some are not yet.

"New" is `stories.status.is_new`: ingested after the previous digest, whatever the publication date (a lagging
feed loses nothing), and published after its day when replaying the past (`--as-of` before the articles were
ingested: ingestion times then say nothing about the replayed day). Developments are told once each, in the
brief's compressed wording (stories/brief.py `fold`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from newsdigest.clock import shift_days
from newsdigest.digests.compose import DigestInput, UpcomingDeadline
from newsdigest.models import ChangeKind
from newsdigest.store.store import Store
from newsdigest.stories.brief import told_once
from newsdigest.stories.service import ensure_assigned, what_changed
from newsdigest.stories.status import StoryChanges

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MAX_DEVELOPMENTS = 8


def load_digest_input(
    store: Store,
    *,
    as_of: dt.date,
    since: dt.datetime | None,
    stories: frozenset[str] | None = None,
    horizon_days: int = 7,
) -> DigestInput:
    """Per story: new developments and deadline changes since `since`; then deadlines due within the horizon."""
    ensure_assigned(store)  # one cheap query when every article has its story
    first = since.date() if since else _EPOCH.date()
    candidates = store.stories_active_between(first, as_of)
    if since is not None:  # stories whose news arrived late (published before `since`, ingested after)
        known = {st.id for st in candidates}
        candidates += [st for st in store.stories_ingested_since(since, until=as_of) if st.id not in known]
    if stories:
        wanted = {s.casefold() for s in stories}
        candidates = [st for st in candidates
                      if {st.slug.casefold(), st.name.casefold(), *(a.casefold() for a in st.aliases)} & wanted]
    out: list[StoryChanges] = []
    upcoming: list[UpcomingDeadline] = []
    horizon = shift_days(as_of, horizon_days)
    for story in candidates:
        ch = what_changed(store, story, since or _EPOCH, as_of, today=as_of, limit=MAX_DEVELOPMENTS)
        if since is None:  # a first digest lists what is open, not every lapse
            ch = dataclasses.replace(ch, deadlines=tuple(c for c in ch.deadlines if c.kind != ChangeKind.PASSED))
        ch = dataclasses.replace(ch, developments=told_once(ch.developments))
        if ch.developments or ch.deadlines:
            out.append(ch)
        for item in ch.ledger.items:
            if item.superseded_by is None and item.when.precision == "day" and as_of <= item.due <= horizon:
                upcoming.append(UpcomingDeadline(item.due.isoformat(), item.what, story.name, len(item.article_ids),
                                                 item.kind))
    out.sort(key=lambda s: -sum(max(1, len(d.sources)) for d in s.developments))
    return DigestInput(as_of=as_of, since=since, stories=tuple(out),
                       upcoming=tuple(sorted(upcoming, key=lambda u: u.value)))
