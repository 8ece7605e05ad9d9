"""Reading a term's postings, a field's lengths and column values, in bulk.

Whoosh's matchers walk postings one at a time through several layers of
Python calls, which is what makes a query on common words slow.  Here a
term's posting list in one segment is read in one piece and cut into its
blocks; a block (128 postings: one pickled tuple of delta-coded document
numbers, term frequencies and positions) is decoded with C-level calls
when first needed, so looking a common word up for a few documents decodes
a few blocks, not all of them.  This leans on the block layout of Whoosh's
W3 codec (pinned in pyproject.toml), and starts from the term's record
in the term table (``reader``): its statistics, and where its
postings are (or the postings themselves, for a term stored inline).

A W3 block holds each posting's positions too, which scoring never needs,
and decoding them is most of what a query on common words costs (7.5 ms of
blocks for a word in 48,000 paragraphs, most of them positions).  So
searcher's writer leaves a *frequency list* in the postings file right
after the blocks of every term with more than one block: a header (magic,
posting count), the document numbers as 32-bit integers, and the term
frequencies as one byte each, all read with one call and no decoding.
Whoosh never reads it: a term's record gives the start and length of its
blocks, and the list lies past them.  A term whose list is missing (an
index written before, or a frequency past 255) is read from its blocks.
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from itertools import accumulate, compress, islice, repeat

from searcher.storage.w3 import unpickling

_BLOCK_SIZE = struct.Struct("!i")
_POSTINGS_MAGIC = b"W3Bl"  # what opens a term's postings (WHOOSH3_HEADER_MAGIC)
BLOCK_POSTINGS = 128  # postings in a full W3 block (W3Codec's blocklimit)
_FREQUENCY_HEADER = struct.Struct("<4sI")  # magic, postings
_FREQUENCY_MAGIC = b"SqF1"  # searcher's frequencies, version 1
_FREQUENCY_MAX = 255
# From how many documents looked up in a frequency list it is cheaper to
# walk the whole list, keeping theirs, than to search it for each (about
# 0.5 us a search, 0.07 us a posting walked).
_FULL_PASS_SHARE = 1 / 7
# The field length Whoosh stores as one byte, for each byte value: its
# byte_to_length table, from the formula that made it.
BYTE_TO_LENGTH = tuple(int(round((1.033**n - 1) * 27)) for n in range(256))


def frequency_list(docnums: list[int], weights: list[float]) -> bytes | None:
    """A term's frequency list (see the module's docstring), or None when
    it needs none (one block) or cannot have one (a weight that is not a
    whole number up to _FREQUENCY_MAX)."""
    if len(docnums) <= BLOCK_POSTINGS or max(weights) > _FREQUENCY_MAX:
        return None
    frequencies = bytes(map(int, weights))
    if sum(frequencies) != sum(weights):  # int() dropped a fraction
        return None
    ids = array("I", docnums)
    if sys.byteorder == "big":
        ids.byteswap()
    return _FREQUENCY_HEADER.pack(_FREQUENCY_MAGIC, len(docnums)) + ids.tobytes() + frequencies


def segment_postings(segment, fieldname: str, text: str) -> SegmentPostings | FrequencyList:
    """One term's postings in one segment: its frequency list when it has
    one, else its blocks."""
    record = segment.term_record(fieldname, text)
    if record is not None and record.extent is not None and record.doc_frequency > BLOCK_POSTINGS:
        start, length = record.extent
        count = record.doc_frequency
        size = _FREQUENCY_HEADER.size + 5 * count
        raw = segment.postings(start + length, size)
        if len(raw) == size and raw[: _FREQUENCY_HEADER.size] == _FREQUENCY_HEADER.pack(_FREQUENCY_MAGIC, count):
            return FrequencyList(record, raw, segment.deleted)
    return SegmentPostings(segment, record)


class FrequencyList:
    """One term's postings in one segment, from its frequency list (deleted
    documents left out); read as SegmentPostings are."""

    def __init__(self, record, raw: bytes, deleted: set[int] | None):
        self.document_frequency = record.doc_frequency  # deleted documents counted too, as Whoosh counts them
        self.max_frequency = record.max_weight
        self._deleted = deleted
        count = record.doc_frequency
        ids_at = _FREQUENCY_HEADER.size
        self._ids = array("I")
        self._ids.frombytes(raw[ids_at : ids_at + 4 * count])
        if sys.byteorder == "big":
            self._ids.byteswap()
        self._frequencies = raw[ids_at + 4 * count :]
        self.full_pass_from = int(count * _FULL_PASS_SHARE)

    def add_all(self, found: dict[int, float], offset: int) -> None:
        ids = map(offset.__add__, self._ids) if offset else self._ids
        found.update(zip(ids, self._frequencies))
        self._drop_deleted(found, offset)

    def add_holding(self, found: dict[int, float], offset: int, docs: set[int]) -> None:
        """Add those of ``docs`` (numbered from ``offset``) that hold the term."""
        found.update(self._holding(list(map(offset.__add__, self._ids)) if offset else self._ids, docs))
        self._drop_deleted(found, offset)

    def among(self, docs: set[int]) -> dict[int, float]:
        """{document: frequency} for those of ``docs`` (numbered in the
        segment) that hold the term: the list walked when ``docs`` are
        many, searched for each when they are few."""
        if len(docs) < self.full_pass_from:
            return self.of(sorted(docs))
        found = self._holding(self._ids, docs)
        self._drop_deleted(found, 0)
        return found

    def _holding(self, ids, docs: set[int]) -> dict[int, float]:
        """{document: frequency} for those of ``ids`` (the list's, maybe
        shifted) in ``docs``: the list walked in C, a membership mask then
        itertools.compress, not a Python loop."""
        holds = list(map(docs.__contains__, ids))
        return dict(zip(compress(ids, holds), compress(self._frequencies, holds)))

    def _drop_deleted(self, found: dict[int, float], offset: int) -> None:
        if self._deleted:
            for docnum in self._deleted:
                found.pop(offset + docnum, None)

    def columns(self) -> tuple[array, bytes, set[int] | None]:
        """(document numbers, frequencies, deleted documents): the list as
        stored, deleted documents still in it, for a caller that works on
        whole arrays (``query.vector_ranking``)."""
        return self._ids, self._frequencies, self._deleted

    def in_order(self):
        deleted = self._deleted
        return (docnum for docnum in self._ids if docnum not in deleted) if deleted else iter(self._ids)

    def of(self, docs: list[int]) -> dict[int, float]:
        found: dict[int, float] = {}
        ids, frequencies, deleted = self._ids, self._frequencies, self._deleted or ()
        at, end = 0, len(ids)
        for docnum in docs:
            at = bisect_left(ids, docnum, at)
            if at == end:
                break
            if ids[at] == docnum and docnum not in deleted:
                found[docnum] = frequencies[at]
        return found


class SegmentPostings:
    """One term's postings in one segment, from its W3 blocks (deleted
    documents left out)."""

    def __init__(self, segment, record):
        self._deleted = segment.deleted
        self._last_ids: list[int] = []  # each block's last document number
        self._blocks: list[tuple[int, int, int, bool]] = []  # (postings, start, end, compressed)
        self._decoded: dict[int, dict[int, float]] = {}  # block: {document: frequency}
        self._raw = b""
        self.document_frequency = 0  # deleted documents counted too, as Whoosh counts them
        self.max_frequency = 0.0
        # From the term's record, not a matcher: a matcher would read and
        # decode the first block's header before we read the whole list.
        if record is None:
            return
        self.document_frequency = record.doc_frequency
        self.max_frequency = record.max_weight
        if record.inlined is not None:  # as W3Codec.postings_reader reads them
            ids, weights, _ = record.inlined
            self._last_ids.append(max(ids, default=-1))
            self._decoded[0] = self._live(dict(zip(ids, weights)))
        else:
            self._read_directory(segment.postings(*record.extent))

    def _read_directory(self, raw: bytes) -> None:
        self._raw = raw
        for count, last_id, start, end, compressed in _blocks(raw):
            self._last_ids.append(last_id)
            self._blocks.append((count, start, end, compressed))

    def _decode(self, number: int) -> tuple[list[int], Iterable[float]]:
        """A block's delta-coded document numbers and their frequencies."""
        deltas, weights, _ = _block_data(self._raw, *self._blocks[number])
        return deltas, weights

    def _block(self, number: int) -> dict[int, float]:
        found = self._decoded.get(number)
        if found is None:
            deltas, weights = self._decode(number)
            found = self._decoded[number] = self._live(dict(zip(accumulate(deltas), weights)))  # blocks count from 0
        return found

    def _live(self, found: dict[int, float]) -> dict[int, float]:
        if self._deleted:
            for docnum in self._deleted.intersection(found):
                del found[docnum]
        return found

    @property
    def full_pass_from(self) -> int:
        """From how many documents looked up it is as cheap to decode every
        block (most blocks would be decoded anyway)."""
        return len(self._last_ids)

    def add_all(self, found: dict[int, float], offset: int) -> None:
        """Add {``offset`` + document number: term frequency} for every
        document holding the term to ``found``.  Blocks not decoded yet go
        straight in, numbered from ``offset``: no dictionary of their own in
        between (a common word has tens of thousands of postings)."""
        for number in range(len(self._last_ids)):
            block = self._decoded.get(number)
            if block is None and not self._deleted:
                deltas, weights = self._decode(number)
                found.update(zip(islice(accumulate(deltas, initial=offset), 1, None), weights))
                continue
            block = self._block(number)
            found.update(zip([offset + docnum for docnum in block], block.values()) if offset else block)

    def add_holding(self, found: dict[int, float], offset: int, docs: set[int]) -> None:
        """Add those of ``docs`` that hold the term, and others (every block
        is decoded, so all its postings are added)."""
        self.add_all(found, offset)

    def among(self, docs: set[int]) -> dict[int, float]:
        """{document: frequency} for those of ``docs`` (numbered in the
        segment) that hold the term."""
        if len(docs) < self.full_pass_from:
            return self.of(sorted(docs))
        found: dict[int, float] = {}
        self.add_all(found, 0)
        return {docnum: found[docnum] for docnum in docs.intersection(found)}

    def columns(self) -> tuple[list[int], list[float], None]:
        """(document numbers, frequencies, no deleted documents): every
        block decoded, deleted documents left out."""
        found: dict[int, float] = {}
        self.add_all(found, 0)
        return list(found), list(found.values()), None

    def in_order(self):
        """The document numbers holding the term, smallest first, decoding
        blocks only as far as they are asked for."""
        for number in range(len(self._last_ids)):
            yield from self._block(number)  # a block's keys are in order

    def of(self, docs: list[int]) -> dict[int, float]:
        """The same, for those of ``docs`` (sorted) that hold the term."""
        found: dict[int, float] = {}
        number = 0
        for docnum in docs:
            number = bisect_left(self._last_ids, docnum, number)
            if number == len(self._last_ids):
                break
            frequency = self._block(number).get(docnum)
            if frequency is not None:
                found[docnum] = frequency
        return found


