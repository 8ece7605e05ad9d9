"""Writing the index on several cores, and keeping its segment count low.

Whoosh's ``MpWriter`` hands batches of documents to worker processes that
each write a segment of their own; with ``multisegment=True`` the segments
join the index in the parent's commit, so a commit stays one atomic step.
On two cores that builds an index about 1.6 times as fast.  Whoosh's workers
are made safe for a command-line tool here: they ignore Ctrl-C (the parent
decides what is saved) and die with the parent, even when it is killed with
``kill -9``, instead of waiting forever for work that will not come.  And
a worker that fails (out of memory, killed, a full disk) fails the batch:
Whoosh's parent would commit without that worker's segment, losing its
documents while recording their files as indexed, or wait forever to hand
work to workers that are all gone.

Every commit adds segments, and a query pays for each one; ``merge_smallest``
keeps about MAX_SEGMENTS by merging the smallest, as many as the commit's
size allows (see there).  Whoosh merges in the parent process, on one core;
it walked each posting through its matchers and asked for each document's
length in each field from disk, which made a merge as slow as indexing the
same paragraphs on one core.  Here a
term's postings are decoded whole and pooled in one call, and each field's
lengths read once (``add_reader``): a merge takes about 40% less time.
Still, the limit is set where merging stays rare: at 16, building 100,000
articles (16 segments of 50,000 paragraphs) merges nothing and took 270 s;
at 8 it merged twice and took 633 s, for warm queries 10% faster and cold
ones no faster.

Whoosh pickles posting blocks, and the postings it sorts on disk, with
pickle protocol 2, which has no opcode for bytes: every posting's positions
go through a ``_codecs.encode`` call to be written and another to be read.
``_use_current_pickle`` switches those writes to protocol 5, which stores
bytes as they are: a posting block pickles and unpickles about 8 times as
fast and is 40% smaller.  Reading accepts any protocol, so indexes written
before stay readable and nothing else changes.

Whoosh writes where each value of a variable-width column starts (its
offsets) only past 32,768 documents, and leaves readers to add up the
lengths of the values before.  A one-shot query that reads a few
paragraphs' stored fields from a smaller segment (an indexing batch's)
then read and summed the segment's whole lengths array: 6-7 ms of a cold
query at 20,000 articles, four segments of some 27,000 documents.
``_write_stored_offsets`` has the stored-fields column write its offsets
whatever its size (4 bytes a document); Whoosh reads either.

A term in fewer than INLINE_POSTINGS paragraphs has its postings pickled
into its record in the term table (W3's "inlined" postings), not written
as a block of its own: looking it up then takes one read where it took two
and a block to decode.  Most duplicate-sketch terms (of indexes made
before December 2026) are such terms, and a query without the sketch file
looks up about 30 of them in every segment (``query.duplicates``).  W3
offers this (``inlinelimit``) but its default keeps it off, and this fork of
Whoosh misnames the method it calls (``set_inline``): aliased below.

Whoosh's ``PostingPool`` keeps one (field, term, document, weight, value)
tuple per posting, sorts them all (spilling sorted runs to disk and merging
them back when they outgrow its memory), and writes them one posting call
at a time, reading each posting's field length from disk.  A writer numbers
documents in the order they are added, so each term's postings arrive in
order already: ``TermGroupedPool`` keeps them in lists per term, only the
terms get sorted, and ``write_postings`` hands Whoosh's postings writer a
whole block at a time, with field lengths read once per segment.  The
postings, blocks and term records written are the same (tested).

Whoosh's ``add_document`` hands each posting to the pool through two
generators and a call, and analyses an article's title again for each of
its paragraphs.  ``TermGroupedWriter.add_document`` does what it does for
searcher's fields, with a text field's postings pooled in one call per
paragraph (``TermGroupedPool.add_text``, its terms as strings, encoded once
per term when written) and each field's last value's postings kept: about
a fifth less time adding paragraphs.  The segments written are the same
(tested, against Whoosh's writer).

Stemming a word form Sastrawi has not seen is the costliest step of
analysis, and each worker starts with only the roots its parent knew when
it forked.  A worker hands the roots it worked out to the parent (a file in
the index folder) when it finishes its segment; the workers of the next
batch, forked after the commit, then start knowing them.  Within a batch,
the workers share them as they go (``_StemExchange``).
"""

