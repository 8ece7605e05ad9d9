"""Snippets: the part of a paragraph that best shows why it matched, with the
matched words marked.

Matching goes through ``analysis.related_words`` and ``analysis.stem``, the same
functions the index uses, so a stemmed match ("menandatangani" for the query
"penandatanganan") is marked just like an exact one.
"""

from __future__ import annotations

from searcher.analysis import related_words
from searcher.query.tree import HighlightTerms
from searcher.records import record

SNIPPET_CHARS = 220
_LEAD_CHARS = 40  # context kept before the first match in a cut snippet


@record
class Span:
    start: int
    end: int
    key: str  # the matched word's stem: one query word counts once


@record
class Snippet:
    text: str
    spans: list[tuple[int, int]]  # matched words, as offsets into ``text``
    cut_before: bool
    cut_after: bool


def match_spans(text: str, terms: HighlightTerms) -> list[Span]:
    return [
        Span(word.start, word.end, root or word.form)
        for word, root in related_words(text, terms.terms | terms.prefixes, keep=terms.matches)
    ]


def marks(text: str, terms: HighlightTerms) -> list[tuple[int, int]]:
    """The offsets of the words of ``text`` that ``terms`` match, as a
    snippet marks them (the parts of a word found as two, one mark)."""
    return _joined([(span.start, span.end) for span in match_spans(text, terms)])


def make_snippet(text: str, spans: list[Span], width: int = SNIPPET_CHARS) -> Snippet:
    """Cut ``text`` to about ``width`` characters around its densest run of
    distinct matched words, centred on that run, at word boundaries."""
    if len(text) <= width:
        return Snippet(text, _joined([(s.start, s.end) for s in spans]), False, False)
    start = _densest_window(text, spans, width)
    run = [s for s in spans if s.start >= start and s.end <= start + width]
    if run:  # centre the run of matches in the window
        spare = width - (run[-1].end - run[0].start)
        start = max(0, run[0].start - spare // 2)
    start = _word_start(text, min(start, len(text) - width))
    end = _word_end(text, start + width)
    shown = [(s.start - start, s.end - start) for s in spans if s.start >= start and s.end <= end]
    return Snippet(text[start:end], _joined(shown), start > 0, end < len(text))


def _densest_window(text: str, spans: list[Span], width: int) -> int:
    """Where the window of ``width`` characters holding the most distinct
    matched words (then the most matches, then the earliest) starts: at
    the text's start or a little before a match.  The window slides over
    the spans (in text order, as words are) once: a paragraph of a
    megabyte has tens of thousands of them, and trying each start against
    every span took half a minute."""
    candidates = sorted({0} | {_word_start(text, s.start - _LEAD_CHARS) for s in spans})
    keys: dict[str, int] = {}  # the matched words in the window, and how often
    first = last = 0  # the window's spans: spans[first:last] (spans lie in order, their ends too)
    best, best_quality = 0, (-1, -1, 0)
    for start in candidates:
        while first < len(spans) and spans[first].start < start:  # out on the left
            if first < last:
                key = spans[first].key
                keys[key] -= 1
                if not keys[key]:
                    del keys[key]
            first += 1
        last = max(last, first)
        while last < len(spans) and spans[last].end <= start + width:  # in on the right
            keys[spans[last].key] = keys.get(spans[last].key, 0) + 1
            last += 1
        quality = (len(keys), last - first, -start)
        if quality > best_quality:
            best, best_quality = start, quality
    return best


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans that touch made one: the two query words of "kerja sama"
    found in "kerjasama" are one marked word, not two marks glued."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _word_start(text: str, at: int) -> int:
    """The start of the first word at or after ``at``."""
    if at <= 0:
        return 0
    space = text.find(" ", at - 1)
    return 0 if space < 0 else space + 1


def _word_end(text: str, at: int) -> int:
    """The end of the last word that ends at or before ``at``."""
    if at >= len(text):
        return len(text)
    space = text.rfind(" ", 0, at + 1)
    return at if space <= 0 else space
