"""Running a query against the index and collecting ranked hits.

A plain query (words typed side by side, no AND/OR) runs in two passes:
first the paragraphs that contain every word, then, if that leaves room,
those that contain only some.  So a paragraph with all the words always
ranks above one with some, yet a question is never answered with nothing
merely because one of its words is missing.  Queries of plain words,
prefixes and -words, and ORs of words and prefixes, are scored from the
postings in bulk (``ranking``); all others (operators inside operators,
phrases, a lone NOT) are added up over dictionaries
(``ranking.TreeMatches``), a phrase's from its words' positions.

The best hits of each pass are re-ranked by a model learned from questions
with known answers (``rerank``): how many of the words and how rare, standing
together, in the forms typed, opening the paragraph; then copies
of a paragraph found in other articles are folded into the first
(``duplicates``), ``--per-article`` caps are applied, and the page asked
for is cut, with snippets.
"""

from __future__ import annotations

import errno
import heapq
import os
import struct
import time
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable
from functools import partial
from itertools import islice

from searcher import analysis
from searcher.analysis.stem_table import index_stem_table
from searcher.errors import QueryError
from searcher.query import duplicates, rerank, spelling
from searcher.query import tree as queries
from searcher.query.prefixes import MAX_EXPANSIONS, PrefixExpansions
from searcher.query.ranking import PlainWordMatches, PlainWordScorer, TreeMatches
from searcher.query.snippets import SNIPPET_CHARS, Snippet, make_snippet, marks, match_spans
from searcher.records import TYPE_CHECKING, record
from searcher.storage.sketch_file import SketchFile
from searcher.storage.store import (
    ARTICLE_KEY_BYTES,
    SKETCH_FIELD,
    damaged,
    open_index_files,
    whoosh_reader,
    words_cut_before,
)
from searcher.storage.w3 import unpickling
from searcher.storage.w3.reader import DamagedFile

if TYPE_CHECKING:
    import threading

    from searcher.query.filters import Filters

BM25_B = 0.75
BM25_K1 = 1.2
# The best RERANK_DEPTH hits of each pass are re-ranked by a learned model
# (``rerank``).  Done here because Whoosh's own optional phrase clauses
# (AndMaybe + Phrase) upset its top-k pruning, which then drops paragraphs
# that belong in the top 100.
RERANK_DEPTH = 20
NUMPY_FROM_WORDS = 24  # words in a query that a searcher's first search works out with NumPy
COUNT_LIMIT = 1000  # matching paragraphs counted exactly; past it, "1,000+"
# What reading a truncated or garbled file raises in the middle of a query.
READ_ERRORS = (EOFError, unpickling.UnpicklingError, struct.error, zlib.error, UnicodeDecodeError, OverflowError)


# Records are named tuples, not dataclasses: a dataclass takes about half a
# millisecond to make, and every query process makes these (nor typing's
# NamedTuple: see searcher.records).


@record
class Duplicate:
    """The same (or nearly the same) paragraph in another article."""

    article: str
    paragraph: int
    source: str


@record
class Hit:
    rank: int
    score: float
    article: str
    paragraph: int
    title: str
    source: str
    text: str
    snippet: Snippet
    duplicates: list[Duplicate]
    # What the article's file says of it; None when it does not say (and
    # in an index made before these were kept).
    date: str | None = None  # "YYYY-MM-DD"
    site: str | None = None
    url: str | None = None
    author: str | None = None

    @property
    def snippet_text(self) -> str:
        """The snippet as shown: with "…" where the paragraph was cut."""
        snippet = self.snippet
        return ("…" if snippet.cut_before else "") + snippet.text + ("…" if snippet.cut_after else "")

    @property
    def highlights(self) -> list[tuple[int, int]]:
        """The matched words, as (start, end) offsets into ``snippet_text``."""
        shift = int(self.snippet.cut_before)
        return [(start + shift, end + shift) for start, end in self.snippet.spans]

    def as_dict(self) -> dict:
        """The hit as ``search query --json`` prints it (and the web API sends it)."""
        return {
            "rank": self.rank,
            "score": float(f"{self.score:.6g}"),  # (significant digits: the last hits' scores can be small)
            "article": self.article,
            "paragraph": self.paragraph,
            "title": self.title,
            "source": self.source,
            "snippet": self.snippet_text,
            "highlights": [list(span) for span in self.highlights],  # offsets of the matched words in "snippet"
            "text": self.text,
            "duplicates": [d._asdict() for d in self.duplicates],
            "date": self.date,
            "site": self.site,
            "url": self.url,
            "author": self.author,
        }