from __future__ import annotations

import ctypes
import gc
import heapq
import os
import pickle
import queue
import signal
import struct
from array import array
from functools import partial
from itertools import accumulate, groupby, islice
from operator import itemgetter
from pathlib import Path

from whoosh import columns, externalsort, multiproc
from whoosh.codec import whoosh3
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

from searcher import analysis
from searcher.errors import WorkerFailed
from searcher.storage.w3.postings import BYTE_TO_LENGTH, all_postings, frequency_list

MAX_SEGMENTS = 16  # merging starts past this many segments; see merge_smallest
HARD_MAX_SEGMENTS = 32  # past this many, merging ignores its budget
MERGE_FACTOR = 4  # a commit merges at most this many times the paragraphs it adds...
MERGE_FLOOR = 20_000  # ...or this many paragraphs (about 7 s of merging)
INLINE_POSTINGS = 16  # see the docstring: postings of rarer terms go in their record
_PR_SET_PDEATHSIG = 1
_PICKLE_PROTOCOL = 5


def _dumps(obj, protocol=None):
    return pickle.dumps(obj, _PICKLE_PROTOCOL)


def _dump(obj, file, protocol=None):
    pickle.dump(obj, file, _PICKLE_PROTOCOL)


def _use_current_pickle() -> None:
    """See the module's docstring; done on import, before any writer exists."""
    whoosh3.dumps = _dumps
    externalsort.dump = _dump


_use_current_pickle()


def _write_stored_offsets() -> None:
    """See the module's docstring; done on import, before any writer exists."""
    stored_writer = columns.CompressedBytesColumn.Writer
    initialise = stored_writer.__init__

    def __init__(self, *args, **kwargs):
        initialise(self, *args, **kwargs)
        self.cutoff = 0  # (VarBytesColumn.Writer.finish: offsets past this many documents)

    stored_writer.__init__ = __init__


_write_stored_offsets()
# W3's postings writer inlines a rare term's postings by calling
# set_inline, a name this fork of Whoosh renamed to set_inlined.
whoosh3.W3TermInfo.set_inline = whoosh3.W3TermInfo.set_inlined


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when ``parent`` (the process that
    forked it) dies; or end now when it has died already."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the worker still ends when its parent cancels or exits
    # A parent killed between the fork and the line above sends no signal:
    # the worker would wait for work forever, holding the terminal's output
    # open (a kill -9 landing as a batch's workers start).
    if os.getppid() != parent:
        os._exit(1)


class _WorkerTask(SubWriterTask):
    def __init__(self, *args):
        super().__init__(*args)
        self.daemon = True  # ended when the parent exits, whatever happened
        self._parent = os.getpid()  # made in the parent, which then forks it

    def run(self):
        _die_with_parent(self._parent)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # SubWriterTask.run makes its writer from this module-level name;
        # this runs in the worker process only, after the fork.
        multiproc.SegmentWriter = TermGroupedWriter
        gc.disable()  # as the parent's run has it (indexing._collector_paused), however this worker was started
        self._exchange = _StemExchange(Path(self.storage.folder))
        # Shared before they are let go: the parent takes every root its
        # workers worked out from their exchange files.
        analysis.before_forgetting_stems(self._exchange.share_before_forgetting)
        try:
            super().run()
        except BaseException as err:
            # Tell the parent why, rather than print a traceback on the
            # user's terminal; the parent drops the batch.
            try:
                self.resultqueue.put(_WorkerError(err), timeout=5)
            except BaseException:
                pass  # the parent still sees the exit status
            raise SystemExit(1) from None

    def _process_file(self, filename, doc_count):
        self._exchange.take()
        super()._process_file(filename, doc_count)
        self._exchange.share()


