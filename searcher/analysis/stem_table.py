"""The roots of the word forms an index holds, kept with the index.

Indexing stems every form it meets; a query needs the roots of its own
words and of the words in the paragraphs it highlights.  Loading Sastrawi
and stemming those forms again took a cold query 40 to 100 ms, while the
index had already worked each of them out.  ``search index`` writes them
to a table; a query looks its forms up there and calls Sastrawi only for a
form the index has never seen.

The table is a sorted text file of ``form<TAB>root`` lines (the root left
empty when it is the form itself), searched in place with a binary search:
opening it reads the file and parses nothing, which a dictionary of
50,000 forms could not do in under 10 ms.  A line whose form ends in "+"
keeps what else a query would need Sastrawi's dictionary for: how a form
is cut ("antikorupsi+<TAB>anti korupsi", "al-quran+<TAB>alquran"; the root
left empty when as usual: see ``analysis._decided``).  Its first line names how the
roots were made (``analysis.STEMMER``) and holds the CRC-32 of the rest;
a table made another way, or damaged, is not used.
"""

from __future__ import annotations

import os
import zlib
from bisect import bisect_left

from searcher.analysis import STEMMER

STEM_TABLE = "stems.txt"
_HEADER = b"searcher stems 2 "  # then the stemmer, and the CRC-32 of the lines after the header


class StemTable:
    """Look roots up in a table file's bytes."""

    def __init__(self, data: bytes = b"", start: int = 0):
        self._data = data
        self._start = start  # where the first form's line begins
        self._roots: list[str] | None = None  # see roots_starting_with
        self._keeps_decisions: bool | None = None

    def __len__(self) -> int:
        return self._data.count(b"\n", self._start)

    def __bool__(self) -> bool:
        return len(self._data) > self._start

    @classmethod
    def read(cls, path: str | os.PathLike, stemmer: str) -> StemTable:
        """The table at ``path``; empty when there is none, or it cannot be
        used (see ``load``)."""
        return cls.load(path, stemmer)[0]

    @classmethod
    def load(cls, path: str | os.PathLike, stemmer: str) -> tuple[StemTable, str | None]:
        """The table at ``path``, and None; or an empty table and what is
        wrong with the file, when there is one that was made by another
        stemmer or version, or does not match its checksum: a root changed
        by a flipped bit would make queries for its words find nothing."""
        try:
            with open(path, "rb") as file:
                data = file.read()
        except FileNotFoundError:
            return cls(), None
        except OSError as error:
            return cls(), error.strerror or str(error)
        header_end = data.find(b"\n") + 1
        made_by, _, checksum = data[len(_HEADER) : header_end - 1].rpartition(b" ")
        if not data.startswith(_HEADER) or made_by != stemmer.encode():
            return cls(), "made by another version of searcher"
        if checksum != b"%08x" % zlib.crc32(memoryview(data)[header_end:]) or not data.endswith(b"\n"):
            return cls(), "damaged (its checksum does not match)"
        return cls(data, header_end), None

    def get(self, form: str) -> str | None:
        """The root of ``form``, or None when the table does not hold it."""
        data = self._data
        key = form.encode("utf-8") + b"\t"
        lo = self._first_line_from(key)
        if not data.startswith(key, lo):
            return None
        root = data[lo + len(key) : data.index(b"\n", lo)].decode("utf-8")
        return root or form

    @property
    def keeps_decisions(self) -> bool:
        """Whether the table keeps how forms are cut (one made since
        closed compounds split does).  Looked for once: 10 µs for 600 kB."""
        if self._keeps_decisions is None:
            self._keeps_decisions = self._data.find(b"+", self._start) >= 0  # (no form or root holds one)
        return self._keeps_decisions

    def forms_starting_with(self, prefix: str) -> list[str]:
        """The forms the table holds that start with ``prefix``, in order."""
        key = prefix.encode("utf-8")
        # Lines are in the order of their bytes, and no UTF-8 text holds 0xff.
        lines = self._data[self._first_line_from(key) : self._first_line_from(key + b"\xff")]
        forms = (line.partition(b"\t")[0] for line in lines.splitlines())
        # (A key ending in "+" keeps how a form is cut: see analysis._decided.)
        return [form.decode("utf-8") for form in forms if not form.endswith(b"+")]

    def roots_starting_with(self, prefix: str) -> list[str]:
        """The roots the table gives, other than forms' own, that start with
        ``prefix``, in order.  They are in no order in the file: the first
        call sorts them all (6 ms for 57,000 forms, 4,500 such roots)."""
        if self._roots is None:
            import re  # (here: most queries look no root up)

            roots = re.findall(rb"\t([^\n ]+)\n", self._data[self._start :])  # (not a compound's parts)
            self._roots = sorted({root.decode("utf-8") for root in roots})
        first = bisect_left(self._roots, prefix)
        return self._roots[first : bisect_left(self._roots, prefix + "\U0010ffff", first)]

    def _first_line_from(self, key: bytes) -> int:
        """Where the first line not before ``key`` starts (binary search:
        the lines are sorted)."""
        data = self._data
        lo, hi = self._start, len(data)  # lo is always the start of a line
        while lo < hi:
            mid = (lo + hi) // 2
            line_start = data.rfind(b"\n", 0, mid) + 1
            line_end = data.index(b"\n", line_start)
            if data[line_start:line_end] < key:
                lo = line_end + 1
            else:
                hi = line_start
        return lo

    def items(self):
        """Every (form, root) the table holds."""
        for line in self._data[self._start :].splitlines():
            form, _, root = line.decode("utf-8").partition("\t")
            yield form, root or form


def write_stem_table(path: str | os.PathLike, stems: dict[str, str], stemmer: str) -> None:
    """Write ``stems`` as the table at ``path``, replacing any table there
    in one step (a reader sees the old table or the new, never half)."""
    from searcher.storage.safe_files import write_atomically  # (here: a query writes none)

    lines = sorted(
        f"{form}\t{root if root != form else ''}".encode("utf-8")
        for form, root in stems.items()
        if "\t" not in form + root and "\n" not in form + root
    )
    body = b"".join(line + b"\n" for line in lines)
    write_atomically(path, _HEADER + stemmer.encode() + b" %08x\n" % zlib.crc32(body) + body)


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
