"""compose() is pure: DigestInput in, Reply out."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.bot.telegram_render import TEXT_LIMIT
from newsdigest.digests.compose import ComposeOptions, DigestInput, UpcomingDeadline, compose
from newsdigest.models import ChangeKind
from newsdigest.reply import Heading
from newsdigest.store.stories_repo import StoryRecord
from newsdigest.stories.ledger import Ledger, LedgerItem, When, parse_when
from newsdigest.stories.merge import MergedPoint
from newsdigest.stories.status import DeadlineChange, Development, StoryChanges

AS_OF = dt.date(2020, 9, 14)
SINCE = dt.datetime(2020, 9, 13, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def when(value: str) -> When:
    parsed = parse_when(value)
    assert parsed is not None, value
    return parsed


def dev(text: str, outlets: int = 1) -> Development:
    """A development as the stories layer ranks it; only its text and its outlets reach the digest."""
    return Development(MergedPoint(f"k{abs(hash(text))}", text, "fact", 0.5), tuple(f"outlet {i}" for i in range(outlets)), 1.0)


def change(kind: str, value: str, what: str, old: str | None = None) -> DeadlineChange:
    return DeadlineChange(ChangeKind(kind), LedgerItem(f"d{value}", when(value), value, what), when(old) if old else None)


def story(name: str, developments: tuple[Development, ...] = (), deadlines: tuple[DeadlineChange, ...] = ()) -> StoryChanges:
    record = StoryRecord(1, name.casefold().replace(" ", "-"), name, (), {}, None, None)
    return StoryChanges(record, SINCE, AS_OF, (), developments, deadlines, Ledger([], AS_OF))


def tiktok(deadlines: tuple[DeadlineChange, ...] | None = None) -> StoryChanges:
    extended = change("extended", "2020-11-12", "sell the US business", "2020-09-20")
    oracle = dev("ByteDance picks Oracle as its US technology partner.", 3)
    return story("TikTok US sale", (oracle,), (extended,) if deadlines is None else deadlines)


def test_story_changes_and_upcoming_deadlines_in_english() -> None:
    inp = DigestInput(AS_OF, SINCE, (tiktok(),), (UpcomingDeadline("2020-09-15", "find a buyer", "TikTok US sale", 2),))
    reply = compose(inp)
    assert reply is not None
    body = reply.plain_text()
    assert body.splitlines()[0] == "Your news digest — Mon 14 September 2020"
    assert "Changes since Sun 13 September 2020 08:00." in body
    assert "• Deadline extended from 20 September 2020 to 12 November 2020 (in 2 months): sell the US business" in body
    assert "• ByteDance picks Oracle as its US technology partner. (3 sources)" in body
    assert "• 15 September 2020 (tomorrow): find a buyer — TikTok US sale" in body
    assert "Due in the next 7 days" in body


def test_german_wording_and_countdowns() -> None:
    changes = (change("added", "2020-09-21", "Gebühr zahlen"), change("passed", "2020-09-12", "Frist"))
    inp = DigestInput(AS_OF, SINCE, (tiktok(deadlines=changes),), (UpcomingDeadline("2020-09-14", "Antrag"),))
    body = compose(inp, ComposeOptions(lang="de"))
    assert body is not None
    text = body.plain_text()
    assert text.startswith("Dein Nachrichtenüberblick — Mo., 14. September 2020")
    assert "Neue Frist 21. September 2020 (in 7 Tagen): Gebühr zahlen" in text
    assert "Frist abgelaufen am 12. September 2020\n" in text
    assert "14. September 2020 (heute): Antrag" in text
    assert "(3 Quellen)" in text


def test_quiet_day_is_one_line_or_skipped() -> None:
    quiet = DigestInput(AS_OF, SINCE, (story("TikTok US sale"),), ())
    reply = compose(quiet)
    assert reply is not None and len(reply.blocks) == 1
    assert reply.plain_text() == "Nothing new since your last digest (Sun 13 September 2020 08:00)."
    assert compose(quiet, ComposeOptions(skip_quiet=True)) is None
    # a deadline coming up is not a quiet day
    assert compose(DigestInput(AS_OF, SINCE, (), (UpcomingDeadline("2020-09-16", "x"),)),
                   ComposeOptions(skip_quiet=True)) is not None


def test_caps_say_how_much_was_left_out() -> None:
    devs = tuple(dev(f"Development number {i}.") for i in range(10))
    stories = tuple(story(f"Story {i}", devs) for i in range(7))
    reply = compose(DigestInput(AS_OF, SINCE, stories, ()), ComposeOptions(max_stories=5, max_items=4))
    assert reply is not None
    text = reply.plain_text()
    assert sum(isinstance(b, Heading) for b in reply.blocks) == 1 + 5
    assert text.count("• +6 more") == 5
    assert "+2 more stories" in text
    assert "Development number 4." not in text


def test_partial_dates_have_no_countdown() -> None:
    month = change("added", "2020-09", "sell the business")
    reply = compose(DigestInput(AS_OF, None, (tiktok(deadlines=(month,)),), ()))
    assert reply is not None
    assert "New deadline September 2020: sell the business" in reply.plain_text()
    assert "Everything so far." in reply.plain_text()


words = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=600)


@settings(max_examples=60, deadline=None)
@given(
    devs=st.lists(st.tuples(words, st.integers(1, 50)), max_size=30),
    changes=st.lists(st.tuples(st.sampled_from(["added", "extended", "moved", "passed"]),
                               st.dates(dt.date(2019, 1, 1), dt.date(2022, 1, 1)), words), max_size=20),
    n_stories=st.integers(1, 12),
    lang=st.sampled_from(["en", "de"]),
)
def test_any_digest_fits_one_telegram_message(devs: list[tuple[str, int]], changes: list[tuple[str, dt.date, str]],
                                              n_stories: int, lang: str) -> None:
    one = story(
        "A story", tuple(dev(t, n) for t, n in devs),
        tuple(change(c, d.isoformat(), w, "2020-01-01") for c, d, w in changes),
    )
    upcoming = tuple(UpcomingDeadline((AS_OF + dt.timedelta(days=i % 8)).isoformat(), w) for i, (w, _) in enumerate(devs))
    reply = compose(DigestInput(AS_OF, SINCE, (one,) * n_stories, upcoming), ComposeOptions(lang=lang))
    assert reply is not None
    # the plain text is what Telegram counts after entity parsing (bullets and blank lines included)
    assert len(reply.plain_text().encode("utf-16-le")) // 2 <= TEXT_LIMIT


def test_key_dates_due_within_the_horizon_are_never_dropped_for_room() -> None:
    long = "A long development sentence about a story with many words in it, repeated to fill room. " * 3
    stories = tuple(story(f"Story {i}", tuple(dev(long + str(j), 2) for j in range(4))) for i in range(5))
    upcoming = tuple(UpcomingDeadline(f"2020-09-{15 + i}", f"file objection {i}", f"Story {i}") for i in range(6))
    reply = compose(DigestInput(AS_OF, SINCE, stories, upcoming), ComposeOptions(max_chars=1500))
    assert reply is not None
    body = reply.plain_text()
    assert all(f"file objection {i}" in body for i in range(6)), body
    assert "more" in body  # the stories were shortened instead
