"""Did you mean: corrections for query words the index has never seen.

A word is corrected only when neither its form nor its stem occurs in the
index: a rare but real word ("pakta") must not be "corrected" to a frequent
neighbour ("fakta").  The correction is the index word closest in edits
(a swap of two letters counts as one), then the most frequent.  The first
two letters are taken as typed, as they almost always are: that keeps the
search of the vocabulary to a few milliseconds on a large index.  The
vocabulary is the index's stem table (``Vocabulary``): its word forms are
sorted, so a prefix's are a slice of it, and its roots are sorted once
(Whoosh's walk of its terms took 80 ms for "pertahann" at 20,000
articles).

Edits are counted as typing goes wrong: a letter left out, one too many,
two swapped, or a key struck for its neighbour on the keyboard.  A letter
written for one far from it on the keyboard is no slip of the finger but a
different word, and counts as two edits: so "election" is not taken for
"elektron" (c for k, i for r), while "pertahnan" still finds "pertahanan"
(bench/spelling.py measures both).
"""

from __future__ import annotations

from searcher.analysis import stem, words
from searcher.query import tree as queries
from searcher.records import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

FIELD = "body"
_SHORT_WORD = 4  # words this short get at most one edit, or anything would match
# Words longer than this get no suggestion: no Indonesian word is
# ("mempertanggungjawabkannya" has 25 letters), and walking the vocabulary
# within two edits of a 2,000-letter string took seconds.
_LONGEST_WORD = 30
_AS_TYPED = 2  # leading letters a correction keeps


_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {
    key: (row, column + (0.0, 0.25, 0.75)[row])  # the rows' stagger on a keyboard
    for row, keys in enumerate(_KEY_ROWS)
    for column, key in enumerate(keys)
}


def neighbouring_keys(a: str, b: str) -> bool:
    """Whether two keys touch on a QWERTY keyboard (letters only)."""
    if a not in _KEY_AT or b not in _KEY_AT:
        return False
    (row_a, x_a), (row_b, x_b) = _KEY_AT[a], _KEY_AT[b]
    return (row_a - row_b) ** 2 + (x_a - x_b) ** 2 <= 1.3**2


_NEIGHBOURS = frozenset((a, b) for a in _KEY_AT for b in _KEY_AT if a != b and neighbouring_keys(a, b))


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), a letter
    written for one not beside it on the keyboard costing two edits (as
    leaving one out and adding the other would).  With ``limit``, any
    distance over it may be given as ``limit + 1``."""
    near = _NEIGHBOURS
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, a_char in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, b_char in enumerate(b, 1):
            substitution = 0 if a_char == b_char else 1 if (a_char, b_char) in near else 2
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution)
            if i > 1 and j > 1 and a_char == b[j - 2] and a[i - 2] == b_char:
                current[j] = min(current[j], previous2[j - 2] + 1)
        # A row's cells come from the row before, or (a swap) the one before
        # that plus one: past the limit in both, no later cell is within it.
        if limit is not None and min(current) > limit and min(previous) >= limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def is_known(index, form: str) -> bool:
    """Whether the index (anything with Whoosh's ``doc_frequency``) holds
    the word's form or stem.  The stem first: a query's matching looked
    it up already."""
    return any(index.doc_frequency(field, term) for term in (stem(form), form) for field in ("body", "title"))


class Vocabulary:
    """The words of the index a correction is chosen from: the forms and
    roots of its stem table, read in place (``analysis.stem_table``), the
    terms its paragraphs are indexed under; else, for an index without
    one, the terms Whoosh's reader walks (``whoosh_reader()``, opened only
    then)."""

    def __init__(self, index, stem_table, whoosh_reader: Callable[[], Any]):
        self._index = index  # anything with Whoosh's doc_frequency(field, term)
        self._table = stem_table
        self._whoosh_reader = whoosh_reader

    def starting_with(self, prefix: str) -> list[str]:
        if self._table:  # its forms, and the roots they were indexed under too
            return self._table.forms_starting_with(prefix) + self._table.roots_starting_with(prefix)
        reader = self._whoosh_reader()
        return [reader.schema[FIELD].from_bytes(term) for term in reader.expand_prefix(FIELD, prefix)]

    def frequency(self, word: str) -> int:
        """In how many paragraphs' bodies the word is (0: a form of titles
        only, or of paragraphs since deleted)."""
        return self._index.doc_frequency(FIELD, word)


def correct_word(vocabulary: Vocabulary, form: str) -> str | None:
    """The likeliest word the user meant, or None."""
    if not _AS_TYPED < len(form) <= _LONGEST_WORD or any(c.isdigit() for c in form):
        return None
    maxdist = 1 if len(form) <= _SHORT_WORD else 2
    letters = {letter: form.count(letter) for letter in set(form)}
    candidates = []
    for word in vocabulary.starting_with(form[:_AS_TYPED]):
        if word == form or abs(len(word) - len(form)) > maxdist:
            continue
        # Letters the word lacks, and letters it has over: each takes an
        # edit, so more than maxdist of either rules it out before the
        # costlier edit distance (thousands of words share two letters).
        lacking = sum(max(0, count - word.count(letter)) for letter, count in letters.items())
        if lacking > maxdist or len(word) - len(form) + lacking > maxdist:
            continue
        distance = edit_distance(form, word, maxdist)
        if distance <= maxdist:
            frequency = vocabulary.frequency(word)
            if frequency:
                candidates.append((distance, -frequency, word))
    return min(candidates)[2] if candidates else None


def suggest(index, text: str, node: queries.Node | None, vocabulary: Vocabulary) -> str | None:
    """The query ``text`` (parsed as ``node``) with its unknown words
    corrected from ``vocabulary``, or None if there is nothing to correct.
    Known words are checked on ``index`` (see ``is_known``)."""
    corrections: dict[str, str] = {}
    for word in queries.positive_words(node):
        if word.form in corrections or word.form in queries.QUESTION_WORDS or is_known(index, word.form):
            continue
        correction = correct_word(vocabulary, word.form)
        if correction:
            corrections[word.form] = correction
    if not corrections:
        return None
    # Replace the words where they were typed: a word's form is folded
    # ("Ñandú" is looked up as "nandu"), so it may not appear in the text.
    corrected, end = [], 0
    for typed in words(text):
        if typed.form in corrections:
            corrected += [text[end : typed.start], corrections[typed.form]]
            end = typed.end
    corrected.append(text[end:])
    return "".join(corrected) if end else None
