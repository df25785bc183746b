"""newsdigest: a chat bot for following developing news stories."""

__version__ = "0.1.0"  # the one place; pyproject.toml reads it
