"""The index on disk: its schema, opening it, and writing articles into it.

Each paragraph is one Whoosh document (kind "para").  Each indexed file also
has one document of kind "file" carrying what change detection needs (size,
mtime, content hash, the root it was found under), so that the file's
bookkeeping commits atomically with its paragraphs: there is never a file
marked done whose paragraphs are missing, or the reverse.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable

from searcher import analysis
from searcher.analysis.stem_table import STEM_TABLE, StemTable, load_index_stem_table, save_index_stem_table
from searcher.errors import (
    IndexDamaged,
    IndexLocked,
    IndexMissing,
    IndexOutdated,
    Interrupted,
    SearchIndexError,
)
from searcher.query.duplicates import SIGNATURE_BYTES, SIGNATURE_SIZE, signature, sketch
from searcher.records import TYPE_CHECKING, record
from searcher.storage.safe_files import write_atomically

if TYPE_CHECKING:
    from pathlib import Path  # imported where used: a query needs none (its imports take 4 ms)

    from searcher.sources.articles import SourceFile, Warn

INDEX_NAME = "paragraphs"


def _missing(index_dir: Path) -> IndexMissing:
    where = os.path.abspath(index_dir)  # the full path: the default depends on the folder one is in
    return IndexMissing(f"no index in {where}; run 'search index' first (or pass --index-dir)")


def _outdated(index_dir: Path) -> IndexOutdated:
    return IndexOutdated(f"{index_dir} was made by an older version of searcher; run 'search index --rebuild'")


REBUILD_ADVICE = "run 'search check' for what, or 'search index --rebuild' to make it again from the source files"


def damaged(index_dir: Path, what: str) -> IndexDamaged:
    """The error for an index that cannot be read as written; ``what``
    names the file and what is wrong with it, as far as known."""
    return IndexDamaged(f"the index in {index_dir} is damaged ({what}); {REBUILD_ADVICE}")


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
WRITER_NOTE = "writer.txt"  # who holds the write lock, for the message a second writer gets
RUN_LOCK = "searcher_RUNLOCK"  # see RunLock


def setting(name: str, default: float) -> float:
    """A number from the environment variable ``name``, else ``default``."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = type(default)(text)
    except ValueError:
        value = -1
    if not value >= 0:  # "nan" too
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise SearchIndexError(f"{name} must be {kind} of 0 or more, not {text!r}")
    return value


def lock_wait_seconds() -> float:
    return setting("SEARCH_LOCK_TIMEOUT", 10.0)


ARTICLE_KEY_BYTES = 8  # an article_key() as its column stores it ("Q": unsigned, big-endian)


