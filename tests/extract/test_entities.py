"""Actors in invented German and English news."""

from __future__ import annotations

from newsdigest.extract.entities import find_actors
from newsdigest.extract.sentences import split


def actors(text: str, lang: str = "de") -> list[str]:
    return find_actors(text, split(text), lang)


DE = """Brauerei-Fusion vor dem Abschluss

Die Brauunion AG will den Konkurrenten Stiegl übernehmen. Vorstandschef Markus Liebl bestätigte am Montag die Gespräche.
Die Wettbewerbsbehörde prüft den Deal. Die Regierung hat keine Einwände, sagte Wirtschaftsministerin Margarete Schramböck.
Liebl sagte, das Unternehmen wolle alle Standorte erhalten. Auch Heineken, der Mutterkonzern der Brauunion, unterstützt den Plan.
Stiegl-Eigentümer Heinrich Dieter Kiener lehnte eine Stellungnahme ab. Die Brauunion AG beschäftigt 2.600 Mitarbeiter.
Laut Kieners Sprecher sei noch nichts entschieden. Heineken hatte zuletzt einen Gewinnrückgang gemeldet.
"""


def test_german_orgs_and_people_without_common_nouns() -> None:
    found = actors(DE)
    assert "Brauunion AG" in found or "Brauunion" in found
    assert "Markus Liebl" in found and "Liebl" not in found  # surname merged into the full name
    assert "Heineken" in found
    assert "Margarete Schramböck" in found
    assert any(a.endswith("Kiener") for a in found) and "Kieners" not in found  # genitive merged
    for noun in (
        "Regierung",
        "Unternehmen",
        "Deal",
        "Wettbewerbsbehörde",
        "Gespräche",
        "Standorte",
        "Mitarbeiter",
        "Die",
        "Auch",
        "Laut",
        "Plan",
        "Mutterkonzern",
        "Gewinnrückgang",
    ):
        assert noun not in found


def test_salience_orders_actors() -> None:
    found = actors(DE)
    assert found.index("Markus Liebl") < found.index("Margarete Schramböck")


EN = """Acme Corp. agreed on Tuesday to buy Globex Inc. for $2 billion, Acme chief executive Jane Porter said.
The deal still needs approval from the Federal Trade Commission. Porter said Acme would keep the Globex brand.
Analysts at Morgan Stanley called the price fair. Globex shares rose 12 percent in New York.
"""


def test_english_orgs_people_and_merging() -> None:
    found = actors(EN, "en")
    assert "Jane Porter" in found and "Porter" not in found
    assert any(a.startswith("Acme") for a in found)
    assert any(a.startswith("Globex") for a in found)
    assert "Federal Trade Commission" in found
    assert "Morgan Stanley" in found
    assert "New York" not in found and "The" not in found and "Tuesday" not in found


def test_no_actors_in_plain_prose() -> None:
    text = "Die Preise steigen. Der Winter wird kalt. Viele Menschen heizen mit Holz. Das Wetter bleibt unbeständig."
    assert actors(text) == []


def test_removed_spans_are_skipped() -> None:
    text = "Die Firma Zalando meldet Rekordumsätze.\nFoto: Zalando Presse"
    skip = [(text.index("Foto"), len(text))]
    assert find_actors(text, split(text), "de", skip=skip) == ["Zalando"]
