"""Reading an indexed article back: ``search show ARTICLE[:PARAGRAPH]``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from searcher.errors import ArticleNotFound
from searcher.storage.store import open_index

_PARAGRAPH_SUFFIX = re.compile(r"^(.*):(\d+)$", re.DOTALL)


class StoredArticle(NamedTuple):
    article: str
    title: str
    source: str
    paragraphs: list[tuple[int, str]]  # (number, text), in order
    date: str | None = None  # what the article's file says of it, as on a Hit
    site: str | None = None
    url: str | None = None
    author: str | None = None

    def around(self, focus: int | None, context: int) -> list[tuple[int, str]]:
        """Paragraph ``focus`` with ``context`` paragraphs either side, or
        every paragraph when there is no focus."""
        if focus is None:
            return self.paragraphs
        return [(n, text) for n, text in self.paragraphs if abs(n - focus) <= context]

    def as_dict(self, focus: int | None = None, context: int = 1) -> dict:
        """The article as ``search show --json`` prints it: every paragraph,
        or paragraph ``focus`` and ``context`` paragraphs either side."""
        return {
            "article": self.article,
            "title": self.title,
            "source": self.source,
            "date": self.date,
            "site": self.site,
            "url": self.url,
            "author": self.author,
            "paragraph": focus,
            "paragraphs": [{"paragraph": n, "text": text} for n, text in self.around(focus, context)],
        }


def address(article: str, paragraph: int | None = None) -> str:
    """What to type after ``search show`` to read a paragraph (or article)."""
    return article if paragraph is None else f"{article}:{paragraph}"


def find_articles(index_dir: Path, text: str) -> tuple[list[StoredArticle], int | None]:
    """The article(s) an address names, and the paragraph it points at.

    ``text`` is an article id, or an id and a paragraph number joined by a
    colon; an id that itself ends in ":<digits>" wins over that reading.
    Usually one article; more when files under different folders give
    articles the same id.
    """
    with open_index(index_dir).searcher() as searcher:
        found = _articles(searcher, text)
        if found:
            return found, None
        split = _PARAGRAPH_SUFFIX.match(text)
        if split:
            found = _articles(searcher, split.group(1))
            if found:
                return found, int(split.group(2))
    raise ArticleNotFound(f"no article {text!r} in {index_dir}; the source line of each 'search query' hit names one")


def _articles(searcher, article_id: str) -> list[StoredArticle]:
    by_source: dict[str, StoredArticle] = {}
    for doc in searcher.documents(article=article_id):
        if doc["source"] not in by_source:
            about = (doc.get("date"), doc.get("site"), doc.get("url"), doc.get("author"))
            by_source[doc["source"]] = StoredArticle(article_id, doc.get("title", ""), doc["source"], [], *about)
        stored = by_source[doc["source"]]
        stored.paragraphs.append((doc["para"], doc["body"]))
    for stored in by_source.values():
        stored.paragraphs.sort()
    return sorted(by_source.values(), key=lambda stored: stored.source)
