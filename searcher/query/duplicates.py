"""Finding the same paragraph in other articles (news is syndicated).

At indexing time each paragraph gets a *signature*: the 32 smallest hashes
of its word 3-grams (a bottom-k MinHash), kept in a column; its first four
are its *sketch*, kept, sorted, in the index's sketch file
(``storage.sketch_file``; indexes made before December 2026 index them as
sketch terms too).  Two copies of a paragraph
share their signature, and a copy with a word or two changed still shares
most of it.  At query time, paragraphs sharing two sketch hashes with a hit
are candidates; the signatures estimate their overlap without reading them, and
the few that come close have their texts compared: a duplicate shares at
least NEAR_JACCARD of its word 3-grams with the hit.  "Jakarta (ANTARA) - "
in front, a changed figure or a fixed typo leave the same paragraph; a
paragraph that merely quotes one of its sentences is another.

A signature's size is the index's, set when the index is made: indexes
made before November 2026 hold 16 hashes a signature, and keep them for
the paragraphs added since, until ``search index --rebuild``.  Their looser
estimate sends about four times as many candidates to have their texts
compared.
"""

from __future__ import annotations

import math
import re
import struct
import zlib

from searcher.analysis import without_invisible
from searcher.records import TYPE_CHECKING
from searcher.storage.w3.reader import DamagedFile

if TYPE_CHECKING:
    from collections.abc import Callable

SKETCH_SIZE = 4
SIGNATURE_SIZE = 32  # hashes in the signatures of a new index
SIGNATURE_BYTES = 4 * SIGNATURE_SIZE
NEAR_JACCARD = 0.6
MAX_DUPLICATES = 100  # copies of one paragraph listed; more are counted as this many
NO_HASH = 0xFFFFFFFF  # pads the signature of a paragraph with few 3-grams
_LOW_BITS = 0xFF  # of each hash, kept by a SketchTable
_LAYOUTS: dict[int, struct.Struct] = {}  # signature size: its packing
_SHINGLE_WORDS = 3
_WORD = r"\w+"  # (compiled by re, once, for the first text that is not ASCII)
_ASCII_WORD_CHARACTERS = bytes(  # bytes.translate's table: word characters (\w) lowercased, others a space
    ord(chr(byte).lower()) if chr(byte).isalnum() or byte == ord("_") else ord(" ") for byte in range(128)
) + bytes(128)


def shingles(text: str) -> set[int]:
    """Hashes of the text's word 3-grams (see ``trigrams``)."""
    # crc32, not hash(): the sketch must be the same in every process.
    return {zlib.crc32(" ".join(trigram).encode()) for trigram in _trigrams(text)}


def trigrams(text: str) -> set[tuple[str, ...]]:
    """The text's word 3-grams (case and punctuation ignored); all its
    words for a text of fewer."""
    return set(_trigrams(text))


def compared_trigrams(text: str) -> set[int]:
    """The text's word 3-grams as ``similarity`` compares two texts in one
    process: by Python's ``hash``, which lasts only as long as the process
    but needs no crc32 (a third of the time to make) and compares as
    integers, where tuples compare their words (a third of the time to
    compare)."""
    return set(map(hash, _trigrams(text)))


def _trigrams(text: str):
    if text.isascii():
        # What \w+ finds in casefolded ASCII text, five times faster than
        # the regular expression: letters lowercased, the rest spaces.
        tokens = text.encode().translate(_ASCII_WORD_CHARACTERS).decode().split()
    else:
        tokens = re.findall(_WORD, without_invisible(text).casefold())
    if len(tokens) < _SHINGLE_WORDS:
        return (tuple(tokens),)
    return zip(tokens, tokens[1:], tokens[2:])


def signature(text: str, size: int = SIGNATURE_SIZE) -> bytes:
    """The ``size`` smallest hashes of the text's word 3-grams, packed."""
    smallest = sorted(shingles(text))[:size]
    return _layout(size).pack(*smallest, *[NO_HASH] * (size - len(smallest)))


def sketch(signature: bytes) -> str:
    """The sketch terms of a signature, space-separated, for a KEYWORD field."""
    return " ".join(sketch_terms(signature_hashes(signature)))


def sketch_hashes(hashes: frozenset[int]) -> list[int]:
    """A signature's sketch: the SKETCH_SIZE smallest of its hashes
    (``signature_hashes``)."""
    return sorted(hashes)[:SKETCH_SIZE]