def term_positions(segment, fieldname: str, text: str, docs: set[int]) -> dict[int, list[int]]:
    """The positions of a term in each of ``docs`` (numbered in the
    segment) that holds it, from its W3 blocks (its frequency list has
    none), decoding only the blocks that hold one of ``docs``."""
    record = segment.term_record(fieldname, text)
    if record is None or not docs:
        return {}
    deleted = segment.deleted or ()
    encoded: dict[int, bytes] = {}
    if record.inlined is not None:
        ids, _, values = record.inlined
        encoded = {docnum: value for docnum, value in zip(ids, values) if docnum in docs and docnum not in deleted}
    else:
        raw = segment.postings(*record.extent)
        wanted = sorted(docs)
        first = 0  # the block's first document number may be as low as this
        for count, last_id, start, end, compressed in _blocks(raw):
            at = bisect_left(wanted, first)
            if at < len(wanted) and wanted[at] <= last_id:
                deltas, _, values = _block_data(raw, count, start, end, compressed)
                ids = list(accumulate(deltas))
                held = list(map(docs.__contains__, ids))
                encoded.update(zip(compress(ids, held), compress(values, held)))
            first = last_id + 1
        for docnum in deleted:
            encoded.pop(docnum, None)
    return dict(zip(encoded, decode_positions(list(encoded.values()))))


