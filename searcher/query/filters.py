"""Narrowing a query to articles of some dates and sites (``--since``,
``--until``, ``--site``), and ordering hits by date (``--sort date``).

A filter is worked out from what the index keeps for it, never from the
stored fields of the matches: a site's paragraphs are the postings of its
``site_key`` term, and each paragraph's day of publication is the ``day``
column (``date.toordinal()``, 0 when unknown), read whole at 4 bytes a
paragraph.  The matchers (``ranking``, ``vector_ranking``) keep only the
paragraphs a filter allows before anything is scored or counted, so
counts, pages and the "some words" pass all see the same narrowed index.
"""

from __future__ import annotations

import sys
from array import array

from searcher.errors import QueryError
from searcher.records import TYPE_CHECKING, record

if TYPE_CHECKING:
    import datetime  # imported where used: a query with no filter needs none of it

DAY_COLUMN = "day"
_DAY_WIDTH = 4  # NumericColumn("i"): big-endian signed 32 bits
SITE_COLUMN = "site_hash"
_SITE_WIDTH = 4  # NumericColumn("I"): big-endian unsigned 32 bits
_DAY = r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$"


def parse_day(text: str, end: bool = False) -> datetime.date:
    """``2024``, ``2024-06`` or ``2024-06-18``: its first day, or with
    ``end`` its last.  Raises ValueError saying what is wrong."""
    import datetime
    import re

    match = re.match(_DAY, text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date: use 2024, 2024-06 or 2024-06-18")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return datetime.date(year, 12, 31) if end else datetime.date(year, 1, 1)
        if day is None:
            first = datetime.date(year, month, 1)
            if not end:
                return first
            following = datetime.date(year + month // 12, month % 12 + 1, 1)
            return following - datetime.timedelta(days=1)
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a date: no such day") from None


@record
class Filters:
    """What a query is narrowed to: articles published from ``since`` to
    ``until`` (inclusive; either may be open), on one of ``sites`` (by
    name, case and spacing aside).  Articles without a date are outside
    any date range."""

    since: datetime.date | None = None
    until: datetime.date | None = None
    sites: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.sites)


class MetadataColumns:
    """What filters, the date order and facets read, for one open index
    generation, read once and kept: a searcher that serves many queries
    reads the day and site columns and a site's postings once, not per
    query.  The NumPy forms are made only where NumPy is in use (a
    long-lived searcher)."""

    def __init__(self, files, documents):
        """``documents(field, text)``: a term's {document: frequency}."""
        self._files = files
        self._documents = documents
        self._raw_days: bytes | None = None
        self._days: array | None = None
        self._site_docs: dict[str, set[int]] = {}
        self._arrays: dict[str, object] = {}  # forms worked out from the columns, by name

    @property
    def doc_count(self) -> int:
        return self._files.doc_count_all()

    def column(self, name: str, width: int) -> bytes:
        """Every document's value in a fixed-width column (zeros where none)."""
        return self._files.whole_column(name, width, bytes(width))

    def raw_days(self) -> bytes:
        if self._raw_days is None:
            self._raw_days = self.column(DAY_COLUMN, _DAY_WIDTH)
        return self._raw_days

    def days(self) -> array:
        """Each document's day of publication (``date.toordinal()``; 0: unknown)."""
        if self._days is None:
            self._days = _column_array(self.raw_days())
        return self._days

    def site_numbers(self) -> array:
        """Each document's site number (``store.site_hash``; 0: none)."""
        return self.array("site numbers", lambda: _column_array(self.column(SITE_COLUMN, _SITE_WIDTH), "I"))

    def site_docs(self, site: str) -> set[int]:
        """The documents of a site (by name, case and spacing aside)."""
        from searcher.storage.store import site_key

        key = site_key(site)
        if key not in self._site_docs:
            self._site_docs[key] = set(self._documents("site_key", key))
        return self._site_docs[key]

    def array(self, name, make):
        """A form worked out from the columns, made by ``make()`` the first
        time it is asked for."""
        if name not in self._arrays:
            self._arrays[name] = make()
        return self._arrays[name]

    def days_array(self):
        import numpy as np

        return self.array("days", lambda: np.frombuffer(self.raw_days(), dtype=">i4").astype(np.int32))

    def site_mask(self, sites: tuple[str, ...]):
        import numpy as np

        def make():
            mask = np.zeros(self.doc_count, dtype=bool)
            for site in sites:
                docs = self.site_docs(site)
                if docs:
                    mask[np.fromiter(docs, np.int64, len(docs))] = True
            return mask

        return self.array(("sites",) + tuple(sorted(sites)), make)


class DocFilter:
    """The paragraphs ``filters`` allows, in the generation ``columns`` reads."""

    def __init__(self, columns: MetadataColumns, filters: Filters):
        self._columns = columns
        self._filters = filters
        self._sites: set[int] | None = None
        if filters.sites:
            self._sites = set().union(*(columns.site_docs(site) for site in filters.sites))
        self._days: array | None = None
        self._since = self._until = None
        self._mask = None
        if filters.since or filters.until:
            import datetime

            self._since = filters.since.toordinal() if filters.since else 1
            self._until = filters.until.toordinal() if filters.until else datetime.date.max.toordinal()
            self._days = columns.days()

    def allows(self, docnum: int) -> bool:
        if self._sites is not None and docnum not in self._sites:
            return False
        if self._days is not None:
            day = self._days[docnum]
            return day != 0 and self._since <= day <= self._until
        return True

    def keep(self, docs) -> set[int]:
        """Those of ``docs`` the filter allows."""
        if self._sites is not None:
            docs = self._sites.intersection(docs)
        if self._days is None:
            return set(docs)
        days, since, until = self._days, self._since, self._until
        return {docnum for docnum in docs if since <= days[docnum] <= until}  # (0, no date, is below any)

    def mask(self, doc_count: int):
        """The same as a NumPy array of booleans, one for each document."""
        if self._mask is None:
            import numpy as np

            allowed = np.ones(doc_count, dtype=bool)
            if self._sites is not None:
                allowed &= self._columns.site_mask(self._filters.sites)
            if self._days is not None:
                days = self._columns.days_array()
                allowed &= (days >= self._since) & (days <= self._until)
            self._mask = allowed
        return self._mask


def newest_first(scored: dict[int, float], days: array, limit: int) -> list[tuple[float, int]]:
    """The first ``limit`` (score, document) of ``scored`` by date, newest
    first, then by score, then in document order; undated ones last."""
    import heapq

    first = heapq.nsmallest(limit, scored.items(), key=lambda item: (-days[item[0]], -item[1], item[0]))
    return [(score, docnum) for docnum, score in first]


def _column_array(raw: bytes, typecode: str = "i") -> array:
    """A column of Whoosh's NumericColumn (big-endian) as an array."""
    values = array(typecode)
    values.frombytes(raw)
    if sys.byteorder == "little":
        values.byteswap()
    return values


def no_metadata_error(index_dir) -> QueryError:
    return QueryError(
        f"the index in {index_dir} was made before articles' dates and sites were kept; "
        "run 'search index --rebuild' to filter or sort by them"
    )
