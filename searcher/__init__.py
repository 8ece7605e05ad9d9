"""searcher: full-text search for Indonesian news, paragraph by paragraph."""

__version__ = "0.1.0"
