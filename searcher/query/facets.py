"""Counts of a query's matching paragraphs by month and by site
(``search query --facets``, like Kibana's histogram beside the hits).

Counted from two columns read whole, not from stored fields: each
paragraph's day of publication (``day``) and its site's number
(``site_hash``).  A site's name is read from one paragraph of it.
"""

from __future__ import annotations

from collections import Counter

SITE_COLUMN = "site_hash"
_SITE_WIDTH = 4  # NumericColumn("I"): big-endian unsigned 32 bits


def site_numbers(files):
    """Each document's site number (0: none), from the column."""
    from searcher.query.filters import _column_array

    return _column_array(files.whole_column(SITE_COLUMN, _SITE_WIDTH, bytes(_SITE_WIDTH)), "I")


def count(docs, days, sites, site_name) -> dict:
    """``{"months": {"2024-06": n, ...}, "undated": n, "sites": {name: n,
    ...}, "no_site": n}`` for the documents ``docs`` (a set, or a NumPy
    array of numbers); months in order, sites most first.
    ``site_name(document)``: the site of that document, as stored."""
    import datetime

    if hasattr(docs, "dtype"):  # NumPy: count in arrays
        import numpy as np

        by_day = dict(zip(*(a.tolist() for a in np.unique(np.asarray(days)[docs], return_counts=True))))
        numbers = np.asarray(sites)[docs]
        by_site = dict(zip(*(a.tolist() for a in np.unique(numbers, return_counts=True))))
        example = {number: int(docs[np.argmax(numbers == number)]) for number in by_site if number}
    else:
        by_day = Counter(map(days.__getitem__, docs))
        by_site = Counter(map(sites.__getitem__, docs))
        example = {}
        wanted = {number for number in by_site if number}
        for docnum in docs:  # one paragraph of each site, for its name
            number = sites[docnum]
            if number in wanted and number not in example:
                example[number] = docnum
                if len(example) == len(wanted):
                    break
    months: Counter = Counter()
    for day, paragraphs in by_day.items():
        if day:
            months[datetime.date.fromordinal(day).strftime("%Y-%m")] += paragraphs
    named: Counter = Counter()
    for number, docnum in example.items():
        named[site_name(docnum)] += by_site[number]
    return {
        "months": dict(sorted(months.items())),
        "undated": by_day.get(0, 0),
        "sites": dict(sorted(named.items(), key=lambda item: (-item[1], item[0]))),
        "no_site": by_site.get(0, 0),
    }
