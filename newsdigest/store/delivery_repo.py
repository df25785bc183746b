"""The digest delivery ledger: one row per (chat, slot), exactly-once across restarts."""

from __future__ import annotations

from newsdigest.store.base import StoreBase


class DeliveryRepo(StoreBase):
    pass
