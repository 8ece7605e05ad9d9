"""The errors a user is told about in one line (the CLI prints the message,
and exits with status 2)."""


class SearchError(Exception):
    """A problem with the index, a setting or a query, worded for the user."""


class QueryError(SearchError):
    """A query that cannot be run as typed."""
