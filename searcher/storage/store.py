"""The index on disk: its schema, opening it (for reading, or for writing
under the run lock), and clearing what failed runs left.  Writing articles
into it is ``storage.indexing``; its figures, ``storage.stats``.

Each paragraph is one Whoosh document (kind "para").  Each indexed file also
has one document of kind "file" carrying what change detection needs (size,
mtime, content hash, the root it was found under), so that the file's
bookkeeping commits atomically with its paragraphs: there is never a file
marked done whose paragraphs are missing, or the reverse.
"""

from __future__ import annotations

import os
import time

from searcher.analysis import RULES_CHANGES, RULES_VERSION
from searcher.errors import (
    IndexDamaged,
    IndexLocked,
    IndexMissing,
    IndexOutdated,
    SearchIndexError,
)
from searcher.query.duplicates import SIGNATURE_BYTES
from searcher.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path  # imported where used: a query needs none (its imports take 4 ms)

INDEX_NAME = "paragraphs"


def _missing(index_dir: Path) -> IndexMissing:
    where = os.path.abspath(index_dir)  # the full path: the default depends on the folder one is in
    return IndexMissing(f"no index in {where}; run 'search index' first")


def _outdated(index_dir: Path) -> IndexOutdated:
    return IndexOutdated(f"{index_dir} was made by an older version of searcher; run 'search index --rebuild'")


REBUILD_ADVICE = "run 'search check' for what, or 'search index --rebuild' to make it again from the source files"


def damaged(index_dir: Path, what: str) -> IndexDamaged:
    """The error for an index that cannot be read as written; ``what``
    names the file and what is wrong with it, as far as known."""
    return IndexDamaged(f"the index in {index_dir} is damaged ({what}); {REBUILD_ADVICE}")


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
# ``storage.sketch_file``); one whose words were cut by older analysis
# rules lacks ANALYSIS_MARK.
FIELD_NAMES_BEFORE_METADATA = frozenset(
    {"kind", "source", "state", "root", "article", "article_key", "para", "title", "body", "sketch", "signature"}
    | {"size", "mtime", "sha1", "articles"}
)
METADATA_FIELDS = frozenset({"date", "day", "site", "site_key", "site_hash", "url", "author", "sites", "dates"})
SKETCH_FIELD = "sketch"
FIELD_NAMES_WITH_SKETCH_TERMS = FIELD_NAMES_BEFORE_METADATA | METADATA_FIELDS
# A field no document fills: its name says which version of the analysis
# rules cut the index's words (analysis.RULES_VERSION).  A rebuild writes
# the current schema and other runs keep the index's, so it stays missing
# while any paragraph read by older rules is left (see words_cut_before).
_MARK_PREFIX = "words_v"
ANALYSIS_MARK = f"{_MARK_PREFIX}{RULES_VERSION}"
FIELD_NAMES = FIELD_NAMES_WITH_SKETCH_TERMS - {SKETCH_FIELD} | {ANALYSIS_MARK}
# Each with any version's mark, or none:
KNOWN_FIELD_NAMES = (FIELD_NAMES - {ANALYSIS_MARK}, FIELD_NAMES_WITH_SKETCH_TERMS, FIELD_NAMES_BEFORE_METADATA)


def known_fields(field_names) -> bool:
    """Whether an index with those fields was made by this version or by
    one it reads."""
    return frozenset(name for name in field_names if not name.startswith(_MARK_PREFIX)) in KNOWN_FIELD_NAMES


def words_cut_before(index_dir, field_names) -> str | None:
    """What to tell a user of the index with those fields whose words were
    cut by older analysis rules (None when they were cut as now): a word
    such rules cut otherwise is found in what was read then only as it
    was cut then.  The words named are those cut otherwise since the
    index's version of the rules."""
    versions = [name[len(_MARK_PREFIX) :] for name in field_names if name.startswith(_MARK_PREFIX)]
    made_by = max((int(version) for version in versions if version.isdigit()), default=1)  # (the first left none)
    if made_by >= RULES_VERSION:
        return None
    changed = [word for version, words in sorted(RULES_CHANGES.items()) if version > made_by for word in words]
    words = ", ".join(f'"{word}"' for word in changed)
    return f"{index_dir} was made by an older version of searcher, which cut some words otherwise ({words})"


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
        **{ANALYSIS_MARK: STORED},
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
    inside, as IndexDamaged naming the file.  (A class, not a contextlib
    context manager: a query imports this module, and contextlib cost it
    0.4 ms.)"""

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
        if current and not known_fields(files.field_names):
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