class _WorkerError:
    """What made a worker fail, as it crosses to the parent (any exception
    pickled, and readable there)."""

    def __init__(self, err: BaseException):
        self.errno = getattr(err, "errno", None)
        self.strerror = getattr(err, "strerror", None)
        self.filename = getattr(err, "filename", None)
        self.description = f"{err.__class__.__name__}: {err}"

    def exception(self) -> Exception:
        if self.errno is not None:  # a full disk, above all: reported as the parent's own would be
            return OSError(self.errno, self.strerror, self.filename)
        return WorkerFailed(f"an indexing worker failed ({self.description}); {_NOTHING_LOST}")


_NOTHING_LOST = "this batch was not saved, what was indexed before is intact; run the command again"


class _WatchedQueue:
    """One of MpWriter's queues, as the parent uses it, watching the workers:
    a put does not wait forever for workers that are gone, and a worker that
    failed is reported rather than passed over when the results are
    collected."""

    def __init__(self, inner, tasks, results):
        self._inner = inner
        self._tasks = tasks
        self._results = results  # the queue where a failing worker says why

    def put(self, item):
        while True:
            self._raise_if_failed()
            try:
                return self._inner.put(item, timeout=0.5)
            except queue.Full:
                pass

    def get(self, block=True, timeout=None):
        try:
            item = self._inner.get(block, timeout)
        except queue.Empty:
            self._raise_if_failed()
            raise
        if isinstance(item, _WorkerError):
            raise item.exception()
        return item

    def _raise_if_failed(self) -> None:
        failed = [task.exitcode for task in self._tasks if task.exitcode not in (None, 0)]
        if not failed:
            return
        while True:  # the reason, when the worker could say it
            try:
                item = self._results.get(timeout=0.1)
            except (queue.Empty, EOFError, OSError):
                break
            if isinstance(item, _WorkerError):
                raise item.exception()
        code = failed[0]
        how = f"was killed by signal {-code}" if code < 0 else f"ended with status {code}"
        if code == -signal.SIGKILL:
            how += " (out of memory?)"
        raise WorkerFailed(f"an indexing worker {how}; {_NOTHING_LOST}")


_STEMS_GLOB = "stems-*"  # roots handed over as files by earlier versions' workers


def _stems_after(count: int) -> dict[str, str]:
    """The roots ``analysis`` came to know after the first ``count`` it knew
    (all, if its cache was emptied since).  Taken from the end of its
    dictionary, which keeps them in the order they came: a worker knows
    100,000 roots and more, and walking past them after every job of
    documents (``_StemExchange.share``) took 1% of a build's time."""
    stems = analysis.known_stems()
    newer = len(stems) - count if len(stems) >= count else len(stems)
    return dict(reversed(list(islice(reversed(stems.items()), newer))))


def _take_over_stems(folder: Path, learn: bool = True) -> None:
    """Learn the roots the workers worked out, from their exchange files
    (``_StemExchange``), and remove the files (``learn`` False: only remove
    them, left by a run that was stopped)."""
    for path in [*folder.glob(_EXCHANGE_GLOB), *folder.glob(_STEMS_GLOB)]:
        try:
            if learn and path.match(_EXCHANGE_GLOB):
                for stems in _stem_records(path.read_bytes())[0]:
                    analysis.learn_stems(stems)
            path.unlink()
        except OSError:
            pass


_EXCHANGE_GLOB = "exchange-*.stems"
_RECORD_LENGTH = struct.Struct(">I")


def _stem_records(data: bytes) -> tuple[list[dict[str, str]], int]:
    """The records of roots in ``data``, read from an exchange file, and
    how many of its bytes they take: those of a record still being written
    are read next time.  A record that is not roots (one cut short by a
    full disk) is passed over."""
    records, at = [], 0
    while at + _RECORD_LENGTH.size <= len(data):
        (length,) = _RECORD_LENGTH.unpack_from(data, at)
        end = at + _RECORD_LENGTH.size + length
        if end > len(data):
            break  # still being written
        try:
            stems = pickle.loads(data[at + _RECORD_LENGTH.size : end])
        except Exception:  # (whatever unpickling the rest of a record cut short raises)
            stems = None
        if isinstance(stems, dict):
            records.append(stems)
        at = end
    return records, at


