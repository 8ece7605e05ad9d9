"""Writing articles into the index: ``update_index`` reads the files under
the roots it is given (``sources``), analyses their paragraphs
(``analysis``) and writes them, with each file's record (see ``store``),
in batches, each one commit under the run lock; files unchanged since the
last run are not read again, and files gone lose their paragraphs.
"""

from __future__ import annotations

import gc
import json
import os
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from itertools import chain
from pathlib import Path

from searcher import analysis
from searcher.analysis.stem_table import STEM_TABLE, StemTable, load_index_stem_table, save_index_stem_table
from searcher.errors import IndexDamaged, Interrupted, SearchIndexError
from searcher.query.duplicates import SIGNATURE_SIZE, signature, sketch
from searcher.records import TYPE_CHECKING, record
from searcher.sources.articles import find_files
from searcher.storage.safe_files import write_atomically
from searcher.storage.store import (
    SKETCH_FIELD,
    RunLock,
    _locked,
    article_key,
    has_metadata,
    index_exists,
    lock_wait_seconds,
    make_schema,
    open_index,
    open_index_files,
    open_or_create_index,
    reading,
    remove_leftovers,
    setting,
    site_hash,
    site_key,
    words_cut_before,
)

if TYPE_CHECKING:
    from searcher.sources.articles import SourceFile, Warn

# Commit after this many seconds of work, so that a crash or Ctrl-C loses
# at most one batch, and a run stopped early on a small corpus still keeps
# most of what it did; every commit carries its files' bookkeeping with it.
BATCH_SECONDS = 30.0  # SEARCH_BATCH_SECONDS overrides

# Each later batch may last twice as long as the one before, up to this
# many times the first: every commit adds a segment from each worker, and
# every segment costs each query a term lookup for each of its words (18
# segments at 100,000 articles with 30 s batches: a warm query 10-15%
# slower than with 6).  At most 2 minutes of work are lost.
BATCH_GROWTH = 4

# ...or after this many paragraphs, whichever comes first (a few minutes
# of work on two cores).
BATCH_PARAGRAPHS = 400_000  # SEARCH_BATCH_PARAGRAPHS overrides

MAX_PROCS = 4  # indexing workers (SEARCH_PROCS overrides)

# Memory for pooling postings, shared by the indexing workers.  A worker
# whose share fills up writes the terms it holds to a sorted run on disk and
# merges the runs back when it finishes.  On two workers, 20,000 articles:
# 256 MB in all 80.4 s at 217 MB peak RSS, 1024 MB 73.9 s at 585 MB.
INDEX_MEMORY_MB = 1024  # SEARCH_INDEX_MEMORY_MB overrides


class IndexReport:
    """What a run did.  Articles are counted by the file they are in: all the
    articles of a new file are new, of a changed file changed, and so on."""

    def __init__(self) -> None:
        self.new = 0  # articles
        self.changed = 0
        self.unchanged = 0
        self.removed = 0
        self.paragraphs = 0  # paragraphs written in this run
        self.files = 0  # files looked at
        self.files_written = 0  # new, changed or touched: their paragraphs or bookkeeping written
        self.files_removed = 0  # files gone from their folder
        self.skipped = 0  # files that could not be read
        self.unsupported = 0  # files in formats not read, found in the folders
        self.saved_files = 0  # files whose changes are committed
        self.roots: list[str] = []


@record
class IndexProgress:
    """How far a run has got, for a progress bar: sent after each file,
    and every PROGRESS_PARAGRAPHS paragraphs within one (a single large
    JSONL file is most of some runs)."""

    files_done: int
    files_total: int
    bytes_done: int  # of the files done, and of the one being written, by its share of articles written
    bytes_total: int  # of every file the run looks at
    paragraphs: int  # written so far in this run


PROGRESS_PARAGRAPHS = 256

Progress = Callable[[IndexProgress], None]


def _file_hash(data: bytes) -> str:
    import hashlib

    return hashlib.sha1(data).hexdigest()


def indexed_roots(index_dir: Path) -> list[Path]:
    """The folders and files that earlier runs indexed: those named by the
    index's file records, and those runs were asked to index (recorded as a
    run starts, so a run stopped before its first commit, or an index
    whose records are damaged, still knows them)."""
    if not index_exists(index_dir):
        return []
    asked = _asked_roots(index_dir)
    try:
        # Any version will do: "search index --rebuild" reads the roots of an
        # index made by an older one.
        with open_index(index_dir, current=False).searcher() as searcher:
            recorded = {Path(doc["root"]) for doc in searcher.documents(kind="file")}
    except IndexDamaged:
        if not asked:
            raise
        recorded = set()
    return sorted(recorded | asked)


