"""Reading the index's current generation straight from Whoosh's files.

A query on plain words needs little of an index: its segments, a term's
record and posting bytes, field lengths, stored fields and two fixed-width
columns.  Opening the index through Whoosh for that costs a cold query more
than the query itself: importing Whoosh's reading side (its codec pulls in
fields, analysis, formats, decimal and more) takes 30-60 ms, and its
readers add layers of their own (several seeks and reads per term looked
up, every document's stored-field offset rebuilt in a Python loop when a
segment opens).  This module reads those few things from the files of
Whoosh's W3 codec (pinned in pyproject.toml) with positioned reads,
importing no Whoosh; phrases, prefixes and the like open Whoosh on the same generation
(``IndexFiles.generation``).

The formats, as Whoosh 3 writes them:

- ``_<index>_<generation>.toc``: sizes, version, the pickled schema, then
  the pickled list of segments (id, document count, deleted documents,
  total length of each field).  The pickles name Whoosh's classes; they
  are read into plain stand-ins, so that nothing is imported (or run) to
  read them.
- ``<index>_<segment>.seg``: the segment's files in one, with a pickled
  directory of where each starts (or the files side by side, uncompounded).
- ``.trm``: the term table, a CDB-like hash file: key (field number, term)
  to the term's record (statistics, and where its postings are in ``.pst``,
  or the postings themselves for a rare term).
- ``.<field>.col``: a column of per-document values, fixed-width or with a
  length (and, past 32,768 documents, an offset) array at its end.
"""

from __future__ import annotations

import errno
import io
import os
import struct
import sys
import zlib
from array import array
from bisect import bisect_right
from itertools import accumulate

from searcher.records import record
from searcher.storage import checksums
from searcher.storage.w3 import unpickling
from searcher.storage.w3.postings import split_by_segment

try:  # hashlib would load OpenSSL, a few milliseconds of every cold query
    from _md5 import md5
except ImportError:  # a Python built without its own md5
    from hashlib import md5

_TOC_VERSION = -111  # the TOC layout read here (Whoosh's _CURRENT_TOC_VERSION)
_BYTE_ORDER_CHECK = -12345
_INT = struct.Struct("!i")
_LONG = struct.Struct("!q")
_TERM_RECORD = struct.Struct("!BfIBBfII")  # flags, weight, documents, min/max length, max weight, first/last id
_HASH_LENGTHS = struct.Struct("!ii")  # key length, value length
_HASH_POINTER = struct.Struct("!Iq")  # key hash, item position
_HASH_DIRECTORY = struct.Struct("!qi")  # table position, slots
_HASH_TABLES = 256
_SLOTS_READ = 4  # hash slots read at a time: a lookup probes two or three
_READ_ACROSS = 4096  # bytes of a column between two values read in one piece rather than two
_EXTRAS_GUESS = 4096  # bytes read for a term table's extras pickle (see _TermTable)
# Bytes read for a term record with its key: most fit, a rare term's
# postings included (up to 15 postings, see writer.INLINE_POSTINGS).
_VALUE_GUESS = 256
_FIELD_NUMBER = struct.Struct("!H")
_UNKNOWN_FIELD = 65535  # what Whoosh looks up for a field a segment lacks
_OFFSETS_WRITTEN = ord("X")  # last byte of a variable-width column that stores its offsets


class IndexFormatError(Exception):
    """The files are in a layout this module does not read (another Whoosh
    version): Whoosh itself may still open them."""


