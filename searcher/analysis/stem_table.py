"""The roots of the word forms an index holds, kept with the index.

Indexing stems every form it meets; a query needs the roots of its own
words and of the words in the paragraphs it highlights.  Loading Sastrawi
and stemming those forms again took a cold query 40 to 100 ms, while the
index had already worked each of them out.  ``search index`` writes them
to a table; a query looks its forms up there and calls Sastrawi only for a
form the index has never seen.

The table is a sorted text file of ``form<TAB>root`` lines (the root left
empty when it is the form itself).  A line whose form ends in "+" keeps
what else a query would need Sastrawi's dictionary for: how a form is cut
("antikorupsi+<TAB>anti korupsi", "al-quran+<TAB>alquran"; the root left
empty when as usual: see ``analysis._decided``).

The lines are kept in blocks of about 4 kB, each with its CRC-32, listed
after the first line with the first form each begins with.  Opening a
table reads that list and nothing else; a look-up reads the one block its
form would be in, and checks it the first time: what a query costs does
not grow with the table (read and checked whole, a table of a million
forms would cost each cold query some 15 ms).  The first line names how
the roots were made (``analysis.STEMMER``) and holds the CRC-32 of the
list; a table made another way is not used, nor a block that does not
match its checksum.  A table written before blocks (``searcher stems 2``,
one CRC-32 for all its lines) is read as one block, and the next
``search index`` writes it anew.
"""

from __future__ import annotations

import os
import sys
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate

from searcher.analysis import STEMMER

STEM_TABLE = "stems.txt"
# Then the stemmer, how many forms, how many blocks, and the CRC-32 of the
# two lines that list the blocks: the length and CRC-32 of each, in hex
# (16 digits a block); and the first form of each, separated by spaces.
_HEADER = b"searcher stems 3 "
_ONE_BLOCK_HEADER = b"searcher stems 2 "  # then the stemmer, and the CRC-32 of the lines after it
_BLOCK_BYTES = 4096
_FIRST_READ = 65536  # bytes: the header of a table of some 500,000 forms