ROOTS_FILE = "roots.json"  # the roots runs were asked to index, see indexed_roots


def _asked_roots(index_dir: Path) -> set[Path]:
    try:
        with open(os.path.join(index_dir, ROOTS_FILE), encoding="utf-8") as recorded:
            return {Path(root) for root in json.load(recorded)}
    except (OSError, ValueError, TypeError):
        return set()


def _record_roots(index_dir: Path, roots: list[str], rebuild: bool) -> None:
    """Add ``roots`` to those recorded (replace them, for a rebuild)."""
    known = set() if rebuild else {str(root) for root in _asked_roots(index_dir)}
    write_atomically(index_dir / ROOTS_FILE, json.dumps(sorted(known | set(roots)), ensure_ascii=False).encode())


def index_procs() -> int:
    """Worker processes for indexing: one per core, up to MAX_PROCS."""
    return max(1, setting("SEARCH_PROCS", 0) or min(os.cpu_count() or 1, MAX_PROCS))


def _open_writer(index, index_dir: Path, schema=None):
    """A writer of the index, writing with ``schema`` when given instead of
    the index's own (see ``TermGroupedWriting``).  The caller holds the
    run lock (``RunLock``)."""
    from whoosh.index import LockError

    from searcher.storage.w3.writer import ParallelWriter, TermGroupedWriter

    procs = index_procs()
    memory_mb = setting("SEARCH_INDEX_MEMORY_MB", INDEX_MEMORY_MB)
    options = {"limitmb": max(32, memory_mb // procs), "timeout": lock_wait_seconds(), "delay": 0.25}
    if schema is not None:
        options["schema"] = schema
    try:
        if procs > 1:
            return ParallelWriter(index, procs=procs, multisegment=True, batchsize=256, **options)
        return TermGroupedWriter(index, **options)
    except LockError:  # a writer that does not take the run lock (an older searcher)
        raise _locked(index_dir) from None


def _commit(writer, rebuild: bool, paragraphs: int) -> None:
    """Commit the batch of ``paragraphs`` new paragraphs."""
    from whoosh.writing import CLEAR

    from searcher.storage.w3.writer import merge_policy

    # A rebuild's one commit replaces every older segment.
    writer.commit(mergetype=CLEAR if rebuild else merge_policy(paragraphs))


def update_index(
    index_dir: Path,
    roots: Iterable[Path],
    warn: Warn,
    on_progress: Progress | None = None,
    rebuild: bool = False,
) -> IndexReport:
    """Bring the index up to date with the files under ``roots``.

    New and changed files are (re)read, their paragraphs replaced; files that
    disappeared from a root lose theirs; unchanged files (same size and mtime,
    or same content) are not read again.  Work is committed in batches; on
    Ctrl-C the current batch is dropped and Interrupted raised.  ``rebuild``
    drops everything indexed before and reads every file again, in one
    commit: until it ends, the old index stays as it was.
    """
    lock = RunLock(index_dir)
    try:
        lock.acquire()
    except KeyboardInterrupt:  # Ctrl-C while waiting for another writer
        raise Interrupted(IndexReport()) from None
    try:
        # reading(): a block of the index that a merge or a change check reads, damaged
        with reading(index_dir), _collector_paused():
            return _update_index(index_dir, roots, warn, on_progress, rebuild)
    finally:
        lock.release()


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off for a run, and back on after.
    A writer's postings pool is millions of lists and tuples, and the
    collector walked them over and over as they grew: 12% of the time of
    adding and writing paragraphs.  An indexing run makes almost no
    cyclic garbage (a few hundred objects for 18,000 paragraphs), and what
    it makes is collected once the collector is back.  The workers forked
    meanwhile start with it off (see w3.writer)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _update_index(index_dir: Path, roots, warn: Warn, on_progress: Progress | None, rebuild: bool) -> IndexReport:
    batch_paragraphs = max(1, setting("SEARCH_BATCH_PARAGRAPHS", BATCH_PARAGRAPHS))
    batch_seconds = first_batch_seconds = setting("SEARCH_BATCH_SECONDS", BATCH_SECONDS)
    report = IndexReport()
    # Recorded before any of the index is read: a run that finds it damaged
    # still leaves its roots to the run after 'search check --repair'.
    report.roots = [os.path.abspath(root) for root in roots]
    _record_roots(index_dir, report.roots, rebuild)
    index = open_or_create_index(index_dir, rebuild)
    remove_leftovers(index_dir)
    # Roots worked out by earlier runs; the workers, forked later, know them
    # too.  A rebuild works every root out again: it trusts nothing of the
    # old index.
    stem_table, problem = (StemTable(), None) if rebuild else load_index_stem_table(index_dir)
    if problem:
        warn(f"{index_dir / STEM_TABLE}: {problem}; dropped (queries stem without it until "
             "'search index --rebuild' writes it whole)")
        (index_dir / STEM_TABLE).unlink(missing_ok=True)
    analysis.learn_stems(dict(stem_table.items()))
    # A rebuild replaces every segment, so it writes the current schema (a
    # signature's size, see duplicates.py); other runs add to the index in
    # the schema it was made with.
    writer = _open_writer(index, index_dir, make_schema() if rebuild else None)
    older = words_cut_before(index_dir, writer.schema.names())
    if older:
        warn(f"{older}: files read now are cut as this version cuts them, the others when "
             "'search index --rebuild' reads them again")
    signature_size = len(writer.schema["signature"].column_type.default_value()) // 4
    metadata = has_metadata(writer.schema.names())
    sketch_terms = SKETCH_FIELD in writer.schema.names()
    pending_files = 0
    committed_changes = 0  # files written or removed, as of the last commit
    # What the process's bounded cache of roots lets go during the run,
    # kept for the index's table.
    forgotten: dict[str, str] = {}
    analysis.before_forgetting_stems(forgotten.update)
    try:
        if rebuild:
            known = {}
        else:
            with writer.searcher() as searcher:
                known = {doc["source"]: doc for doc in searcher.documents(kind="file")}
        # List every file first, so progress can be shown against a total.
        work: list[tuple[Path, list[SourceFile]]] = []
        seen: set[str] = set()
        unsupported: dict[str, int] = {}
        skipped_in_walk: set[str] = set()  # warned about as the walk met them
        for root in map(Path, report.roots):
            found = find_files(root, warn, skip=index_dir, unsupported=unsupported, skipped=skipped_in_walk)
            sources = [s for s in found if str(s.path) not in seen]
            seen.update(str(s.path) for s in sources)
            work.append((root, sources))
        report.skipped += len(skipped_in_walk)
        total = len(seen)
        if unsupported:
            report.unsupported = sum(unsupported.values())
            kinds = ", ".join(f"{count:,} {kind}" for kind, count in sorted(unsupported.items(), key=lambda i: (-i[1], i[0])))
            warn(f"{report.unsupported:,} file{'' if report.unsupported == 1 else 's'} not indexed, "
                 f"in formats searcher does not read: {kinds}")
        sizes = {str(s.path): _size(s.path) for _, sources in work for s in sources} if on_progress else {}
        bytes_total, bytes_done = sum(sizes.values()), 0
        batch_start, batch_started = 0, time.monotonic()
        for root, sources in work:
            for source in sources:
                path = str(source.path)
                within = None
                if on_progress:
                    def within(done: int, of: int, size: int = sizes[path], before: int = bytes_done) -> None:
                        share = before + size * done // of
                        on_progress(IndexProgress(report.files, total, share, bytes_total, report.paragraphs))

                _index_file(writer, source, known.get(path), report, warn, signature_size, metadata, within, sketch_terms)
                report.files += 1
                pending_files += 1
                if on_progress:
                    bytes_done += sizes[path]
                    on_progress(IndexProgress(report.files, total, bytes_done, bytes_total, report.paragraphs))
                # A rebuild commits once, at the end: stopped half-way, it
                # must leave the old index whole, not a part of the new one.
                full = report.paragraphs - batch_start >= batch_paragraphs
                due = time.monotonic() - batch_started >= batch_seconds and report.paragraphs > batch_start
                if not rebuild and (full or due):
                    _commit(writer, rebuild, report.paragraphs - batch_start)
                    committed_changes = report.files_written + report.files_removed
                    report.saved_files += pending_files
                    pending_files, batch_start, batch_started = 0, report.paragraphs, time.monotonic()
                    batch_seconds = min(2 * batch_seconds, BATCH_GROWTH * first_batch_seconds)
                    # Queries of the new generation find copies through it.
                    save_sketch_file(index_dir)
                    writer = _open_writer(index, index_dir)
            gone = [p for p, doc in known.items() if p not in seen and _gone_from(p, doc["root"], str(root))]
            for path in gone:
                writer.delete_by_term("source", path)
                report.removed += known[path]["articles"]
                report.files_removed += 1
        if rebuild or report.files_written + report.files_removed > committed_changes:
            _commit(writer, rebuild, report.paragraphs - batch_start)
        else:
            # Nothing to save, and a commit is where segments are merged:
            # with many segments, a run with nothing to do would spend
            # minutes merging (two at 100,000 articles).
            _cancel(writer)
        report.saved_files += pending_files
        _save_stem_table(index_dir, stem_table, forgotten)
        save_sketch_file(index_dir)
    except KeyboardInterrupt:
        _cancel(writer, index_dir)
        raise Interrupted(report) from None
    except BaseException:
        _cancel(writer, index_dir)
        raise
    finally:
        analysis.before_forgetting_stems(None)
    return report


def _gone_from(path: str, its_root: str, root: str) -> bool:
    """Whether a file indexed from ``its_root`` and not met in a walk of
    ``root`` is gone: it was indexed from that same root, or it lay under
    it and is no longer there (indexed from a folder above or below, as
    when the folder and one of its subfolders were both named).  A file
    still there that the walk did not meet stays: it came in through a
    symbolic link the walk does not follow, from a root of its own."""
    if its_root == root:
        return True
    return path.startswith(root.rstrip(os.sep) + os.sep) and not os.path.lexists(path)


def _save_stem_table(index_dir: Path, table: StemTable, forgotten: dict[str, str]) -> None:
    """Keep the roots of every form indexed so far, for queries (see
    ``analysis.stem_table``): those of ``table``, the one this run began
    with (and learned), and those worked out since, if any.  The roots
    this process knows are a bounded cache, emptied past 200,000 forms;
    what it let go in this run is in ``forgotten``.  Only a cache: when
    it cannot be written, queries stem with Sastrawi as before."""
    known = analysis.known_stems()
    if not forgotten and len(known) <= len(table) and table.current:
        return  # nothing new (and in this version's format)
    stems = {**dict(table.items()), **forgotten, **known} if forgotten else known
    try:
        save_index_stem_table(index_dir, stems)
    except OSError:
        pass


def save_sketch_file(index_dir: Path) -> None:
    """Write the sketch file of the index's generation, for queries (see
    ``storage.sketch_file``), unless it is there already.  Only a cache:
    when it cannot be written (a full disk, a damaged segment), queries
    read every paragraph's signature instead, which takes longer."""
    from searcher.storage.sketch_file import write_sketch_file
    from searcher.storage.w3.reader import DamagedFile

    try:
        files = open_index_files(index_dir)
    except SearchIndexError:
        return
    try:
        write_sketch_file(index_dir, files)
    except (OSError, DamagedFile):
        pass
    finally:
        files.close()


def _cancel(writer, index_dir: Path | None = None) -> None:
    """Drop the uncommitted batch, and with ``index_dir`` the files it had
    written (a full disk must not stay full).  A commit that failed
    half-way (disk full) has closed the writer already; its error is the
    one to report."""
    from whoosh.writing import IndexingError

    try:
        writer.cancel()
    except IndexingError:
        pass
    except OSError:
        # Whoosh could not remove its temporary folder: something still
        # wrote in it (most likely a worker that a Ctrl-C caught as it was
        # being started, unknown to the writer and so not stopped; it dies
        # with this process).  The folder goes with the leftovers, now or
        # in the next run.
        pass
    if index_dir is not None:
        try:
            remove_leftovers(index_dir)
        except OSError:
            pass  # the next run tries again


def _index_file(
    writer,
    source: SourceFile,
    known: dict | None,
    report: IndexReport,
    warn: Warn,
    signature_size: int = SIGNATURE_SIZE,
    metadata: bool = True,
    within: Callable[[int, int], None] | None = None,
    sketch_terms: bool = False,
) -> None:
    """Bring one file's paragraphs up to date.
    ``metadata``: the index has fields for articles' dates and sites.
    ``within(articles done, of)``: every PROGRESS_PARAGRAPHS paragraphs,
    in a file of many articles (JSONL).
    ``sketch_terms``: the index has SKETCH_FIELD (made before December
    2026), where each paragraph's sketch is indexed too."""
    from searcher.sources.articles import UnreadableFile, read_articles

    path = str(source.path)
    try:
        stat = source.path.stat()
        if known and known["size"] == stat.st_size and known["mtime"] == stat.st_mtime:
            report.unchanged += known["articles"]
            return
        data = source.path.read_bytes()
    except OSError as err:
        warn(f"{path}: cannot read ({err.strerror}), skipped")
        report.skipped += 1
        return
    digest = _file_hash(data)
    if known and known["sha1"] == digest:
        # Touched but not changed: only the bookkeeping needs the new mtime.
        writer.delete_by_term("state", path)
        summary = {k: known[k] for k in ("sites", "dates") if k in known} if metadata else {}
        _add_file_state(writer, source, stat, digest, known["articles"], summary)
        report.unchanged += known["articles"]
        report.files_written += 1
        return
    in_file = 0  # articles, once the reader knows

    def counted(articles: int) -> None:
        nonlocal in_file
        in_file = articles

    # Articles are written as they are read, not all read first: a JSONL
    # file of a million articles would hold them all in memory.
    articles = read_articles(source.path, source.article_id, warn, data=data, counted=counted)
    try:
        first = next(articles, None)  # (a file that cannot be read says so before its first article)
    except UnreadableFile as err:
        warn(f"{path}: {err}, skipped")
        report.skipped += 1
        return
    if known:
        writer.delete_by_term("source", path)
    summary = _FileSummary()
    written = 0
    for article in chain((first,), articles) if first is not None else ():
        summary.add(article)
        key = article_key(path, article.id)
        about = _metadata(article) if metadata else {}
        for number, paragraph in enumerate(article.paragraphs, 1):
            fingerprint = signature(paragraph, signature_size)
            if sketch_terms:
                about[SKETCH_FIELD] = sketch(fingerprint)
            writer.add_document(
                kind="para",
                source=path,
                article=article.id,
                article_key=key,
                para=number,
                title=article.title,
                body=paragraph,
                signature=fingerprint,
                **about,
            )
            report.paragraphs += 1
            written += 1
            if within and in_file > 1 and written % PROGRESS_PARAGRAPHS == 0:
                within(summary.articles, in_file)
    if known:
        report.changed += summary.articles
    else:
        report.new += summary.articles
    if not summary.articles:  # empty, or no record or page with text: warned about, and counted as skipped
        report.skipped += 1
    _add_file_state(writer, source, stat, digest, summary.articles, summary.as_dict() if metadata else {})
    report.files_written += 1


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _metadata(article) -> dict:
    """The fields an article's paragraphs carry for what its file says of it."""
    import datetime

    fields = {name: getattr(article, name) for name in ("date", "site", "url", "author")}
    fields = {name: value for name, value in fields.items() if value}
    if article.date:
        fields["day"] = datetime.date.fromisoformat(article.date).toordinal()
    if article.site:
        fields["site_key"] = site_key(article.site)
        fields["site_hash"] = site_hash(article.site)
    return fields


class _FileSummary:
    """A file's articles by site, and their dates, for stats: added up as
    the articles are written."""

    def __init__(self) -> None:
        self.articles = 0
        self.sites: dict[str, int] = {}
        self.first: str | None = None
        self.last: str | None = None
        self.undated = 0

    def add(self, article) -> None:
        self.articles += 1
        if article.site:
            self.sites[article.site] = self.sites.get(article.site, 0) + 1
        if not article.date:
            self.undated += 1
        else:
            self.first = min(self.first or article.date, article.date)
            self.last = max(self.last or article.date, article.date)

    def as_dict(self) -> dict:
        return {"sites": self.sites, "dates": (self.first, self.last, self.undated)}


def _add_file_state(
    writer, source: SourceFile, stat: os.stat_result, digest: str, articles: int, summary: dict
) -> None:
    path = str(source.path)
    writer.add_document(
        kind="file",
        source=path,
        state=path,
        root=str(source.root),
        size=stat.st_size,
        mtime=stat.st_mtime,
        sha1=digest,
        articles=articles,
        **summary,
    )
