"""Ranking: BM25 with Lucene's IDF.

Whoosh's IDF, log(N / (df + 1)) + 1, flattens the gap between rare and common
words (the "+ 1" gives even a word found in half the paragraphs a weight of
1.7), so a question's common words outvote its one rare, telling word.
Lucene's BM25 IDF, log(1 + (N - df + 0.5) / (df + 0.5)), keeps that gap.
"""

from __future__ import annotations

from math import log


def paragraph_count(reader) -> int:
    """The paragraphs in the index (a Whoosh reader or IndexFiles), not
    counting the per-file bookkeeping documents."""
    return reader.doc_frequency("kind", "para") or reader.doc_count_all()


def lucene_idf(paragraphs: int, found: int) -> float:
    """The IDF of a term found in ``found`` of ``paragraphs`` paragraphs."""
    return log(1 + (paragraphs - found + 0.5) / (found + 0.5))


def lucene_bm25f(B: float, K1: float):
    """Whoosh's BM25F with Lucene's IDF, for the queries Whoosh's own
    matchers run (made here so that importing this module imports no
    Whoosh: plain-word queries score without it, see ``ranking``)."""
    from whoosh.scoring import BM25F

    class LuceneBM25F(BM25F):
        def idf(self, searcher, fieldname: str, text: str) -> float:
            parent = searcher.get_parent()
            return lucene_idf(paragraph_count(parent), parent.doc_frequency(fieldname, text))

    return LuceneBM25F(B=B, K1=K1)
