"""Checksums that make damage to the index's files visible.

Whoosh reads a damaged file as whatever it decodes to: a flipped byte in a
posting or a stored paragraph gives wrong hits without a word.  So every
file a query reads, each segment (``.seg``) and each TOC, gets a trailer
when it is written (see ``storage.durable``): a CRC-32 of each 4 KiB block
of its contents, then a footer::

    contents | CRC-32 of each block (uint32 each) | b"srchsum1" | contents' length (uint64) | CRC-32 of the block sums (uint32)

Whoosh never reads past what it wrote (a TOC ends with a pickle, a
compound segment with two), so the files stay Whoosh's.  Per block, not
per file: a one-shot query checks the blocks it reads (a few microseconds
each, once each), instead of reading whole files; ``search check`` and a
long-lived ``Index`` check whole files; a merge checks what it copies.  A
file without a footer was written before checksums were kept, and is read
unchecked.
"""

from __future__ import annotations

import errno
import os
import struct
import sys
from array import array
from zlib import crc32

BLOCK_SHIFT = 12
BLOCK = 1 << BLOCK_SHIFT  # bytes a sum covers
_FOOTER = struct.Struct("!8sQI")
_MAGIC = b"srchsum1"
_CHUNK = BLOCK * 256  # read at a time when summing a whole file


def summing() -> bool:
    """``SEARCH_CHECKSUMS=0`` writes files without trailers (read unchecked,
    as an index made before checksums were kept), for benchmarks that
    measure their cost."""
    return os.environ.get("SEARCH_CHECKSUMS", "1").strip() != "0"


class ChecksumError(ValueError):
    """A file's contents or trailer do not match its checksums."""


def carries_trailer(name: str) -> bool:
    """Whether the index file ``name`` is written with a trailer: segments,
    and TOCs (written under a temporary name ``_<index>_<n>.toc.<time>``)."""
    return name.endswith(".seg") or ".toc" in name


def append_trailer(path: str, out) -> None:
    """Sum the file at ``path`` (its contents flushed) and write the
    trailer to ``out``, the same file open for writing."""
    sums = array("I")
    length = 0
    with open(path, "rb") as contents:
        while chunk := contents.read(_CHUNK):  # (whole blocks: _CHUNK is a multiple of BLOCK)
            sums.extend(_block_sums(chunk))
            length += len(chunk)
    out.seek(0, os.SEEK_END)
    out.write(_trailer(sums, length))


def trailer(contents: bytes) -> bytes:
    """The trailer of ``contents``, held in memory whole."""
    return _trailer(array("I", _block_sums(contents)), len(contents))


def _block_sums(data: bytes):
    """The CRC-32 of each BLOCK of ``data``, the last one maybe short."""
    view = memoryview(data)
    return (crc32(view[at : at + BLOCK]) for at in range(0, len(data), BLOCK))


def _trailer(sums: array, length: int) -> bytes:
    if sys.byteorder == "little":
        sums.byteswap()
    table = sums.tobytes()
    return table + _FOOTER.pack(_MAGIC, length, crc32(table))


class BlockSums:
    """The trailer of one file: its contents' length and block sums."""

    def __init__(self, length: int, sums: array):
        self.length = length
        self._sums = sums
        # Blocks found sound by a read so far (1 each): read again, they are
        # not summed again, so a searcher serving many queries soon reads
        # as if unchecked.
        self._sound = bytearray(len(sums))

    def checked_read(self, read, at: int, length: int) -> bytes:
        """``length`` bytes from ``at`` (fewer at the end of the contents),
        read with ``read(at, length)``, its blocks checked: whole blocks at
        a time, unless every one of them has been checked before."""
        if at < 0:
            raise OSError(errno.EINVAL, "a read at a negative position")
        end = min(at + length, self.length)
        if at >= end:
            return b""
        first, last = at >> BLOCK_SHIFT, (end - 1) >> BLOCK_SHIFT
        if self._sound.find(0, first, last + 1) < 0:
            return read(at, end - at)
        start = first << BLOCK_SHIFT
        wanted = min((last + 1) << BLOCK_SHIFT, self.length) - start
        data = read(start, wanted)
        self._check(data, first, wanted)
        return data[at - start : end - start]

    def check_all(self, read) -> None:
        """Read and check every block of the contents."""
        for start in range(0, self.length, _CHUNK):
            wanted = min(_CHUNK, self.length - start)
            self._check(read(start, wanted), start >> BLOCK_SHIFT, wanted)

    def _check(self, data: bytes, first: int, wanted: int) -> None:
        if len(data) < wanted:  # the file was cut short since it was opened
            raise ChecksumError("cut short")
        sums, sound = self._sums, self._sound
        if len(data) <= BLOCK:  # most reads: a term's record, a paragraph's fields
            if crc32(data) != sums[first]:
                raise self._mismatch(first << BLOCK_SHIFT)
            sound[first] = 1
            return
        view = memoryview(data)
        for offset in range(0, len(data), BLOCK):
            block = first + (offset >> BLOCK_SHIFT)
            if not sound[block]:
                if crc32(view[offset : offset + BLOCK]) != sums[block]:
                    raise self._mismatch((first << BLOCK_SHIFT) + offset)
                sound[block] = 1

    def _mismatch(self, at: int) -> ChecksumError:
        return ChecksumError(f"checksum does not match (bytes {at:,} to {min(at + BLOCK, self.length):,})")


def read_trailer(read, size: int) -> BlockSums | None:
    """The trailer of a file of ``size`` bytes, read with ``read(at,
    length)``: None when it has none (written before checksums were kept);
    ChecksumError when it is damaged or the file has been cut short."""
    if size < _FOOTER.size:
        return None
    magic, length, table_sum = _FOOTER.unpack(read(size - _FOOTER.size, _FOOTER.size))
    if magic != _MAGIC:
        return None
    blocks = (length + BLOCK - 1) >> BLOCK_SHIFT
    if length + 4 * blocks + _FOOTER.size != size:
        raise ChecksumError(f"{size:,} bytes where its trailer says {length + 4 * blocks + _FOOTER.size:,}")
    table = read(length, 4 * blocks)
    if crc32(table) != table_sum:
        raise ChecksumError("its block checksums are damaged")
    sums = array("I")
    sums.frombytes(table)
    if sys.byteorder == "little":
        sums.byteswap()
    return BlockSums(length, sums)


def checked_contents(data: bytes) -> bytes:
    """A whole file read into memory (a TOC), without its trailer, checked."""
    trailer = read_trailer(lambda at, length: data[at : at + length], len(data))
    if trailer is None:
        return data
    trailer.check_all(lambda at, length: data[at : at + length])
    return data[: trailer.length]
