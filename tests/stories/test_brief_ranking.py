"""What an editor would pick for a story's brief: recaps, quotation-only headlines and reporting about reporting
rank low; a thin headline lead is followed by what its turn means. Invented stories, German and English."""

from __future__ import annotations

import datetime as dt

from newsdigest.stories.brief import MAX_CHARS, brief, compress
from newsdigest.stories.merge import PointIn
from newsdigest.stories.status import Development, developments, headline_points

DAY = dt.date(2021, 3, 9)


def _pt(i: int, article: int, text: str, day: dt.date, kind: str = "fact", score: float = 0.5) -> PointIn:
    return PointIn(i, article, text, kind, score, 100 * i, 100 * i + len(text), day)


def _ranked(points: list[PointIn], titles: dict[int, str], days: dict[int, dt.date | None]) -> list[Development]:
    sources: dict[int, tuple[str, ...]] = {a: (f"outlet{a}.example",) for a in days}
    return developments(points, sources, titles, published=days)


def _rank(devs: list[Development], start: str) -> float:
    return next(d.rank for d in devs if d.text.startswith(start))


def test_a_recap_in_the_pluperfect_ranks_below_the_articles_news() -> None:
    recap = "Am vergangenen Freitag hatten sich Senat und Gewerkschaft auf einen Schlichter für den Hafen verständigt."
    news = "Die Kräne im Kieler Hafen laufen seit Dienstag wieder, der neue Tarif gilt zunächst zwei Jahre."
    points = [_pt(1, 1, recap, DAY, "event", 0.7), _pt(2, 1, news, DAY, "fact", 0.5)]
    devs = _ranked(points, {1: "Hafenstreik in Kiel beendet"}, {1: DAY})
    assert _rank(devs, "Die Kräne") > _rank(devs, "Am vergangenen")


def test_an_english_recap_ranks_below_the_articles_news() -> None:
    recap = "Last week, the port authority and the dockers' union agreed to bring in a mediator for the talks."
    news = "The cranes at the container terminal are running again and the new pay deal runs for two years."
    points = [_pt(1, 1, recap, DAY, "event", 0.7), _pt(2, 1, news, DAY, "fact", 0.5)]
    devs = _ranked(points, {1: "Harbour strike ends in Kiel"}, {1: DAY})
    assert _rank(devs, "The cranes") > _rank(devs, "Last week")


def test_a_sentence_dated_weeks_before_its_article_is_background() -> None:
    old = "Der Streit entzündete sich, als der Senat Ende August die Förde-Brücke für Lastwagen sperrte."
    news = "Der Verband der Spediteure reichte am Montag beim Verwaltungsgericht in Schleswig Klage ein."
    day = dt.date(2021, 9, 14)
    points = [_pt(1, 1, old, day, "event", 0.7), _pt(2, 1, news, day, "fact", 0.5)]
    devs = _ranked(points, {1: "Neuer Ärger für den Senat"}, {1: day})
    assert _rank(devs, "Der Verband") > _rank(devs, "Der Streit")
    extended = "Die Sperrung vom 30. August wurde verlängert."  # a change of the old date is a turn
    devs = _ranked([_pt(1, 1, extended, day, "event", 0.7), _pt(2, 1, news, day, "fact", 0.5)],
                   {1: "Neuer Ärger für den Senat"}, {1: day})
    assert _rank(devs, "Die Sperrung") > _rank(devs, "Der Verband")


def test_reporting_about_reporting_ranks_below_the_news() -> None:
    meta = "Zunächst hatten die Kieler Rundschau und mehrere Nachrichtenagenturen über die Vorlage des Senats berichtet."
    news = "Nach der Vorlage soll die Brücke über die Förde bis Ende April für Lastwagen gesperrt bleiben."
    points = [_pt(1, 1, meta, DAY, "event", 0.7), _pt(2, 1, news, DAY, "deadline", 0.5)]
    devs = _ranked(points, {1: "Senat will Förde-Brücke länger sperren"}, {1: DAY})
    assert _rank(devs, "Nach der Vorlage") > _rank(devs, "Zunächst")


