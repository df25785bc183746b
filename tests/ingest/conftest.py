"""Fixtures for ingestion tests: a loopback feed server, configs that allow (or not) 127.0.0.1, sample texts."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from newsdigest.config import Config, IngestConfig, build_config
from tests.fakes.feed_server import FeedServer

LOOPBACK = ("127.0.0.1:*",)  # test servers listen on ephemeral ports

# Distinct article bodies (long enough for SimHash); written for the tests, no shared corpus.
TEXTS = {
    "tiktok": (
        "Die US-Regierung hat ByteDance eine Frist bis zum 15. September gesetzt, um das US-Geschäft von TikTok zu "
        "verkaufen. Microsoft und Oracle verhandeln über eine Übernahme. Präsident Trump drohte, die App andernfalls "
        "zu verbieten. Die Verhandlungen gelten als schwierig, weil China neue Exportregeln für Algorithmen erlassen "
        "hat. Beobachter erwarten eine Entscheidung in den kommenden Tagen, während Nutzer und Werbekunden auf "
        "Klarheit warten und die Belegschaft in Los Angeles um ihre Stellen bangt."
    ),
    "bahn": (
        "Die Deutsche Bahn will in den kommenden Jahren mehrere tausend Kilometer Schienen erneuern. Nach Angaben des "
        "Konzerns sollen vor allem stark befahrene Korridore zwischen Hamburg und Berlin saniert werden. Fahrgäste "
        "müssen sich während der Bauarbeiten auf Umleitungen und Ersatzverkehr mit Bussen einstellen. Der "
        "Fahrgastverband kritisiert die Informationspolitik und fordert frühzeitige Hinweise auf Sperrungen sowie "
        "Entschädigungen für Pendler, die täglich auf die Strecke angewiesen sind."
    ),
    "klima": (
        "Forscher haben in einer neuen Studie untersucht, wie sich steigende Temperaturen auf die Wälder in Mitteleuropa "
        "auswirken. Besonders Fichten leiden unter Trockenheit und Borkenkäferbefall. Die Autoren empfehlen, "
        "Mischwälder mit Buchen, Eichen und Douglasien anzulegen, die Hitze besser vertragen. Förster berichten, dass "
        "ganze Hänge im Harz und im Sauerland bereits kahl sind und die Wiederaufforstung Jahrzehnte dauern wird, "
        "während Waldbesitzer auf staatliche Hilfen für den Umbau hoffen."
    ),
    "wahl": (
        "In der Stadt wird am Sonntag ein neuer Bürgermeister gewählt. Fünf Kandidatinnen und Kandidaten bewerben sich "
        "um das Amt. Themen des Wahlkampfs waren bezahlbarer Wohnraum, der Ausbau der Radwege und die Zukunft des "
        "städtischen Schwimmbads. Die Wahlbeteiligung lag beim letzten Mal bei knapp vierzig Prozent, die Verwaltung "
        "hofft nun auf mehr Briefwähler und hat zusätzliche Wahllokale in den Außenbezirken eingerichtet, damit ältere "
        "Menschen kürzere Wege haben."
    ),
}


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def ingest_cfg(**overrides: object) -> IngestConfig:
    values: dict[str, object] = {"allow_hosts": LOOPBACK, "timeout_seconds": 3.0, "max_bytes": 1_000_000}
    values.update(overrides)
    return IngestConfig(**values)  # type: ignore[arg-type]


@pytest.fixture
def loopback_config() -> Config:
    """The default config with 127.0.0.1 allowed, short deadlines and a 1 MB cap."""
    return dataclasses.replace(build_config({}), ingest=ingest_cfg())
