"""Local article files: plain text (optional title on the first line), saved HTML pages, folders, a folder manifest.

A folder may carry `seeds.toml` (or `articles.toml`) with `[[article]] file, title, published, lang, source`
entries; files without an entry use the first line as title when it looks like one and `--published`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsdigest.errors import IngestError
from newsdigest.ingest.pages import PageError, extract_page
from newsdigest.models import ArticleInput

MANIFESTS = ("seeds.toml", "articles.toml")
TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
MAX_FILE_BYTES = 5_000_000


class ArticleFileError(IngestError, ValueError):
    """A local article file or manifest cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class ManifestEntry:
    title: str | None
    published: dt.date | None
    lang: str | None
    source: str | None


def read_manifest(folder: Path) -> dict[str, ManifestEntry]:
    for name in MANIFESTS:
        path = folder / name
        if path.is_file():
            return _parse_manifest(path)
    return {}


def _parse_manifest(path: Path) -> dict[str, ManifestEntry]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ArticleFileError(f"{path}: not valid TOML: {exc}") from None
    entries: dict[str, ManifestEntry] = {}
    for i, item in enumerate(data.get("article", []), 1):
        if not isinstance(item, dict) or "file" not in item:
            raise ArticleFileError(f"{path}: [[article]] #{i} needs a 'file' key")
        published = item.get("published")
        try:
            day = dt.date.fromisoformat(str(published)) if published else None
        except ValueError:
            raise ArticleFileError(f"{path}: [[article]] #{i} published must be YYYY-MM-DD, got {published!r}") from None
        entries[str(item["file"])] = ManifestEntry(item.get("title"), day, item.get("lang"), item.get("source"))
    return entries


def looks_like_title(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= 160 and s[-1] not in ".!?:;,…\"“”»«„" and len(s.split()) <= 20


def split_title(text: str) -> str | None:
    """The first line, when it reads as a headline followed by a blank line."""
    lines = text.split("\n", 2)
    if len(lines) >= 2 and looks_like_title(lines[0]) and not lines[1].strip():
        return lines[0].strip()
    return None


def read_article(path: Path, *, published: dt.date | None = None, entry: ManifestEntry | None = None) -> ArticleInput:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ArticleFileError(f"{path}: {size} bytes is larger than the {MAX_FILE_BYTES} byte limit")
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ArticleFileError(f"{path}: not UTF-8 text (convert it, e.g. iconv -t UTF-8)") from None
    except OSError as exc:
        raise ArticleFileError(f"{path}: cannot read: {exc.strerror}") from None
    if not text.strip():
        raise ArticleFileError(f"{path}: the file is empty")
    if "\x00" in text:  # valid UTF-8 can still be binary (an image, a database, a zip): text never holds NUL
        raise ArticleFileError(f"{path}: not a text file (it holds NUL bytes); give a .txt, .md or saved .html article")
    entry = entry or ManifestEntry(None, None, None, None)
    if _is_html(path, text):
        return _page_article(path, text, published, entry)
    return ArticleInput(
        text=text,
        title=entry.title or split_title(text),
        published=entry.published or published,
        lang=entry.lang,
        source=entry.source or path.name,
        guid=None,
    )


def _is_html(path: Path, text: str) -> bool:
    head = text.lstrip()[:100].lower()
    return path.suffix.lower() in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html"))


def _page_article(path: Path, html: str, published: dt.date | None, entry: ManifestEntry) -> ArticleInput:
    """A saved web page: its main text (markup and boilerplate dropped), as for a page URL."""
    try:
        page = extract_page(html)
    except PageError as exc:
        raise ArticleFileError(f"{path}: HTML page: {exc} (save the article's text as a .txt file)") from None
    return ArticleInput(
        text=page.text,
        title=entry.title or page.title,
        published=entry.published or page.published or published,
        lang=entry.lang or page.lang,
        source=entry.source or page.sitename or path.name,
        guid=None,
    )


def iter_article_files(paths: list[Path]) -> Iterator[tuple[Path, ManifestEntry | None]]:
    """Expand files and folders (not recursive into hidden folders) into article files with manifest entries."""
    for path in paths:
        if path.is_dir():
            manifest = read_manifest(path)
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in ARTICLE_SUFFIXES and not _hidden(child, path):
                    yield child, manifest.get(child.relative_to(path).as_posix())
        elif path.is_file():
            yield path, read_manifest(path.parent).get(path.name)
        else:
            raise ArticleFileError(f"{path}: no such file or folder")


def _hidden(child: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in child.relative_to(root).parts)