@record
class Results:
    query: str
    hits: list[Hit]
    paragraphs: int  # how many paragraphs match in all (when counted)
    articles: int  # how many articles those belong to
    exact: bool  # False: counting stopped at COUNT_LIMIT, there are more
    seconds: float
    suggestion: str | None = None  # the query with misspelt words corrected
    notes: tuple[str, ...] = ()  # what the user should know about how the query was run
    facets: dict | None = None  # when asked: matching paragraphs by month and site (query.facets.count)

    @property
    def total(self) -> int:
        """How many paragraphs match (when counted; at most COUNT_LIMIT,
        with ``exact`` False past it)."""
        return self.paragraphs


def _run_end(found: list, start: int, rank) -> int:
    """Where the run of items ranked as ``found[start]`` ends: ``found`` is
    in rank order, so a binary search finds it (a run can hold every
    paragraph)."""
    wanted = rank(found[start])
    return bisect_left(found, True, lo=start + 1, key=lambda item: rank(item) != wanted)


def plan(text: str):
    """The query tree, and its passes: True for "every word", False for
    "some of the words"."""
    node = queries.drop_question_words(queries.parse(text))
    if node is None:
        return None, []
    positives = [c for c in getattr(node, "children", ()) if not isinstance(c, queries.Not)]
    if queries.is_boolean(node) or len(positives) < 2:
        return node, [True]
    return node, [True, False]


def _scores_falling(found: list[tuple[float, int, dict]], starts: list[int]) -> list[tuple[float, int, dict]]:
    """``found`` with no score above the one before it.  Each group is in
    score order, but a group's best may outscore the group before (a
    paragraph with some of the words, after those with all; a later group
    of RERANK_DEPTH); its scores are then scaled down, its best to the
    score above it, so that a hit never shows a higher score than the hit
    ranked above it (in JSON and CSV too), as in Elasticsearch."""
    for start, end in zip(starts, [*starts[1:], len(found)]):
        if 0 < start < end and found[start][0] > found[start - 1][0] > 0:
            scale = found[start - 1][0] / found[start][0]
            found[start:end] = [(score * scale, docnum, fields) for score, docnum, fields in found[start:end]]
    return found


class WhooshScores:
    """The scores of a query's parts that only Whoosh's matchers know, for
    ``ranking.TreeMatches``."""

    def __init__(self, whoosh_searcher):
        self._whoosh_searcher = whoosh_searcher  # called for Whoosh's searcher, opened on first use

    def paragraph(self) -> float:
        """The score of the term kind:para, by which a NOT with nothing
        beside it matches every paragraph: the same for all of them (an ID
        field has no lengths), so the first one's, not a search that
        scores every paragraph to find the best."""
        from whoosh.query import Term

        matcher = Term("kind", "para").matcher(self._whoosh_searcher())
        return matcher.score() if matcher.is_active() else 0.0


def in_background(work: Callable[[], None], wait: bool = False) -> threading.Thread:
    """Run ``work`` in a thread of its own, which does not keep the
    program alive; with ``wait``, return when it is done."""
    import threading  # here: a one-shot query starts no thread

    thread = threading.Thread(target=work, name="searcher", daemon=True)
    thread.start()
    if wait:
        thread.join()
    return thread


