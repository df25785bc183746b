"""The try-it tool of README §5: what a typed line sends to the bot."""

from __future__ import annotations

from tests.ops.try_fakes import slash_text


def test_a_bare_news_is_sent_as_empty_text_and_a_blank_line_is_not_sent() -> None:
    assert slash_text("/news\n") == ""  # the bot answers a bare /news with help (README), so it must reach it
    assert slash_text("   \n") is None
    assert slash_text("/news deadline tiktok\n") == "deadline tiktok"
    assert slash_text("status\n") == "status"
