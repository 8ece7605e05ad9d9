"""The library: one index folder, to update, search and read, as the
``search`` command does (the command is a thin layer over this).

    import searcher

    ix = searcher.Index("index")
    report = ix.update(["berita/"])          # as `search index berita/`
    results = ix.search("pakta pertahanan", limit=10, page=1)
    for hit in results.hits:
        print(hit.rank, hit.score, hit.title, hit.article, hit.paragraph, hit.snippet)
    ix.article(results.hits[0].article)      # as `search show ARTICLE`
    ix.stats()                               # as `search stats --json`

An Index is cheap to make: nothing is opened until it is used.  One that
serves many searches (a web server) keeps its searcher open between them,
and opens the newest generation when a writer has committed one since.
Each block a search reads is checked against its checksum; after
``open()``, each segment is checked whole when first opened instead, and
read unchecked from then on.
Searches on one Index may come from several threads; they take turns.
Errors a user should read are ``searcher.SearchError``: one line each.
"""

from __future__ import annotations

import os
from _thread import allocate_lock

from searcher.records import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from searcher.query.search import ParagraphSearcher, Results
    from searcher.query.stored_articles import StoredArticle
    from searcher.storage.indexing import IndexProgress, IndexReport


def _day(name: str, value, parse_day, end: bool) -> datetime.date | None:
    if value is None:
        return value
    import datetime  # here: most queries have no dates

    if isinstance(value, datetime.date):
        return value
    from searcher.errors import QueryError

    try:
        return parse_day(value, end)
    except ValueError as error:
        raise QueryError(f"{name} {error}") from None


