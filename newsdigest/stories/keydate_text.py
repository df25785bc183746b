"""How a key date's `what` reads in a chat line, in the chat's language: a deadline's "who: do what" as it is, an
expiry's noun phrase with the verb that ends it ("Teil-Lockdown endet", "emergency loan schemes end"), in the
number its noun takes. Every reply that names a key date (/deadline, /status, /why, digests, reminders) says it
through `what_text`, so the words come from the one message catalog."""

from __future__ import annotations

from newsdigest import texts
from newsdigest.extract.keydate_what import is_generic, is_noun_phrase, is_plural, stored_what

__all__ = ["what_text"]


def what_text(lang: str, kind: str, what: str) -> str:
    """The phrase after the kind in a key-date line; "" when `what` names nothing ("the deadline")."""
    phrase = stored_what(kind, " ".join(what.split()))
    if not phrase or is_generic(phrase):
        return ""
    if kind != "expiry" or not is_noun_phrase(phrase):
        return phrase  # who must do what, or a clause that says it itself
    return texts.t(lang, "what_ends_n" if is_plural(phrase) else "what_ends_1", what=phrase)
