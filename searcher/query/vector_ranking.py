"""Plain-word matching over NumPy arrays, for a searcher that serves many
queries.

``ranking.PlainWordMatches`` works with sets and dictionaries, some tens of
nanoseconds for each posting it touches: a query on two common words (tens
of thousands of paragraphs each, thousands holding both) spends 10-20 ms
there.  Here each term's postings become two arrays, and a term's scores
are worked out for all the paragraphs it counts in at once: 2-4 ms for the
same query.

The scores are the same floats: each term's BM25 score is computed
operation for operation as ``_TermPostings.add_scores`` computes it, and
added to a paragraph's in the same order; ties fall in document order.  So
the hits are the same, whichever way they were worked out.

Paragraphs are worked out in one of two ways, by how many there are: over
arrays of all the index's paragraphs (masks, and scores added where each
term's postings fall), whose fixed cost is some 0.4 ms at 800,000
paragraphs, or, for a few thousand, by looking each one up in each term's
postings with a binary search (``SPARSE_SHARE``).  "Every word" is the
rarest word's paragraphs, kept where each other word is found (or, when
even the rarest word is common, where the words' masks meet).  The
"some words" pass keeps ``PlainWordMatches``' bound: the words are visited
from the one whose postings can score the most, and a paragraph holding
only words that cannot add up to the k-th best so far is never scored.

A searcher keeps its most common terms' arrays from one query to the
next (``TermArrays``).

Importing NumPy takes about 0.1 s, as long as a whole one-shot
``search query``: ``ParagraphSearcher`` works this way from its second
search on.
"""

from __future__ import annotations

import numpy as np

from searcher.query.ranking import _ROUNDING, PlainWordMatches, _rounds, _TermPostings, word_bound


