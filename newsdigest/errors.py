"""The one exception tree. Everything newsdigest raises on purpose derives from `NewsdigestError`.

A message is one line an operator can act on: what is wrong and, where it helps, how to fix it.
`cli.main` prints it and exits 2; adapters turn the chat-facing ones into a reply.

    NewsdigestError
    ├── UserError            bad input from a user or operator (arguments, commands, config)
    │   └── ConfigError      the TOML config or the environment is invalid
    ├── StoreError           the database cannot be opened, read or written
    │   ├── SchemaTooNewError   written by a newer newsdigest
    │   ├── LeaseHeldError      another live process runs on this database
    │   ├── StoreBusyError      another writer holds the lock past the busy timeout
    │   │   └── StoreUnavailableError  the PostgreSQL server cannot be reached (refused, restarting, dropped)
    │   └── NotADatabaseError   the file is not an SQLite database
    ├── IngestError          a source could not be fetched or read (feeds, pages, files, OPML)
    └── SummarizeError       the optional summarising model gave no usable answer (the brief falls back)
"""

from __future__ import annotations


class NewsdigestError(Exception):
    """Root of every error newsdigest raises on purpose; `str(exc)` is one actionable line."""


class UserError(NewsdigestError, ValueError):
    """Bad input from a user or operator; the message says what is wrong and what to give instead."""


class ConfigError(UserError):
    """The configuration is invalid; the message names the key and the fix."""


class StoreError(NewsdigestError):
    """The database cannot be opened, read or written; the message says why and what to do."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer newsdigest; refuse rather than corrupt it."""


class LeaseHeldError(StoreError):
    """Another live process holds the lease on this database."""


class StoreBusyError(StoreError):
    """Another writer held the database lock for longer than the busy timeout; retrying later helps."""


class StoreUnavailableError(StoreBusyError):
    """The database server cannot be reached (refused, restarting, connection lost); retrying later helps."""


class NotADatabaseError(StoreError):
    """The file at the database path is not an SQLite database (or is damaged)."""


class IngestError(NewsdigestError):
    """A source (feed, page, file, OPML) could not be fetched or read; the source is skipped, nothing is lost."""


class SummarizeError(NewsdigestError):
    """The optional summarising model gave no usable answer; `reason` is a short metric label."""

    reason = "error"
