"""Re-ranking the best hits of a query with a learned model.

The first ranking is BM25 over word roots (``ranking``).  The best hits of
each pass are then scored again from what BM25 cannot see: how many of the
query's words a paragraph holds and how rare those are, whether they stand
together, in the forms typed, near the paragraph's start, and, for a
question, whether the paragraph holds the kind of thing asked for (a date
for "kapan", a number for "berapa", a name for "siapa").  The weights of
these features were learned from thousands of Indonesian questions with
known answers (``bench/train_ranker.py``, which writes ``rerank_model``);
the re-ranked score is BM25's times ``exp(w · features)``.

Only the text of a hit is read: no index structure beyond what the search
already fetched, so a hit's features cost some tens of microseconds.  (The
exact form typed, too, is rewarded here rather than matched as a term of
its own, which would double the matching work.)
"""

from __future__ import annotations

import math
import re
from functools import cache

from searcher.analysis import QUESTION_FRAME_WORDS, QUESTION_WORDS, related_forms, stem, words
from searcher.query import rerank_model
from searcher.query import tree as queries

LEAD_WORDS = 20  # query words further into a paragraph than this do not "open" it

# What a question asks for, by its question word.
ASKS = {
    "kapan": "time", "kapankah": "time", "bilamana": "time",
    "berapa": "number", "berapakah": "number",
    "siapa": "person", "siapakah": "person",
    "dimana": "place", "dimanakah": "place", "mana": "place", "manakah": "place",
    "mengapa": "reason", "kenapa": "reason",
}
# "tanggal berapa", "tahun berapa": a number that is a time.
_TIME_NOUNS = frozenset("tanggal tahun bulan hari abad pukul jam".split())
_NOT_ASKED_ABOUT = QUESTION_WORDS | QUESTION_FRAME_WORDS

# What answers look like, as regular expressions: compiled on first use
# (``_pattern``), since most one-shot queries are no question.
_MONTHS = (
    "januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|"
    "nopember|november|desember"
)
_PATTERNS = {
    "time": (rf"\b(?:1[5-9]\d\d|20\d\d|abad)\b|\b(?:{_MONTHS})\b", re.IGNORECASE),
    "number": (r"\d|\b(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|ratus|ribu|juta|miliar)\b",
               re.IGNORECASE),
    "reason": (r"\b(?:karena|sebab|akibat|disebabkan|sehingga|agar|supaya)\b", re.IGNORECASE),
    # A capitalised word not opening a sentence: most often part of a name.
    "name": (r"(?<=[^.!?\s]\s)[A-Z][\w'-]+", 0),
}


@cache
def _pattern(kind: str) -> re.Pattern:
    return re.compile(*_PATTERNS[kind])


FEATURES = (
    "bm25",  # log of BM25's score over the best of the hits re-ranked with it
    "every_word",  # 1 in the first pass (every word), 0 in the second
    "coverage",  # share of the query's words the paragraph holds
    "rare_coverage",  # the same, each word weighted by its IDF
    "exact",  # share of the words typed in an affixed form found in that form
    "together",  # share of adjacent query words found side by side
    "density",  # words found / length of the shortest stretch holding them all
    "lead",  # how near the start the query words stand (1: they open it)
    "rare_lead",  # the same, each word weighted by its IDF
    "length",  # log of the paragraph's length in words
    "asks_time",  # a "kapan" question, and the paragraph holds a year, month or "abad"
    "asks_number",  # a "berapa" question, and the paragraph holds a number
    "asks_person",  # a "siapa" question: share of the paragraph's names not in the query
    "asks_place",  # a "dimana" question: the same
    "asks_reason",  # a "mengapa" question, and the paragraph says "karena", "sebab"...
    "names",  # share of the paragraph's names not in the query (a question)
)
TOGETHER = FEATURES.index("together")

# The model was learned from questions; a query with no question word is
# words typed side by side, which most often name one thing ("kerja sama",
# "pakta pertahanan"), as a question's words seldom do.  The questions
# cannot teach that (they gave it no weight), so it is set here: such a
# query's words found side by side at least double a paragraph's score, as
# a phrase clause beside the words would in Elasticsearch.
KEYWORDS_TOGETHER = math.log(2)


def _key(form: str) -> frozenset[str]:
    return frozenset((form, stem(form)))  # what counts as finding the word


