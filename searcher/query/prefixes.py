"""Prefix queries (``tandatangan*``): the words a prefix stands for, and
their scores as one matcher.

A prefix stands for every word of the index that starts with it, up to
MAX_EXPANSIONS of them in each field (the first, in the index's order)
shared by all the prefixes of a query, as Elasticsearch caps a query's
clauses at 1,024; a query that hits the cap says so.  Whoosh's own Prefix ORs a term matcher for each word, and
its search walks that tree of matchers for every paragraph: ``pen*``
(786 words) took 8 s on 2,000 articles.  Here the words' scores are added
up paragraph by paragraph from the postings in bulk (``ranking``), the
same BM25 sums, and handed to Whoosh as one list per segment.  A query of
words and prefixes alone does not reach Whoosh's matchers at all
(``ranking.plain_words``); this is for prefixes beside phrases or inside
nested operators.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cache
from itertools import islice

MAX_EXPANSIONS = 1024  # words the prefixes of one query stand for, at most, in one field


class PrefixExpansions:
    """The words each prefix of one query stands for: in each field, the
    query's prefixes share MAX_EXPANSIONS words equally (so a query's cost
    is bounded however many prefixes it has).  ``capped``: (prefix, its
    share) for each prefix that stood for more than its share."""

    def __init__(self, whoosh_reader, node):
        from searcher.query import tree as queries

        self._whoosh_reader = whoosh_reader  # called for Whoosh's reader, which walks the vocabulary
        self._words: dict[tuple[str, str], list[str]] = {}
        prefixes: dict[str, set[str]] = {}  # field: the texts of the prefixes searched in it
        for prefix in queries.prefixes(node):
            for field, _, _ in queries.prefix_terms(prefix, lambda field, text: [text]):
                prefixes.setdefault(field, set()).add(prefix.text)
        self._shares = {field: max(1, MAX_EXPANSIONS // len(texts)) for field, texts in prefixes.items()}
        self.capped: list[tuple[str, int]] = []

    def __call__(self, field: str, prefix: str) -> list[str]:
        key = (field, prefix)
        if key not in self._words:
            share = self._shares.get(field, MAX_EXPANSIONS)
            found = islice(self._whoosh_reader().expand_prefix(field, prefix), share + 1)
            words = [term.decode("utf-8") for term in found]
            if len(words) > share:
                words.pop()
                if prefix not in (capped for capped, _ in self.capped):
                    self.capped.append((prefix, share))
            self._words[key] = words
        return self._words[key]


class PrefixScores:
    """Whoosh queries for prefixes, each matching with the scores the
    plain-word scorer works out for the words it stands for."""

    def __init__(self, scorer, files, expand: PrefixExpansions):
        self._scorer = scorer  # ranking.PlainWordScorer
        self._expand = expand
        self._spans = {segment.name: (segment.offset, segment.doc_count) for segment in files.segments}
        self._scores: dict[tuple[str, str, float], tuple[list[int], list[float]]] = {}

    def query(self, field: str, text: str, boost: float):
        query = _whoosh_classes()[0](field, text, boost=boost)
        query.scores = self
        return query

    def size(self, field: str, text: str, boost: float) -> int:
        """How many documents match: what Whoosh orders an AND's parts by
        (its own Prefix looks up every word's frequency for it)."""
        return len(self._scored(field, text, boost)[0])

    def leaf_matcher(self, field: str, text: str, boost: float, reader):
        """The matcher of one segment's reader (Whoosh runs a query segment
        by segment, in the segment's own document numbers)."""
        from whoosh.matching import NullMatcher

        segment = reader.segment()
        span = self._spans.get(segment.segment_id()) if segment is not None else None
        if span is None:
            return NullMatcher()
        docs, scores = self._scored(field, text, boost)
        offset, count = span
        start, end = bisect_left(docs, offset), bisect_left(docs, offset + count)
        if start == end:
            return NullMatcher()
        return _whoosh_classes()[1]([docnum - offset for docnum in docs[start:end]], scores[start:end])

    def _scored(self, field: str, text: str, boost: float) -> tuple[list[int], list[float]]:
        """The documents holding a word the prefix stands for, ascending, and
        their scores: the words' BM25 scores added up."""
        from searcher.query.ranking import PlainWordMatches, _TermPostings

        key = (field, text, boost)
        if key not in self._scores:
            terms = [_TermPostings(self._scorer, field, word, boost) for word in self._expand(field, text)]
            matches = PlainWordMatches([terms], set(), self._scorer.k1_plus_1, any_word=True)
            scores = matches.scores(set().union(*(term.read_all() for term in terms)))
            docs = sorted(scores)
            self._scores[key] = docs, [scores[docnum] for docnum in docs]
        return self._scores[key]


@cache
def _whoosh_classes():
    """Whoosh's Prefix, matching through PrefixScores, and its matcher
    (made here, not at import: a query without a prefix does not import
    Whoosh)."""
    from whoosh.matching import ListMatcher
    from whoosh.query import Prefix

    class ScoredPrefix(Prefix):
        scores: PrefixScores | None = None  # set by PrefixScores.query

        def matcher(self, searcher, context=None):
            if self.scores is None:  # a copy Whoosh made afresh
                return super().matcher(searcher, context)
            return self.scores.leaf_matcher(self.fieldname, self.text, self.boost, searcher.reader())

        def estimate_size(self, ixreader) -> int:
            if self.scores is None:
                return super().estimate_size(ixreader)
            return self.scores.size(self.fieldname, self.text, self.boost)

        estimate_min_size = estimate_size

    class ScoreList(ListMatcher):
        """A ListMatcher of scores that knows its best one: Whoosh's works it
        out with max() over the whole list each time its search asks."""

        def __init__(self, ids, weights, position=0, best=None):
            super().__init__(ids, weights=weights, position=position)
            self._best = max(weights) if best is None else best

        def copy(self):
            return ScoreList(self._ids, self._weights, self._i, self._best)

        def block_max_weight(self):
            return self._best

    return ScoredPrefix, ScoreList