def test_an_english_first_report_ranks_below_the_news() -> None:
    meta = "The plan to close the pier was first reported by the Kiel Courier on Sunday evening."
    news = "The pier will stay closed to the public until the end of April while repairs go on."
    points = [_pt(1, 1, meta, DAY, "event", 0.7), _pt(2, 1, news, DAY, "deadline", 0.5)]
    devs = _ranked(points, {1: "Council closes the pier for repairs"}, {1: DAY})
    assert _rank(devs, "The pier") > _rank(devs, "The plan")


def test_a_headline_that_only_quotes_is_a_quote() -> None:
    title = "„Wir geben nicht auf“"
    body = "Die Gewerkschaft kündigte am Montag einen unbefristeten Streik der Fährcrews an."
    points = [_pt(1, 1, body, DAY, "fact", 0.45), _pt(2, 2, "Die Reederei will am Mittwoch verhandeln.", DAY)]
    assert [p.kind for p in headline_points(points, {1: title}, {1: DAY})] == ["quote"]
    assert [p.kind for p in headline_points(points, {1: "Fährcrews wollen streiken"}, {1: DAY})] == ["event"]
    devs = _ranked(points, {1: title}, {1: DAY, 2: DAY})
    assert _rank(devs, "Die Gewerkschaft") > _rank(devs, "„Wir")


def test_an_english_headline_that_only_quotes_ranks_below_the_articles_news() -> None:
    title = 'Mayor: "We will not give up on the pier"'
    body = "The council voted on Monday to spend 4 million pounds on repairs to the pier."
    points = [_pt(1, 1, body, DAY, "fact", 0.45)]
    devs = _ranked(points, {1: title}, {1: DAY})
    assert _rank(devs, "The council") > _rank(devs, "Mayor")


def _story(lead_title: str, lead_body: list[str], others: list[tuple[str, str]]) -> list[Development]:
    """A newest article (id 10) and six earlier ones, each with a headline and one body sentence."""
    points: list[PointIn] = []
    titles: dict[int, str] = {10: lead_title}
    days: dict[int, dt.date | None] = {10: DAY}
    for j, text in enumerate(lead_body):
        points.append(_pt(100 + j, 10, text, DAY, "fact", 0.3 - j / 100))
    for k, (title, body) in enumerate(others, 1):
        day = DAY - dt.timedelta(days=k)
        titles[k], days[k] = title, day
        points.append(_pt(k, k, body, day, "event", 0.8))
    return _ranked(points, titles, days)


FERRY_DE = [
    ("Reederei droht mit Aussperrung", "Die Reederei drohte den Crews am Montag mit einer Aussperrung im Hafen."),
    ("Crews stimmen für Streik", "In einer Urabstimmung stimmten die Fährcrews mehrheitlich für einen Streik."),
    ("Gespräche über Tarif gescheitert", "Die Gespräche über den neuen Tarif der Fährcrews scheiterten in der Nacht."),
    ("Gewerkschaft stellt Ultimatum", "Die Gewerkschaft stellte der Reederei ein Ultimatum für ein neues Angebot."),
    ("Senat bietet Vermittlung an", "Der Senat bot an, zwischen Reederei und Gewerkschaft zu vermitteln."),
    ("Fährcrews fordern mehr Lohn", "Die Crews der Fähren nach Oslo fordern deutlich mehr Lohn und kürzere Schichten."),
]


FERRY_EN = [
    ("Operator threatens lockout", "The operator threatened the crews with a lockout at the harbour on Monday."),
    ("Crews vote for walkout", "In a ballot, most of the ferry crews voted for industrial action."),
    ("Pay talks collapse overnight", "Talks on a new pay deal for the ferry crews collapsed overnight."),
    ("Union sets an ultimatum", "The union gave the operator an ultimatum to table a better offer."),
    ("City offers to mediate", "The city council offered to mediate between the operator and the union."),
    ("Crews demand higher wages", "The crews of the Oslo ferries are demanding much higher wages and shorter shifts."),
]


