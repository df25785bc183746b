"""An invented story, unrelated to the seeds, for tests: a tram strike ultimatum in Mannheim (German, 2021).

Written for these tests; not real reporting. Each article: (published, source, title, text).
"""

from __future__ import annotations

import datetime as dt

from newsdigest.ingest.pipeline import ingest_article
from newsdigest.models import ArticleInput
from newsdigest.store.store import Store

TRAM_ARTICLES: list[tuple[dt.date, str, str, str]] = [
    (
        dt.date(2021, 3, 1),
        "rheinpost.example",
        "Verdi stellt den Mannheimer Straßenbahnbetrieben ein Ultimatum",
        ("Verdi stellt den Mannheimer Straßenbahnbetrieben ein Ultimatum\n\n"
        "Im Tarifstreit bei den Rhein-Neckar-Verkehrsbetrieben (RNV) hat die Gewerkschaft Verdi den Arbeitgebern "
        "ein Ultimatum gestellt. Die RNV muss bis zum 15. März ein verbessertes Angebot vorlegen, sonst drohen "
        "Warnstreiks bei Straßenbahnen und Bussen in Mannheim und Heidelberg. Verdi-Verhandlungsführerin Sabine "
        "Kowalczyk sagte, die Fahrerinnen und Fahrer hätten lange genug gewartet. Die RNV bezeichnete die Forderung "
        "nach acht Prozent mehr Lohn als nicht finanzierbar.\n"),
    ),
    (
        dt.date(2021, 3, 5),
        "kurpfalz-kurier.example",
        "Tarifstreit bei der RNV: Gewerkschaft droht mit Warnstreik",
        ("Tarifstreit bei der RNV: Gewerkschaft droht mit Warnstreik\n\n"
        "Die Gewerkschaft Verdi verlangt von den Rhein-Neckar-Verkehrsbetrieben bis zum 15. März ein neues Angebot. "
        "Sollte die RNV die Frist verstreichen lassen, will Verdi die Straßenbahnen in Mannheim bestreiken. "
        "Sabine Kowalczyk kündigte an, die Beschäftigten seien streikbereit. Fahrgäste sollten sich auf "
        "Ausfälle einstellen.\n"),
    ),
    (
        dt.date(2021, 3, 12),
        "rheinpost.example",
        "Verdi verlängert Ultimatum an die RNV",
        ("Verdi verlängert Ultimatum an die RNV\n\n"
        "Nach einem ersten Gespräch hat Verdi das Ultimatum an die Rhein-Neckar-Verkehrsbetriebe bis zum 22. März "
        "verlängert. Die Frist wurde auf den 22. März verlängert, weil die RNV ein Angebot angekündigt habe, sagte "
        "Sabine Kowalczyk. Bis dahin bleiben Warnstreiks bei den Mannheimer Straßenbahnen ausgesetzt.\n"),
    ),
    (
        dt.date(2021, 3, 23),
        "kurpfalz-kurier.example",
        "Straßenbahnen in Mannheim stehen still: Verdi ruft zum Warnstreik auf",
        ("Straßenbahnen in Mannheim stehen still: Verdi ruft zum Warnstreik auf\n\n"
        "Nach Ablauf des Ultimatums hat Verdi die Beschäftigten der Rhein-Neckar-Verkehrsbetriebe zum Warnstreik "
        "aufgerufen. Am Dienstag fuhren in Mannheim und Heidelberg keine Straßenbahnen. Die RNV nannte den Streik "
        "unverhältnismäßig; Sabine Kowalczyk sprach von einer hohen Beteiligung.\n"),
    ),
]


def ingest_tram(store: Store, until: dt.date | None = None) -> list[int]:
    """Ingest the invented tram-strike articles (those published by `until`); returns their article ids."""
    ids = []
    for published, source, title, body in TRAM_ARTICLES:
        if until is not None and published > until:
            continue
        result = ingest_article(store, ArticleInput(text=body, title=title, published=published, lang="de",
                                                    source=source))
        ids.append(result.article_id)
    return ids