def _is_unicode_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _undecodable_words_out(text: str) -> tuple[str, str | None]:
    """``text`` without the words that hold bytes that were not UTF-8, and
    a note naming them (None when there are none).  Python keeps such bytes
    as lone surrogates (a terminal set to Latin-1 sends "ç" as 0xe7): no
    indexed word holds one, and cut there, "François" would be searched as
    "fran" and "ois"."""
    if text.isascii() or _is_unicode_text(text):
        return text, None
    kept = [word for word in text.split() if _is_unicode_text(word)]
    raw = " ".join(word for word in text.split() if not _is_unicode_text(word)).encode("utf-8", "surrogateescape")
    if not kept:
        raise QueryError(f"the query is not UTF-8 text ({raw!r}): is the terminal set to another encoding?")
    return " ".join(kept), f"{raw!r} is not UTF-8 text, so it was left out: is the terminal set to another encoding?"


class ParagraphSearcher:
    """An open index, ready for many queries (the CLI makes one per process)."""

    def __init__(self, index_dir: str | os.PathLike, vectorized: bool | None = None, sound: set[str] | None = None):
        """``vectorized``: work plain-word queries out with NumPy
        (``vector_ranking``); by default from the second search on, since
        a one-shot query would spend longer importing NumPy than searching
        (unless it is long: see ``_matches``).
        ``sound``: for a long-lived searcher, the segments already checked
        whole against their checksums (see ``store.open_index_files``)."""
        self._index_dir = index_dir
        # Read without Whoosh: plain-word queries (most) never import it.
        self._files = open_index_files(index_dir, sound=sound)
        # The roots the index worked out: most queries need not load Sastrawi.
        self._stem_table = index_stem_table(index_dir)
        analysis.use_stem_table(self._stem_table)  # until close()
        self._whoosh = None  # Whoosh's searcher, opened for the queries that need its matchers
        self._words = PlainWordScorer(self._files, k1=BM25_K1, b=BM25_B)
        self._vectorized = vectorized
        self._searches = 0
        self._term_arrays = None  # vector_ranking.TermArrays, from the first search with NumPy
        self._sketches: duplicates.SketchTable | None = None  # see _sketch_table
        self._sketch_maker: threading.Thread | None = None
        self._sketch_file: SketchFile | None | bool = False  # see _copy_finder; False: not opened yet
        self._known_copies = duplicates.KnownCopies()
        self._metadata_columns = None  # see _columns
        self._by_article: array | None = None  # see _first_by_article

    def _whoosh_searcher(self):
        """Whoosh's searcher on the same generation, for the vocabulary that
        prefixes walk (and spelling corrections, on an index without a stem
        table), and the score of a lone NOT; opened on first use."""
        if self._whoosh is None:
            from whoosh.searching import Searcher

            from searcher.query.scoring import lucene_bm25f

            reader = whoosh_reader(self._index_dir, self._files)
            self._whoosh = Searcher(reader, weighting=lucene_bm25f(B=BM25_B, K1=BM25_K1))
        return self._whoosh

    def marks(self, text: str, paragraphs: list[str]) -> list[list[tuple[int, int]]]:
        """Where the words of the query ``text`` are in each of
        ``paragraphs``, as a hit's snippet marks them (by their roots too);
        none under a NOT.  Raises QueryError as a search would."""
        terms = queries.highlight_terms(plan(_undecodable_words_out(text)[0])[0])
        return [marks(paragraph, terms) for paragraph in paragraphs]

    def vocabulary(self) -> spelling.Vocabulary:
        """The words corrections are chosen from."""
        return spelling.Vocabulary(self._words, self._stem_table, lambda: self._whoosh_searcher().reader())

    @property
    def generation(self) -> int:
        """The index generation this searcher reads."""
        return self._files.generation

    def close(self) -> None:
        if self._sketch_maker is not None:
            self._sketch_maker.join()  # it reads the files closed here
        if self._sketch_file:
            self._sketch_file.close()
        if self._whoosh is not None:
            self._whoosh.close()  # closes its reader too
        self._files.close()
        analysis.forget_stem_table(self._stem_table)
        self._stem_table.close()

    def __del__(self):
        # Dropped unclosed (``Index(path).search(q)`` in a notebook, over
        # and over), it must not leave its stem table among those every
        # stemming looks in, each holding its whole file.
        try:
            analysis.forget_stem_table(self._stem_table)
        except Exception:  # (never opened; or the interpreter is shutting down)
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def ranked(self, text: str, depth: int) -> list[tuple[float, int, dict]]:
        """The best ``depth`` (score, document number, stored fields) for a
        query, best first, before duplicates are collapsed."""
        node, passes = plan(text)
        expand = self._expansions(node)
        return self._ranked(node, passes, depth, self._matches(node, expand), self._reranker(node, text))

    def _reranker(self, node, text: str) -> rerank.Reranker:
        """What re-ranks the query's best hits."""
        return rerank.Reranker(node, text, lambda root: self._words.term_idf("body", root))

    def _sketch_table(self) -> duplicates.SketchTable | None:
        """From the second search on (a searcher that serves many), copies
        are found through a table of every paragraph's sketch, made once,
        in the background: it reads the whole signature column (0.7 s at
        100,000 articles), and no search should wait for it.  Until it is
        made, searches read the sketch file."""
        if self._searches > 1:
            self.prepare()
        return self._sketches

    def _copy_finder(self) -> duplicates.CopyFinder:
        """A search's copy finder: through the sketch table once there is
        one, else through the generation's sketch file, opened on first
        use, when ``search index`` has written it whole.  Without the file
        (a run killed before it wrote it, a commit made since this searcher
        opened the index, a damaged file), an index made before December
        2026 looks its sketch terms up; a newer one has none, and the
        sketch table is made before the search goes on (0.2 s at 20,000
        articles)."""
        table = self._sketch_table()
        if table is None and self._sketch_file is False:
            try:
                self._sketch_file = SketchFile.open(self._index_dir, self._files.generation)
            except DamagedFile:  # (``search check`` names it)
                self._sketch_file = None
        make_table = None
        if SKETCH_FIELD not in self._files.field_names:
            make_table = self._sketch_table_now
        return duplicates.CopyFinder(self._words, self._files, table, self._known_copies, self._sketch_file or None,
                                     make_table)

    def _sketch_table_now(self) -> duplicates.SketchTable | None:
        self.prepare(wait=True)
        return self._sketches

    def prepare(self, wait: bool = False) -> None:
        """Start making, in the background, what a searcher that serves
        many searches uses from its second search on: NumPy, imported, and
        the sketch table.  A server calls this as it opens the searcher, so
        that no search of its pays for them (0.4 s at 100,000 articles).
        ``wait``: return when they are made (a benchmark's warm searcher:
        searches made meanwhile share the processor with the making)."""
        if self._sketch_maker is None and self._files.has_column("signature"):
            # Two threads may read the index at once where a read is one
            # pread (POSIX); elsewhere it is a seek, then a read.
            self._sketch_maker = in_background(self._make_sketch_table, wait=not hasattr(os, "pread"))
        if wait and self._sketch_maker is not None:
            self._sketch_maker.join()

    def _make_sketch_table(self) -> None:
        try:
            self._sketches = duplicates.SketchTable(self._files)
        except Exception:
            # A damaged signature column, or too little memory: the searches
            # go on with term lookups (those that read a damaged block say so).
            pass

    def _expansions(self, node) -> PrefixExpansions:
        return PrefixExpansions(lambda: self._whoosh_searcher().reader(), node)

    def _metadata(self) -> None:
        """A QueryError, saying how to get them, unless the index keeps
        articles' dates and sites."""
        from searcher.query import filters

        if filters.DAY_COLUMN not in self._files.field_names:
            raise filters.no_metadata_error(self._index_dir)

    def _facets(self, matches, passes) -> dict:
        from searcher.query import facets

        docs = matches.matching(passes[-1]) if passes else set()
        return facets.count(docs, self._columns(), lambda d: self._files.stored_fields(d).get("site", ""))

    def _columns(self):
        """What filters, the date order and facets read, kept for this
        searcher's generation (``filters.MetadataColumns``)."""
        if self._metadata_columns is None:
            from searcher.query.filters import MetadataColumns

            self._metadata_columns = MetadataColumns(self._files, self._words.documents)
        return self._metadata_columns

    def _matches(self, node, expand: PrefixExpansions, vectorized: bool | None = None, allowed=None):
        """The query's matches worked out from the postings (None: Whoosh's
        to work out); plain words with NumPy when ``vectorized``, by default
        from this searcher's second search on, or for a query of
        NUMPY_FROM_WORDS words or more; only the paragraphs that
        ``allowed`` (a ``filters.DocFilter``) allows."""
        if vectorized is None:
            vectorized = self._vectorized
            if vectorized is None:  # (a long query, a pasted paragraph, repays NumPy's import at once)
                vectorized = self._searches > 0 or len(getattr(node, "children", ())) >= NUMPY_FROM_WORDS
        self._searches += 1
        plain = PlainWordMatches
        if vectorized:
            from searcher.query.vector_ranking import TermArrays, VectorMatches

            if self._term_arrays is None:
                self._term_arrays = TermArrays()
            plain = partial(VectorMatches, doc_count=self._files.doc_count_all(), known=self._term_arrays)
        return self._words.matches(node, plain, expand, WhooshScores(self._whoosh_searcher), allowed)

    def _ranked(
        self, node, passes, depth: int, matches, reranker, looked=None, by_date=False
    ) -> list[tuple[float, int, dict]]:
        """``matches``: worked out from the postings (``ranking``), or None
        for Whoosh's matchers (what the tests compare them with).
        ``reranker``: a ``rerank.Reranker``.  ``looked`` keeps each
        hit's re-ranked score and stored fields ({document number: (score,
        fields)}) for a deeper look at the same query, which walks the same
        first hits again.  ``by_date``: each pass newest first instead of
        best first."""
        looked = {} if looked is None else looked
        found: list[tuple[float, int, dict]] = []
        starts: list[int] = []  # where in `found` each pass's group of RERANK_DEPTH starts
        seen: set[int] = set()
        for every_word in passes:
            if len(found) >= depth:
                break
            # Fetch more than needed so the re-rank can reorder them, in
            # whole groups of RERANK_DEPTH: a group cut short at the depth
            # would hold other paragraphs for another depth, and paging
            # through the hits would show some twice and others never.
            needed = depth - len(found)
            if reranker and not by_date:
                needed = -(-needed // RERANK_DEPTH) * RERANK_DEPTH
            fetch = len(found) + max(needed, RERANK_DEPTH if reranker else 0)
            batch = []
            best = self._best(node, every_word, matches, fetch, seen, by_date)
            # Each score is weighed against the pass's best, which is the
            # same however deep the look.  (By date, the pass's best may not
            # be among those fetched: each is weighed as if it were.)
            top = best[0][0] if best and not by_date else None
            for score, docnum in best:
                seen.add(docnum)
                if docnum not in looked:
                    fields = self._files.stored_fields(docnum)
                    looked[docnum] = reranker.score(fields["body"], score, top or score, every_word), fields
                score, fields = looked[docnum]
                batch.append((len(batch) // RERANK_DEPTH, score, docnum, fields))
            # Re-rank within groups of RERANK_DEPTH, so that the first hits
            # do not depend on how deep a later page made us look.  (By
            # date, the order stands; the bonuses only change the scores.)
            if not by_date:
                batch.sort(key=lambda item: (item[0], -item[1]))
            starts += range(len(found), len(found) + min(len(batch), depth - len(found)), RERANK_DEPTH)
            found += [(score, docnum, fields) for _, score, docnum, fields in batch[: depth - len(found)]]
        return found if by_date else _scores_falling(found, starts)

    def _best(self, node, every_word: bool, matches, limit: int, seen: set[int], by_date=False) -> list[tuple[float, int]]:
        """The best (score, document number) of one pass, not yet seen;
        ``by_date``: the newest.  Paragraphs that tie are in the order of
        their articles' keys, not in the order they happen to lie in the
        index (which differs from one build to the next, with the timing
        of the indexing workers and of commits): the same index content
        ranks the same, however it was built."""
        if by_date:
            days = self._columns().days()
            rank = lambda item: (days[item[1]], item[0])  # noqa: E731
        else:
            rank = lambda item: item[0]  # noqa: E731
            tie = matches.one_score(every_word) if isinstance(matches, TreeMatches) else None
            if tie is not None:  # a lone NOT: every paragraph it leaves ties
                return self._first_by_article(matches.matching(every_word), tie, limit, seen)
        fetch = limit + 1  # one more: does a tie cross the cut?
        while True:
            found = self._best_in_index_order(node, every_word, matches, fetch, seen, by_date)
            if len(found) < fetch or rank(found[limit - 1]) != rank(found[-1]):
                break  # all of the pass, or the tie at the cut ends within what was fetched
            # The tie at the cut reaches past what was fetched: look 8 times
            # as far, then at the whole pass (a tie can hold thousands of
            # paragraphs: doubling would walk them all many times).
            fetch = fetch * 8 if fetch <= limit + 1 else len(seen) + self._files.doc_count_all() + 1
        return self._ties_by_article(found, rank, limit)

    def _first_by_article(self, docs, score: float, limit: int, seen: set[int]) -> list[tuple[float, int]]:
        """The first ``limit`` of ``docs`` (all scoring ``score``), less
        ``seen``, in article-key order, as ``_ties_by_article`` orders a
        tie: through the index's paragraphs in that order, worked out once
        for this searcher, rather than a sort of every tied paragraph's key
        for each search (0.4 s for NOT banjir at 20,000 articles)."""
        if self._by_article is None:
            if self._files.has_column("article_key"):
                keys = self._files.whole_column("article_key", ARTICLE_KEY_BYTES, bytes(ARTICLE_KEY_BYTES))
                width = ARTICLE_KEY_BYTES
                order = sorted(range(self._files.doc_count_all()), key=lambda d: keys[d * width : (d + 1) * width])
            else:
                order = range(self._files.doc_count_all())
            self._by_article = array("I", order)
        wanted = (docnum for docnum in self._by_article if docnum in docs and docnum not in seen)
        return [(score, docnum) for docnum in islice(wanted, limit)]

    def _ties_by_article(self, found: list[tuple[float, int]], rank, limit: int) -> list[tuple[float, int]]:
        """The first ``limit`` of ``found``, each run of equal ``rank`` put
        in article-key order (then in document order: an article's
        paragraphs lie in order).  Of the run the cut falls in, only what
        comes before the cut is sorted out (a tie can be long; a lone NOT,
        where every paragraph ties, goes to ``_first_by_article``)."""
        runs, start = [], 0
        while start < min(limit, len(found)):  # runs past the cut do not matter
            end = _run_end(found, start, rank)
            runs.append(found[start:end])
            start = end
        tied = sorted(docnum for run in runs if len(run) > 1 for _, docnum in run)
        if not tied or not self._files.has_column("article_key"):
            return found[:limit]
        keys = dict(zip(tied, self._files.column_values("article_key", ARTICLE_KEY_BYTES, bytes(ARTICLE_KEY_BYTES), tied)))
        by_key = lambda item: (keys[item[1]], item[1])  # noqa: E731
        ordered: list[tuple[float, int]] = []
        for run in runs:
            wanted = limit - len(ordered)
            ordered += heapq.nsmallest(wanted, run, key=by_key) if len(run) > 1 else run[:wanted]
        return ordered

    def _best_in_index_order(self, node, every_word: bool, matches, limit: int, seen: set[int], by_date=False):
        """``_best``, ties in document order."""
        if matches is not None:
            if by_date:
                return matches.newest(limit, every_word, seen, self._columns())
            return matches.best(limit, every_word, seen)
        whoosh_query = queries.to_whoosh(node, strict=every_word)
        # The paragraphs seen in an earlier pass may be among Whoosh's
        # best: ask for as many more, or a deep look ends the pass early.
        results = self._whoosh_searcher().search(whoosh_query, limit=limit + len(seen))
        return [(r.score, r.docnum) for r in results if r.docnum not in seen][:limit]

    def search(
        self,
        text: str,
        limit: int = 10,
        page: int = 1,
        per_article: int | None = None,
        snippet_chars: int | None = None,
        count: bool = False,
        narrow: Filters | None = None,
        sort: str = "relevance",
        facets: bool = False,
    ) -> Results:
        """Page ``page`` of the hits, ``limit`` to a page, at most
        ``per_article`` from one article, each duplicate paragraph once,
        with snippets of about ``snippet_chars``; with ``count``, how many
        paragraphs and articles match (a few milliseconds more).
        ``narrow``: only articles of those dates and sites; ``sort``:
        "relevance", or "date" (newest first, then by score; paragraphs
        with every word still before those with some); ``facets``: count
        every matching paragraph by month and site (``Results.facets``).  Raises
        IndexDamaged when a file of the index reads as nothing Whoosh
        writes, QueryError for a filter or sort on an index made before
        dates and sites were kept."""
        if sort not in ("relevance", "date"):
            raise ValueError(f"sort must be 'relevance' or 'date', not {sort!r}")
        for name, value in (("limit", limit), ("page", page), ("per_article", per_article)):
            if value is not None and value < 1:  # (else an empty page, and nothing to say why)
                raise ValueError(f"{name} must be 1 or more, not {value!r}")
        try:
            return self._search(text, limit, page, per_article, snippet_chars, count, narrow, sort, facets)
        except DamagedFile as error:  # a block that does not match its checksum
            raise damaged(self._index_dir, str(error)) from None
        except READ_ERRORS as error:
            raise damaged(self._index_dir, f"{error.__class__.__name__}: {error}") from error
        except OSError as error:
            if error.errno != errno.EINVAL:  # a position past the end of a truncated file
                raise
            raise damaged(self._index_dir, f"a read at a position no file has: {error.strerror}") from error

    def _search(self, text, limit, page, per_article, snippet_chars, count, narrow, sort, facets) -> Results:
        started = time.perf_counter()
        text, left_out = _undecodable_words_out(text)
        node, passes = plan(text)
        wanted = page * limit
        expand = self._expansions(node)
        allowed, by_date = None, sort == "date"
        if narrow or by_date or facets:  # (only then: a plain query need not import filters)
            from searcher.query import filters

            self._metadata()
            allowed = filters.DocFilter(self._columns(), narrow) if narrow else None
        matches = self._matches(node, expand, allowed=allowed)
        kept: list[tuple[float, dict, list[Duplicate]]] = []
        depth = wanted
        copy_finder = self._copy_finder()
        looked: dict[int, tuple[float, dict]] = {}
        reranker = self._reranker(node, text)
        while passes:
            candidates = self._ranked(node, passes, depth, matches, reranker, looked, by_date)
            kept = self._collapse(candidates, wanted, per_article, copy_finder)
            if len(kept) >= wanted or len(candidates) < depth:
                break
            # Capped or collapsed hits left too few: look twice as deep.  The
            # first hits are re-ranked in groups of RERANK_DEPTH and kept in
            # `looked`, so doubling a first look of 10 re-ranks nothing new
            # (quadrupling re-ranked 20 more paragraphs for one copy hidden).
            depth *= 2
        if passes and count:
            paragraphs, articles, exact = self._count(node, passes[-1], matches)
        else:
            paragraphs, articles, exact = 0, 0, True
        counted = self._facets(matches, passes) if facets else None
        terms = queries.highlight_terms(node)
        hits = [
            Hit(
                rank=rank,
                score=score,
                article=doc["article"],
                paragraph=doc["para"],
                title=doc.get("title", ""),
                source=doc["source"],
                text=doc["body"],
                snippet=make_snippet(doc["body"], match_spans(doc["body"], terms), snippet_chars or SNIPPET_CHARS),
                duplicates=copies,
                date=doc.get("date"),
                site=doc.get("site"),
                url=doc.get("url"),
                author=doc.get("author"),
            )
            for rank, (score, doc, copies) in enumerate(kept, 1)
            if rank > wanted - limit
        ]
        suggestion = spelling.suggest(self._words, text, node, self.vocabulary())
        notes = tuple(
            f"{prefix}* stands for more than {share:,} words; only the first {share:,} "
            "(in alphabetical order) were searched: a longer prefix finds them all "
            f"(a query's prefixes stand for {MAX_EXPANSIONS:,} words in all, in body and title)"
            for prefix, share in expand.capped
        ) + ((left_out,) if left_out else ()) + self._why_not(text, node, hits) + self._older_words()
        seconds = time.perf_counter() - started
        return Results(text, hits, paragraphs, articles, exact, seconds, suggestion, notes, counted)

    def _why_not(self, text: str, node, hits) -> tuple[str, ...]:
        """What the user should know of a query read otherwise than typed,
        or of an answer that is empty for a reason other than the words."""
        notes = []
        for name in queries.unknown_fields(text):
            hint = "; for dates, use --since and --until" if name.lower() in ("date", "tanggal", "since", "until") else ""
            notes.append(f"{name}: is not a field (the one field is title:), so {name!r} was searched as a word{hint}")
        if node is None and any(analysis.words(text)):
            notes.append("every word of the query is too common to be searched (such as 'yang' and 'dan'): "
                         "add a word that says what it is about")
        if not hits and self._files.doc_count_all() == 0:
            from searcher.storage.store import writer_at_work

            writer = writer_at_work(self._index_dir)
            if writer:
                notes.append(f"the index is being built by {writer}; nothing of it is saved yet: try again in a moment")
        return tuple(notes)

    def _older_words(self) -> tuple[str, ...]:
        """That the index's words were cut by older rules, when they were."""
        older = words_cut_before(self._index_dir, self._files.field_names)
        return (f"{older}: such words in what it read then are missed until 'search index --rebuild'",) if older else ()

    def _collapse(self, candidates, wanted: int, per_article: int | None, copy_finder: duplicates.CopyFinder):
        """Walk the ranked candidates, keeping each paragraph unless it
        duplicates one kept already or its article has had its share."""
        kept = []
        hidden: set[int] = set()
        per_key: dict[tuple[str, str], int] = {}
        for score, docnum, doc in candidates:
            if docnum in hidden:
                continue
            key = (doc["source"], doc["article"])
            if per_article is not None and per_key.get(key, 0) >= per_article:
                continue
            per_key[key] = per_key.get(key, 0) + 1
            found = copy_finder.of(docnum, doc)
            hidden.update(copy for copy, _ in found)
            kept.append((score, doc, [Duplicate(c["article"], c["para"], c["source"]) for _, c in found]))
            if len(kept) >= wanted:
                break
        return kept

    def _count(self, node, every_word: bool, matches) -> tuple[int, int, bool]:
        """How many paragraphs match the query's last pass and in how many
        articles, and whether that is all of them: like Elasticsearch,
        counting stops at COUNT_LIMIT paragraphs, which keeps broad queries
        fast."""
        if not self._files.has_column("article_key"):
            return 0, 0, True  # an index with no paragraph yet
        if matches is not None:
            docs = matches.first(COUNT_LIMIT + 1, every_word)
        else:
            whoosh_query = queries.to_whoosh(node, strict=every_word)
            docs = list(islice(self._whoosh_searcher().docs_for_query(whoosh_query), COUNT_LIMIT + 1))
        counted = docs[:COUNT_LIMIT]
        keys = self._files.column_values("article_key", ARTICLE_KEY_BYTES, bytes(ARTICLE_KEY_BYTES), counted)
        articles = set(keys)
        return len(counted), len(articles), len(docs) <= COUNT_LIMIT