class VectorMatches(PlainWordMatches):
    """PlainWordMatches, worked out over arrays of ``doc_count`` entries
    (one for each document number of the index)."""

    # Below one paragraph in this many of the index, a pass's paragraphs are
    # looked up in each term's postings (about 9 ns a paragraph and a term);
    # above, scored over arrays of every paragraph.  Measured at 160,000 and
    # 800,000 paragraphs: the two cost the same near one in 200-300.
    SPARSE_SHARE = 256

    def __init__(
        self, terms: list[list[_TermPostings]], excluded: set[int], k1_plus_1: float, any_word: bool = False,
        allowed=None, *, doc_count: int, known: TermArrays | None = None,
    ):
        super().__init__(terms, excluded, k1_plus_1, any_word, allowed)
        self._doc_count = doc_count
        self._known = known
        self._postings: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # id(term): (documents, frequencies)
        self._every_docs: np.ndarray | None = None
        self._any_mask: np.ndarray | None = None
        self._masks: dict[tuple[int, ...], np.ndarray] = {}  # see _mask
        self._blocked_mask: np.ndarray | None = None

    def _arrays(self, term: _TermPostings) -> tuple[np.ndarray, np.ndarray]:
        """The term's live documents (index-wide numbers, ascending) and
        their frequencies."""
        key = id(term)
        if key not in self._postings:
            arrays = self._known.get(term.key) if self._known is not None else None
            if arrays is None:
                arrays = _decoded(term)
                if self._known is not None:
                    self._known.add(term.key, arrays)
            self._postings[key] = arrays
        return self._postings[key]

    def _is_few(self, documents: np.ndarray) -> bool:
        return self._is_few_count(len(documents))

    def _is_few_count(self, count: int) -> bool:
        return count * self.SPARSE_SHARE < self._doc_count

    def _holding(self, documents: np.ndarray, word: list[_TermPostings]) -> np.ndarray:
        """Which of ``documents`` (ascending) hold any of ``word``'s terms, as booleans."""
        if not self._is_few(documents):
            return self._mask(word)[documents]
        held = np.zeros(len(documents), dtype=bool)
        for term in word:
            held |= _found_in(self._arrays(term)[0], documents)[0]
        return held

    def _mask(self, terms: list[_TermPostings]) -> np.ndarray:
        """True for the documents holding any of ``terms`` (a word's);
        remembered, as the passes ask for the same words' (not to be
        changed)."""
        key = tuple(map(id, terms))
        mask = self._masks.get(key)
        if mask is None:
            mask = self._masks[key] = np.zeros(self._doc_count, dtype=bool)
            for term in terms:
                mask[self._arrays(term)[0]] = True
        return mask

    def _blocked(self) -> np.ndarray | None:
        """True for the excluded paragraphs and those a filter does not
        allow; None when there are none."""
        if not self._excluded and self._allowed is None:
            return None
        if self._blocked_mask is None:
            blocked = np.zeros(self._doc_count, dtype=bool)
            if self._excluded:
                blocked[np.fromiter(self._excluded, np.int64, len(self._excluded))] = True
            if self._allowed is not None:
                blocked |= ~self._allowed.mask(self._doc_count)
            self._blocked_mask = blocked
        return self._blocked_mask

    def _unblocked(self, documents: np.ndarray) -> np.ndarray:
        blocked = self._blocked()
        return documents if blocked is None else documents[~blocked[documents]]

    def _word_documents(self, word: list[_TermPostings]) -> np.ndarray:
        """The documents holding any of the word's terms, ascending, less
        the blocked ones."""
        arrays = [self._arrays(term)[0] for term in word]
        if len(arrays) == 1:
            return self._unblocked(arrays[0])
        together = np.concatenate(arrays) if arrays else np.zeros(0, np.int64)  # (no terms: a prefix of no word)
        if not self._is_few(together):
            return self._unblocked(np.flatnonzero(self._mask(word)))
        together.sort()  # (np.unique hashes: 0.1 s for 100,000 paragraphs)
        first = np.ones(len(together), dtype=bool)
        first[1:] = together[1:] != together[:-1]
        return self._unblocked(together[first])

    def _every(self) -> np.ndarray:
        """The documents holding every word, ascending: the rarest word's,
        kept where each other word is found; when even the rarest is
        common, where all the words' masks meet."""
        if self._every_docs is None:
            if not self._terms:
                documents = np.zeros(0, np.int64)
            elif self._is_few_at_most(self._terms[0]) or len(self._terms) == 1:
                documents = self._word_documents(self._terms[0])
                for word in self._terms[1:]:
                    documents = documents[self._holding(documents, word)]
            else:
                first, second, *others = [self._mask(word) for word in self._terms]
                meeting = first & second
                for mask in others:
                    meeting &= mask
                documents = self._unblocked(np.flatnonzero(meeting))
            self._every_docs = documents
        return self._every_docs

    def _is_few_at_most(self, word: list[_TermPostings]) -> bool:
        """Whether the word's documents are few, counting each term's."""
        return self._is_few_count(sum(len(self._arrays(term)[0]) for term in word))

    def _any(self) -> np.ndarray:
        """True for the documents holding any word, less the blocked ones."""
        if self._any_mask is None:
            mask = np.zeros(self._doc_count, dtype=bool)
            for word in self._terms:
                mask |= self._mask(word)
            blocked = self._blocked()
            self._any_mask = mask if blocked is None else mask & ~blocked
        return self._any_mask

    def first(self, count: int, every_word: bool) -> list[int]:
        return self.matching(every_word)[:count].tolist()

    def matching(self, every_word: bool) -> np.ndarray:
        """The documents a pass matches, as an array of their numbers."""
        return self._every() if every_word and not self.any_word else np.flatnonzero(self._any())

    def _pass_documents(self, every_word: bool, skip: set[int]) -> np.ndarray:
        """The documents of a pass, ascending, less ``skip``."""
        if every_word and not self.any_word:
            documents = self._every()
        else:
            mask = self._any()
            if not self.any_word:
                mask = mask.copy()
                mask[self._every()] = False
            documents = np.flatnonzero(mask)
        return documents[~np.isin(documents, _array(skip))] if skip else documents

    def scored(self, every_word: bool, skip: set[int]) -> dict[int, float]:
        documents = self._pass_documents(every_word, skip)
        return dict(zip(documents.tolist(), self._scores(documents).tolist()))

    def newest(self, limit: int, every_word: bool, skip: set[int], columns) -> list[tuple[float, int]]:
        """``PlainWordMatches.newest``, over arrays: by date, newest first,
        then by score, then in document order."""
        documents = self._pass_documents(every_word, skip)
        if limit <= 0 or not len(documents):
            return []
        scores = self._scores(documents)
        order = np.lexsort((documents, -scores, -columns.days_array()[documents]))[:limit]
        return list(zip(scores[order].tolist(), documents[order].tolist()))

    def best(self, limit: int, every_word: bool, skip: set[int]) -> list[tuple[float, int]]:
        if limit <= 0:
            return []
        if every_word and not self.any_word:
            documents = self._pass_documents(every_word, skip)
            return _best_first(documents, self._scores(documents), limit)
        return self._best_of_some(limit, skip)

    def _best_of_some(self, limit: int, skip: set[int]) -> list[tuple[float, int]]:
        """``PlainWordMatches._best_of_some``, over arrays: the words from
        the one whose postings can score the most; a paragraph first met at
        word i holds none of the words before it, so it cannot score more
        than the bounds of words i onwards."""
        visited = np.zeros(self._doc_count, dtype=bool)
        if skip:
            visited[_array(skip)] = True
        if not self.any_word:
            visited[self._every()] = True
        order = sorted(self._terms, key=word_bound, reverse=True)
        remaining = sum(map(word_bound, order))
        best_documents, best_scores = np.zeros(0, np.int64), np.zeros(0)
        for start, end in _rounds(len(order)):  # (as there: a long query in a few rounds)
            if len(best_documents) >= limit and remaining * _ROUNDING < best_scores[limit - 1]:
                break
            new = []
            for word in order[start:end]:
                documents = self._word_documents(word)
                new.append(documents[~visited[documents]])
                visited[documents] = True
            new = new[0] if len(new) == 1 else np.sort(np.concatenate(new))  # (each new once: visited as met)
            remaining -= sum(map(word_bound, order[start:end]))
            if len(new):
                documents = np.concatenate((best_documents, new))
                scores = np.concatenate((best_scores, self._scores(new, self._flat_terms_of(order[start:]))))
                order_kept = _best_order(documents, scores, limit)
                best_documents, best_scores = documents[order_kept], scores[order_kept]
        return list(zip(best_scores.tolist(), best_documents.tolist()))

    def _scores(self, documents: np.ndarray, terms: list[_TermPostings] | None = None) -> np.ndarray:
        """The scores of ``documents`` (ascending), term by term in
        ``_flat``'s order, as ``_TermPostings.add_scores`` adds them: for a
        few, each looked up in each term's postings; else over arrays of
        every document.  ``terms``: only those of ``_flat`` (in its order)
        can hold any."""
        scores = np.zeros(len(documents))
        terms = self._flat if terms is None else terms
        if not self._is_few(documents):
            # Each term's postings among the documents, found with a mask of
            # the index's documents, then placed by a binary search among
            # them: no array of a score for every document of the index.
            mask = np.zeros(self._doc_count, dtype=bool)
            mask[documents] = True
            for term in terms:
                held, frequencies = self._arrays(term)
                inside = np.flatnonzero(mask[held])
                held = held.take(inside)
                scores[documents.searchsorted(held)] += self._term_scores(term, held, frequencies.take(inside))
            return scores
        for term in terms:
            held, frequencies = self._arrays(term)
            found, at = _found_in(held, documents)
            scores[found] += self._term_scores(term, documents[found], frequencies[at[found]])
        return scores

    def _term_scores(self, term: _TermPostings, documents: np.ndarray, frequencies: np.ndarray) -> np.ndarray:
        norms = np.asarray(term.norms)[np.frombuffer(term.lengths, np.uint8)[documents]]
        return term.idf * ((frequencies * self._k1_plus_1) / (frequencies + norms)) * term.boost


