"""searcher: full-text search for Indonesian news, paragraph by paragraph.

The library is ``searcher.Index`` (see ``searcher.index``); errors meant
for the user are ``searcher.SearchError``.
"""

__version__ = "0.1.0"

__all__ = ["Index", "SearchError", "__version__"]


def __getattr__(name: str):
    # Imported when first asked for: `search query` imports this package
    # for its version, and needs neither.
    if name == "Index":
        from searcher.index import Index

        return Index
    if name == "SearchError":
        from searcher.errors import SearchError

        return SearchError
    raise AttributeError(f"module 'searcher' has no attribute {name!r}")
