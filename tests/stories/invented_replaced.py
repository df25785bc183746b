"""Invented two-article stories for tests: a first article sets a key date, a later one retires it and gives the
new one ("extended to", "no longer applies"; "verlängert", "gilt nicht mehr"). Written for these tests; not real
reporting. Each article: (published, source, title, text)."""

from __future__ import annotations

import datetime as dt

from newsdigest.ingest.pipeline import ingest_article
from newsdigest.models import ArticleInput
from newsdigest.store.store import Store

Article = tuple[dt.date, str, str, str]

HARBOUR_EN: list[Article] = [
    (
        dt.date(2022, 11, 28),
        "coastal-times.example",
        "Brinmouth harbour operator told to submit dredging plan",
        ("Brinmouth harbour operator told to submit dredging plan\n\n"
        "The marine regulator has ordered the Brinmouth harbour operator to submit a dredging plan by December 5. "
        "Inspectors found silt blocking two berths at Brinmouth harbour last month. The operator said it would "
        "study the order from the regulator.\n"),
    ),
    (
        dt.date(2022, 12, 1),
        "harbour-news.example",
        "Regulator gives Brinmouth harbour more time for dredging plan",
        ("Regulator gives Brinmouth harbour more time for dredging plan\n\n"
        "The marine regulator has extended the deadline for the Brinmouth harbour dredging plan to January 15. "
        "The earlier deadline of December 5 no longer applies, a spokeswoman for the regulator said. The "
        "harbour operator had asked for more time to survey the silt at the Brinmouth berths.\n"),
    ),
]

BAD_DE: list[Article] = [
    (
        dt.date(2022, 11, 28),
        "talbote.example",
        "Stadt Lindenau ordnet Sanierung des Freibads an",
        ("Stadt Lindenau ordnet Sanierung des Freibads an\n\n"
        "Die Stadt Lindenau hat den Freibadverein aufgefordert, bis zum 5. Dezember einen Sanierungsplan für das "
        "Lindenauer Freibad vorzulegen. Prüfer hatten im Freibad Risse im Becken gefunden. Der Freibadverein "
        "will den Plan mit einem Ingenieurbüro erarbeiten.\n"),
    ),
    (
        dt.date(2022, 12, 1),
        "kreisblatt.example",
        "Mehr Zeit für den Sanierungsplan des Lindenauer Freibads",
        ("Mehr Zeit für den Sanierungsplan des Lindenauer Freibads\n\n"
        "Die Stadt Lindenau hat die Frist für den Sanierungsplan des Freibads bis zum 15. Januar verlängert. "
        "Die bisherige Frist zum 5. Dezember gilt nicht mehr, teilte die Stadt mit. Der Freibadverein hatte "
        "um mehr Zeit für ein Gutachten zu den Rissen im Lindenauer Freibad gebeten.\n"),
    ),
]

# a measure extended ("no longer ends on X but on Y") beside an unrelated date of the same story
CURFEW_EN: list[Article] = [
    (
        dt.date(2022, 3, 1),
        "valley-post.example",
        "Ostrava Vale curfew stays in place until March 14",
        ("Ostrava Vale curfew stays in place until March 14\n\n"
        "The night curfew in Ostrava Vale stays in place until March 14, the county council said. Bars must "
        "close at 9 pm. Separately, shop owners have until March 10 to apply for the county's rent relief.\n"),
    ),
    (
        dt.date(2022, 3, 9),
        "valley-post.example",
        "Ostrava Vale curfew extended",
        ("Ostrava Vale curfew extended\n\n"
        "The county council extended the Ostrava Vale night curfew to March 28. The curfew will no longer end "
        "on March 14 but on March 28, the council said on Wednesday.\n"),
    ),
]


def ingest(store: Store, articles: list[Article], lang: str, until: dt.date | None = None) -> list[int]:
    ids = []
    for published, source, title, body in articles:
        if until is not None and published > until:
            continue
        ids.append(ingest_article(store, ArticleInput(text=body, title=title, published=published, lang=lang,
                                                      source=source)).article_id)
    return ids
