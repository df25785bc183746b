"""Boilerplate and reader comments, learned from shapes (invented pages, none of the seeds' strings)."""

from __future__ import annotations

import pytest

from newsdigest.extract.clean import find_removed, is_boilerplate_line


@pytest.mark.parametrize(
    "line",
    [
        "Foto: Stadtarchiv/Müller",
        "Bild: picture alliance",
        "Source: company handout",
        "Photo by Jane Roe on Pexels",
        "12 Kommentare",
        "3 comments",
        "Jetzt Newsletter abonnieren!",
        "Diesen Artikel teilen",
        "Share this story",
        "Hauptmenü",
        "Menu",
        "Cookie-Einstellungen",
        "Accessibility",
        "Read more",
        "Lesen Sie auch",
        "Facebook Twitter WhatsApp E-Mail",
        "Subscribe to our newsletter",
        "Bitte geben Sie Ihre E-Mail-Adresse ein!",
        "Reply",
        "Kommentar schreiben",
    ],
)
def test_web_furniture_lines(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Warum die Bahn ihre Preise erhöht",
        "Twitter sperrt das Konto des Senators",
        "Was der Kanzler jetzt plant",
        "Die Regierung lehnte einen Kommentar zu den Plänen ab.",
        "Fünf Fragen zur neuen Grundsteuer?",
        ("Der Konzern will seine Aktien an der Börse teilen und verkaufen, sagte der Sprecher am Montag in Wien, "
        "wo die Hauptversammlung stattfand und die Aktionäre zustimmten."),
    ],
)
def test_headlines_and_sentences_are_kept(line: str) -> None:
    assert not is_boilerplate_line(line)


ARTICLE_DE = """Stadtrat beschließt neues Parkkonzept

Der Stadtrat von Linz hat am Dienstag ein neues Parkkonzept beschlossen. Die Gebühren steigen ab März um 20 Prozent.
Foto: Stadt Linz
Bürgermeister Klaus Luger sagte, die Einnahmen würden in den öffentlichen Verkehr fließen. Die Opposition kritisierte den Beschluss.
Nach Angaben der Stadt gibt es derzeit 4.000 Kurzparkplätze in der Innenstadt.
Ich finde das eine Frechheit. Wer soll sich das noch leisten? Ich fahre jedenfalls nicht mehr in die Stadt!!
Naja, eigentlich war das doch absehbar. Warum regt ihr euch auf?
Ich bin ja mal gespannt, ob die Busse dann wirklich öfter fahren...
Newsletter abonnieren
Teilen
"""


def test_reader_comments_after_article_are_removed() -> None:
    removed = find_removed(ARTICLE_DE)
    reasons = {(ARTICLE_DE[r.start : r.end].split("\n")[0][:20], r.reason) for r in removed}
    comments = [r for r in removed if r.reason == "comments"]
    assert len(comments) == 1
    c = comments[0]
    assert ARTICLE_DE[c.start :].startswith("Ich finde das eine Frechheit")
    assert "4.000 Kurzparkplätze" not in ARTICLE_DE[c.start : c.end]
    assert ("Foto: Stadt Linz", "boilerplate") in reasons
    assert any(ARTICLE_DE[r.start : r.end] == "Teilen" for r in removed)
    assert not any("Parkkonzept beschlossen" in ARTICLE_DE[r.start : r.end] for r in removed)
    assert not any(ARTICLE_DE[r.start : r.end].startswith("Stadtrat beschließt") for r in removed)


ARTICLE_EN = """Council approves new bus lanes

The city council approved three new bus lanes on Tuesday, a spokesman said. Work will start in May.
"We expect shorter travel times for 40,000 commuters," the transport director told reporters.
The opposition said the plan was rushed.
I honestly don't get why they need more lanes? My street has been a construction site for a year.
lol, good luck with that. Why would anyone take the bus anyway?
"""


def test_english_comments() -> None:
    removed = find_removed(ARTICLE_EN, "en")
    (c,) = [r for r in removed if r.reason == "comments"]
    assert ARTICLE_EN[c.start :].startswith("I honestly")


def test_first_person_column_is_not_comments() -> None:
    column = "\n".join(
        [
            "Ich habe lange überlegt, ob ich über diesen Sommer schreiben soll.",
            "Ich war in Kärnten, und ich habe dort viel über mich gelernt. Warum erzähle ich das?",
            "Weil ich glaube, dass mein Urlaub typisch war. Ich bin nicht allein damit, denke ich.",
            "Ich frage mich, wie es euch ging? Ich freue mich auf eure Zuschriften.",
            "Ich jedenfalls fahre nächstes Jahr wieder hin. Wohin sonst?",
        ]
    )
    assert not [r for r in find_removed(column) if r.reason == "comments"]


def test_quoted_first_person_is_reporting() -> None:
    text = "\n".join(
        [
            "Die Ministerin besuchte am Montag das Werk in Steyr. Sie sprach mit der Belegschaft.",
            "Der Betriebsrat fordert eine Garantie für alle 2.000 Arbeitsplätze bis 2025.",
            "Die Gespräche sollen im Herbst fortgesetzt werden, teilte das Ministerium mit.",
            "„Ich bin zuversichtlich, dass wir eine Lösung finden“, sagte die Ministerin.",
            "„Ich glaube ihr kein Wort. Warum sollte ich?“, sagte ein Arbeiter laut einem Bericht.",
        ]
    )
    assert not [r for r in find_removed(text) if r.reason == "comments"]


def test_footer_block_is_removed_whole() -> None:
    text = (
        "Die Bank meldet einen Gewinn von 1,2 Milliarden Euro. Das ist deutlich mehr als im Vorjahr, als der Gewinn "
        "bei 800 Millionen Euro lag.\n\nÄhnliche Artikel\nLesen Sie auch\nWir freuen uns über Ihre Meinung. "
        "Schreiben Sie uns!\nImpressum\nDatenschutz\n"
    )
    removed = find_removed(text)
    assert removed and text[removed[0].start :].startswith("Ähnliche Artikel")
    assert any("Wir freuen uns" in text[r.start : r.end] for r in removed)
    assert all(r.reason == "boilerplate" for r in removed)


def test_offsets_are_exact() -> None:
    text = "  Erster Absatz mit Inhalt.\r\n\tFoto: Agentur  \r\nZweiter Absatz."
    (r,) = find_removed(text)
    assert text[r.start : r.end] == "Foto: Agentur"
