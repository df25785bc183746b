"""Slack rendering: limits, escaping, no pings or links from untrusted text (unit and property tests)."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.bot.slack_render import (
    MAX_BLOCKS,
    MAX_HEADER,
    MAX_SECTION,
    escape,
    render,
    render_messages,
    safe_url,
)
from newsdigest.fakes_check import *  # noqa: F403  # placeholder removed below