class Index:
    """The index in the folder ``path`` (made by the first ``update``)."""

    def __init__(self, path: str | os.PathLike = "index"):
        # The folder as given: searching needs no pathlib (its imports
        # cost a one-shot query 4 ms); ``path`` makes a Path when asked.
        self._dir = os.fspath(path)
        self._searcher: ParagraphSearcher | None = None
        # threading's lock, without importing threading (a cold query starts no thread)
        self._searching = allocate_lock()
        self._sound: set[str] | None = None  # after open(): segments checked whole

    @property
    def path(self) -> Path:
        """The index folder."""
        from pathlib import Path

        return Path(self._dir)

    def __repr__(self) -> str:
        return f"Index({self._dir!r})"

    # Writing

    def update(
        self,
        paths: Iterable[str | os.PathLike] | None = None,
        *,
        rebuild: bool = False,
        warn: Callable[[str], None] | None = None,
        on_progress: Callable[[IndexProgress], None] | None = None,
    ) -> IndexReport:
        """Bring the index up to date with the files and folders ``paths``
        (by default, all those indexed so far), as ``search index`` does:
        new and changed files read, removed ones dropped; ``rebuild``
        starts from scratch.  ``warn`` gets a line for each file skipped
        (by default they go unreported; the report counts them);
        ``on_progress(progress)`` after each file and every few hundred
        paragraphs, with a ``searcher.storage.indexing.IndexProgress``
        (``files_done``, ``files_total``, ``bytes_done``, ``bytes_total``,
        ``paragraphs``).  Raises
        ``searcher.errors.Interrupted`` on Ctrl-C, with what was saved."""
        from pathlib import Path

        from searcher.errors import SearchError
        from searcher.storage.indexing import update_index

        roots = [Path(path) for path in paths] if paths is not None else self.roots()
        if not roots:
            raise SearchError(f"nothing to index: {self.path} holds no folders yet; name some")
        return update_index(self.path, roots, warn or (lambda message: None), on_progress, rebuild)

    def roots(self) -> list[Path]:
        """The folders and files indexed so far."""
        from searcher.storage.indexing import indexed_roots

        return indexed_roots(self.path)

    def exists(self) -> bool:
        from searcher.storage.store import index_exists

        return index_exists(self.path)

    # Reading

    def search(
        self,
        text: str,
        limit: int = 10,
        page: int = 1,
        per_article: int | None = None,
        snippet_chars: int | None = None,
        count: bool = True,
        since: str | datetime.date | None = None,
        until: str | datetime.date | None = None,
        sites: Iterable[str] = (),
        sort: str = "relevance",
        facets: bool = False,
    ) -> Results:
        """Page ``page`` of the best paragraphs for the query ``text``,
        ``limit`` to a page, at most ``per_article`` from one article;
        ``count``: how many paragraphs and articles match in all
        (``results.paragraphs``, ``results.articles``).

        Only articles published from ``since`` to ``until`` (inclusive;
        a date, or "2024", "2024-06", "2024-06-18"), and on one of
        ``sites`` (names as ``stats()["sites"]`` gives them; case aside),
        when given; articles without a date are outside any date range.
        ``sort="date"``: newest first, then by score (articles without a
        date last).  ``facets``: also count every matching paragraph by
        month and by site (``results.facets``).  Raises
        ``searcher.errors.QueryError`` for a date that is not one."""
        narrow = None
        if isinstance(sites, str):  # one site named as a string, not its letters
            sites = (sites,)
        if since is not None or until is not None or sites:  # (else a one-shot query need not import filters)
            from searcher.query.filters import Filters, parse_day

            narrow = Filters(_day("since", since, parse_day, False), _day("until", until, parse_day, True), tuple(sites))
        with self._searching:
            return self._current_searcher().search(
                text, limit, page, per_article, snippet_chars, count, narrow or None, sort, facets
            )

    def open(self) -> Index:
        """Open the searcher now rather than at the first search: a server
        does this as it starts, so that its first answer is as quick as the
        rest and a missing or damaged index is reported before it listens.
        From then on, segments are checked whole against their checksums
        as they are first opened, rather than block by block as read, and
        each searcher opened starts making what many searches use in the
        background (``ParagraphSearcher.prepare``)."""
        with self._searching:
            if self._sound is None:
                self._sound = set()
                self._close_searcher()
            self._current_searcher()
        return self

    def _current_searcher(self) -> ParagraphSearcher:
        """The open searcher, on the newest generation."""
        from searcher.query.search import ParagraphSearcher
        from searcher.storage.store import latest_generation

        if self._searcher is not None and self._searcher.generation != latest_generation(self._dir):
            self._close_searcher()
        if self._searcher is None:
            self._searcher = ParagraphSearcher(self._dir, sound=self._sound)
            if self._sound is not None:  # opened to serve many searches
                self._searcher.prepare()
        return self._searcher

    def articles(self, address: str) -> tuple[list[StoredArticle], int | None]:
        """The article(s) an address names (``ID`` or ``ID:PARAGRAPH``, as
        each hit's ``search show`` hint), and the paragraph it points at:
        usually one article, more when files in different folders give
        articles the same id."""
        from searcher.query.stored_articles import find_articles

        return find_articles(self.path, address)

    def marks(self, text: str, paragraphs: list[str]) -> list[list[tuple[int, int]]]:
        """The (start, end) offsets of the words of the query ``text`` in
        each of ``paragraphs``, as ``search()`` marks them in a hit's
        snippet (a word found by its root too): to mark them in an article
        opened from a hit.  Raises ``searcher.errors.QueryError`` as
        ``search()`` does."""
        with self._searching:
            return self._current_searcher().marks(text, paragraphs)

    def article(self, article_id: str) -> StoredArticle:
        """The article with that id, its paragraphs numbered (the first by
        file name, if several files hold one of that id)."""
        return self.articles(article_id)[0][0]

    def check(self) -> list:
        """What ``search check`` does: read every file of the current
        generation and check the file records against the paragraphs; a
        list of ``storage.check.Finding`` (``what``, ``detail``, ``ok``)."""
        from searcher.storage.check import check_index

        return check_index(self.path)

    def repair(self, findings: list) -> tuple[list[str], list[str]]:
        """Drop from the index what ``check()`` found damaged, so that the
        next ``update()`` reads those files again: (what was done, a line
        each; the files the next update will read again)."""
        from searcher.storage.check import repair_index

        return repair_index(self.path, findings)

    def stats(self) -> dict:
        """What ``search stats --json`` prints: counts, size, folders."""
        from searcher.storage.stats import index_stats

        return index_stats(self.path)

    def close(self) -> None:
        with self._searching:
            self._close_searcher()

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
