"""Reading an indexed article back: ``search show ARTICLE[:PARAGRAPH]``."""

from __future__ import annotations

import os
import re

from searcher.errors import ArticleNotFound
from searcher.records import record
from searcher.storage.store import open_index, reading

_PARAGRAPH_SUFFIX = re.compile(r"^(.*):(\d+)$", re.DOTALL)


@record
class StoredArticle:
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


def find_articles(index_dir: str | os.PathLike, text: str) -> tuple[list[StoredArticle], int | None]:
    """The article(s) an address names, and the paragraph it points at.

    ``text`` is an article id, or an id and a paragraph number joined by a
    colon; an id that itself ends in ":<digits>" wins over that reading.
    Usually one article; more when files under different folders give
    articles the same id.
    """
    with reading(index_dir), open_index(index_dir).searcher() as searcher:
        found = _articles(searcher, text)
        if found:
            return found, None
        split = _PARAGRAPH_SUFFIX.match(text)
        if split:
            found = _articles(searcher, split.group(1))
            if found:
                return found, int(split.group(2))
        article_id, paragraph = (split.group(1), f":{split.group(2)}") if split else (text, "")
        close = [f"{candidate}{paragraph}" for candidate in close_ids(searcher.reader(), article_id)]
    hint = f"did you mean {' or '.join(close)}?" if close else "the source line of each 'search query' hit names one"
    raise ArticleNotFound(f"no article {text!r} in {index_dir}; {hint}")


_SUGGESTED_IDS = 3
_FUZZY_IDS_UP_TO = 20_000  # past this many ids, only those containing what was typed are offered


def close_ids(reader, typed: str) -> list[str]:
    """Article ids like ``typed``: those that end with it or hold it (an id
    typed without its folder, ``gen/``), else, on an index of not too many
    articles, the closest spellings."""
    ids = list(reader.field_terms("article"))
    holding = sorted((i for i in ids if typed in i), key=lambda i: (not i.endswith(typed), len(i), i))
    if holding or len(ids) > _FUZZY_IDS_UP_TO:
        return holding[:_SUGGESTED_IDS]
    import difflib

    return difflib.get_close_matches(typed, ids, n=_SUGGESTED_IDS, cutoff=0.8)


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