class StemTable:
    """Look roots up in a table file, a block at a time."""

    def __init__(self, file: _FileBytes | None = None, starts: Sequence[int] = (0,), checksums: Sequence[int] = (),
                 firsts: Sequence[bytes] = (), forms: int | None = 0, current: bool = True):
        self._file = file
        self._starts = starts  # where each block starts, then where the last ends
        self._checksums = checksums  # the CRC-32 of each block
        self._firsts = firsts  # the form each block begins with (b"" for the first: any before)
        self._forms = forms  # how many lines; None: count them when asked
        self._read: dict[int, bytes | None] = {}  # a block's bytes, once read and checked (None: damaged)
        self._roots: list[str] | None = None  # see roots_starting_with
        self._keeps_decisions: bool | None = True if current else None
        self.current = current  # written in this version's format

    def __len__(self) -> int:
        if self._forms is None:
            self._forms = self._all().count(b"\n")
        return self._forms

    def __bool__(self) -> bool:
        return bool(self._checksums)

    @classmethod
    def read(cls, path: str | os.PathLike, stemmer: str) -> StemTable:
        """The table at ``path``; empty when there is none, or it cannot be
        used (see ``load``).  Its blocks are checked as they are read."""
        return cls.load(path, stemmer, check_all=False)[0]

    @classmethod
    def load(cls, path: str | os.PathLike, stemmer: str, check_all: bool = True) -> tuple[StemTable, str | None]:
        """The table at ``path``, and None; or an empty table and what is
        wrong with the file, when there is one that was made by another
        stemmer or version, or does not match its checksums (``check_all``:
        every block's, read now): a root changed by a flipped bit would make
        queries for its words find nothing."""
        try:
            file = _FileBytes(path)
        except FileNotFoundError:
            return cls(), None
        except OSError as error:
            return cls(), error.strerror or str(error)
        try:
            table, problem = cls._open(file, stemmer)
            if table is not None and check_all and table._damaged():
                table, problem = None, "damaged (a block does not match its checksum)"
        except OSError as error:
            table, problem = None, error.strerror or str(error)
        except ValueError:  # (a count or checksum that is not a number)
            table, problem = None, "damaged (its first lines cannot be read)"
        if table is None:
            file.close()
            return cls(), problem
        return table, None

    @classmethod
    def _open(cls, file: _FileBytes, stemmer: str) -> tuple[StemTable | None, str | None]:
        head = file.read(0, _FIRST_READ)
        first_end = head.find(b"\n") + 1
        if head.startswith(_ONE_BLOCK_HEADER):
            made_by, _, checksum = head[len(_ONE_BLOCK_HEADER) : first_end - 1].rpartition(b" ")
            if made_by != stemmer.encode() or first_end == 0:
                return None, "made by another version of searcher"
            if file.size == first_end:
                return cls(current=False), None
            return cls(file, (first_end, file.size), (int(checksum, 16),), (b"",), None, current=False), None
        fields = head[len(_HEADER) : first_end - 1].split(b" ")
        if not head.startswith(_HEADER) or first_end == 0 or len(fields) != 4 or fields[0] != stemmer.encode():
            return None, "made by another version of searcher"
        forms, count, checksum = int(fields[1]), int(fields[2]), int(fields[3], 16)
        firsts_at = first_end + 16 * count + 1
        firsts_end = head.find(b"\n", firsts_at) + 1
        while firsts_end == 0 and len(head) < file.size:  # (a longer list: read the rest of it)
            head += file.read(len(head), len(head) + max(_FIRST_READ, firsts_at - len(head)))
            firsts_end = head.find(b"\n", firsts_at) + 1
        if firsts_end == 0 or zlib.crc32(memoryview(head)[first_end:firsts_end]) != checksum:
            return None, "damaged (its checksum does not match)"
        listed = array("I", bytes.fromhex(head[first_end : firsts_at - 1].decode("ascii")))
        if sys.byteorder == "little":
            listed.byteswap()  # (written most significant digit first)
        starts = list(accumulate(listed[0::2], initial=firsts_end))
        if len(listed) != 2 * count or starts[-1] != file.size:
            return None, "damaged (not the size it was written)"
        firsts = head[firsts_at : firsts_end - 1].split(b" ") if count else []
        if firsts:
            firsts[0] = b""
        return cls(file, starts, listed[1::2], firsts, forms), None

    def close(self) -> None:
        """Let the file go (looking up then finds nothing new)."""
        if self._file is not None:
            self._file.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # (the interpreter shutting down)
            pass

    def get(self, form: str) -> str | None:
        """The root of ``form``, or None when the table does not hold it."""
        encoded = form.encode("utf-8")
        # (Forms are in the order of their lines: a TAB is below any letter.)
        data = self._block(bisect_right(self._firsts, encoded) - 1)
        if data is None:
            return None
        key = encoded + b"\t"
        at = _first_line_from(data, key)
        if not data.startswith(key, at):
            return None
        root = data[at + len(key) : data.index(b"\n", at)].decode("utf-8")
        return root or form

    @property
    def keeps_decisions(self) -> bool:
        """Whether the table keeps how forms are cut (one made since
        closed compounds split does).  Looked for once, in a table of the
        format before blocks: 10 µs for 600 kB."""
        if self._keeps_decisions is None:
            self._keeps_decisions = b"+\t" in self._all()  # (no form or root holds one)
        return self._keeps_decisions

    def forms_starting_with(self, prefix: str) -> list[str]:
        """The forms the table holds that start with ``prefix``, in order."""
        key = prefix.encode("utf-8")
        # Lines are in the order of their bytes, and no UTF-8 text holds 0xff.
        first = max(bisect_right(self._firsts, key) - 1, 0)
        data = b"".join(self._block(n) or b"" for n in range(first, bisect_left(self._firsts, key + b"\xff")))
        lines = data[_first_line_from(data, key) : _first_line_from(data, key + b"\xff")]
        forms = (line.partition(b"\t")[0] for line in lines.splitlines())
        # (A key ending in "+" keeps how a form is cut: see analysis._decided.)
        return [form.decode("utf-8") for form in forms if not form.endswith(b"+")]

    def roots_starting_with(self, prefix: str) -> list[str]:
        """The roots the table gives, other than forms' own, that start with
        ``prefix``, in order.  They are in no order in the file: the first
        call sorts them all (6 ms for 57,000 forms, 4,500 such roots)."""
        if self._roots is None:
            import re  # (here: most queries look no root up)

            roots = re.findall(rb"\t([^\n ]+)\n", self._all())  # (not a compound's parts)
            self._roots = sorted({root.decode("utf-8") for root in roots})
        first = bisect_left(self._roots, prefix)
        return self._roots[first : bisect_left(self._roots, prefix + "\U0010ffff", first)]

    def items(self):
        """Every (form, root) the table holds."""
        for line in self._all().splitlines():
            form, _, root = line.decode("utf-8").partition("\t")
            yield form, root or form

    def _block(self, number: int) -> bytes | None:
        """The lines of a block, read and checked the first time; None for
        none (a key before the first block's) or a damaged one."""
        if number < 0 or number >= len(self._checksums):
            return None
        try:
            return self._read[number]
        except KeyError:
            pass
        start, end = self._starts[number], self._starts[number + 1]
        try:
            data = self._file.read(start, end)
        except (OSError, ValueError):  # (closed)
            return None
        if len(data) != end - start or zlib.crc32(data) != self._checksums[number]:
            data = None
        self._read[number] = data
        return data

    def _all(self) -> bytes:
        """Every block's lines (a damaged block's left out)."""
        return b"".join(self._block(n) or b"" for n in range(len(self._checksums)))

    def _damaged(self) -> bool:
        return any(self._block(n) is None for n in range(len(self._checksums)))


