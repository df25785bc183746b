"""Machine-written briefs for digest sections: asked of the brief service, attached to the digest input.

A scheduled digest warms the briefs on a reader thread (waiting up to `digest_timeout_seconds`) before the
writer composes it with whatever is cached, so the writer never waits for a model. The cache key is the
section's facts, so a broadcast to many chats asks once per story and language.
"""

from __future__ import annotations

import dataclasses

from newsdigest.digests.compose import ComposeOptions, DigestInput, story_facts
from newsdigest.summarize.facts import Brief
from newsdigest.summarize.service import BriefService


def attach_briefs(inp: DigestInput, opts: ComposeOptions, briefs: BriefService | None, *,
                  wait: float | None) -> DigestInput:
    """`inp` with the briefs of its shown stories; `wait=None` takes only what is cached (no model call)."""
    if briefs is None:
        return inp
    found: dict[int, Brief] = {}
    for story in [s for s in inp.stories if not s.empty][: opts.max_stories]:
        facts = story_facts(story, inp.as_of, opts)
        if not facts:
            continue
        key = f"digest:{story.story.id}"
        if wait is None:
            brief = briefs.cached(facts, story_key=key, as_of=inp.as_of, lang=opts.lang)
        else:
            brief = briefs.brief(facts, story_key=key, story_name=story.story.name, as_of=inp.as_of,
                                 lang=opts.lang, wait=wait)
        if brief is not None:
            found[story.story.id] = brief
    return dataclasses.replace(inp, briefs=found)
