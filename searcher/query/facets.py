"""Counts of a query's matching paragraphs by month and by site
(``search query --facets``, like Kibana's histogram beside the hits).

Counted from two columns read whole (``filters.MetadataColumns``), not
from stored fields: each paragraph's day of publication (``day``) and its
site's number (``site_hash``).  A site's name is read from one paragraph
of it.  A long-lived searcher works out once, for every paragraph, the
index of its month and of its site, and then counts a query's matches in
one ``bincount`` each; a one-shot query counts with ``Counter``.
"""

from __future__ import annotations

from collections import Counter

_EPOCH_ORDINAL = 719163  # datetime.date(1970, 1, 1).toordinal()


def count(docs, columns, site_name) -> dict:
    """``{"months": {"2024-06": n, ...}, "undated": n, "sites": {name: n,
    ...}, "no_site": n}`` for the documents ``docs`` (a set, or a NumPy
    array of numbers), read through ``columns`` (a
    ``filters.MetadataColumns``); months in order, sites most first.
    ``site_name(document)``: the site of that document, as stored."""
    by_month, undated, by_site, no_site = (_in_arrays if hasattr(docs, "dtype") else _in_python)(docs, columns)
    named: Counter = Counter()
    names = columns.array("site names", dict)  # site number: name, as found
    for number, (paragraphs, docnum) in by_site.items():
        if number not in names:
            names[number] = site_name(docnum)
        named[names[number]] += paragraphs
    return {
        "months": dict(sorted(by_month.items())),
        "undated": undated,
        "sites": dict(sorted(named.items(), key=lambda item: (-item[1], item[0]))),
        "no_site": no_site,
    }


def _in_python(docs, columns):
    """(paragraphs by "YYYY-MM", undated, {site number: (paragraphs, one
    document)}, without a site), counted document by document."""
    import datetime

    days, numbers = columns.days(), columns.site_numbers()
    by_day = Counter(map(days.__getitem__, docs))
    per_site = Counter(map(numbers.__getitem__, docs))
    example: dict[int, int] = {}
    wanted = {number for number in per_site if number}
    for docnum in docs:  # one paragraph of each site, for its name
        number = numbers[docnum]
        if number in wanted and number not in example:
            example[number] = docnum
            if len(example) == len(wanted):
                break
    by_month: Counter = Counter()
    for day, paragraphs in by_day.items():
        if day:
            by_month[datetime.date.fromordinal(day).strftime("%Y-%m")] += paragraphs
    by_site = {number: (per_site[number], docnum) for number, docnum in example.items()}
    return by_month, by_day.get(0, 0), by_site, per_site.get(0, 0)


def _in_arrays(docs, columns):
    """The same, with a bincount over each paragraph's month and site index."""
    import numpy as np

    month_of, site_of, site_numbers, first_of_site = _indexes(columns)
    months = np.bincount(month_of[docs], minlength=1)
    sites = np.bincount(site_of[docs], minlength=len(site_numbers))
    by_month = {}
    for index in np.flatnonzero(months[1:]).tolist():  # index 0: undated
        year, month = divmod(index, 12)
        by_month[f"{year:04d}-{month + 1:02d}"] = int(months[index + 1])
    by_site, no_site = {}, 0
    for index in np.flatnonzero(sites).tolist():
        number = int(site_numbers[index])
        if number:
            # (the first paragraph of the site in the index: any will do for its name)
            by_site[number] = (int(sites[index]), int(first_of_site[index]))
        else:
            no_site = int(sites[index])
    return by_month, int(months[0]), by_site, no_site


def _indexes(columns):
    """For every paragraph, 1 + its month counted from year 0 (0: undated)
    and the index of its site among the distinct site numbers; those
    numbers, and the first paragraph of each."""
    import numpy as np

    def months():
        days = columns.days_array()
        dated = days > 0
        since_1970 = (np.where(dated, days, _EPOCH_ORDINAL) - _EPOCH_ORDINAL).astype("datetime64[D]")
        month = since_1970.astype("datetime64[M]").astype(np.int64) + 1970 * 12
        return np.where(dated, month + 1, 0)

    def sites():
        numbers, first, index = np.unique(np.asarray(columns.site_numbers()), return_index=True, return_inverse=True)
        return numbers, first, index

    site_numbers, first_of_site, site_of = columns.array("site indexes", sites)
    return columns.array("month indexes", months), site_of, site_numbers, first_of_site