def _first_line_from(data: bytes, key: bytes) -> int:
    """Where the first line of ``data`` not before ``key`` starts (binary
    search: the lines are sorted)."""
    lo, hi = 0, len(data)  # lo is always the start of a line
    while lo < hi:
        mid = (lo + hi) // 2
        line_start = data.rfind(b"\n", 0, mid) + 1
        line_end = data.index(b"\n", line_start)
        if data[line_start:line_end] < key:
            lo = line_end + 1
        else:
            hi = line_start
    return lo


class _FileBytes:
    """A file's bytes, read a range at a time: with pread where there is
    one, from a descriptor kept open; elsewhere the file is read whole at
    once, so that no open file keeps ``search index`` from replacing it."""

    def __init__(self, path: str | os.PathLike):
        if hasattr(os, "pread"):
            self._fd: int | None = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            self._data = None
            self.size = os.fstat(self._fd).st_size
        else:
            with open(path, "rb") as file:
                self._fd, self._data = None, file.read()
            self.size = len(self._data)

    def read(self, start: int, end: int) -> bytes:
        if self._data is not None:
            return self._data[start:end]
        if self._fd is None:
            raise ValueError("closed")
        return os.pread(self._fd, end - start, start)

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def write_stem_table(path: str | os.PathLike, stems: dict[str, str], stemmer: str) -> None:
    """Write ``stems`` as the table at ``path``, replacing any table there
    in one step (a reader sees the old table or the new, never half)."""
    from searcher.storage.safe_files import write_atomically  # (here: a query writes none)

    lines = sorted(
        f"{form}\t{root if root != form else ''}".encode("utf-8")
        for form, root in stems.items()
        if "\t" not in form + root and "\n" not in form + root
    )
    blocks, block = [], []
    size = 0
    for line in lines:
        block.append(line + b"\n")
        size += len(line) + 1
        if size >= _BLOCK_BYTES:
            blocks.append(b"".join(block))
            block, size = [], 0
    if block:
        blocks.append(b"".join(block))
    listed = b"".join(b"%08x%08x" % (len(data), zlib.crc32(data)) for data in blocks) + b"\n"
    listed += b" ".join(data.partition(b"\t")[0] for data in blocks) + b"\n"
    header = _HEADER + stemmer.encode() + b" %d %d %08x\n" % (len(lines), len(blocks), zlib.crc32(listed))
    write_atomically(path, header + listed + b"".join(blocks))


def index_stem_table(index_dir: str | os.PathLike) -> StemTable:
    """The table kept in an index folder, if this version's stemmer made it
    and it is whole."""
    return StemTable.read(os.path.join(index_dir, STEM_TABLE), STEMMER)


def load_index_stem_table(index_dir: str | os.PathLike) -> tuple[StemTable, str | None]:
    """``index_stem_table``, and what is wrong with the file when it is not used."""
    return StemTable.load(os.path.join(index_dir, STEM_TABLE), STEMMER)


def save_index_stem_table(index_dir: str | os.PathLike, stems: dict[str, str]) -> None:
    """Write ``stems`` as the table kept in an index folder."""
    write_stem_table(os.path.join(index_dir, STEM_TABLE), stems, STEMMER)