class _StemExchange:
    """The roots a batch's workers work out, shared among them as they go,
    and left for their parent.  Each worker starts with the roots its
    parent knew, and the words new to it are mostly new to the other
    worker too: in a first build both stemmed the same words with
    Sastrawi, the costliest step of analysis.  (Building 20,000 articles
    from scratch, the two workers took 58.6 s of CPU; sharing, 53.1 s.)
    After each job of documents, and before its cache of roots is emptied,
    a worker appends the roots it worked out to its own file, which so
    holds every one of them; before each job it reads what the others
    appended since.  Only a cache: a record not yet whole is read next
    time, and a file that cannot be read or written is passed by."""

    def __init__(self, folder: Path):
        self._folder = folder
        self._mine = folder / f"exchange-{os.getpid()}.stems"
        self._shared = len(analysis.known_stems())  # of known_stems(), those shared or learned here
        self._read: dict[Path, int] = {}  # another worker's file: bytes read

    def share(self) -> None:
        new = _stems_after(self._shared)
        self._shared = len(analysis.known_stems())
        if not new:
            return
        data = pickle.dumps(new, _PICKLE_PROTOCOL)
        try:
            # One write of a whole record, appended: the others read a
            # record only once its length's bytes are all there.
            descriptor = os.open(self._mine, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                os.write(descriptor, _RECORD_LENGTH.pack(len(data)) + data)
            finally:
                os.close(descriptor)
        except OSError:
            pass

    def share_before_forgetting(self, stems: dict[str, str]) -> None:
        """``analysis`` is about to empty its cache of roots (``stems``)."""
        self.share()
        self._shared = 0

    def take(self) -> None:
        for path in self._folder.glob(_EXCHANGE_GLOB):
            if path == self._mine:
                continue
            offset = self._read.get(path, 0)
            try:
                with open(path, "rb") as file:
                    file.seek(offset)
                    data = file.read()
            except OSError:
                continue
            records, taken = _stem_records(data)
            for stems in records:
                analysis.learn_stems(stems)
            self._read[path] = offset + taken
        # What was just learned is not to be shared back (share runs after
        # each job: every root this worker worked out is shared already).
        self._shared = len(analysis.known_stems())


class TermGroupedPool:
    """A segment's postings, grouped by term as they are added (see the
    module's docstring).  Past ``limitmb`` of postings, the terms gathered
    so far are written to a sorted run on disk and merged back at the end.

    Takes Whoosh's (field, term bytes, document, weight, value) postings,
    and relies on what SegmentWriter guarantees: a term's postings come in
    document order.
    """

    # Rough bytes per term and per posting (list slots; the weight and the
    # value are mostly objects shared with other postings, see
    # IndonesianText.postings), to keep memory near the limit: measured on
    # 1.5 million postings of news paragraphs, the pool's memory grew by 46
    # bytes a posting, where these count 63.
    _TERM_BYTES = 250
    _POSTING_BYTES = 55

    def __init__(self, tempstorage, limitmb: int):
        self.fieldnames: set[str] = set()
        self._terms: dict[tuple[str, bytes], tuple[list, list, list]] = {}
        self._texts: dict[str, dict[str, tuple[list, list, list]]] = {}  # see add_text
        self._tempstorage = tempstorage
        self._limit = limitmb * 1024 * 1024
        self._size = 0
        self.runs: list[str] = []

    def add(self, item) -> None:
        fieldname, tbytes, docnum, weight, value = item
        postings = self._terms.get((fieldname, tbytes)) or self._new_term(fieldname, tbytes)
        postings[0].append(docnum)
        postings[1].append(weight)
        postings[2].append(value)
        self._size += self._POSTING_BYTES + len(value or b"")
        if self._size > self._limit:
            self._spill()

    def add_term(self, fieldname: str, tbytes: bytes, docnums: list[int], weights: list, values: list) -> None:
        """A term's postings in one call, for documents after any it holds."""
        postings = self._terms.get((fieldname, tbytes)) or self._new_term(fieldname, tbytes)
        postings[0].extend(docnums)
        postings[1].extend(weights)
        postings[2].extend(values)
        self._size += self._POSTING_BYTES * len(docnums) + sum(len(value) for value in values if value)
        if self._size > self._limit:
            self._spill()

    def add_text(self, fieldname: str, docnum: int, postings: list[tuple[str, int, float, bytes]]) -> None:
        """One document's postings in a text field, as
        ``IndonesianText.postings`` gives them: the terms as strings, not
        encoded (they are, once per term, when the pool is written).  A
        term's postings go into one list, document, weight and value in
        turn, split into three when gathered (``_gather_texts``): one
        extend a posting where three appends took 60% longer."""
        terms = self._texts.get(fieldname)
        if terms is None:
            terms = self._texts[fieldname] = {}
            self.fieldnames.add(fieldname)
        size = self._POSTING_BYTES * len(postings)
        for term, _, weight, value in postings:
            entry = terms.get(term)
            if entry is None:
                terms[term] = [docnum, weight, value]
                size += self._TERM_BYTES
            else:
                entry += (docnum, weight, value)
        self._size += size
        if self._size > self._limit:
            self._spill()

    def _gather_texts(self) -> None:
        """Move the text fields' postings in among the others, by term bytes."""
        terms = self._terms
        for fieldname, texts in self._texts.items():
            while texts:  # (each term's list freed as it is split: no second copy of them all)
                term, flat = texts.popitem()
                entry = flat[0::3], flat[1::3], flat[2::3]
                del flat
                key = fieldname, term.encode("utf-8")
                held = terms.get(key)
                if held is None:
                    terms[key] = entry
                else:  # a merged segment's postings too (add_term): keep document order
                    first, then = (held, entry) if held[0][0] < entry[0][0] else (entry, held)
                    for mine, more in zip(first, then):
                        mine += more
                    terms[key] = first
        self._texts = {}

    def _new_term(self, fieldname: str, tbytes: bytes) -> tuple[list, list, list]:
        postings = self._terms[fieldname, tbytes] = ([], [], [])
        self.fieldnames.add(fieldname)
        self._size += self._TERM_BYTES + len(tbytes)
        return postings

    def _sorted_terms(self):
        self._gather_texts()
        terms = self._terms
        return ((*key, *terms[key]) for key in sorted(terms))

    def _spill(self) -> None:
        name = f"{random_name()}.termrun"  # the workers share one temporary folder
        with self._tempstorage.create_file(name).raw_file() as run:
            for record in self._sorted_terms():
                pickle.dump(record, run, _PICKLE_PROTOCOL)
        self.runs.append(name)
        self._terms = {}
        self._size = 0

    def _read_run(self, name: str):
        with self._tempstorage.open_file(name).raw_file() as run:
            while True:
                try:
                    yield pickle.load(run)
                except EOFError:
                    break
        self._tempstorage.delete_file(name)

    def terms(self):
        """(field, term bytes, documents, weights, values) per term, in term order."""
        if not self.runs:
            yield from self._sorted_terms()
            return
        # Runs hold earlier documents than later runs and the terms still in
        # memory; heapq.merge keeps that order among equal terms.
        sources = [self._read_run(name) for name in self.runs] + [self._sorted_terms()]
        self.runs = []
        self._terms = {}
        self._texts = {}
        for (fieldname, tbytes), records in groupby(heapq.merge(*sources, key=_term_key), key=_term_key):
            records = list(records)
            if len(records) == 1:
                yield records[0]
                continue
            docnums, weights, values = [], [], []
            for record in records:
                docnums += record[2]
                weights += record[3]
                values += record[4]
            yield fieldname, tbytes, docnums, weights, values

    def iter_postings(self):
        """Whoosh's pool interface: one sorted tuple per posting."""
        for fieldname, tbytes, docnums, weights, values in self.terms():
            for docnum, weight, value in zip(docnums, weights, values):
                yield fieldname, tbytes, docnum, weight, value

    def cleanup(self) -> None:
        for name in self.runs:
            try:
                self._tempstorage.delete_file(name)
            except OSError:
                pass
        self.runs = []


_term_key = itemgetter(0, 1)


def segment_length_bytes(perdoc, fieldname: str, doccount: int) -> bytes:
    """Each document's length in a field, one byte per document in Whoosh's
    coding (see BYTE_TO_LENGTH), read from a segment's per-document reader in
    one piece; 0 for a document without the field."""
    column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if column is None:
        return bytes(doccount)
    stored = column._dbfile.get(column._basepos, min(column._count, doccount))
    return stored + bytes(doccount - len(stored))


class _LengthsReadOnce:
    """A segment's reader, for merging it, with each field's lengths read
    once: Whoosh's merge asks for every document's length in every field,
    and its reader looks on disk (a stat call) for the length column of a
    field that has none (an ID, a stored value) every time."""

    def __init__(self, reader):
        self._reader = reader
        perdoc, count = reader._perdoc, reader.doc_count_all()
        self._lengths = {
            name: segment_length_bytes(perdoc, name, count)
            for name in reader.schema.names()
            if perdoc.has_column(whoosh3._lenfield(name))
        }

    def stored_lengths(self):
        """(field, each document's length in it, as stored), for each field
        with lengths."""
        return self._lengths.items()

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            return default
        return BYTE_TO_LENGTH[lengths[docnum]] or None  # None for none, as Whoosh's reader says

    def __getattr__(self, name):
        return getattr(self._reader, name)


def write_postings(fieldwriter, schema, lengths, terms) -> None:
    """Write ``TermGroupedPool.terms()`` through Whoosh's W3 field writer,
    filling its postings writer a block at a time: the same blocks, block
    statistics and term records as one ``add`` call per posting gives.
    After the blocks of a term with more than one, its frequency list
    (``postings.frequency_list``), for scoring."""
    current_field = None
    doc_lengths: list = []
    for fieldname, tbytes, docnums, weights, values in terms:
        if fieldname != current_field:
            if current_field is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current_field = fieldname
            stored = segment_length_bytes(lengths, fieldname, lengths.doc_count_all())
            doc_lengths = [BYTE_TO_LENGTH[byte] for byte in stored]
        fieldwriter.start_term(tbytes)
        block = fieldwriter._postwriter
        size = block._blocklimit
        for start in range(0, len(docnums), size):
            if start:
                block._write_block()  # the last block is written by finish_term
            end = start + size
            _fill_block(block, docnums[start:end], weights[start:end], values[start:end], doc_lengths)
        fieldwriter.finish_term()
        frequencies = frequency_list(docnums, weights)
        if frequencies is not None:  # past the blocks the term's record points to
            fieldwriter._postfile.write(frequencies)
    if current_field is not None:
        fieldwriter.finish_field()


def _fill_block(block, docnums, weights, values, doc_lengths) -> None:
    """Set a W3 postings writer's block buffer as its ``add_posting`` would."""
    block._ids = array("I", docnums)
    block._weights = array("f", weights)
    block._values = [value for value in values if value]
    block._maxweight = max(0, max(weights))
    known = [length for length in (doc_lengths[docnum] for docnum in docnums) if length]
    block._minlength = min(known) if known else None
    block._maxlength = max(known) if known else 0


class TermGroupedWriting:
    """Mixed into a SegmentWriter: postings pooled by ``TermGroupedPool``
    and written by ``write_postings``."""

    def __init__(self, *args, limitmb: int = 128, **kwargs):
        """``schema``: write with this schema instead of the index's (a
        rebuild, which replaces every segment, writes the current one).  It
        stays in ``kwargs``: Whoosh's writers ignore what they do not know,
        and MpWriter hands its keywords on to its workers' writers."""
        kwargs.setdefault("codec", whoosh3.W3Codec(inlinelimit=INLINE_POSTINGS))
        super().__init__(*args, limitmb=limitmb, **kwargs)
        if kwargs.get("schema") is not None:
            self.schema = kwargs["schema"]
        self.pool = TermGroupedPool(self._tempstorage, limitmb)

    def add_reader(self, reader):
        lengths = _LengthsReadOnce(reader)
        super().add_reader(lengths)
        # Whoosh adds up the merged documents' lengths as stored: a byte,
        # which rounds a long field's length.  Those sums made the merged
        # totals, and with them BM25's average lengths and every score,
        # depend on which segments had been merged: the same paragraphs
        # indexed in one run or over several (a killed run taken up again)
        # scored a little differently.  The segment's totals are exact;
        # the merged ones take them, less the deleted documents' lengths
        # (as stored: their exact lengths are not kept).
        totals = self.perdocwriter._fieldlengths
        for fieldname, stored in lengths.stored_lengths():
            totals[fieldname] += reader.field_length(fieldname) - sum(map(BYTE_TO_LENGTH.__getitem__, stored))

    def cancel(self):
        super().cancel()
        # Whoosh leaves the files of the segment it had begun (until a later
        # commit cleans up); they are this writer's alone, by their random name.
        prefix = self.newsegment.segment_id() + "."
        for name in list(self.storage):
            if name.startswith(prefix):
                try:
                    self.storage.delete_file(name)
                except OSError:
                    pass

    def add_postings_to_pool(self, reader, startdoc, docmap):
        """A segment's postings, pooled to merge it into this writer's:
        Whoosh walks them one at a time through its matchers (the half of
        a merge's time that is not copying stored fields or writing), here
        each term's are decoded whole, a block at a time."""
        schema = self.schema
        terms = reader._terms  # W3's terms reader: the term records in order, and the postings file
        for (fieldname, tbytes), info in terms.items():
            if fieldname not in schema:
                continue
            if info.is_inlined():
                docnums, weights, values = info.inlined_postings()
                values = values or [None] * len(docnums)  # a format without values stores none
            else:
                start, length = info.extent()
                if isinstance(length, tuple):  # as W3TermInfo.from_bytes leaves it
                    (length,) = length
                value_size = schema[fieldname].format.fixed_value_size()
                docnums, weights, values = all_postings(terms._postfile.get(start, length), value_size)
            if docmap is None:
                docnums = [startdoc + docnum for docnum in docnums]
            else:  # deleted documents are not in the map, and so left out
                live = [i for i, docnum in enumerate(docnums) if docnum in docmap]
                if not live:
                    continue
                if len(live) < len(docnums):
                    weights, values = [weights[i] for i in live], [values[i] for i in live]
                docnums = [docmap[docnums[i]] for i in live]
            self.pool.add_term(fieldname, tbytes, docnums, weights, values)

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            write_postings(self.fieldwriter, self.schema, lengths, self.pool.terms())
        finally:
            lengths.close()
        self.fieldwriter.close()


class TermGroupedWriter(TermGroupedWriting, SegmentWriter):
    """Whoosh's one-process writer, with term-grouped postings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The last value of each indexed field and its postings: an
        # article's paragraphs all carry its title, its file's path and more.
        self._last_postings: dict[str, tuple] = {}
        self._plain_fields = not any(
            field.separate_spelling() or field.vector for _, field in self.schema.items()
        )

    def add_document(self, **fields):
        """Whoosh's ``SegmentWriter.add_document``, with the postings of an
        ``IndonesianText`` field pooled in one call per document (see
        ``TermGroupedPool.add_text``), not one per posting through two
        generators.  What it does not need for searcher's schema (boosts,
        spelling fields, term vectors) it leaves to Whoosh's."""
        if not self._plain_fields or any(name.startswith("_") for name in fields):
            return super().add_document(**fields)
        self._check_state()
        perdocwriter, schema, docnum, pool = self.perdocwriter, self.schema, self.docnum, self.pool
        fieldnames = sorted(fields)
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    last = self._last_postings.get(fieldname)
                    if last is None or last[0] != value or type(last[0]) is not type(value):
                        last = self._last_postings[fieldname] = (value, *_postings(field, value))
                    if last[1]:  # as IndonesianText.postings gives them
                        pool.add_text(fieldname, docnum, last[2])
                    else:
                        for tbytes, _, weight, vbytes in last[2]:
                            pool.add((fieldname, tbytes, docnum, weight, vbytes))
                    if field.scorable:
                        length = last[3]
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        except ValueError:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1


