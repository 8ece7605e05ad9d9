"""The errors of the library.  ``SearchError`` and its kinds are for the
user: one line each (the CLI prints the message and exits with status 2).
"""

from __future__ import annotations


class SearchError(Exception):
    """A problem with the index, a setting or a query, worded for the user."""


class QueryError(SearchError):
    """A query that cannot be run as typed."""


class SearchIndexError(SearchError):
    """A problem with the index or with indexing."""


class IndexMissing(SearchIndexError):
    pass


class IndexLocked(SearchIndexError):
    """Another run is writing the index."""


class IndexOutdated(SearchIndexError):
    """Made by an older version of searcher: ``search index --rebuild``."""


class IndexDamaged(SearchIndexError):
    """A file of the index is missing, cut short or garbled."""


class WorkerFailed(SearchIndexError):
    """An indexing worker failed, so the batch it was part of cannot be saved."""


class ArticleNotFound(SearchIndexError):
    pass


class Interrupted(Exception):
    """Indexing was stopped (Ctrl-C); ``report`` (an indexing.IndexReport)
    says what was saved."""

    def __init__(self, report):
        super().__init__("interrupted")
        self.report = report
