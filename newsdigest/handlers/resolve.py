"""The one way a command finds the story its words name: /status, /deadline, /timeline, /subscribe, /remind."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from newsdigest import texts
from newsdigest.handlers.context import CommandContext
from newsdigest.reply import BulletList, Reply, Span, bold, code, item, text
from newsdigest.stories.lookup import Lookup, find_story
from newsdigest.stories.service import VIEWS, ensure_assigned

if TYPE_CHECKING:
    from newsdigest.store.stories_repo import StoryRecord

Miss = Callable[[CommandContext, str, str], Reply]  # (ctx, query, cmd) -> what to say when nothing matches


def resolve_story(ctx: CommandContext, query: str, cmd: str, miss: Miss) -> StoryRecord | Reply:
    """The story the user means, the list to choose from when several match, or `miss`'s reply."""
    ensure_assigned(ctx.store)
    look = find_cached(ctx, query)
    if look.story is not None:
        return look.story
    if look.choices:
        return _which(ctx.lang, query, cmd, look)
    return miss(ctx, query, cmd)


def find_cached(ctx: CommandContext, query: str) -> Lookup:
    """find_story, remembered like the views until anything new arrives (an alias or full-text lookup reads
    more than the view it leads to)."""
    query, as_of = query.strip(), ctx.clock.as_of
    return VIEWS.get(ctx.store, ("find", query, as_of), ctx.store.content_token(),
                     lambda: find_story(ctx.store, query, as_of=as_of))


def _which(lang: str, query: str, cmd: str, look: Lookup) -> Reply:
    """Several stories match: nothing was answered or changed yet, so it is an error reply that lists them."""
    rows = tuple(item(bold(s.name), Span(" — "), code(f"/{cmd} {s.slug}")) for s in look.choices)
    return Reply((text(texts.t(lang, "which_story", query=query.strip()[:60])), BulletList(rows, numbered=True),
                  text(texts.t(lang, "ask_again", cmd=cmd, slug=look.choices[0].slug))), error=True)
