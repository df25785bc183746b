"""A digest as a thread (PURE): one parent message listing the stories, each story's details a reply.

At ten followed stories a one-message digest fills a Slack channel's screen; as a thread the channel
shows one line per story and the details stay one click away. Built from `compose()` itself, so the
wording, limits and escaping are the digest's own: the parent is the digest's title and "since" line,
a list of the stories with what changed, and the upcoming key dates; each reply is one story's section.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from newsdigest.digests.compose import ComposeOptions, DigestInput, compose
from newsdigest.reply import Block, BulletList, Reply, Span, item, text
from newsdigest.texts import t

_HEAD = 2  # compose() starts every digest with its title and the "since" line


@dataclass(frozen=True)
class ThreadedDigest:
    parent: Reply
    replies: tuple[Reply, ...]


THREAD_MAX_STORIES = 20  # a thread shows one line per story in the channel, so it can carry more of them


def thread_digest(inp: DigestInput, opts: ComposeOptions) -> ThreadedDigest | None:
    """The digest split into parent and per-story replies; None when compose() has nothing to send.

    Each reply is composed alone, so it has the whole per-message budget; the parent lists up to
    `opts.max_stories` stories (Deliverer passes THREAD_MAX_STORIES)."""
    full = compose(inp, opts)
    if full is None:
        return None
    live = [s for s in inp.stories if not s.empty]
    stories = live[: opts.max_stories]
    replies: list[Reply] = []
    names = []
    for story in stories:
        one = compose(dataclasses.replace(inp, stories=(story,), upcoming=()), opts)
        if one is None or len(one.blocks) <= _HEAD:
            continue
        replies.append(Reply(one.blocks[_HEAD:]))
        count = len(story.developments) + len(story.deadlines)
        names.append(item(Span(story.story.name or t(opts.lang, "other_news"), bold=True), Span(f" — {count} ↓")))
    if not replies:
        return ThreadedDigest(full, ())
    parent: list[Block] = [*full.blocks[:_HEAD], BulletList(tuple(names))]
    if len(live) > len(stories):
        parent.append(text(t(opts.lang, "digest_more_stories", n=len(live) - len(stories))))
    if inp.upcoming:
        upcoming = compose(dataclasses.replace(inp, stories=()), opts)
        if upcoming is not None:
            parent.extend(upcoming.blocks[_HEAD:])
    return ThreadedDigest(Reply(tuple(parent)), tuple(replies))
