from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.extract.lang import detect_lang


def test_german_news_sentence() -> None:
    assert detect_lang("Die Regierung hat am Montag ein neues Gesetz beschlossen, das im Herbst gilt.") == "de"


def test_english_news_sentence() -> None:
    assert detect_lang("The government passed a new law on Monday that will take effect in the autumn.") == "en"


def test_german_with_english_names_stays_german() -> None:
    text = "Microsoft und Oracle bieten für TikTok, sagte der Chef von Walmart in einem Interview mit CNBC."
    assert detect_lang(text) == "de"


def test_umlauts_decide_when_no_function_words() -> None:
    assert detect_lang("Größte Übernahme") == "de"
    assert detect_lang("Breaking: Oracle") == "en"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_de_or_en(text: str) -> None:
    assert detect_lang(text) in ("de", "en")
