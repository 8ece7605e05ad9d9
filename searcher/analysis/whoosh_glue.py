"""Whoosh analysis components built on ``searcher.analysis``.

Kept apart from ``analysis`` because subclassing Whoosh's classes means
importing Whoosh, which the light paths of the CLI avoid.
"""

from __future__ import annotations

from whoosh.analysis import Filter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.fields import TEXT

from searcher.analysis import STOPWORDS, stem, term_positions, words

__all__ = ["AddExactForm", "IndonesianText", "IndonesianTokenizer", "RememberForm", "analyzer"]

class IndonesianTokenizer(Tokenizer):
    """Cut text into folded Indonesian word forms (see ``analysis.words``).
    Positions count words other than stopwords, as ``analysis.index_terms``
    does: Whoosh's StopFilter, renumbering, would start from the first
    word's place, 1 in a text that opens with "Yang"."""

    def __eq__(self, other):
        return self.__class__ is other.__class__

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pieces = words(value) if tokenize else [(value, 0, len(value))]
        pos = start_pos
        for form, start, end in pieces:
            token.text = form
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
                pos += form not in STOPWORDS
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class RememberForm(Filter):
    """Keep each token's word form before the stemmer replaces it."""

    def __call__(self, tokens):
        for token in tokens:
            token.form = token.text
            yield token


class AddExactForm(Filter):
    """After the stem, emit the word form too, at the same position, when it differs."""

    def __call__(self, tokens):
        for token in tokens:
            yield token
            if not token.stopped and token.form != token.text:
                token.text = token.form
                yield token


class IndonesianText(TEXT):
    """A TEXT field that indexes without Whoosh's token-by-token analyzer
    chain: the postings come straight from ``analysis.term_positions``, the
    same terms at the same positions (tested), several times faster.  Query
    parsing and highlighting never call a field's analyzer here; it stays
    for anyone who opens the index with Whoosh's own tools."""

    def index(self, value, **kwargs):
        for term, frequency, weight, encoded in self.postings(value)[0]:
            yield term.encode("utf-8"), frequency, weight, encoded

    def postings(self, value: str) -> tuple[list[tuple[str, int, float, bytes]], int]:
        """The (term, frequency, weight, encoded positions) of ``value``'s
        postings, and its length (the positions of all its terms)."""
        encode = self.format.encode
        boost = self.format.field_boost
        postings = []
        length = 0
        for term, positions in term_positions(value).items():
            frequency = len(positions)
            if frequency == 1:
                # Most terms occur once in a paragraph: their encoded
                # position is looked up, not pickled again.
                encoded = _ONE_POSITION.get(positions[0])
                if encoded is None:
                    encoded = _ONE_POSITION[positions[0]] = encode(positions)
                # 1 * boost is boost: the same float object for most
                # postings, not one of its own each (a writer's postings
                # pool holds millions of them: 30 bytes apiece).
                weight = boost
            else:
                encoded = encode(positions)
                weight = frequency * boost
            postings.append((term, frequency, weight, encoded))
            length += frequency
        return postings, length


# Position: its encoding by the Positions format, which IndonesianText
# fields always have.
_ONE_POSITION: dict[int, bytes] = {}


def analyzer():
    """The Whoosh analyzer for the title and body fields."""
    return (
        IndonesianTokenizer()
        | StopFilter(stoplist=STOPWORDS, minsize=1, renumber=False)
        | RememberForm()
        # stem() keeps its own cache, shared with indexing and queries.
        | StemFilter(stemfn=stem, cachesize=None)
        | AddExactForm()
    )