class ParallelWriter(TermGroupedWriting, MpWriter):
    """``MpWriter`` with term-grouped postings, workers that never outlive
    the parent, and the roots the workers worked out kept for the next."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _take_over_stems(Path(self.storage.folder), learn=False)
        # The workers get the queues themselves (_new_task); the parent's
        # own puts and gets go through watchers.
        self._jobs, self._results = self.jobqueue, self.resultqueue
        self.jobqueue = _WatchedQueue(self._jobs, self.tasks, self._results)
        self.resultqueue = _WatchedQueue(self._results, self.tasks, self._results)

    def _commit(self, *args):
        super()._commit(*args)  # returns once every worker has ended
        _take_over_stems(Path(self.storage.folder))

    def cancel(self):
        # Stop the workers before Whoosh deletes the job files they read:
        # a worker left running fails on the missing file and prints a
        # traceback on the user's terminal.  What they wrote is dropped anyway.
        # A Ctrl-C can land while a task starts: one not started yet has
        # nothing to stop.
        started = [task for task in self.tasks if task.pid is not None]
        for task in started:
            task.terminate()
        for task in started:
            task.join(timeout=10)
        # Nor wait, on the way out, for the queues' feeder threads to pass
        # on what is left: nobody reads it now, and a Ctrl-C that lands
        # while a put starts a feeder can leave the feeder never told to
        # stop, which made the process hang at exit.
        self._jobs.cancel_join_thread()
        self._results.cancel_join_thread()
        super().cancel()

    def _new_task(self):
        task = _WorkerTask(self.storage, self.indexname, self._jobs, self._results, self.subargs, self.multisegment)
        self.tasks.append(task)
        task.start()
        return task


def _postings(field, value) -> tuple[bool, list, int]:
    """A field's postings for ``value``: whether they come as strings
    (``IndonesianText.postings``) or as Whoosh's (term bytes, frequency,
    weight, value) from ``field.index``, and the value's length."""
    if hasattr(field, "postings"):
        return (True, *field.postings(value))
    postings = list(field.index(value))
    return False, postings, sum(frequency for _, frequency, _, _ in postings)


