"""Did you mean: corrections for query words the index has never seen.

A word is corrected only when neither its form nor its stem occurs in the
index: a rare but real word ("pakta") must not be "corrected" to a frequent
neighbour ("fakta").  The correction is the index word closest in edits
(a swap of two letters counts as one), then the most frequent.  The first
two letters are taken as typed, as they almost always are: that keeps the
search of the vocabulary to a few milliseconds on a large index.

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


def _substitution(a: str, b: str) -> int:
    if a == b:
        return 0
    return 1 if neighbouring_keys(a, b) else 2


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), a letter
    written for one not beside it on the keyboard costing two edits (as
    leaving one out and adding the other would)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, a_char in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, b_char in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + _substitution(a_char, b_char),
            )
            if i > 1 and j > 1 and a_char == b[j - 2] and a[i - 2] == b_char:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def is_known(index, form: str) -> bool:
    """Whether the index (anything with Whoosh's ``doc_frequency``) holds
    the word's form or stem.  The stem first: a query's matching looked
    it up already."""
    return any(index.doc_frequency(field, term) for term in (stem(form), form) for field in ("body", "title"))


def correct_word(reader, form: str) -> str | None:
    """The likeliest word the user meant, or None (``reader``: Whoosh's,
    which walks the vocabulary)."""
    if not _AS_TYPED < len(form) <= _LONGEST_WORD or any(c.isdigit() for c in form):
        return None
    maxdist = 1 if len(form) <= _SHORT_WORD else 2
    candidates = []
    for term in reader.terms_within(FIELD, form, maxdist, prefix=_AS_TYPED):
        distance = edit_distance(form, term)
        if term != form and distance <= maxdist:
            candidates.append((distance, -reader.doc_frequency(FIELD, term), term))
    return min(candidates)[2] if candidates else None


def suggest(index, text: str, node: queries.Node | None, vocabulary: Callable[[], Any]) -> str | None:
    """The query ``text`` (parsed as ``node``) with its unknown words
    corrected, or None if there is nothing to correct.  ``vocabulary``
    gives Whoosh's reader, called only when a word is unknown: known words
    are checked on ``index`` (see ``is_known``)."""
    corrections: dict[str, str] = {}
    for word in queries.positive_words(node):
        if word.form in corrections or word.form in queries.QUESTION_WORDS or is_known(index, word.form):
            continue
        correction = correct_word(vocabulary(), word.form)
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
