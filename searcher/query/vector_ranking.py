"""Plain-word matching over NumPy arrays, for a searcher that serves many
queries.

``ranking.PlainWordMatches`` works with sets and dictionaries, some tens of
nanoseconds for each posting it touches: a query on two common words (tens
of thousands of paragraphs each, thousands holding both) spends 10-20 ms
there.  Here each term's postings become two arrays, "every word" is a
product of masks over all paragraphs, and a term's scores are worked out
for all the paragraphs it counts in at once: 2-4 ms for the same query.

The scores are the same floats: each term's BM25 score is computed
operation for operation as ``_TermPostings.add_scores`` computes it, and
added to a paragraph's in the same order; ties fall in document order.  So
the hits are the same, whichever way they were worked out.

Importing NumPy takes about 0.1 s, as long as a whole one-shot
``search query``: ``ParagraphSearcher`` works this way from its second
search on.
"""

from __future__ import annotations

import numpy as np

from searcher.query.ranking import PlainWordMatches, _TermPostings


class VectorMatches(PlainWordMatches):
    """PlainWordMatches, worked out over arrays of ``doc_count`` entries
    (one for each document number of the index)."""

    def __init__(
        self, terms: list[list[_TermPostings]], excluded: set[int], k1_plus_1: float, any_word: bool = False,
        allowed=None, *, doc_count: int,
    ):
        super().__init__(terms, excluded, k1_plus_1, any_word, allowed)
        self._doc_count = doc_count
        self._postings: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # id(term): (documents, frequencies)
        self._every_mask: np.ndarray | None = None
        self._any_mask: np.ndarray | None = None

    def _arrays(self, term: _TermPostings) -> tuple[np.ndarray, np.ndarray]:
        """The term's live documents (index-wide numbers, ascending) and
        their frequencies."""
        key = id(term)
        if key not in self._postings:
            documents, frequencies = [], []
            for offset, ids, weights, deleted in term.columns():
                ids = np.asarray(ids, dtype=np.int64)
                weights = np.frombuffer(weights, np.uint8) if isinstance(weights, bytes) else np.asarray(weights)
                if deleted:
                    live = ~np.isin(ids, np.fromiter(deleted, np.int64, len(deleted)))
                    ids, weights = ids[live], weights[live]
                documents.append(ids + offset)
                frequencies.append(weights.astype(np.float64))
            self._postings[key] = (
                np.concatenate(documents) if documents else np.zeros(0, np.int64),
                np.concatenate(frequencies) if frequencies else np.zeros(0),
            )
        return self._postings[key]

    def _mask(self, terms: list[_TermPostings]) -> np.ndarray:
        """True for the documents holding any of ``terms``."""
        mask = np.zeros(self._doc_count, dtype=bool)
        for term in terms:
            mask[self._arrays(term)[0]] = True
        return mask

    def _without_excluded(self, mask: np.ndarray) -> np.ndarray:
        """``mask`` less the excluded paragraphs and those a filter does not allow."""
        if self._excluded:
            mask[np.fromiter(self._excluded, np.int64, len(self._excluded))] = False
        if self._allowed is not None:
            mask &= self._allowed.mask(self._doc_count)
        return mask

    def _every(self) -> np.ndarray:
        if self._every_mask is None:
            mask = self._mask(self._terms[0])  # (a prefix that stands for no word: no terms, nothing holds it)
            for word in self._terms[1:]:
                mask &= self._mask(word)
            self._every_mask = self._without_excluded(mask)
        return self._every_mask

    def _any(self) -> np.ndarray:
        if self._any_mask is None:
            self._any_mask = self._without_excluded(self._mask([term for word in self._terms for term in word]))
        return self._any_mask

    def first(self, count: int, every_word: bool) -> list[int]:
        return np.flatnonzero(self._every() if every_word and not self.any_word else self._any())[:count].tolist()

    def _pass_mask(self, every_word: bool, skip: set[int]) -> np.ndarray:
        if self.any_word:
            mask = self._any().copy()
        else:
            mask = self._every().copy() if every_word else self._any() & ~self._every()
        if skip:
            mask[np.fromiter(skip, np.int64, len(skip))] = False
        return mask

    def matching(self, every_word: bool) -> np.ndarray:
        """The documents a pass matches, as an array of their numbers."""
        return np.flatnonzero(self._every() if every_word and not self.any_word else self._any())

    def _pass_scores(self, every_word: bool, skip: set[int]) -> tuple[np.ndarray, np.ndarray]:
        """The documents of a pass, less ``skip``, and their scores."""
        mask = self._pass_mask(every_word, skip)
        documents = np.flatnonzero(mask)
        return documents, self._scores(mask)[documents] if len(documents) else np.zeros(0)

    def scored(self, every_word: bool, skip: set[int]) -> dict[int, float]:
        documents, scores = self._pass_scores(every_word, skip)
        return dict(zip(documents.tolist(), scores.tolist()))

    def newest(self, limit: int, every_word: bool, skip: set[int], columns) -> list[tuple[float, int]]:
        """``PlainWordMatches.newest``, over arrays: by date, newest first,
        then by score, then in document order."""
        documents, scores = self._pass_scores(every_word, skip)
        if limit <= 0 or not len(documents):
            return []
        order = np.lexsort((documents, -scores, -columns.days_array()[documents]))[:limit]
        return list(zip(scores[order].tolist(), documents[order].tolist()))

    def best(self, limit: int, every_word: bool, skip: set[int]) -> list[tuple[float, int]]:
        documents, scores = self._pass_scores(every_word, skip)
        if limit <= 0 or not len(documents):
            return []
        if len(documents) > limit:  # the scores that can make the cut, ties at the limit included
            cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
            kept = scores >= cut
            documents, scores = documents[kept], scores[kept]
        order = np.lexsort((documents, -scores))[:limit]  # best first, ties in document order
        return list(zip(scores[order].tolist(), documents[order].tolist()))

    def _scores(self, mask: np.ndarray) -> np.ndarray:
        """Each document's score (0 outside ``mask``), term by term in
        ``_flat``'s order, as ``_TermPostings.add_scores`` adds them."""
        scores = np.zeros(self._doc_count)
        for term in self._flat:
            documents, frequencies = self._arrays(term)
            inside = mask[documents]
            documents, frequencies = documents[inside], frequencies[inside]
            norms = np.asarray(term.norms)[np.frombuffer(term.lengths, np.uint8)[documents]]
            scores[documents] += term.idf * ((frequencies * self._k1_plus_1) / (frequencies + norms)) * term.boost
        return scores