class Reranker:
    """One query's re-ranking: what its hits' features are worked out
    against (its words, their rarity, the pairs typed side by side, what it
    asks for), and the model's weights for it."""

    def __init__(self, node, text: str, idf=None):
        """``node``: the query tree (question words dropped), ``text``:
        the query as typed, ``idf(root)``: a word's inverse document
        frequency (each word weighs the same without it)."""
        plain = [w for w in queries.positive_words(node) if w.field is None]
        self.keys = list(dict.fromkeys(_key(w.form) for w in plain))
        roots = {_key(w.form): stem(w.form) for w in plain}
        self.rarity = [max(idf(roots[key]), 0.0) if idf else 1.0 for key in self.keys]
        self.exact_forms = frozenset(w.form for w in plain if stem(w.form) != w.form)
        self.pairs: list[tuple[int, int]] = []  # (query word, the next one typed), as indexes into keys
        if isinstance(node, queries.And) and not node.explicit:
            typed = [self.keys.index(_key(c.form)) for c in node.children
                     if isinstance(c, queries.Word) and c.field is None]
            self.pairs = list(zip(typed, typed[1:]))
        self._words_of: dict[str, list[int]] = {}  # a form or root: the query words it finds
        for i, key in enumerate(self.keys):
            for form in key:
                self._words_of.setdefault(form, []).append(i)
        self._vocabulary = frozenset(self._words_of)  # every form and root of the query's words
        self._total_rarity = sum(self.rarity) or 1.0
        typed = [w.form for w in words(text)]
        self.question = not QUESTION_WORDS.isdisjoint(typed)
        self.asks = _asks(typed) if self.question else None
        self.model_weights = list(rerank_model.WEIGHTS)
        if not self.question:
            self.model_weights[TOGETHER] = max(self.model_weights[TOGETHER], KEYWORDS_TOGETHER)
        weighted = {name for name, weight in zip(FEATURES, self.model_weights) if weight}
        self._together_weighted = "together" in weighted
        self._names_weighted = bool(weighted & {"asks_person", "asks_place", "names"})

    def __bool__(self) -> bool:
        return bool(self._vocabulary)

    def of(self, body: str, relative_score: float, every_word: bool, weighted_only: bool = False) -> list[float]:
        """The features of a paragraph (its text, the log of its BM25 score
        over the best's, its pass), in FEATURES' order; ``weighted_only``:
        those the model gives no weight are left at 0, not worked out."""
        forms, roots = related_forms(body, self._vocabulary)
        found_at = self._found_at(forms, roots)
        found = [i for i, positions in enumerate(found_at) if positions]
        opening = [max(0.0, 1 - min(at, default=LEAD_WORDS) / LEAD_WORDS) for at in found_at]
        exact = 0.0
        if self.exact_forms:
            exact = len(self.exact_forms.intersection(forms)) / len(self.exact_forms)
        asks = self.asks
        together = 0.0
        if self.pairs and not (weighted_only and not self._together_weighted):
            together = self._together(found_at) / len(self.pairs)
        new_names = 0.0
        if self.question and not (weighted_only and not self._names_weighted):
            names = _pattern("name").findall(body)
            new_names = sum(1 for name in names if name.lower() not in self._vocabulary) / (len(names) or 1)
        return [
            relative_score,
            1.0 if every_word else 0.0,
            len(found) / len(self.keys),
            sum(self.rarity[i] for i in found) / self._total_rarity,
            exact,
            together,
            len(found) / _shortest_span(found_at, found) if found else 0.0,
            sum(opening[i] for i in found) / len(self.keys),
            sum(opening[i] * self.rarity[i] for i in found) / self._total_rarity,
            math.log1p(len(forms)),
            1.0 if asks == "time" and _pattern("time").search(body) else 0.0,
            1.0 if asks == "number" and _pattern("number").search(body) else 0.0,
            new_names if asks == "person" else 0.0,
            new_names if asks == "place" else 0.0,
            1.0 if asks == "reason" and _pattern("reason").search(body) else 0.0,
            new_names if self.question else 0.0,
        ]

    def score(self, body: str, score: float, best: float, every_word: bool) -> float:
        """A hit's re-ranked score: BM25's ``score`` (``best``: the best
        score of its pass) times the model's factor, which is about 1 for a
        typical answer to a question, so that scores stay on BM25's scale."""
        if not self:
            return score
        features = self.of(body, math.log(score / best) if 0 < score <= best else 0.0, every_word, weighted_only=True)
        return score * math.exp(sum(w * x for w, x in zip(self.model_weights, features)) - rerank_model.TYPICAL)

    def _found_at(self, forms: list[str], roots: dict[str, str]) -> list[list[int]]:
        """For each query word, where it stands among the paragraph's
        words (``forms``, and ``roots`` of those that may be related)."""
        found_at: list[list[int]] = [[] for _ in self.keys]
        words_of = self._words_of
        wanted = self._vocabulary | roots.keys()  # most of a paragraph's words are neither
        for at, form in enumerate(forms):
            if form in wanted:
                root = roots.get(form)
                for i in words_of.get(form, ()) if root is None else {*words_of.get(form, ()), *words_of.get(root, ())}:
                    found_at[i].append(at)
        return found_at

    def _together(self, found_at: list[list[int]]) -> int:
        """How many of the pairs typed side by side stand so in the
        paragraph (the second word at most one word after the first)."""
        together = 0
        for first, second in self.pairs:
            after = {at + step for at in found_at[first] for step in (1, 2)}
            together += not after.isdisjoint(found_at[second])
        return together


def _asks(forms: list[str]) -> str | None:
    """What a question (its word forms as typed) asks for ("time",
    "number", ...), from its first question word; None if it says not."""
    for at, form in enumerate(forms):
        kind = ASKS.get(form)
        if kind == "number" and at > 0 and forms[at - 1] in _TIME_NOUNS:
            return "time"  # "tanggal berapa"
        if kind == "place" and form in ("mana", "manakah") and "di" not in forms[:at]:
            return None  # "yang mana", "negara manakah yang": which one, not where
        if kind:
            return kind
    return None


def _shortest_span(found_at: list[list[int]], found: list[int]) -> int:
    """The length, in words, of the shortest stretch of the paragraph that
    holds each of the ``found`` query words once."""
    if len(found) == 1:
        return 1
    events = sorted((at, i) for i in found for at in found_at[i])
    counts: dict[int, int] = {}
    best = len(events) + events[-1][0]
    start = 0
    for at, i in events:
        counts[i] = counts.get(i, 0) + 1
        while len(counts) == len(found):
            first_at, first = events[start]
            best = min(best, at - first_at + 1)
            counts[first] -= 1
            if not counts[first]:
                del counts[first]
            start += 1
    return best
