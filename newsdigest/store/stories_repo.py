"""Stories: clusters of articles with a name, slug and aliases (written by the stories layer)."""

from __future__ import annotations

from newsdigest.store.base import StoreBase


class StoriesRepo(StoreBase):
    pass
