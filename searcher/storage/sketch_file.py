"""Every live paragraph's sketch hashes, sorted, in one file per index
generation: where a one-shot query finds a hit's copy candidates.

A hit's copies in other articles are found among the paragraphs that share
two of its four sketch hashes (``query.duplicates``).  This file holds, for
the whole generation, each live paragraph's sketch hashes sorted by hash: a
hash is found with two reads, wherever its paragraphs lie.

Indexes made before December 2026 index the hashes as terms too, and a
term is looked up in every segment: at 20,000 articles (6 segments) a
query's ten hits cost some 200 lookups and 500 reads, most of a one-shot
query's reads; with the index's pages out of the page cache, 20-60 ms.
Those terms were half of the index's terms (a term of their own for almost
every paragraph), and writing them an eighth of the time of building it
(at 20,000 articles: 44 s without them, 51 s with them; 249 MB on disk,
282 MB with them): a newer index has no sketch terms, only this file.

``search index`` writes the file of each generation it commits
(``write_sketch_file``), and deletes those of older generations.  It is
only a cache: a query that finds no file for its generation (a run killed
before it wrote it, a commit made since the query opened the index) looks
the terms up in an older index, and in a newer one reads every paragraph's
signature (as a searcher that serves many searches does once, see
``duplicates.SketchTable``): the same paragraphs, found more slowly.  So
does a query that finds the file damaged; ``search check`` names it then,
and ``search check --repair`` writes it again.

Layout (big-endian), then the checksum trailer of ``storage.checksums``::

    b"srchskt1" | generation (uint64) | entries (uint64)
    | where the entries of each 16-bit hash prefix start ((65,536 + 1) x uint32)
    | entries: sketch hash << 32 | document number (uint64 each), ascending
"""

from __future__ import annotations

import os
import struct
from bisect import bisect_left, bisect_right

from searcher.query import duplicates
from searcher.storage import checksums

_MAGIC = b"srchskt1"
_HEADER = struct.Struct(">8sQQ")
_PREFIX_SHIFT = 16  # of a 32-bit hash, the bits below its prefix
_PREFIXES = 1 << (32 - _PREFIX_SHIFT)
_START = struct.Struct(">II")  # where one prefix's entries start, and the next one's
_STARTS_AT = _HEADER.size
_ENTRIES_AT = _STARTS_AT + 4 * (_PREFIXES + 1)
_LOW_32 = 0xFFFFFFFF


def sketch_file_name(generation: int) -> str:
    return f"sketches_{generation}.bin"


def live_sketches(files, np):
    """Every live paragraph's sketch hashes of a generation (``IndexFiles``),
    as (hashes, document numbers) arrays, ``np`` being NumPy; read segment
    by segment: one segment's signatures in memory at a time."""
    width = files.column_width("signature")
    hashes, docnums = [], []
    for segment in files.segments:
        if segment.doc_count:
            found = duplicates.sketch_entries(segment.whole_fixed_column("signature", width, bytes(width)), width,
                                   segment.deleted, segment.offset, np)
            hashes.append(found[0])
            docnums.append(found[1])
    if not hashes:
        return np.zeros(0, np.uint32), np.zeros(0, np.uint32)
    return np.concatenate(hashes), np.concatenate(docnums)


def write_sketch_file(index_dir: str | os.PathLike, files) -> bool:
    """Write the sketch file of ``files``' generation (an ``IndexFiles``),
    unless there is one, and delete the files of other generations.
    Returns whether it wrote one."""
    from pathlib import Path  # here: a query needs none of these (pathlib's imports take 4 ms)

    import numpy as np

    from searcher.storage.safe_files import write_atomically

    index_dir = Path(index_dir)
    path = index_dir / sketch_file_name(files.generation)
    wrote = False
    if not path.exists() and files.has_column("signature"):
        hashes, docnums = live_sketches(files, np)
        entries = (hashes.astype(np.uint64) << np.uint64(32)) | docnums.astype(np.uint64)
        entries.sort()
        prefixes = (entries >> np.uint64(32 + _PREFIX_SHIFT)).astype(np.int64)
        starts = np.searchsorted(prefixes, np.arange(_PREFIXES + 1))
        contents = b"".join((
            _HEADER.pack(_MAGIC, files.generation, len(entries)),
            starts.astype(">u4").tobytes(),
            entries.astype(">u8").tobytes(),
        ))
        write_atomically(path, contents + checksums.trailer(contents))
        wrote = True
    for other in index_dir.glob("sketches_*.bin"):
        if other.name != path.name:
            try:
                other.unlink()
            except OSError:
                pass  # (Windows: a reader has it open; the next run tries again)
    return wrote


class SketchFile:
    """A generation's sketch file, open for lookups; its reads are checked
    against its checksums (``reader.DamagedFile`` when one does not match)."""

    def __init__(self, opened, entries: int):
        self._file = opened
        self._entries = entries

    @classmethod
    def open(cls, index_dir, generation: int) -> SketchFile | None:
        """The file of that generation, or None when there is none, or it
        is not whole (``reader.DamagedFile``, raised, when its trailer says so)."""
        from searcher.storage.w3.reader import OpenFile

        try:
            opened = OpenFile(os.path.join(index_dir, sketch_file_name(generation)))
        except FileNotFoundError:
            return None
        try:
            magic, of_generation, entries = _HEADER.unpack(opened.read(0, _HEADER.size).ljust(_HEADER.size, b"\0"))
            if magic != _MAGIC or of_generation != generation or opened.size != _ENTRIES_AT + 8 * entries:
                opened.close()
                return None
        except BaseException:
            opened.close()
            raise
        return cls(opened, entries)

    def documents(self, sketch_hash: int) -> list[int]:
        """The live paragraphs whose sketch holds ``sketch_hash``, in document order."""
        start, end = _START.unpack(self._file.read(_STARTS_AT + 4 * (sketch_hash >> _PREFIX_SHIFT), _START.size))
        if start >= end:
            return []
        data = self._file.read(_ENTRIES_AT + 8 * start, 8 * (end - start))
        entries = struct.unpack(f">{end - start}Q", data)
        first = bisect_left(entries, sketch_hash << 32)
        last = bisect_right(entries, (sketch_hash << 32) | _LOW_32)
        return [entry & _LOW_32 for entry in entries[first:last]]

    def verify(self) -> None:
        """Check every block (``reader.DamagedFile`` when one does not match)."""
        self._file.verify()

    def close(self) -> None:
        self._file.close()
