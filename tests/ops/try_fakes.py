"""Try newsdigest against the loopback fakes, as README.md describes ("Try it locally against the loopback fakes").

    python -m tests.ops.try_fakes telegram     # a fake Bot API; you type as a Telegram user
    python -m tests.ops.try_fakes slack        # a fake Slack Web API; you type /news commands

Each writes a config file pointing the bot's base URL at the fake and prints the commands to run in a second
terminal (`newsdigest doctor`, `newsdigest run`). Then every line you type is sent to the bot as a message
(Telegram, chat 1) or a signed slash command (Slack, channel C0NEWS) and the bot's answers are printed.
Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import threading
import time
from pathlib import Path

from tests.fakes.slack_api import FakeSlackApi, send_slash_command, slash_body
from tests.fakes.telegram_api import FakeTelegram

TELEGRAM_TOKEN = "123456:LOCAL-try-token_for-the-loopback-fake"
SLACK_TOKEN = "xoxb-local-try-token"
SLACK_SECRET = "local-try-signing-secret"
_TAGS = re.compile(r"<[^>]+>")


def _write_config(path: Path, body: str, health_port: int) -> None:
    path.write_text(
        "# Written by python -m tests.ops.try_fakes: the bot talks to a loopback fake.\n"
        f'[storage]\npath = "data/try-fakes.db"\n\n[bot]\nseeds = "seeds"\n\n{body}\n'
        f'[ops]\nhealth_port = {health_port}\nhealth_host = "127.0.0.1"\n',
        encoding="utf-8",
    )


def _instructions(config: Path, env: dict[str, str], health_port: int) -> None:
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    print(f"""
Config written to {config}. In a second terminal, in this folder:

    export {exports}
    newsdigest doctor --config {config}
    newsdigest run --config {config}
    curl -s 127.0.0.1:{health_port}/healthz ; curl -s 127.0.0.1:{health_port}/metrics | grep commands_total

Then type commands here (e.g. /deadline, /status, /timeline); Ctrl-D stops the fake.
""", flush=True)


def run_telegram(config: Path, health_port: int) -> None:
    with FakeTelegram(token=TELEGRAM_TOKEN) as fake:
        print(f"fake Telegram Bot API on {fake.base_url}", flush=True)
        _write_config(config, f'[telegram]\nbase_url = "{fake.base_url}"\nbase_file_url = "{fake.base_file_url}"\n'
                      "poll_timeout = 2\n", health_port)
        _instructions(config, {"NEWSDIGEST_TELEGRAM_TOKEN": TELEGRAM_TOKEN}, health_port)
        stop = threading.Event()

        def show() -> None:
            seen = 0
            while not stop.is_set():
                sent = fake.messages(1)
                for msg in sent[seen:]:
                    print(f"bot> {_TAGS.sub('', msg.text or '[picture]')}", flush=True)
                seen = len(sent)
                time.sleep(0.2)

        printer = threading.Thread(target=show, daemon=True)
        printer.start()
        for line in sys.stdin:
            if line.strip():
                fake.push_message(1, line.strip())
        stop.set()
        printer.join(1)


def slash_text(line: str) -> str | None:
    """What a typed line sends as the /news command's text: None for a blank line, "" for a bare /news (help)."""
    line = line.strip()
    return line.removeprefix("/news").strip() if line else None


async def run_slack(config: Path, health_port: int, slack_port: int) -> None:
    fake = FakeSlackApi(token=SLACK_TOKEN, rate_per_channel=50)
    await fake.start()
    print(f"fake Slack Web API on {fake.api_url}", flush=True)
    _write_config(config, f'[slack]\nmode = "http"\nport = {slack_port}\napi_base_url = "{fake.api_url}"\n',
                  health_port)
    _instructions(config, {"NEWSDIGEST_SLACK_BOT_TOKEN": SLACK_TOKEN, "NEWSDIGEST_SLACK_SIGNING_SECRET": SLACK_SECRET},
                  health_port)
    loop = asyncio.get_running_loop()
    url = f"http://127.0.0.1:{slack_port}/slack/events"
    try:
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            text = slash_text(line)
            if text is None:
                continue
            response_url = fake.new_response_url()
            try:
                result = await send_slash_command(url, SLACK_SECRET, slash_body(text=text, response_url=response_url))
            except OSError as exc:
                print(f"(bot not reachable on {url}: {exc}; is `newsdigest run` started?)", flush=True)
                continue
            print(f"(slack got HTTP {result.status} in {result.seconds * 1000:.0f} ms)", flush=True)
            # The answer follows through response_url, after the core's work: wait for it, however slow.
            posts = await fake.wait_for_response(response_url, timeout=120)
            if not posts:
                print("(no answer within 120 s)", flush=True)
            for post in posts:
                print(f"bot> {post.get('text')}", flush=True)
    finally:
        await fake.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.ops.try_fakes", description=__doc__.split("\n")[0])
    parser.add_argument("platform", choices=("telegram", "slack"))
    parser.add_argument("--config", type=Path, help="config file to write (default: try-PLATFORM.toml)")
    parser.add_argument("--health-port", type=int, default=8080)
    parser.add_argument("--slack-port", type=int, default=3000)
    args = parser.parse_args(argv)
    config = args.config or Path(f"try-{args.platform}.toml")
    try:
        if args.platform == "telegram":
            run_telegram(config, args.health_port)
        else:
            asyncio.run(run_slack(config, args.health_port, args.slack_port))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
