"""Prefix queries (``tandatangan*``): the words a prefix stands for.

A prefix stands for every word of the index that starts with it, in the
body and the title, up to a share of MAX_EXPANSIONS terms (the first, in
the index's order): a query's prefixes and the fields they are searched
in share them equally, as Elasticsearch caps a query's clauses at 1,024
in all, so a query's cost is bounded however many prefixes it has.  A
query that hits the cap says so.  The words' scores are then added up
from the postings (``ranking``): the sums Whoosh's Prefix would give, which
ORs a term matcher for each word and walks that tree for every paragraph.
"""

from __future__ import annotations

from itertools import islice

MAX_EXPANSIONS = 1024  # terms the prefixes of one query stand for, at most, in all fields


class PrefixExpansions:
    """The words each prefix of one query stands for, in each field: up to
    an equal share of MAX_EXPANSIONS for each (field, prefix) the query
    searches.  ``capped``: (prefix, the share) for each prefix that stood
    for more."""

    def __init__(self, whoosh_reader, node):
        from searcher.query import tree as queries

        self._whoosh_reader = whoosh_reader  # called for Whoosh's reader, which walks the vocabulary
        self._words: dict[tuple[str, str], list[str]] = {}
        searched = {  # (field, prefix text)
            (field, prefix.text)
            for prefix in queries.prefixes(node)
            for field, _, _ in queries.prefix_terms(prefix, lambda field, text: [text])
        }
        self._share = max(1, MAX_EXPANSIONS // len(searched)) if searched else MAX_EXPANSIONS
        self.capped: list[tuple[str, int]] = []

    def __call__(self, field: str, prefix: str) -> list[str]:
        key = (field, prefix)
        if key not in self._words:
            share = self._share
            found = islice(self._whoosh_reader().expand_prefix(field, prefix), share + 1)
            words = [term.decode("utf-8") for term in found]
            if len(words) > share:
                words.pop()
                if prefix not in (capped for capped, _ in self.capped):
                    self.capped.append((prefix, share))
            self._words[key] = words
        return self._words[key]
