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
from searcher.analysis import STOPWORDS, stem, words
from searcher.snippets import Snippet, make_snippet, match_spans
from searcher.store import open_index

BM25_B = 0.75
BM25_K1 = 1.2
# Proximity: a paragraph where adjacent query words stand together (at most
# PROXIMITY_SLOP words apart) gets its score raised by up to PROXIMITY_BONUS.
# Applied by re-ranking the best RERANK_DEPTH hits: Whoosh's own optional
# phrase clauses (AndMaybe + Phrase) upset its top-k pruning, which then
# drops paragraphs that belong in the top 100.
PROXIMITY_BONUS = 0.15
PROXIMITY_SLOP = 1
RERANK_DEPTH = 50


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


def adjacent_pairs(node) -> list[tuple[frozenset[str], frozenset[str]]]:
    """The (forms and stems, forms and stems) of each pair of plain words
    typed side by side."""
    if not isinstance(node, queries.And) or node.explicit:
        return []
    keys = [
        frozenset((child.form, stem(child.form)))
        for child in node.children
        if isinstance(child, queries.Word) and child.field is None
    ]
    return list(zip(keys, keys[1:]))


def proximity_factor(pairs, text: str) -> float:
    """1 plus a bonus for the share of query word pairs found side by side."""
    if not pairs:
        return 1.0
    sequence = [(w.form, stem(w.form)) for w in words(text) if w.form not in STOPWORDS]
    together = 0
    for first, second in pairs:
        for at, (form, root) in enumerate(sequence):
            if form in first or root in first:
                following = sequence[at + 1 : at + 2 + PROXIMITY_SLOP]
                if any(f in second or r in second for f, r in following):
                    together += 1
                    break
    return 1.0 + PROXIMITY_BONUS * together / len(pairs)


class ParagraphSearcher:
    """An open index, ready for many queries (the CLI makes one per process)."""

    def __init__(self, index_dir: Path):
        from searcher.scoring import LuceneBM25F

        self._index = open_index(index_dir)
        self._searcher = self._index.searcher(weighting=LuceneBM25F(B=BM25_B, K1=BM25_K1))

    def close(self) -> None:
        self._searcher.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def ranked(self, text: str, limit: int = 10):
        """The query tree and the best (score, stored fields) pairs, best first."""
        node, passes = plan(text)
        pairs = adjacent_pairs(node)
        found: list[tuple[float, dict]] = []
        seen: set[int] = set()
        for whoosh_query in passes:
            if len(found) >= limit:
                break
            # Fetch more than needed so the proximity bonus can reorder them.
            depth = len(found) + max(limit - len(found), RERANK_DEPTH if pairs else 0)
            batch = []
            for result in self._searcher.search(whoosh_query, limit=depth):
                if result.docnum not in seen:
                    seen.add(result.docnum)
                    fields = result.fields()
                    batch.append((result.score * proximity_factor(pairs, fields["body"]), fields))
            batch.sort(key=lambda item: -item[0])
            found += batch[: limit - len(found)]
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
