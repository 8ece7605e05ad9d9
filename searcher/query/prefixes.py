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