class DamagedFile(Exception):
    """A file of the index is missing, truncated or garbled: it cannot be
    what Whoosh wrote.  ``name`` is the file's name in the index folder."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


# What reading a truncated or garbled file raises, here or in Whoosh.
DAMAGE = (EOFError, unpickling.UnpicklingError, struct.error, zlib.error, IndexError, KeyError, ValueError,
          TypeError, AttributeError, OverflowError, MemoryError, UnicodeDecodeError)


def _damage(error: BaseException) -> str:
    """What went wrong, for a DamagedFile."""
    if isinstance(error, OSError) and error.errno == errno.EINVAL:  # a read at a negative position
        return "cut short or garbled"
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return f"unreadable ({error.__class__.__name__}: {error})" if str(error) else f"unreadable ({error.__class__.__name__})"


def _varint(buffer, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buffer[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


class _Pickled:
    """Stands in for a class a Whoosh pickle names: keeps its attributes."""

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        if isinstance(state, tuple):  # (dict, slots)
            merged: dict = {}
            for part in state:
                merged.update(part or {})
            state = merged
        self.__dict__.update(state)


def _encode(text: str, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    """``_codecs.encode``, with which a protocol 2 pickle makes bytes from
    latin-1 text: str.encode knows latin-1 itself, where _codecs looks the
    codec up (importing encodings.latin_1, 0.2 ms of a cold query)."""
    return text.encode(encoding, errors)


class _StandInUnpickler(unpickling.Unpickler):
    _PLAIN = {"builtins", "__builtin__", "collections", "copyreg", "copy_reg", "array", "_codecs"}

    def find_class(self, module, name):
        if module == "_codecs" and name == "encode":
            return _encode
        if module in self._PLAIN:
            return super().find_class(module, name)
        # One stand-in for every class named: nothing asks which class an
        # object was, and making a class per name (about 20 in a TOC) cost
        # a cold query 0.3 ms.
        return _Pickled


def _unpickle(data: bytes, whole: bool = False):
    """``whole``: the pickle must be all of ``data``."""
    stream = io.BytesIO(data)
    value = _StandInUnpickler(stream).load()
    if whole and stream.read(1):  # a trailer whose footer is damaged, say
        raise ValueError("bytes after its end")
    return value


def latest_generation(index_dir: str, index_name: str) -> int:
    """The newest generation's number, or -1 when there is none."""
    # _<index>_<digits>.toc, found without a regular expression: compiling
    # one was a tenth of a millisecond of every cold query.
    prefix, suffix = f"_{index_name}_", ".toc"
    numbers = [
        int(number)
        for name in os.listdir(index_dir)
        if name.startswith(prefix) and name.endswith(suffix)
        and (number := name[len(prefix) : -len(suffix)]).isdigit() and number.isascii()
    ]
    return max(numbers, default=-1)


class OpenFile:
    """A file open for reads at given positions.  Read, not memory-mapped:
    the pages a map touches count in the process's memory, and a query on
    common words touches megabytes.  ``size`` is the contents' size, its
    checksum trailer (``storage.checksums``) aside; with ``checked``, every
    block read is checked against its sum."""

    def __init__(self, path: str, checked: bool = True):
        self.name = os.path.basename(path)
        self._file = open(path, "rb")
        size = os.fstat(self._file.fileno()).st_size
        try:
            self.sums = checksums.read_trailer(self._read, size)
        except checksums.ChecksumError as error:
            self._file.close()
            raise DamagedFile(self.name, str(error)) from None
        except BaseException:
            self._file.close()
            raise
        self.size = self.sums.length if self.sums else size
        self.checked = checked and self.sums is not None

    def fileno(self) -> int:
        return self._file.fileno()

    if hasattr(os, "pread"):

        def _read(self, at: int, length: int) -> bytes:
            return os.pread(self._file.fileno(), length, at)

    else:  # Windows

        def _read(self, at: int, length: int) -> bytes:
            self._file.seek(at)
            return self._file.read(length)

    def read(self, at: int, length: int) -> bytes:
        if self.checked:
            try:
                return self.sums.checked_read(self._read, at, length)
            except checksums.ChecksumError as error:
                raise DamagedFile(self.name, str(error)) from None
        return self._read(at, length)

    def verify(self) -> bool:
        """Check every block; False when the file has no checksums."""
        if self.sums is None:
            return False
        try:
            self.sums.check_all(self._read)
        except checksums.ChecksumError as error:
            raise DamagedFile(self.name, str(error)) from None
        return True

    def close(self) -> None:
        self._file.close()


