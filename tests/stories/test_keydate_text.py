"""How a key date's `what` reads in a chat line: the verb of an ending in the chat's language and in the number of
its noun; a deadline's who-does-what as it is; stored rows with an English " ends" read the same."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.stories.keydate_text import what_text


@pytest.mark.parametrize(("lang", "what", "says"), [
    ("en", "Teil-Lockdown", "Teil-Lockdown ends"),
    ("de", "Teil-Lockdown", "Teil-Lockdown endet"),
    ("en", "ferry loan schemes", "ferry loan schemes end"),
    ("de", "Kontaktsperren", "Kontaktsperren enden"),
    ("de", "Kontaktsperren ends", "Kontaktsperren enden"),  # a row stored before the verb moved to the chat
    ("en", "harbour toll waiver ends", "harbour toll waiver ends"),
    ("de", "Werften: geschlossen bleiben", "Werften: geschlossen bleiben"),
    ("en", "Acme to sell its cloud unit", "Acme to sell its cloud unit"),
])
def test_an_expiry_says_what_ends(lang: str, what: str, says: str) -> None:
    assert what_text(lang, "expiry", what) == says


def test_a_deadline_says_who_must_do_what_and_a_bare_deadline_noun_says_nothing() -> None:
    assert what_text("de", "deadline", "ByteDance: ihre US-Aktivitäten verkaufen") == \
        "ByteDance: ihre US-Aktivitäten verkaufen"
    assert what_text("en", "deadline", "the deadline") == ""
    assert what_text("de", "deadline", "Frist") == ""


_NOUN = st.from_regex(r"[A-Z][a-z]{2,12}(?:-[A-Z][a-z]{2,10})?", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(_NOUN)
def test_a_german_chat_never_says_ends_and_an_old_row_reads_as_a_new_one(noun: str) -> None:
    says = what_text("de", "expiry", noun)
    assert says.startswith(noun) and says.endswith(("endet", "enden"))
    assert what_text("de", "expiry", noun + " ends") == says
    assert what_text("en", "expiry", noun + " ends").endswith((" ends", " end"))
