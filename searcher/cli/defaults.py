"""What the commands take when not told otherwise: where the index lives,
and ``search query``'s options.  Without Click, for the launcher's fast
lane (``searcher.cli``) as much as for the Click commands.  Folders are
strings here: pathlib's imports would cost a one-shot query 4 ms."""

from __future__ import annotations

import os

from searcher.records import record

LOCAL_INDEX_DIR = "index"
INDEX_DIR_VARIABLE = "SEARCH_INDEX_DIR"


def default_index_dir() -> str:
    """Where the index lives when neither --index-dir nor SEARCH_INDEX_DIR
    says: ./index where there is one (a project's own folder, this
    repository's), else the user's data folder (XDG), the same from any
    folder one works in."""
    if os.path.isdir(LOCAL_INDEX_DIR):
        return LOCAL_INDEX_DIR
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(data_home, "searcher", "index")


@record
class QueryOptions:
    """``search query``'s options; the defaults are the command's."""

    limit: int = 10
    page: int = 1
    per_article: int | None = None
    since: str | None = None
    until: str | None = None
    sites: tuple[str, ...] = ()
    sort: str = "relevance"
    facets: bool = False
    output_format: str = "text"  # or "json", "csv"
    every_hit: bool = False
    color: str = "auto"  # or "always", "never"
