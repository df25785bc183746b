"""Key points: captions, credits and teaser lines are not news told."""

from __future__ import annotations

import datetime as dt

from newsdigest.extract import extract

ARTICLE = (
    "Harbour strike ends after two weeks\n\n"
    "The dock workers' union accepted the port authority's offer on Tuesday and ended the strike.\n\n"
    "Union leader Mara Lindqvist, pictured outside the harbour office on Monday, said the members had voted\n\n"
    "Strike over: Dock workers leave the picket line at the northern gate after the vote\n\n"
    "Photo by Jan Berg for the Harbour Courier\n\n"
    "The port authority said the ships waiting in the bay would be unloaded by the end of the week.\n\n"
    "Read more: how the strike began"
)


def test_paragraphs_without_a_full_stop_are_no_key_points() -> None:
    texts = [k.text for k in extract(ARTICLE, published=dt.date(2026, 3, 3), lang="en").key_points]
    assert any(t.startswith("The dock workers' union accepted") for t in texts)
    assert any(t.startswith("The port authority said") for t in texts)
    assert not any("pictured" in t or "Photo by" in t or "Strike over" in t or "Read more" in t for t in texts)


def test_only_the_unfinished_end_of_a_paragraph_goes() -> None:
    text = "Der Stadtrat hat am Montag den Haushalt beschlossen. Die Opposition stimmte dagegen, sagte ein Sprecher"
    texts = [k.text for k in extract(text, published=dt.date(2026, 3, 3), lang="de").key_points]
    assert texts and texts[0].startswith("Der Stadtrat hat am Montag")
    assert all(not t.startswith("Die Opposition") for t in texts)  # the paragraph ends unfinished
