"""Reading a term's whole posting list, and a field's lengths, in bulk.

Whoosh's matchers walk postings one at a time through several layers of
Python calls, which is what makes a query on common words slow.  Here a
posting list is read a block at a time: each block is one pickled tuple of
delta-coded document numbers and term frequencies, decoded with C-level
calls.  This leans on the block layout of Whoosh's W3 codec (pinned in
pyproject.toml); terms stored inline in the term table (a single posting)
go through the ordinary matcher.
"""

from __future__ import annotations

from itertools import accumulate, repeat

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

# The field length Whoosh stores as one byte, for each byte value.
BYTE_TO_LENGTH = tuple(byte_to_length(b) for b in range(256))


def postings(reader, fieldname: str, text: str) -> tuple[list[int], list[float]]:
    """The document numbers (in the segment) holding a term, and the term's
    frequency in each, deleted documents left out."""
    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return [], []
    while not isinstance(matcher, W3LeafMatcher) and hasattr(matcher, "child"):
        matcher = matcher.child  # the deleted-documents filter
    if isinstance(matcher, W3LeafMatcher):
        ids, frequencies = _read_blocks(matcher)
    else:
        ids, frequencies = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            frequencies.append(matcher.weight())
            matcher.next()
    deleted = reader.deleted_docs_set if reader.has_deletions() else None
    if deleted:
        kept = [i for i, docnum in enumerate(ids) if docnum not in deleted]
        ids = [ids[i] for i in kept]
        frequencies = [frequencies[i] for i in kept]
    return ids, frequencies


def _read_blocks(matcher: W3LeafMatcher) -> tuple[list[int], list[float]]:
    ids: list[int] = []
    frequencies: list[float] = []
    while True:
        matcher._read_data()
        deltas, weights, _ = matcher._data
        ids.extend(accumulate(deltas))  # each block counts from 0
        if weights is None:
            frequencies.extend(repeat(1.0, len(deltas)))
        elif isinstance(weights, float):
            frequencies.extend(repeat(weights, len(deltas)))
        else:
            frequencies.extend(weights)
        if matcher._lastblock:
            return ids, frequencies
        matcher._goto(matcher._nextoffset)


def length_bytes(reader, fieldname: str) -> bytes:
    """Each document's length in a field, one byte per document in Whoosh's
    coding (see BYTE_TO_LENGTH); 0 for a document without the field."""
    doccount = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)  # absent from an empty index's reader
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc else None
    if column is None:
        return bytes(doccount)
    stored = column._dbfile.get(column._basepos, min(column._count, doccount))
    return stored + bytes(doccount - len(stored))
