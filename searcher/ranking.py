"""Scoring plain-word queries straight from the postings.

Most queries are a few words or a question: every word matches by its root
in the paragraph body, and in the article title at a lower weight
(``query.word_terms``).  For those, this module computes the very scores
Whoosh's BM25F would give, term by term in the same order of operations,
but from whole posting lists read in bulk (``_whoosh_postings``) and with
set operations for "every word" and "some word", instead of Whoosh's
per-posting matcher calls: a query on common words that took 100-250 ms
takes a few.  Anything else (phrases, prefixes, OR, NOT of more than a
word) goes through Whoosh's own matchers.

"Some words" (the looser second pass) is where a common word would make us
score tens of thousands of paragraphs; a MaxScore-style bound avoids most
of that: a paragraph that holds only words whose scores can add up to no
more than the current k-th best is never scored.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from searcher import _whoosh_postings
from searcher import query as queries


@dataclass
class _TermPostings:
    """One word's term in one field: who holds it, how often, and what a
    posting is worth there."""

    frequencies: dict[int, float]  # document number: term frequency
    idf: float
    boost: float
    norms: tuple[float, ...]  # BM25's length normaliser, by length byte
    lengths: bytes  # length byte of each document in the field
    bound: float  # no posting of this term scores more

    def score(self, docnum: int, k1_plus_1: float) -> float:
        tf = self.frequencies[docnum]
        # Whoosh's bm25() then its boost wrapper, operation for operation,
        # so that ties and orders come out as Whoosh's would.
        return self.idf * ((tf * k1_plus_1) / (tf + self.norms[self.lengths[docnum]])) * self.boost


class PlainWordScorer:
    """BM25 over an open Whoosh searcher's postings, for one index snapshot."""

    def __init__(self, searcher, k1: float, b: float):
        self._searcher = searcher
        self._k1 = k1
        self._b = b
        self._leaves = searcher.reader().leaf_readers()
        self._lengths: dict[str, bytes] = {}

    def matches(self, node) -> PlainWordMatches | None:
        """The query's matches, or None when the query is not plain words."""
        shape = plain_words(node)
        if shape is None:
            return None
        words, excluded = shape
        terms = [[self._term(field, text, boost) for field, text, boost in queries.word_terms(w)] for w in words]
        excluded_docs: set[int] = set()
        for word in excluded:
            for field, text, _ in queries.word_terms(word):
                excluded_docs.update(self._postings(field, text))
        return PlainWordMatches(terms, excluded_docs, self._k1 + 1)

    def _term(self, field: str, text: str, boost: float) -> _TermPostings:
        frequencies = self._postings(field, text)
        lengths = self._field_lengths(field)
        k1, b = self._k1, self._b
        average = self._searcher.avg_field_length(field) or 1
        norms = tuple(k1 * ((1 - b) + b * length / average) for length in _whoosh_postings.BYTE_TO_LENGTH)
        idf = self._searcher.idf(field, text) if frequencies else 0.0
        bound = 0.0
        if frequencies:
            most = max(frequencies.values())
            bound = idf * ((most * (k1 + 1)) / (most + min(norms[1:]))) * boost
        return _TermPostings(frequencies, idf, boost, norms, lengths, bound)

    def _postings(self, field: str, text: str) -> dict[int, float]:
        found: dict[int, float] = {}
        for reader, offset in self._leaves:
            ids, frequencies = _whoosh_postings.postings(reader, field, text)
            if offset:
                ids = [offset + docnum for docnum in ids]
            found.update(zip(ids, frequencies))
        return found

    def _field_lengths(self, field: str) -> bytes:
        if field not in self._lengths:
            self._lengths[field] = b"".join(_whoosh_postings.length_bytes(r, field) for r, _ in self._leaves)
        return self._lengths[field]


def plain_words(node) -> tuple[list[queries.Word], list[queries.Word]] | None:
    """(the words looked for, the words excluded) of a query made only of
    words and -words, or None."""
    if isinstance(node, queries.Word):
        return [node], []
    if not isinstance(node, queries.And):
        return None
    wanted, excluded = [], []
    for child in node.children:
        if isinstance(child, queries.Word):
            wanted.append(child)
        elif isinstance(child, queries.Not) and isinstance(child.child, queries.Word):
            excluded.append(child.child)
        else:
            return None
    return (wanted, excluded) if wanted else None


class PlainWordMatches:
    """The paragraphs a plain-word query matches: those with every word, and
    those with only some, each scored as the sum over words and fields."""

    def __init__(self, terms: list[list[_TermPostings]], excluded: set[int], k1_plus_1: float):
        self._terms = terms
        self._k1_plus_1 = k1_plus_1
        self._flat = [t for word in terms for t in word if t.frequencies]
        self._docs = [set().union(*(t.frequencies for t in word)) - excluded for word in terms]
        self.every_word: set[int] = set.intersection(*self._docs)
        self._any_word: set[int] | None = None

    @property
    def any_word(self) -> set[int]:
        if self._any_word is None:
            self._any_word = set().union(*self._docs)
        return self._any_word

    def score(self, docnum: int) -> float:
        total = 0.0
        k1_plus_1 = self._k1_plus_1
        for term in self._flat:
            if docnum in term.frequencies:
                total += term.score(docnum, k1_plus_1)
        return total

    def best(self, limit: int, every_word: bool, skip: set[int]) -> list[tuple[float, int]]:
        """The ``limit`` best (score, document number), best first; ties in
        document order, as Whoosh breaks them.  ``every_word`` False: from
        the paragraphs holding some but not all of the words."""
        if every_word:
            scored = ((self.score(d), d) for d in self.every_word - skip)
            return heapq.nsmallest(limit, scored, key=_rank_key)
        return self._best_of_some(limit, skip | self.every_word)

    def _best_of_some(self, limit: int, skip: set[int]) -> list[tuple[float, int]]:
        # Visit the words from the one whose postings can score the most;
        # a paragraph first met at word i holds none of the words before it,
        # so it cannot score more than the bounds of words i onwards.
        order = sorted(range(len(self._docs)), key=lambda i: -sum(t.bound for t in self._terms[i]))
        remaining = sum(t.bound for word in self._terms for t in word)
        best: list[tuple[float, int]] = []  # a heap of the kept, worst first
        visited = set(skip)
        for i in order:
            if len(best) >= limit and remaining * _ROUNDING < best[0][0]:
                break
            for docnum in self._docs[i] - visited:
                item = (self.score(docnum), -docnum)
                if len(best) < limit:
                    heapq.heappush(best, item)
                elif item > best[0]:
                    heapq.heapreplace(best, item)
            visited |= self._docs[i]
            remaining -= sum(t.bound for t in self._terms[i])
        return sorted(((score, -negated) for score, negated in best), key=_rank_key)


_ROUNDING = 1 + 1e-9  # a bound must hold after floating-point rounding too


def _rank_key(item: tuple[float, int]) -> tuple[float, int]:
    score, docnum = item
    return (-score, docnum)