def _decoded(term: _TermPostings) -> tuple[np.ndarray, np.ndarray]:
    """The term's live documents and their frequencies (``_arrays``), read
    and decoded, read-only."""
    documents, frequencies = [], []
    for offset, ids, weights, deleted in term.columns():
        ids = np.asarray(ids, dtype=np.int64)
        weights = np.frombuffer(weights, np.uint8) if isinstance(weights, bytes) else np.asarray(weights)
        if deleted:
            live = ~np.isin(ids, np.fromiter(deleted, np.int64, len(deleted)))
            ids, weights = ids[live], weights[live]
        documents.append(ids + offset)
        frequencies.append(weights.astype(np.float64))
    arrays = (
        np.concatenate(documents) if documents else np.zeros(0, np.int64),
        np.concatenate(frequencies) if frequencies else np.zeros(0),
    )
    for array in arrays:
        array.flags.writeable = False  # (shared between queries: see TermArrays)
    return arrays


class TermArrays:
    """The decoded postings of a searcher's most common terms, kept from
    one query to the next.  Common words and roots ("orang", "dapat",
    "diri") come back in query after query, and reading and decoding one
    in a few hundred thousand paragraphs is about a millisecond each
    time.  Only terms in at least MIN_POSTINGS paragraphs are kept, the
    least recently used dropped past LIMIT_BYTES.  A searcher reads one
    generation of the index, so what it keeps stays true."""

    MIN_POSTINGS = 4096
    LIMIT_BYTES = 64 * 1024 * 1024

    def __init__(self) -> None:
        from collections import OrderedDict

        self._arrays: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._arrays)

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, key: tuple[str, str]) -> tuple[np.ndarray, np.ndarray] | None:
        arrays = self._arrays.get(key)
        if arrays is not None:
            self._arrays.move_to_end(key)
        return arrays

    def add(self, key: tuple[str, str], arrays: tuple[np.ndarray, np.ndarray]) -> None:
        size = sum(array.nbytes for array in arrays)
        if len(arrays[0]) < self.MIN_POSTINGS or size > self.LIMIT_BYTES or key in self._arrays:
            return
        self._arrays[key] = arrays
        self._bytes += size
        while self._bytes > self.LIMIT_BYTES:
            _, dropped = self._arrays.popitem(last=False)
            self._bytes -= sum(array.nbytes for array in dropped)


def _found_in(haystack: np.ndarray, needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``needles`` the ascending ``haystack`` holds (booleans),
    and where in it (meaningful where held)."""
    if not len(haystack):
        return np.zeros(len(needles), dtype=bool), np.zeros(len(needles), dtype=np.int64)
    at = haystack.searchsorted(needles)
    at[at == len(haystack)] = 0
    return haystack[at] == needles, at


def _array(documents: set[int]) -> np.ndarray:
    return np.fromiter(documents, np.int64, len(documents))


def _best_order(documents: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """Where the ``limit`` best are, best first, ties in document order."""
    candidates = np.arange(len(scores))
    if len(scores) > limit:  # the scores that can make the cut, ties at the limit included
        cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        candidates = np.flatnonzero(scores >= cut)
    return candidates[np.lexsort((documents[candidates], -scores[candidates]))[:limit]]


def _best_first(documents: np.ndarray, scores: np.ndarray, limit: int) -> list[tuple[float, int]]:
    """The ``limit`` best (score, document number), best first, ties in document order."""
    order = _best_order(documents, scores, limit)
    return list(zip(scores[order].tolist(), documents[order].tolist()))