def article_key(source: str, article: str) -> int:
    """A number naming one article of one file, for grouping paragraphs by
    article quickly (a column read instead of a stored-fields read)."""
    import hashlib  # not at the top: a query needs none of it, and it loads OpenSSL

    digest = hashlib.blake2b(f"{source}\0{article}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


# make_schema()'s fields: what an index made by this version has.  Indexes
# made before are read and updated as they are, until 'search index
# --rebuild': one made before articles had metadata lacks METADATA_FIELDS;
# one made before December 2026 has SKETCH_FIELD too (see
# ``storage.sketch_file``).
FIELD_NAMES_BEFORE_METADATA = frozenset(
    {"kind", "source", "state", "root", "article", "article_key", "para", "title", "body", "sketch", "signature"}
    | {"size", "mtime", "sha1", "articles"}
)
METADATA_FIELDS = frozenset({"date", "day", "site", "site_key", "site_hash", "url", "author", "sites", "dates"})
SKETCH_FIELD = "sketch"
FIELD_NAMES_WITH_SKETCH_TERMS = FIELD_NAMES_BEFORE_METADATA | METADATA_FIELDS
FIELD_NAMES = FIELD_NAMES_WITH_SKETCH_TERMS - {SKETCH_FIELD}
KNOWN_FIELD_NAMES = (FIELD_NAMES, FIELD_NAMES_WITH_SKETCH_TERMS, FIELD_NAMES_BEFORE_METADATA)


def site_key(site: str) -> str:
    """The term a site is filtered by: case and spacing do not count."""
    return " ".join(site.casefold().split())


def site_hash(site: str) -> int:
    """A number for a site (never 0, which is "none"), for counting
    paragraphs by site from a column."""
    import zlib

    return zlib.crc32(site_key(site).encode()) or 1


def has_metadata(field_names) -> bool:
    return METADATA_FIELDS <= set(field_names)


def make_schema():
    from whoosh.columns import FixedBytesColumn, NumericColumn
    from whoosh.fields import COLUMN, ID, STORED, Schema

    from searcher.analysis.whoosh_glue import IndonesianText, analyzer

    text_analyzer = analyzer()
    return Schema(
        kind=ID,  # "para" or "file"
        source=ID(stored=True),  # the file's absolute path
        state=ID,  # the same path, on the "file" document only
        root=ID(stored=True),  # the folder or file the user asked to index
        article=ID(stored=True),
        article_key=COLUMN(NumericColumn("Q")),  # see article_key()
        para=STORED,  # 1-based paragraph number within the article
        title=IndonesianText(analyzer=text_analyzer, stored=True, phrase=True),
        body=IndonesianText(analyzer=text_analyzer, stored=True, phrase=True),
        signature=COLUMN(FixedBytesColumn(SIGNATURE_BYTES)),  # for finding copies, see duplicates.py
        # What an article's file says of it (sources.articles.Article), on
        # its paragraphs, when it says it:
        date=STORED,  # of publication, "YYYY-MM-DD"
        day=COLUMN(NumericColumn("i")),  # the same as date.toordinal(), 0 when unknown: for date filters
        site=STORED,  # the outlet, as the file names it
        site_key=ID,  # site_key(site): for site filters
        site_hash=COLUMN(NumericColumn("I")),  # site_hash(site), 0 when unknown: for counts by site
        url=STORED,
        author=STORED,
        size=STORED,
        mtime=STORED,
        sha1=STORED,
        articles=STORED,  # how many articles the file held
        sites=STORED,  # {site: articles} of the file, for stats
        dates=STORED,  # (earliest, latest, undated articles) of the file, for stats
    )


def _storage(index_dir: Path, readonly: bool = False):
    # Without mmap, opening a searcher reads only what a query touches,
    # instead of copying whole segment files into memory: a faster and much
    # smaller cold start for the CLI.  What writes syncs its files in the
    # order a commit needs to survive a power cut (storage.durable).
    if readonly:
        from searcher.storage.checked import CheckedFileStorage

        return CheckedFileStorage(str(index_dir))
    from searcher.storage.durable import DurableFileStorage

    return DurableFileStorage(str(index_dir), readonly=False)


def index_exists(index_dir: Path) -> bool:
    return latest_generation(index_dir) >= 0


def latest_generation(index_dir: Path) -> int:
    """The number of the index's newest TOC file, -1 when there is none.
    (Whoosh's own check reads and unpickles that TOC, which opening the
    index then does again.)"""
    from searcher.storage.w3 import reader

    return reader.latest_generation(index_dir, INDEX_NAME) if os.path.isdir(index_dir) else -1


def open_index(index_dir: Path, readonly: bool = True, current: bool = True):
    """Open an existing index through Whoosh, or raise IndexMissing,
    IndexDamaged, or IndexOutdated when ``current`` asks for one made by
    this version."""
    # Whoosh reads a damaged TOC or segment as whatever it decodes to (or
    # fails with a TypeError); our reader checks and names the file.
    open_index_files(index_dir, current).close()
    from whoosh.index import FileIndex

    try:
        return FileIndex(_storage(index_dir, readonly=readonly), indexname=INDEX_NAME)
    except FileNotFoundError:
        raise
    except Exception as error:
        raise damaged(index_dir, f"{error.__class__.__name__}: {error}") from error


class reading:
    """A block of an index file that does not match its checksum, read
    inside, as IndexDamaged naming the file.  (This and _collector_paused
    are classes, not contextlib's context managers: a query imports this
    module, and contextlib cost it 0.4 ms.)"""

    def __init__(self, index_dir: Path):
        self._index_dir = index_dir

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, traceback) -> None:
        from searcher.storage.w3.reader import DamagedFile

        if isinstance(error, DamagedFile):
            raise damaged(self._index_dir, str(error)) from None


