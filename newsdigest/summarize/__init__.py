"""Optional machine-written briefs: a language model turns a story's stored facts into two or three cited sentences.

`facts`, `prompt` and `verify` are pure; `client` is the only module that talks HTTP; `service` caches, budgets
and falls back. Nothing here is needed for the bot to work: with `[summarize] enabled = false` it is never built.
"""