def decode_positions(values: list[bytes]) -> list[list[int]]:
    """The positions Whoosh's Positions format encodes in each of
    ``values``: a count (4 bytes), then the pickled list of the gaps
    between positions.  The pickles are made one stream, loaded with one
    C-level call (a call for each took most of a phrase's time): each,
    without its protocol header and its stop, pushes its list, which an
    APPEND adds to one list around them all."""
    if not values:
        return []
    gaps = None
    if all(value[4:6] == b"\x80\x02" and value[-1:] == b"." for value in (values[0], values[-1])):
        try:
            gaps = unpickling.loads(b"\x80\x02]" + b"a".join([value[6:-1] for value in values]) + b"a.")
        except Exception:  # (a value not of that shape: pickle's errors are of several kinds)
            gaps = None
    if gaps is None or len(gaps) != len(values):  # (not what Whoosh 3's Positions writes: one at a time)
        gaps = [unpickling.loads(value[4:]) for value in values]
    return [list(accumulate(each)) for each in gaps]


def _blocks(raw: bytes) -> Iterator[tuple[int, int, int, int, bool]]:
    """The blocks of a W3 posting list: (postings, last document number,
    where its data starts and ends in ``raw``, compressed?).

    The postings are one piece on disk; each block is its signed length
    (negative for the last), a pickled header (postings, last id, max
    weight, compressed?, min and max length) and the pickled, maybe
    compressed, (delta-coded ids, weights, values)."""
    stream = io.BytesIO(raw)
    at = len(_POSTINGS_MAGIC)
    while True:
        (size,) = _BLOCK_SIZE.unpack_from(raw, at)
        stream.seek(at + _BLOCK_SIZE.size)
        count, last_id, _, compressed, _, _ = unpickling.load(stream)
        end = at + _BLOCK_SIZE.size + abs(size)
        yield count, last_id, stream.tell(), end, bool(compressed)
        if size < 0:
            return
        at = end


