"""Finding the same paragraph in other articles (news is syndicated).

At indexing time each paragraph gets a small *sketch*: the few smallest
hashes of its word 3-grams (a bottom-k MinHash).  Two copies of a paragraph
share their sketch, and a copy with a word or two changed still shares most
of it, so paragraphs that share any sketch term are duplicate candidates.  At
query time a candidate counts as a duplicate when its word 3-grams overlap
the hit's by at least NEAR_JACCARD: "Jakarta (ANTARA) - " in front, a changed
figure or a fixed typo are still the same paragraph; a paragraph that merely
quotes the same sentence is not.
"""

from __future__ import annotations

import re
import zlib

SKETCH_SIZE = 4
NEAR_JACCARD = 0.6
_SHINGLE_WORDS = 3
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[int]:
    """Hashes of the text's word 3-grams (case and punctuation ignored)."""
    tokens = _WORD.findall(text.casefold())
    if len(tokens) < _SHINGLE_WORDS:
        return {zlib.crc32(" ".join(tokens).encode())}
    joined = [" ".join(tokens[i : i + _SHINGLE_WORDS]) for i in range(len(tokens) - _SHINGLE_WORDS + 1)]
    # crc32, not hash(): the sketch must be the same in every process.
    return {zlib.crc32(s.encode()) for s in joined}


def sketch(text: str) -> str:
    """The paragraph's sketch terms, space-separated, for a KEYWORD field."""
    return " ".join(format(h, "x") for h in sorted(shingles(text))[:SKETCH_SIZE])


def similarity(a: str, b: str) -> float:
    """Jaccard overlap of two texts' word 3-grams."""
    first, second = shingles(a), shingles(b)
    return len(first & second) / len(first | second)


def are_near_duplicates(a: str, b: str) -> bool:
    return similarity(a, b) >= NEAR_JACCARD