def open_index_files(index_dir: Path, current: bool = True, sound: set[str] | None = None):
    """The index's current generation, read without Whoosh (see
    ``storage.w3.reader``), or raise IndexMissing, IndexDamaged, or
    IndexOutdated when ``current`` asks for one made by this version.

    Checksums: by default each block is checked as it is read (a one-shot
    query reads little).  A long-lived reader passes ``sound``, the names
    of segments it has checked whole: the others are checked whole now
    and added, and reads are not checked again."""
    from searcher.storage.w3.reader import DamagedFile, IndexFiles, IndexFormatError

    for _ in range(10):
        generation = latest_generation(index_dir)
        if generation < 0:
            raise _missing(index_dir)
        try:
            files = IndexFiles(index_dir, INDEX_NAME, generation, checked=sound is None)
            if sound is not None:
                try:
                    files.verify(sound)
                except BaseException:
                    files.close()
                    raise
        except (FileNotFoundError, DamagedFile) as error:
            if latest_generation(index_dir) != generation:
                continue  # a commit replaced that generation as we opened it: open the new one
            if isinstance(error, DamagedFile):
                raise damaged(index_dir, str(error)) from None
            raise damaged(index_dir, f"{os.path.basename(error.filename or '?')}: missing") from None
        except IndexFormatError:
            raise _outdated(index_dir) from None
        if current and files.field_names not in KNOWN_FIELD_NAMES:
            files.close()
            raise _outdated(index_dir)
        return files
    raise SearchIndexError(f"{index_dir} was changed by ten commits while being opened; try again")


def whoosh_reader(index_dir: Path, files):
    """Whoosh's reader of the generation an IndexFiles opened, for the
    queries that need Whoosh's matchers.  It reads the segment files
    through the handles ``files`` holds, since a commit made since it
    opened may have merged them away."""
    from whoosh.index import FileIndex

    from searcher.storage.checked import CheckedFileStorage

    held = files.open_files()

    class HeldFiles(CheckedFileStorage):
        def open_file(self, name, **kwargs):
            if name in held:
                return self.whoosh_file(held[name], owned=False, **kwargs)
            return super().open_file(name, **kwargs)

        def file_length(self, name):
            return held[name].size if name in held else super().file_length(name)

    schema, segments = files.whoosh_toc()
    storage = HeldFiles(str(index_dir))
    return FileIndex._reader(storage, schema, segments, files.generation)


def open_or_create_index(index_dir: Path, rebuild: bool = False):
    """Open the index for writing; create it when there is none, or when a
    rebuild finds one made by an older version, or damaged."""
    if index_exists(index_dir):
        try:
            return open_index(index_dir, readonly=False)
        except (IndexOutdated, IndexDamaged):
            if not rebuild:  # a rebuild needs nothing of the old index
                raise
    index_dir.mkdir(parents=True, exist_ok=True)
    return _storage(index_dir).create_index(make_schema(), indexname=INDEX_NAME)


class IndexReport:
    """What a run did.  Articles are counted by the file they are in: all the
    articles of a new file are new, of a changed file changed, and so on.
    (Not a dataclass: queries import this module, and a dataclass costs
    each of them half a millisecond to make.)"""

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
    bytes_done: int  # of the files done, and of the one being written, by its share of paragraphs written
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
    from pathlib import Path

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
    import json
    from pathlib import Path

    try:
        with open(os.path.join(index_dir, ROOTS_FILE), encoding="utf-8") as recorded:
            return {Path(root) for root in json.load(recorded)}
    except (OSError, ValueError, TypeError):
        return set()


def _record_roots(index_dir: Path, roots: list[str], rebuild: bool) -> None:
    """Add ``roots`` to those recorded (replace them, for a rebuild)."""
    import json

    known = set() if rebuild else {str(root) for root in _asked_roots(index_dir)}
    write_atomically(index_dir / ROOTS_FILE, json.dumps(sorted(known | set(roots)), ensure_ascii=False).encode())


def index_procs() -> int:
    """Worker processes for indexing: one per core, up to MAX_PROCS."""
    return max(1, setting("SEARCH_PROCS", 0) or min(os.cpu_count() or 1, MAX_PROCS))