def _block_data(raw: bytes, count: int, start: int, end: int, compressed: bool) -> tuple[list[int], Iterable[float], object]:
    """A block's delta-coded document numbers, weights (written as one
    value, or none for all 1.0, when they are all the same) and values."""
    data = raw[start:end]
    deltas, weights, values = unpickling.loads(zlib.decompress(data) if compressed else data)
    if weights is None or isinstance(weights, float):
        weights = repeat(weights or 1.0, count)
    return deltas, weights, values


def all_postings(raw: bytes, value_size: int | None) -> tuple[list[int], list[float], list]:
    """Every posting of a W3 posting list, deleted documents too: document
    numbers, weights and values (None where the field's format keeps none;
    ``value_size`` is its ``fixed_value_size()``), for merging segments."""
    docnums: list[int] = []
    weights: list[float] = []
    values: list = []
    for count, _, start, end, compressed in _blocks(raw):
        deltas, block_weights, block_values = _block_data(raw, count, start, end, compressed)
        docnums += accumulate(deltas)  # each block's count from 0
        weights += block_weights
        if value_size is None or value_size < 0:
            values += block_values
        elif value_size == 0:
            values += repeat(None, count)
        else:
            values += (block_values[at : at + value_size] for at in range(0, len(block_values), value_size))
    return docnums, weights, values


def split_by_segment(docs: list[int], segments: list[tuple[int, int]]) -> list[list[int]]:
    """Sorted index-wide document numbers, cut into each segment's share
    (segments given as (first document number, size)), numbered as the
    segment numbers them."""
    shares = []
    for offset, size in segments:
        first = bisect_left(docs, offset)
        last = bisect_left(docs, offset + size, first)
        shares.append([docnum - offset for docnum in docs[first:last]])
    return shares