def test_a_thin_headline_lead_is_followed_by_what_its_turn_means() -> None:
    substance = "Alle Fähren nach Oslo und Göteborg bleiben im Hafen, der Ausstand soll vorerst zehn Tage dauern."
    devs = _story("Fährstreik in Kiel beginnt", [substance], FERRY_DE)
    lead, earlier = brief(devs)
    assert lead is not None and lead.text == "Fährstreik in Kiel beginnt"
    assert earlier[0].text == substance  # six earlier articles would otherwise fill all five places
    assert len(earlier) == 5


def test_the_substance_is_told_once() -> None:
    lede = "Die Crews der Kieler Fähren haben am Morgen die Arbeit niedergelegt."
    substance = ("Betroffen sind nach Angaben der Reederei rund 4000 Passagiere täglich auf den Linien nach Oslo, "
                 "Göteborg und Klaipėda, der Fährstreik soll vorerst dauern.")
    devs = _story("Fährstreik in Kiel beginnt", [lede, substance], FERRY_DE[:2])
    lead, earlier = brief(devs)
    assert lead is not None and lead.text == "Fährstreik in Kiel beginnt"
    texts = [t.text for t in earlier]
    assert texts.count(substance) == 1 and len(set(texts)) == len(texts)


def test_a_headline_lead_that_states_its_facts_needs_no_substance() -> None:
    substance = "Alle Fähren nach Oslo und Göteborg bleiben im Hafen, der Ausstand soll vorerst zehn Tage dauern."
    devs = _story("Fährstreik in Kiel bis 19. März", [substance], FERRY_DE)
    lead, earlier = brief(devs)
    assert lead is not None and lead.text.startswith("Fährstreik")
    assert substance not in [t.text for t in earlier]


def test_a_recap_is_no_substance() -> None:
    recap = "Vor zwei Wochen hatten die Crews mit 90 Prozent für einen Streik gestimmt."
    devs = _story("Fährstreik in Kiel beginnt", [recap], FERRY_DE)
    _, earlier = brief(devs)
    assert recap not in [t.text for t in earlier]


def test_an_english_thin_lead_is_followed_by_what_its_turn_means() -> None:
    substance = "No ferries will sail to Oslo or Gothenburg, and the stoppage is set to last ten days."
    devs = _story("Ferry strike begins in Kiel", [substance], FERRY_EN)
    lead, earlier = brief(devs)
    assert lead is not None and lead.text == "Ferry strike begins in Kiel"
    assert earlier[0].text == substance


def test_an_aside_that_states_a_fact_stays_while_the_sentence_fits() -> None:
    s = ("Harte Auflagen und gesperrte Kais: Seit Montag gilt im ganzen Kieler Hafen ein – vorerst auf zehn Tage "
         "befristetes – Fahrverbot für Lastwagen.")
    assert MAX_CHARS // 2 < len(s) <= MAX_CHARS
    assert "zehn Tage" in compress(s)
    aside = ("Seit Montag gilt im ganzen Kieler Hafen – so die Hafenbehörde in ihrer Mitteilung – ein Fahrverbot für "
             "Lastwagen und Busse.")
    assert "so die Hafenbehörde" not in compress(aside)
    long = s + " " + "Die Behörde will die Lage täglich neu bewerten und die Reedereien informieren. " * 3
    assert len(compress(long)) <= MAX_CHARS


def test_heisst_es_and_it_said_are_attributions() -> None:
    de = ("Vom 20. bis zum 27. März sollen die Fähren nur morgens und abends fahren, heißt es in einem Papier der "
          "Reederei für die Gespräche mit dem Senat, das der Rundschau vorliegt.")
    assert compress(de) == "Vom 20. bis zum 27. März sollen die Fähren nur morgens und abends fahren."
    en = ("From 20 to 27 March the ferries will sail only in the morning and in the evening, it said in a statement "
          "sent to the crews and to the city council on Monday night.")
    assert compress(en) == "From 20 to 27 March the ferries will sail only in the morning and in the evening."