def writer_at_work(index_dir: str | os.PathLike) -> str | None:
    """Who holds the run lock (``search index`` at work on the index), or
    None.  Read-only: it tries for a shared lock on the lock file, when
    there is one, and lets go at once."""
    import fcntl

    try:
        fd = os.open(os.path.join(index_dir, RUN_LOCK), os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        try:
            with open(os.path.join(index_dir, WRITER_NOTE), encoding="utf-8") as note:
                return note.read().strip() or "'search index'"
        except OSError:
            return "'search index'"
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


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


def _locked(index_dir: Path) -> IndexLocked:
    try:
        holder = (index_dir / WRITER_NOTE).read_text(encoding="utf-8").strip()
    except OSError:
        holder = "another process"
    return IndexLocked(
        f"{index_dir} is being written by {holder}; waited {lock_wait_seconds():g} s, "
        "try again when it has finished"
    )


# How often a writer waiting for the run lock tries again.
_LOCK_POLL_SECONDS = 0.05


class RunLock:
    """The index's run lock, held from before the index is opened (or
    created) until the run ends, so that writers never interleave.

    Whoosh's own write lock is given up at every commit, and a run commits
    once per batch: a second ``search index`` that took it between two
    batches read which files were done and indexed the rest again, beside
    the first.  And two runs creating a new index at once each wrote its
    first TOC.  Waits up to SEARCH_LOCK_TIMEOUT seconds, then raises
    IndexLocked naming the holder."""

    def __init__(self, index_dir: Path):
        self._index_dir = index_dir
        self._lock = None

    def acquire(self) -> None:
        index_dir = self._index_dir
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = _storage(index_dir).lock(RUN_LOCK)
        deadline = time.monotonic() + lock_wait_seconds()
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise _locked(index_dir)
            time.sleep(_LOCK_POLL_SECONDS)
        self._lock = lock
        note = f"'search index' (pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')})"
        (index_dir / WRITER_NOTE).write_text(note, encoding="utf-8")

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> "RunLock":
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


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


class _collector_paused:
    """Python's cyclic garbage collector off for a run, and back on after.
    A writer's postings pool is millions of lists and tuples, and the
    collector walked them over and over as they grew: 12% of the time of
    adding and writing paragraphs.  An indexing run makes almost no
    cyclic garbage (a few hundred objects for 18,000 paragraphs), and what
    it makes is collected once the collector is back.  The workers forked
    meanwhile start with it off (see w3.writer)."""

    def __enter__(self) -> None:
        import gc

        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info) -> None:
        import gc

        if self._was_enabled:
            gc.enable()


def _update_index(index_dir: Path, roots, warn: Warn, on_progress: Progress | None, rebuild: bool) -> IndexReport:
    from pathlib import Path

    from searcher.sources.articles import SUFFIXES, find_files  # here: queries need not compile its patterns

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
    signature_size = len(writer.schema["signature"].column_type.default_value()) // 4
    metadata = has_metadata(writer.schema.names())
    sketch_terms = SKETCH_FIELD in writer.schema.names()
    pending_files = 0
    committed_changes = 0  # files written or removed, as of the last commit
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
        for root in map(Path, report.roots):
            if root.is_file() and not root.name.lower().endswith(SUFFIXES):
                report.skipped += 1  # named on its own in a format not read (find_files says so)
            found = find_files(root, warn, skip=index_dir, unsupported=unsupported)
            sources = [s for s in found if str(s.path) not in seen]
            seen.update(str(s.path) for s in sources)
            work.append((root, sources))
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
                    def within(written: int, of: int, size: int = sizes[path], before: int = bytes_done) -> None:
                        share = before + size * written // of
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
            gone = [p for p, doc in known.items() if doc["root"] == str(root) and p not in seen]
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
        if len(analysis.known_stems()) > len(stem_table):  # roots the table lacks
            _save_stem_table(index_dir)
        save_sketch_file(index_dir)
    except KeyboardInterrupt:
        _cancel(writer, index_dir)
        raise Interrupted(report) from None
    except BaseException:
        _cancel(writer, index_dir)
        raise
    return report


