"""The project's own labelled sentences for key dates (written for these tests, not taken from any corpus).

Each entry: (lang, published, text, expected) with expected = [(phrase, kind, value)]: the time expression (or a
part of it), `deadline` | `expiry`, and the value's prefix. An empty list: no key date in the text (events, plans,
start dates, statistics, court dates, maturities, permissions).
"""

from __future__ import annotations

Labelled = tuple[str, str, str, list[tuple[str, str, str]]]

SENTENCES: list[Labelled] = [
    # -- deadlines, German
    ("de", "2023-04-03", "Der Stadtrat muss den Haushalt bis zum 30. Juni beschließen.",
     [("30. Juni", "deadline", "2023-06-30")]),
    ("de", "2023-04-03", "Anmeldungen für den Ferienkurs sind noch bis 6. Mai möglich.",
     [("6. Mai", "deadline", "2023-05-06")]),
    ("de", "2023-04-03", "Die Bewerbungsfrist für die Stipendien läuft bis Ende April.",
     [("Ende April", "deadline", "2023-04-30")]),
    ("de", "2023-04-03", "Die Behörde gab dem Betreiber zehn Tage Zeit, die Mängel zu beheben.",
     [("zehn Tage", "deadline", "2023-04-13")]),
    ("de", "2023-04-03", "Der Verband forderte die Liga auf, bis Freitag eine Stellungnahme einzureichen.",
     [("Freitag", "deadline", "2023-04")]),
    ("de", "2023-04-03", "Einsprüche gegen den Bescheid müssen binnen vier Wochen eingelegt werden.",
     [("vier Wochen", "deadline", "2023-05-01")]),
    ("de", "2023-04-03", "Ende Juni muss die Gemeinde das Darlehen zurückzahlen.",
     [("Ende Juni", "deadline", "2023-06-30")]),
    ("de", "2023-04-03", "Die Gewerkschaft stellte dem Konzern ein Ultimatum bis zum 12. April.",
     [("12. April", "deadline", "2023-04-12")]),
    ("de", "2023-04-03", "Die Frist für die Abgabe der Angebote endet am 28. April.",
     [("28. April", "deadline", "2023-04-28")]),
    ("de", "2023-04-03", "Die neue Förderquote wird spätestens 2026 festgelegt werden.",
     [("2026", "deadline", "2026")]),
    # -- deadlines, English
    ("en", "2023-04-03", "The county ordered the landlord to repair the roof by May 15.",
     [("May 15", "deadline", "2023-05-15")]),
    ("en", "2023-04-03", "Applicants must register no later than April 28.",
     [("April 28", "deadline", "2023-04-28")]),
    ("en", "2023-04-03", "The deadline for public comments is April 21.",
     [("April 21", "deadline", "2023-04-21")]),
    ("en", "2023-04-03", "The union gave the operator 14 days to answer its demands.",
     [("14 days", "deadline", "2023-04-17")]),
    ("en", "2023-04-03", "Tenants must file their claims within 30 days.",
     [("30 days", "deadline", "2023-05-03")]),
    ("en", "2023-04-03", "Borrowers must repay the first instalment by the end of June.",
     [("the end of June", "deadline", "2023-06")]),
    ("en", "2023-04-05", "The agency has given the two landlords until 9 a.m. Monday to sign the repair pledge.",
     [("Monday", "deadline", "2023-04-10")]),
    ("en", "2023-04-03", "The city has until May 2 to publish the audit.",
     [("May 2", "deadline", "2023-05-02")]),
    # -- expiries
    ("de", "2023-04-03", "Das Versammlungsverbot gilt bis zum 3. Mai.", [("3. Mai", "expiry", "2023-05-03")]),
    ("de", "2023-04-03", "Die Ausgangssperre bleibt bis zum 16. April in Kraft.", [("16. April", "expiry", "2023-04-16")]),
    ("de", "2023-04-03", "Das Förderprogramm läuft Ende Mai aus.", [("Ende Mai", "expiry", "2023-05-31")]),
    ("de", "2023-04-03", "Die Waffenruhe wurde bis zum 20. April verlängert.", [("20. April", "expiry", "2023-04-20")]),
    ("en", "2023-04-03", "The curfew stays in place until April 14.", [("April 14", "expiry", "2023-04-14")]),
    ("en", "2023-04-03", "The 90-day pause on the tariffs ends on July 9.", [("July 9", "expiry", "2023-07-09")]),
    ("en", "2023-04-03", "The discount offer expires on April 30.", [("April 30", "expiry", "2023-04-30")]),
    ("en", "2023-04-03", "The council extended the parking ban until May 31.", [("May 31", "expiry", "2023-05-31")]),
    # -- not key dates
    ("de", "2023-04-03", "Am 3. März unterzeichnete die Bürgermeisterin den Vertrag.", []),
    ("de", "2023-04-03", "Die Landtagswahl findet am 24. September statt.", []),
    ("de", "2023-04-03", "Das Unternehmen will bis 2030 klimaneutral werden.", []),
    ("de", "2023-04-03", "Die neue Verordnung tritt am 1. Juli in Kraft.", []),
    ("de", "2023-04-03", "Bis zum Stichtag 31. März gingen 420 Anträge ein.", []),
    ("de", "2023-04-03", "Der Prozess gegen den früheren Manager beginnt am 8. Mai vor dem Landgericht.", []),
    ("de", "2023-04-03", "Das Festival dauert von 16. bis 18. Juni.", []),
    ("de", "2023-04-03", "Der Minister sprach sich für eine Verlängerung der Hilfen bis Ende Juni aus.", []),
    ("de", "2023-04-03", "Die Preise stiegen binnen 30 Tagen um zwölf Prozent.", []),
    ("de", "2023-04-03", "Die Entscheidung über den Standort soll spätestens am Freitag fallen.", []),
    ("en", "2023-04-03", "The company filed for bankruptcy on March 3.", []),
    ("en", "2023-04-03", "The new rules are due to come into force in November.", []),
    ("en", "2023-04-03", "The carmaker aims to sell only electric cars by 2035.", []),
    ("en", "2023-04-03", "The defendant is due to appear in court on May 4.", []),
    ("en", "2023-04-03", "The firm sold $200 million of notes due 2031.", []),
    ("en", "2023-04-03", "By March 1, some 4,000 applications had been received.", []),
    ("en", "2023-04-03", "Unions urged the minister to extend the scheme until June.", []),
    ("en", "2023-04-03", "Visitors may stay in the park until 10 pm.", []),
    ("en", "2023-04-03", "Mayor Ann Holt (pictured) said the ban stays in place until May 3.", []),
    ("en", "2023-04-03", "Staff will be kept on a month-to-month basis until the sale.", []),
]
