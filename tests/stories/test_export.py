"""`stories --json` as data: a replay (`as_of`) shows the story as its articles by that day made it."""

from __future__ import annotations

import datetime as dt

from newsdigest.ingest.pipeline import ingest_article
from newsdigest.models import ArticleInput
from newsdigest.store.store import Store
from newsdigest.stories.export import stories_json

# An invented story written for this test (not real reporting): a ferry strike in Rostock; the last article
# brings names the earlier ones never mention.
FERRY = [
    (dt.date(2022, 6, 1), "Fährleute in Rostock drohen mit Streik",
     ("Die Gewerkschaft Verdi droht der Reederei Nordlicht mit einem Streik auf den Fähren zwischen Rostock und "
     "Gedser. Die Reederei muss bis zum 10. Juni ein Angebot vorlegen, sagte Verdi-Sekretär Jonas Pietsch. "
     "Die Fährleute verlangen sieben Prozent mehr Lohn und einen Zuschlag für Nachtfahrten.")),
    (dt.date(2022, 6, 3), "Reederei Nordlicht weist Forderung zurück",
     ("Die Reederei Nordlicht hat die Forderung von Verdi nach sieben Prozent mehr Lohn für die Fährleute in "
     "Rostock zurückgewiesen. Jonas Pietsch kündigte an, die Fähren nach Gedser ab dem 10. Juni zu bestreiken, "
     "sollte bis dahin kein Angebot vorliegen.")),
    (dt.date(2022, 6, 20), "Schlichterin Okonkwo soll den Fährstreik in Rostock beenden",
     ("Im Streik auf den Rostocker Fähren nach Gedser soll nun die Schlichterin Adaeze Okonkwo vermitteln. "
     "Verdi und die Reederei Nordlicht einigten sich auf die Schlichtung, teilte das Wirtschaftsministerium in "
     "Schwerin mit. Jonas Pietsch sagte, die Fährleute setzten den Streik bis zum Schiedsspruch aus.")),
]
LATE_NAMES = ("Okonkwo", "Adaeze", "Schlichter", "Schwerin", "Wirtschaftsministerium")


def _ingest(store: Store) -> None:
    for published, title, body in FERRY:
        ingest_article(store, ArticleInput(text=f"{title}\n\n{body}\n", title=title, published=published, lang="de",
                                           source="ostsee.example"))


def _aliases(store: Store, as_of: dt.date | None) -> list[str]:
    [story] = stories_json(store, as_of=as_of)["stories"]
    return list(story["aliases"])


def test_a_replay_shows_no_alias_from_a_later_article(store: Store) -> None:
    _ingest(store)
    later = _aliases(store, None)
    assert any(late in alias for alias in later for late in LATE_NAMES), later  # the check below can fail
    replay = _aliases(store, dt.date(2022, 6, 5))
    assert replay and not [a for a in replay if any(late in a for late in LATE_NAMES)], replay
    told = " ".join(f"{title} {body}" for published, title, body in FERRY if published <= dt.date(2022, 6, 5))
    assert all(alias.casefold() in told.casefold() for alias in replay), replay


def test_a_replay_before_any_article_lists_no_story_and_one_after_all_keeps_the_stored_aliases(store: Store) -> None:
    _ingest(store)
    assert stories_json(store, as_of=dt.date(2022, 5, 31))["stories"] == []
    assert set(_aliases(store, dt.date(2022, 7, 1))) <= set(_aliases(store, None))