def merge_policy(incoming: int):
    """The Whoosh merge policy for a commit that adds ``incoming``
    paragraphs (see ``merge_smallest``)."""
    return partial(merge_smallest, incoming=incoming)


def merge_smallest(writer, segments, incoming: int):
    """A Whoosh merge policy: when there are more than MAX_SEGMENTS segments,
    merge the smallest into the commit's new segment, down to half as many,
    but no more of them than MERGE_FACTOR times the paragraphs the commit
    adds (or MERGE_FLOOR): a commit of a few new articles must not spend
    minutes merging big segments, and leaves them for a big one.  Past
    HARD_MAX_SEGMENTS, merge down to half the limit whatever it costs."""
    from whoosh.reading import SegmentReader

    live = [s for s in segments if s.doc_count() > 0]
    if len(live) <= MAX_SEGMENTS:
        return live
    by_size = sorted(live, key=lambda s: s.doc_count_all())
    count = len(live) - MAX_SEGMENTS // 2 + 1
    if len(live) <= HARD_MAX_SEGMENTS:
        budget = max(MERGE_FLOOR, MERGE_FACTOR * incoming)
        totals = accumulate(s.doc_count_all() for s in by_size[:count])
        affordable = sum(1 for total in totals if total <= budget)
        count = affordable if affordable >= 2 else 0  # merging one segment alone gains nothing
    for segment in by_size[:count]:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return by_size[count:]