class _Part:
    """One of a segment's files: a stretch of a compound file, or a whole
    file; positions count from its start."""

    def __init__(self, file: OpenFile, start: int, length: int):
        self._file = file
        self._fd = file.fileno()
        self._start = start
        self.length = length
        if file.checked:
            self.read = self._checked_read

    if hasattr(os, "pread"):  # straight to the system call: every term looked up reads twice

        def read(self, at: int, length: int) -> bytes:
            return os.pread(self._fd, length, self._start + at)

    else:

        def read(self, at: int, length: int) -> bytes:
            return self._file.read(self._start + at, length)

    def _checked_read(self, at: int, length: int) -> bytes:
        return self._file.read(self._start + at, length)


class SegmentFiles:
    """One segment: its documents, terms, postings and columns."""

    def __init__(self, index_dir: str, index_name: str, record, offset: int, checked: bool = True):
        self.offset = offset  # the index-wide number of its first document
        self.doc_count = record._doccount  # deleted documents included, as Whoosh numbers them
        self.deleted: set[int] | None = set(record._deleted) if record._deleted else None
        self.field_lengths: dict[str, int] = dict(record._fieldlengths)
        self.name = f"{index_name}_{record.segid}"
        self._open: list[OpenFile] = []
        self._parts: dict[str, _Part] = {}  # file name: where it is
        compound = getattr(record, "compound", False)
        try:
            if compound:
                self._open_compound(os.path.join(index_dir, self.name + ".seg"), checked)
            else:
                self._open_loose(index_dir, checked)
            terms = self._part(".trm")
            if terms is None:
                raise DamagedFile(self.name + ".trm", "missing")
            self._terms = _TermTable(terms)
        except FileNotFoundError:
            self.close()
            raise  # perhaps merged away by a commit since the TOC was read: the caller looks again
        except (OSError, *DAMAGE) as error:
            self.close()
            raise DamagedFile(self.name + (".seg" if compound else ".trm"), _damage(error)) from error
        except BaseException:
            self.close()
            raise
        self._stored: _VarBytesColumn | None = None

    def _open_compound(self, path: str, checked: bool) -> None:
        file = OpenFile(path, checked)
        self._open.append(file)
        (directory_at,) = _LONG.unpack_from(file.read(0, _LONG.size))
        stream = io.BytesIO(file.read(directory_at, file.size - directory_at))
        directory = unpickling.load(stream)  # {name: {"offset", "length", "modified"}}
        unpickling.load(stream)  # Whoosh's options, which end the file...
        if stream.read(1):  # ...but for a trailer with a damaged footer
            raise ValueError("bytes after its end")
        self._parts = {name: _Part(file, info["offset"], info["length"]) for name, info in directory.items()}

    def _open_loose(self, index_dir: str, checked: bool) -> None:
        for name in os.listdir(index_dir):
            if name.startswith(self.name + "."):
                file = OpenFile(os.path.join(index_dir, name), checked)
                self._open.append(file)
                self._parts[name] = _Part(file, 0, file.size)

    def _part(self, extension: str) -> _Part | None:
        return self._parts.get(self.name + extension)

    def open_files(self) -> list[OpenFile]:
        return list(self._open)

    def close(self) -> None:
        for file in self._open:
            file.close()

    def verify(self) -> bool:
        """Read and check the whole segment against its checksums: False
        when it has none (written before they were kept)."""
        return all([file.verify() for file in self._open])

    # Terms and postings

    def term_record(self, field: str, text: str) -> TermRecord | None:
        return self._terms.record(field, text)

    def postings(self, start: int, length: int) -> bytes:
        return self._part(".pst").read(start, length)

    # Columns

    def has_column(self, name: str) -> bool:
        return self._part(f".{name}.col") is not None

    def fixed_column(self, name: str, width: int, default: bytes, docs: list[int]) -> list[bytes]:
        """The values of a fixed-width column for ``docs`` (sorted, numbered
        in the segment); ``default`` for a document with none.  Documents
        that lie close together are read in one piece; far apart, each on
        its own: the paragraphs tied at a cut can lie at both ends of a
        segment, and reading all between (2.6 MB a query at 100,000
        articles) read pages no query needed."""
        part = self._part(f".{name}.col")
        stored = part.length // width if part else 0  # documents past the last stored have the default
        mine = [docnum for docnum in docs if docnum < stored]
        values = []
        start = 0
        while start < len(mine):
            end = start + 1
            while end < len(mine) and (mine[end] - mine[end - 1]) * width <= _READ_ACROSS:
                end += 1
            first = mine[start]
            data = part.read(width * first, width * (mine[end - 1] + 1 - first))
            values += [data[width * (docnum - first) : width * (docnum - first + 1)] for docnum in mine[start:end]]
            start = end
        return values + [default] * (len(docs) - len(mine))

    def whole_fixed_column(self, name: str, width: int, default: bytes) -> bytes:
        """Every document's value in a fixed-width column, in order, in one
        read; ``default`` for a document with none."""
        part = self._part(f".{name}.col")
        stored = part.read(0, min(part.length, width * self.doc_count)) if part else b""
        return stored + default * (self.doc_count - len(stored) // width)

    def fixed_value(self, name: str, width: int, default: bytes, docnum: int) -> bytes:
        """``fixed_column`` for one document: a candidate copy's signature
        is read hundreds of times a query on a large index."""
        part = self._part(f".{name}.col")
        at = width * docnum
        if part is None or at + width > part.length:
            return default
        return part.read(at, width)

    def length_bytes(self, field: str) -> bytes:
        """Each document's length in ``field``, one byte each in Whoosh's
        coding (BYTE_TO_LENGTH); 0 for a document without the field."""
        part = self._part(f"._{field}_len.col")
        stored = part.read(0, min(part.length, self.doc_count)) if part else b""
        return stored + bytes(self.doc_count - len(stored))

    def stored_fields(self, docnum: int) -> dict:
        if self._stored is None:
            self._stored = _VarBytesColumn(self._part("._stored.col"), self.doc_count)
        value = self._stored[docnum]
        return unpickling.loads(zlib.decompress(value)) if value else {}


class TermRecord:
    """A term's statistics in one segment, and where its postings are."""

    __slots__ = ("doc_frequency", "max_weight", "inlined", "extent")

    def __init__(self, value: bytes):
        flags, _, self.doc_frequency, _, _, self.max_weight, _, _ = _TERM_RECORD.unpack_from(value)
        rest = _TERM_RECORD.size
        # Postings of a rare term sit in the record: (ids, weights, values).
        self.inlined: tuple | None = unpickling.loads(value[rest:]) if flags else None
        self.extent: tuple[int, int] | None = None  # (start, length) in the postings file
        if not flags:
            (start,) = _LONG.unpack_from(value, rest)
            (length,) = _INT.unpack_from(value, rest + _LONG.size)
            self.extent = start, length


class _TermTable:
    """The ``.trm`` hash file (Whoosh's HashReader, for lookups only)."""

    def __init__(self, part: _Part):
        self._part = part
        header = part.read(0, 5)
        if header[:4] != b"HSH3":
            raise ValueError("no term table header")
        if header[4] != 0:
            raise IndexFormatError("term table not hashed with md5")
        (extras_length,) = _INT.unpack_from(part.read(part.length - _INT.size, _INT.size))
        extras_at = part.length - _INT.size - extras_length
        # The extras are a small pickle (the field map) and then an array of
        # every term's position, which only ordered walks use: read the
        # pickle alone when it fits in _EXTRAS_GUESS bytes, as it does.
        try:
            extras = _unpickle(part.read(extras_at, min(extras_length, _EXTRAS_GUESS)))
        except (unpickling.UnpicklingError, EOFError):
            extras = _unpickle(part.read(extras_at, extras_length))
        self._field_numbers: dict[str, int] = extras["fieldmap"]
        directory = part.read(extras_at - _HASH_TABLES * _HASH_DIRECTORY.size, _HASH_TABLES * _HASH_DIRECTORY.size)
        self._tables = list(_HASH_DIRECTORY.iter_unpack(directory))

    def record(self, field: str, text: str) -> TermRecord | None:
        key = _FIELD_NUMBER.pack(self._field_numbers.get(field, _UNKNOWN_FIELD)) + text.encode("utf-8")
        value = self._value(key)
        return None if value is None else TermRecord(value)

    def _value(self, key: bytes) -> bytes | None:
        read = self._part.read
        keyhash = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")  # as Whoosh's md5 hash
        table_at, slots = self._tables[keyhash & 255]
        slot = (keyhash >> 8) % slots if slots else 0
        probed = 0
        while probed < slots:  # open addressing: on to the next slot until an empty one
            count = min(_SLOTS_READ, slots - slot)  # a few slots in one read
            pointers = read(table_at + slot * _HASH_POINTER.size, count * _HASH_POINTER.size)
            for slot_hash, item_at in _HASH_POINTER.iter_unpack(pointers):
                if not item_at:
                    return None
                if slot_hash == keyhash:
                    # The item's lengths, key and (mostly) whole value in one
                    # read: a read is a system call, and a disk seek when the
                    # index is not in the page cache.
                    item = read(item_at, _HASH_LENGTHS.size + len(key) + _VALUE_GUESS)
                    key_length, value_length = _HASH_LENGTHS.unpack_from(item)
                    key_at = _HASH_LENGTHS.size
                    if key_length == len(key) and item[key_at : key_at + key_length] == key:
                        value_at = key_at + key_length
                        missing = value_at + value_length - len(item)
                        if missing > 0:
                            item += read(item_at + len(item), missing)
                        return item[value_at : value_at + value_length]
            probed += count
            slot = (slot + count) % slots
        return None


class _VarBytesColumn:
    """A column of variable-width values (Whoosh's VarBytesColumn).

    Where each value starts and how long it is are two arrays at its end,
    some 8 bytes a document: 1 MB for a segment of 130,000 paragraphs.  A
    one-shot query reads a few dozen paragraphs' fields, so the first
    FEW_VALUES values are found with a read of each array's entry; then the
    arrays are read whole, as a searcher that serves many queries needs."""

    FEW_VALUES = 64

    def __init__(self, part: _Part, doc_count: int):
        self._part = part
        self._doc_count = doc_count
        last = part.length - 1
        codes = part.read(last - 2, 3)
        if codes[2] == _OFFSETS_WRITTEN:
            self._lengths_code, self._offsets_code = chr(codes[0]), chr(codes[1])
            self._offsets_at = last - 2 - doc_count * array(self._offsets_code).itemsize
            lengths_end = self._offsets_at
        else:  # offsets are the lengths' running sums: the lengths are needed whole
            self._lengths_code, self._offsets_code = chr(codes[2]), None
            lengths_end = last
        self._lengths_at = lengths_end - doc_count * array(self._lengths_code).itemsize
        self._offsets: array | list[int] | None = None
        self._lengths: array | None = None
        self._values_read = 0

    def _array(self, code: str, at: int, count: int) -> array:
        values = array(code)
        values.frombytes(self._part.read(at, count * values.itemsize))
        if values.itemsize > 1 and sys.byteorder == "little":
            values.byteswap()  # Whoosh writes its arrays big-endian
        return values

    def _read_arrays(self) -> None:
        self._lengths = self._array(self._lengths_code, self._lengths_at, self._doc_count)
        if self._offsets_code is None:
            self._offsets = [0, *accumulate(self._lengths)]
        else:
            self._offsets = self._array(self._offsets_code, self._offsets_at, self._doc_count)

    def __getitem__(self, docnum: int) -> bytes:
        if self._lengths is None:
            self._values_read += 1
            if self._offsets_code is None or self._values_read > self.FEW_VALUES:
                self._read_arrays()
        if self._lengths is None:
            size = array(self._lengths_code).itemsize
            length = self._array(self._lengths_code, self._lengths_at + docnum * size, 1)[0]
            size = array(self._offsets_code).itemsize
            offset = self._array(self._offsets_code, self._offsets_at + docnum * size, 1)[0] if length else 0
        else:
            length, offset = self._lengths[docnum], self._offsets[docnum]
        return self._part.read(offset, length) if length else b""


class IndexFiles:
    """One generation of the index, opened for reading."""

    def __init__(self, index_dir, index_name: str, generation: int, checked: bool = True):
        """``checked``: check each block read against its checksum (what a
        one-shot query does; a long-lived reader checks whole segments
        once, with ``verify``, and reads unchecked)."""
        self.generation = generation
        index_dir = os.fspath(index_dir)
        toc = read_toc(index_dir, index_name, generation)
        self.toc_checksummed = toc.checksummed
        # Kept for Whoosh, should a query need it after a commit has
        # replaced this TOC file (see ``whoosh_toc``).
        self._schema_pickle, self._segments_pickle = toc.schema_pickle, toc.segments_pickle
        self.field_names = frozenset(toc.fields)
        self._fields = toc.fields
        records = [(record, record._doccount) for record in toc.segments]
        self.segments: list[SegmentFiles] = []
        offset = 0
        try:
            for record, doc_count in records:
                self.segments.append(SegmentFiles(index_dir, index_name, record, offset, checked))
                offset += doc_count
        except BaseException:
            self.close()
            raise
        self._starts = [segment.offset for segment in self.segments]

    def close(self) -> None:
        for segment in self.segments:
            segment.close()

    def verify(self, known_sound: set[str]) -> None:
        """Read and check every segment not named in ``known_sound`` (a
        segment never changes once written), and add its name there.
        Raises DamagedFile."""
        for segment in self.segments:
            if segment.name not in known_sound:
                segment.verify()
                known_sound.add(segment.name)

    def whoosh_toc(self) -> tuple:
        """This generation's schema and segments as Whoosh's objects (this
        imports Whoosh)."""
        return unpickling.loads(self._schema_pickle), unpickling.loads(self._segments_pickle)

    def open_files(self) -> dict[str, OpenFile]:
        """The segment files held open, by name: still readable after a
        commit has deleted them."""
        return {file.name: file for segment in self.segments for file in segment.open_files()}

    def doc_count_all(self) -> int:
        return sum(segment.doc_count for segment in self.segments)

    def field_length(self, field: str) -> int:
        return sum(segment.field_lengths.get(field, 0) for segment in self.segments)

    def doc_frequency(self, field: str, text: str) -> int:
        records = (segment.term_record(field, text) for segment in self.segments)
        return sum(record.doc_frequency for record in records if record is not None)

    def has_column(self, name: str) -> bool:
        return any(segment.has_column(name) for segment in self.segments)

    def column_width(self, name: str) -> int:
        """The width of a fixed-width column's values, as the index's
        schema sets it (Whoosh's FixedBytesColumn)."""
        return self._fields[name].column_type._fixedlen

    def _segment_of(self, docnum: int) -> SegmentFiles:
        return self.segments[bisect_right(self._starts, docnum) - 1]

    def stored_fields(self, docnum: int) -> dict:
        segment = self._segment_of(docnum)
        return segment.stored_fields(docnum - segment.offset)

    def column_value(self, name: str, width: int, default: bytes, docnum: int) -> bytes:
        """One document's value in a fixed-width column."""
        segment = self._segment_of(docnum)
        return segment.fixed_value(name, width, default, docnum - segment.offset)

    def whole_column(self, name: str, width: int, default: bytes) -> bytes:
        """Every document's value in a fixed-width column, index-wide."""
        return b"".join(segment.whole_fixed_column(name, width, default) for segment in self.segments)

    def column_values(self, name: str, width: int, default: bytes, docs: list[int]) -> list[bytes]:
        """The same for each of ``docs`` (sorted)."""
        values: list[bytes] = []
        shares = split_by_segment(docs, [(segment.offset, segment.doc_count) for segment in self.segments])
        for segment, mine in zip(self.segments, shares):
            if mine:
                values += segment.fixed_column(name, width, default, mine)
        return values


@record
class Toc:
    """A generation's TOC, as read by ``read_toc``."""

    checksummed: bool
    schema_pickle: bytes
    segments_pickle: bytes
    fields: dict  # field name: Whoosh's field, as a stand-in
    segments: list  # Whoosh's segment records, as stand-ins


def read_toc(index_dir: str, index_name: str, generation: int) -> Toc:
    """Read and check a generation's TOC; raises DamagedFile, or
    IndexFormatError for a layout this module does not read."""
    name = toc_file_name(index_name, generation)
    with open(os.path.join(index_dir, name), "rb") as file:
        toc = file.read()
    try:
        contents = checksums.checked_contents(toc)
        schema_pickle, segments_pickle = _read_toc(contents)
        schema, segments = _unpickle(schema_pickle), _unpickle(segments_pickle, whole=True)
        for segment in segments:
            segment._doccount  # noqa: B018 (a stand-in of the wrong shape fails here, not later)
        return Toc(len(contents) < len(toc), schema_pickle, segments_pickle, schema._fields, segments)
    except checksums.ChecksumError as error:
        raise DamagedFile(name, str(error)) from None
    except DAMAGE as error:
        raise DamagedFile(name, "empty" if not toc else _damage(error)) from error


def toc_file_name(index_name: str, generation: int) -> str:
    return f"_{index_name}_{generation}.toc"


def _read_toc(toc: bytes) -> tuple[bytes, bytes]:
    """The pickled schema and the pickled segment list of a TOC file.
    Raises IndexFormatError for another TOC version, one of DAMAGE for
    anything else."""
    at = 0
    for _ in range(3):  # int, long and float sizes
        _, at = _varint(toc, at)
    check, version = struct.unpack_from("!ii", toc, at)
    if check != _BYTE_ORDER_CHECK:
        raise ValueError("byte order check failed")
    if version != _TOC_VERSION:
        raise IndexFormatError(f"TOC version {version}")
    at += 8
    for _ in range(3):  # Whoosh's release
        _, at = _varint(toc, at)
    length, at = _varint(toc, at)
    if at + length + 8 > len(toc):
        raise EOFError("TOC cut short")
    return toc[at : at + length], toc[at + length + 8 :]  # past the generation, and an unused int


class CheckedFile(io.RawIOBase):
    """An OpenFile as the file object Whoosh's own readers read (wrapped in
    a buffer): each block checked as ``OpenFile.read`` checks it, and the
    end of the file where its contents end.  ``owned``: closing this
    closes the OpenFile (else it is one an IndexFiles holds)."""

    def __init__(self, file: OpenFile, owned: bool):
        super().__init__()
        self._file = file
        self._owned = owned
        self._at = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._file.read(self._at, len(buffer))
        buffer[: len(data)] = data
        self._at += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: self._file.size}[whence]
        self._at = base + offset
        return self._at

    def tell(self) -> int:
        return self._at

    def close(self) -> None:
        if self._owned and not self.closed:
            self._file.close()
        super().close()