def remove_leftovers(index_dir: Path) -> None:
    """Delete what killed or failed runs left in the index folder: segment
    files that the current TOC does not name, older TOCs, writers'
    temporary folders and half-written files.  Called under the run lock,
    so no other writer is making any of them; a reader that opened an
    older generation holds its files open and reads on (on POSIX a deleted
    file lives while it is open), and one opening it just now retries the
    newest (see ``open_index_files``)."""
    import shutil

    from whoosh.index import TOC, clean_files

    storage = _storage(index_dir)
    try:
        toc = TOC.read(storage, INDEX_NAME)
    except Exception:  # no TOC, or a damaged one: nothing is known to be unused
        return
    clean_files(storage, INDEX_NAME, toc.generation, toc.segments)
    for path in index_dir.iterdir():
        if path.name.endswith(".tmp") and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.endswith((".tmp", ".partial")):
            path.unlink(missing_ok=True)


def _save_stem_table(index_dir: Path) -> None:
    """Keep the roots of every form indexed so far, for queries (see
    ``analysis.stem_table``).  Only a cache: when it cannot be written, queries stem
    with Sastrawi as before."""
    try:
        save_index_stem_table(index_dir, analysis.known_stems())
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
    on_paragraphs: Callable[[int, int], None] | None = None,
    sketch_terms: bool = False,
) -> None:
    """Bring one file's paragraphs up to date.
    ``metadata``: the index has fields for articles' dates and sites.
    ``on_paragraphs(written, of)``: every PROGRESS_PARAGRAPHS paragraphs.
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
    try:
        articles = list(read_articles(source.path, source.article_id, warn, data=data))
    except UnreadableFile as err:
        warn(f"{path}: {err}, skipped")
        report.skipped += 1
        return
    if known:
        writer.delete_by_term("source", path)
        report.changed += len(articles)
    else:
        report.new += len(articles)
    if not articles:  # empty, or no record or page with text: warned about, and counted as skipped
        report.skipped += 1
    in_file = sum(len(article.paragraphs) for article in articles) if on_paragraphs else 0
    written = 0
    for article in articles:
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
            if on_paragraphs and written % PROGRESS_PARAGRAPHS == 0:
                on_paragraphs(written, in_file)
    _add_file_state(writer, source, stat, digest, len(articles), _file_summary(articles) if metadata else {})
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


def _file_summary(articles) -> dict:
    """A file's articles by site, and their dates, for stats."""
    sites: dict[str, int] = {}
    for article in articles:
        if article.site:
            sites[article.site] = sites.get(article.site, 0) + 1
    dates = sorted(article.date for article in articles if article.date)
    undated = len(articles) - len(dates)
    return {"sites": sites, "dates": (dates[0], dates[-1], undated) if dates else (None, None, undated)}


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


def index_stats(index_dir: Path) -> dict:
    """Counts that describe the index, for ``search stats``."""
    index = open_index(index_dir)
    with reading(index_dir), index.searcher() as searcher:
        files = list(searcher.documents(kind="file"))
        reader = searcher.reader()
        terms = {text for fieldname in ("title", "body") for text in reader.lexicon(fieldname)}
        paragraphs = sum(1 for _ in searcher.document_numbers(kind="para"))
    files_in_index = list(index_dir.iterdir())
    metadata = has_metadata(index.schema.names())
    return {
        "index": str(index_dir),
        "articles": sum(doc["articles"] for doc in files),
        **(_metadata_stats(files) if metadata else {"sites": None, "dates": None}),
        "paragraphs": paragraphs,
        "distinct_terms": len(terms),
        "roots": sorted({doc["root"] for doc in files}),
        "files": sum(1 for doc in files if doc["articles"]),  # (an empty one is recorded, not indexed)
        "size_bytes": sum(p.stat().st_size for p in files_in_index if p.is_file()),
        "last_update": time.strftime(
            "%Y-%m-%dT%H:%M:%S%z", time.localtime(max(p.stat().st_mtime for p in files_in_index))
        ),
    }


def _metadata_stats(files: list[dict]) -> dict:
    """Articles by site (most first), and the range of their dates."""
    sites: dict[str, int] = {}
    first = last = None
    undated = 0
    for doc in files:
        for site, count in doc.get("sites", {}).items():
            sites[site] = sites.get(site, 0) + count
        earliest, latest, file_undated = doc.get("dates", (None, None, doc["articles"]))
        undated += file_undated
        if earliest:
            first = min(first or earliest, earliest)
            last = max(last or latest, latest)
    by_count = dict(sorted(sites.items(), key=lambda item: (-item[1], item[0])))
    return {"sites": by_count, "dates": {"first": first, "last": last, "undated": undated}}