def sketch_terms(hashes: frozenset[int]) -> list[str]:
    """The sketch terms of a signature's hashes: its sketch, in hexadecimal."""
    return [format(h, "x") for h in sketch_hashes(hashes)]


def signature_hashes(signature: bytes) -> frozenset[int]:
    hashes = frozenset(_layout(len(signature) // 4).unpack(signature))
    return hashes - {NO_HASH} if NO_HASH in hashes else hashes


def _layout(size: int) -> struct.Struct:
    """A packed signature of ``size`` hashes (16 or 32, see above)."""
    layout = _LAYOUTS.get(size)
    if layout is None:
        layout = _LAYOUTS[size] = struct.Struct(f">{size}I")
    return layout


def estimated_similarity(first: frozenset[int], second: frozenset[int], size: int) -> float:
    """Jaccard overlap estimated from two signatures' hashes
    (``signature_hashes``, ``size`` a signature): the share of the
    ``size`` smallest hashes of both that each one holds."""
    union = sorted(first | second)[:size]
    return len(first.intersection(second, union)) / len(union) if union else 1.0


def candidate_jaccard(size: int) -> float:
    """The estimated overlap from which texts are compared: two standard
    deviations of an estimate from ``size`` hashes below NEAR_JACCARD, so a
    copy right at the line is missed about once in 40, and a copy that
    shares more almost never (0.43 for 32 hashes, 0.36 for 16)."""
    return NEAR_JACCARD - 2 * math.sqrt(NEAR_JACCARD * (1 - NEAR_JACCARD) / size)


def may_be_near(first: frozenset[int], second: frozenset[int], size: int) -> bool:
    """Whether two signatures' hashes (``signature_hashes``, ``size`` a
    signature) estimate an overlap of at least ``candidate_jaccard``."""
    threshold = candidate_jaccard(size)
    shared = len(first & second)
    # The estimate counts shared hashes among at most ``size``, so it is at
    # most this bound: most candidates fail it, and are rejected without
    # sorting.
    union = len(first) + len(second) - shared
    if shared < threshold * min(union, size):
        return False
    return estimated_similarity(first, second, size) >= threshold


def similarity(first: set, second: set) -> float:
    """Jaccard overlap of two texts' word 3-grams (``trigrams``, or
    ``compared_trigrams`` of both)."""
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


def are_near_duplicates(first: set, second: set) -> bool:
    return similarity(first, second) >= NEAR_JACCARD


def sketch_entries(signatures: bytes, width: int, deleted, offset: int, np):
    """The sketch hashes of packed ``signatures`` (of ``width`` bytes each,
    the first numbered ``offset``), and the document number of each, less
    the ``deleted`` documents (numbered from the first): a signature's
    leading hashes (it is sorted, and its sketch is its SKETCH_SIZE
    smallest), but padding and the zeros of a document without a
    signature (a file's record)."""
    leading = np.frombuffer(signatures, dtype=">u4").reshape(-1, width // 4)[:, :SKETCH_SIZE].astype(np.uint32)
    live = np.ones(len(leading), dtype=bool)
    if deleted:
        live[np.fromiter(deleted, np.int64, len(deleted))] = False
    # A signature's hashes are distinct and ascending: only a record's,
    # all zeros, has a second hash of 0.
    live &= leading[:, 1] != 0
    keep = (leading != NO_HASH) & live[:, None]
    return leading[keep], (np.nonzero(keep)[0] + offset).astype(np.uint32)


class SketchTable:
    """Every live paragraph's sketch hashes, sorted, with the paragraph
    each belongs to: for a searcher that serves many searches, what the
    sketch terms' postings hold, looked up with a binary search in memory
    instead of a term lookup in each segment (most of the time a search
    spent folding copies).  Made from the signature column in one read:
    a sketch is its signature's SKETCH_SIZE smallest hashes, which lead
    it.  8 bytes a sketch hash: about 5 MB for 20,000 articles.

    It keeps the low 8 bits of every hash of every signature too (another
    5 MB for 20,000 articles): a paragraph that shares sketch terms with a
    hit because it quotes one of its sentences shares few of them, and is
    rejected without reading its signature (``candidates``).  At 100,000
    articles a search met some 400 such paragraphs and read each
    signature; now it reads under half of them.  (16 bits would keep a
    quarter, for twice the memory and no gain that could be measured.)"""

    def __init__(self, files):
        import numpy as np

        width = files.column_width("signature")
        signatures = files.whole_column("signature", width, bytes(width))
        deleted = [segment.offset + docnum for segment in files.segments for docnum in segment.deleted or ()]
        hashes, docnums = sketch_entries(signatures, width, deleted, 0, np)
        order = np.argsort(hashes, kind="stable")
        self._hashes, self._docnums = hashes[order], docnums[order].astype(np.int32)
        # A big-endian hash's low 8 bits are its last byte.
        self._low_bits = np.frombuffer(signatures, dtype=np.uint8).reshape(-1, width)[:, 3::4].copy()
        self._np = np

    def holding(self, sketch_hash: int) -> list[int]:
        """The live paragraphs whose sketch holds ``sketch_hash``, in document order."""
        return self._documents(sketch_hash).tolist()

    def _documents(self, sketch_hash: int):
        """The live paragraphs whose sketch holds ``sketch_hash``, an array
        in document order (``sketch_entries`` gives them so, and the table
        is sorted by hash with a stable sort)."""
        key = self._np.uint32(sketch_hash)  # (a Python int would make NumPy convert the whole table)
        start = self._hashes.searchsorted(key, "left")
        end = self._hashes.searchsorted(key, "right")
        return self._docnums[start:end]

    def candidates(self, docnum: int, hashes: frozenset[int], size: int) -> list[int]:
        """The other live paragraphs that may be near ``docnum`` (whose
        signature's hashes are ``hashes``, of ``size``): those sharing two
        of its sketch terms (``CopyFinder``), less those that ``may_be_near``
        would reject for certain, in document order.

        A hash the two signatures share has the same low bits in both, so
        counting the other's hashes whose low bits are among ours counts at
        least the shared ones; and the two signatures' union holds at least
        our hashes.  A paragraph for which even that count falls short of
        ``may_be_near``'s first bound fails it."""
        np = self._np
        sketch = sketch_hashes(hashes)
        found = np.concatenate([self._documents(h) for h in sketch]) if sketch else np.zeros(0, np.int32)
        others, counts = np.unique(found, return_counts=True)
        others = others[(counts >= min(2, len(sketch))) & (others != docnum)]
        if len(others):
            ours = np.zeros(_LOW_BITS + 1, dtype=bool)
            ours[[h & _LOW_BITS for h in hashes]] = True
            at_most_shared = ours[self._low_bits[others]].sum(axis=1)
            others = others[at_most_shared >= candidate_jaccard(size) * min(len(hashes), size)]
        return others.tolist()


class KnownCopies:
    """The copies found of each hit so far (document number: its copies,
    each with the fields a hit lists it by), for the searches of one
    searcher: they are the same until the index changes, and a searcher
    reads one generation.  Finding them was half of a warm search's time at
    100,000 articles, and a user's next search (a word added, the next
    page) meets most of the same hits.  At most REMEMBERED_HITS hits and
    REMEMBERED_COPIES copies (some 20 MB); then it starts again."""

    REMEMBERED_HITS = 10_000
    REMEMBERED_COPIES = 100_000
    SHOWN = ("source", "article", "para")  # what a hit says of a copy

    def __init__(self):
        self._copies: dict[int, list[tuple[int, dict]]] = {}
        self._count = 0

    def get(self, docnum: int) -> list[tuple[int, dict]] | None:
        return self._copies.get(docnum)

    def add(self, docnum: int, copies: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
        if len(self._copies) >= self.REMEMBERED_HITS or self._count + len(copies) > self.REMEMBERED_COPIES:
            self._copies.clear()
            self._count = 0
        shown = [(other, {name: fields[name] for name in self.SHOWN}) for other, fields in copies]
        self._copies[docnum] = shown
        self._count += len(shown)
        return shown


class CopyFinder:
    """Finds the copies of a search's hits in other articles, through the
    index's sketch hashes (a ``SketchTable``; else the generation's
    ``storage.sketch_file.SketchFile``; else, in an index made before
    December 2026, the sketch terms, ``ranking.PlainWordScorer.documents``),
    signatures and stored fields
    (``IndexFiles``).  One serves one search and remembers what it read:
    the hits of a search share sketch hashes and candidates (a quarter of
    the reads), and a deeper look (``ParagraphSearcher.search``) walks the
    same hits again.  The copies it finds go into ``known``, which a
    searcher keeps for the searches after (see ``KnownCopies``)."""

    def __init__(
        self,
        words,
        files,
        sketches: SketchTable | None = None,
        known: KnownCopies | None = None,
        sketch_file=None,
        make_sketch_table: Callable[[], SketchTable | None] | None = None,
    ):
        """``make_sketch_table``: for an index without sketch terms, makes
        the table (or gives None, when it cannot) should the sketch file be
        missing or damaged."""
        self._words = words
        self._files = files
        self._sketches = sketches
        self._sketch_file = sketch_file
        self._make_sketch_table = make_sketch_table
        self._width = files.column_width("signature")  # see the module's docstring
        self._documents: dict[int, list[int]] = {}  # sketch hash: the paragraphs holding it
        self._signatures: dict[int, frozenset[int]] = {}  # their hashes
        self._stored: dict[int, dict] = {}
        self._trigram_sets: dict[int, set[int]] = {}
        self._copies = KnownCopies() if known is None else known

    def of(self, docnum: int, doc: dict) -> list[tuple[int, dict]]:
        """Paragraphs of other articles with (nearly) the same text, each
        with the fields a hit lists it by (``KnownCopies.SHOWN``)."""
        copies = self._copies.get(docnum)
        if copies is None:
            copies = self._copies.add(docnum, self._find(docnum, doc))
        return copies

    def _find(self, docnum: int, doc: dict) -> list[tuple[int, dict]]:
        mine = self._signature(docnum)
        size = self._width // 4
        if self._sketches is not None:
            candidates = self._sketches.candidates(docnum, mine, size)
        else:
            candidates = self._candidates(docnum, sketch_hashes(mine))
        copies = []
        for other in candidates:
            if not may_be_near(mine, self._signature(other), size):
                continue
            fields = self._stored_fields(other)
            if (fields["source"], fields["article"]) == (doc["source"], doc["article"]):
                continue
            if are_near_duplicates(self._trigrams(docnum, doc), self._trigrams(other, fields)):
                copies.append((other, fields))
                if len(copies) >= MAX_DUPLICATES:
                    break
        return copies

    def _candidates(self, docnum: int, sketch: list[int]) -> list[int]:
        """The other paragraphs sharing two of the hashes of ``sketch`` (that
        of ``docnum``), in document order."""
        needed = min(2, len(sketch))
        counts: dict[int, int] = {}
        for left, sketch_hash in zip(range(len(sketch), 0, -1), sketch):
            if left < needed and all(count + left < needed for other, count in counts.items() if other != docnum):
                # What is left cannot make a candidate of a paragraph found
                # so far, nor of one not found: the last lookup is saved
                # for a paragraph whose other sketch hashes are its own alone.
                break
            for other in self._holding(sketch_hash):
                counts[other] = counts.get(other, 0) + 1
        return [other for other, count in sorted(counts.items()) if count >= needed and other != docnum]

    def _holding(self, sketch_hash: int):
        """The live paragraphs whose sketch holds ``sketch_hash``: from the
        generation's sketch file (two reads); when there is none, or it is
        damaged, from a sketch table made then (``make_sketch_table``), or
        else by looking its term up in every segment."""
        if sketch_hash not in self._documents:
            found = None
            if self._sketch_file is not None:
                try:
                    found = self._sketch_file.documents(sketch_hash)
                except DamagedFile:
                    self._sketch_file = None  # (``search check`` names it)
            if found is None and self._make_sketch_table is not None:
                self._sketches = self._make_sketch_table()  # (``_find`` uses it for the next hits)
                self._make_sketch_table = None
            if found is None and self._sketches is not None:
                found = self._sketches.holding(sketch_hash)
            if found is None:
                found = self._words.documents("sketch", format(sketch_hash, "x"))
            self._documents[sketch_hash] = found
        return self._documents[sketch_hash]

    def _signature(self, docnum: int) -> frozenset[int]:
        if docnum not in self._signatures:
            value = self._files.column_value("signature", self._width, bytes(self._width), docnum)
            self._signatures[docnum] = signature_hashes(value)
        return self._signatures[docnum]

    def _trigrams(self, docnum: int, fields: dict) -> set[int]:
        if docnum not in self._trigram_sets:
            self._trigram_sets[docnum] = compared_trigrams(fields["body"])
        return self._trigram_sets[docnum]

    def _stored_fields(self, docnum: int) -> dict:
        if docnum not in self._stored:
            self._stored[docnum] = self._files.stored_fields(docnum)
        return self._stored[docnum]
