"""Running a query against the index and collecting ranked hits.

A plain query (words typed side by side, no AND/OR) runs in two passes:
first the paragraphs that contain every word, then, if that leaves room,
those that contain only some.  So a paragraph with all the words always
ranks above one with some, yet a question is never answered with nothing
merely because one of its words is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from searcher import query as queries
from searcher.snippets import Snippet, make_snippet, match_spans
from searcher.store import open_index

BM25_B = 0.75
BM25_K1 = 1.2


@dataclass
class Hit:
    rank: int
    score: float
    article: str
    paragraph: int
    title: str
    source: str
    text: str
    snippet: Snippet


def plan(text: str):
    """The query tree and the Whoosh queries to run, in order."""
    node = queries.drop_question_words(queries.parse(text))
    if node is None:
        return None, []
    positives = [c for c in getattr(node, "children", ()) if not isinstance(c, queries.Not)]
    if queries.is_boolean(node) or len(positives) < 2:
        return node, [queries.to_whoosh(node)]
    return node, [queries.to_whoosh(node, strict=True), queries.to_whoosh(node, strict=False)]


class ParagraphSearcher:
    """An open index, ready for many queries (the CLI makes one per process)."""

    def __init__(self, index_dir: Path):
        from whoosh.scoring import BM25F

        self._index = open_index(index_dir)
        self._searcher = self._index.searcher(weighting=BM25F(B=BM25_B, K1=BM25_K1))

    def close(self) -> None:
        self._searcher.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def ranked(self, text: str, limit: int = 10):
        """The query tree and the best (score, stored fields) pairs, best first."""
        node, passes = plan(text)
        found: list[tuple[float, dict]] = []
        seen: set[int] = set()
        for whoosh_query in passes:
            if len(found) >= limit:
                break
            for result in self._searcher.search(whoosh_query, limit=limit + len(found)):
                if result.docnum not in seen and len(found) < limit:
                    seen.add(result.docnum)
                    found.append((result.score, result.fields()))
        return node, found

    def search(self, text: str, limit: int = 10) -> list[Hit]:
        node, found = self.ranked(text, limit)
        terms = queries.highlight_terms(node)
        hits = []
        for rank, (score, doc) in enumerate(found, 1):
            body = doc["body"]
            hits.append(
                Hit(
                    rank=rank,
                    score=score,
                    article=doc["article"],
                    paragraph=doc["para"],
                    title=doc.get("title", ""),
                    source=doc["source"],
                    text=body,
                    snippet=make_snippet(body, match_spans(body, terms)),
                )
            )
        return hits


def search(index_dir: Path, text: str, limit: int = 10) -> list[Hit]:
    with ParagraphSearcher(index_dir) as searcher:
        return searcher.search(text, limit)
