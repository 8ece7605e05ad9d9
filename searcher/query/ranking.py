"""Scoring plain-word queries straight from the postings.

Most queries are a few words or a question: every word matches by its root
in the paragraph body, and in the article title at a lower weight
(``query.word_terms``).  For those, this module computes the very scores
Whoosh's BM25F would give, term by term in the same order of operations,
but from postings read in bulk (``storage.w3.postings``: a common word's
frequency list, a rarer one's blocks) and with set operations for "every
word" and "some word", and a term's scores added in one loop over the
paragraphs that hold it, instead of Whoosh's per-posting matcher calls: a
query on common words that took 100-250 ms takes 5-15.  The rarest word's
postings are read whole; the others' only for its paragraphs, when those
are few.  A prefix is a word whose terms are the words it stands for
(``prefixes``), and an OR of words and prefixes is scored here too, with
one pass.  Anything else (phrases, operators inside operators, a NOT with
nothing beside it) is added up over dictionaries (``TreeMatches``).

"Some words" (the looser second pass) is where a common word would make us
score tens of thousands of paragraphs; a MaxScore-style bound avoids most
of that: a paragraph that holds only words whose scores can add up to no
more than the current k-th best is never scored.
"""

from __future__ import annotations

import heapq
from operator import neg

from searcher.query import scoring
from searcher.query import tree as queries
from searcher.storage.w3 import postings as w3_postings


class _TermPostings:
    """One word's term in one field: what a posting is worth there, and its
    postings in each segment, decoded as they are asked for."""

    def __init__(self, scorer: PlainWordScorer, field: str, text: str, boost: float):
        self.key = field, text
        self.boost = boost
        self._segments = scorer.segment_postings(field, text)  # [(postings, offset, size)]
        self.frequencies: dict[int, float] = {}  # document number: term frequency, as read so far
        self._complete = False  # every posting read
        self.document_frequency = sum(p.document_frequency for p, _, _ in self._segments)
        scorer.frequencies[field, text] = self.document_frequency
        most = max((p.max_frequency for p, _, _ in self._segments), default=0.0)
        self.idf = scorer.idf(self.document_frequency) if self.document_frequency else 0.0
        self.norms, self.lengths = scorer.field_norms(field)
        # No posting of the term scores more than this.  (Normalisers grow
        # with the length, so the least is that of the shortest length, 1.)
        self.bound = self.idf * ((most * scorer.k1_plus_1) / (most + self.norms[1])) * boost

    def read_all(self) -> dict[int, float]:
        if not self._complete:
            for postings, offset, _ in self._segments:
                postings.add_all(self.frequencies, offset)
            self._complete = True
        return self.frequencies

    def in_order(self):
        """The documents holding the term, smallest number first, read as
        far as asked."""
        for postings, offset, _ in self._segments:
            for docnum in postings.in_order():
                yield offset + docnum

    def columns(self) -> list[tuple[int, object, object, set[int] | None]]:
        """Each segment's postings whole: (its first document number,
        document numbers, frequencies, deleted documents still among them
        or None), as the postings store them (``columns``)."""
        return [(offset, *postings.columns()) for postings, offset, _ in self._segments]

    @property
    def segment_count(self) -> int:
        return len(self._segments)

    def offset(self, segment: int) -> int:
        """The index-wide number of the segment's first document."""
        return self._segments[segment][1]

    def in_segment(self, segment: int) -> set[int]:
        """The documents of a segment (numbered in it) holding the term."""
        return set(self._segments[segment][0].in_order())

    def among(self, segment: int, docs: set[int]) -> dict[int, float]:
        """Those of ``docs`` (numbered in the segment) that hold the term,
        with their frequencies, which ``frequencies`` now holds too."""
        postings, offset, _ = self._segments[segment]
        found = postings.among(docs) if docs else {}
        self.frequencies.update(_shifted(found, offset))
        return found

    def look_up(self, docs: set[int]) -> None:
        """Make sure ``frequencies`` holds the term's frequency in each of
        ``docs`` that has it."""
        if self._complete or not self.document_frequency:
            return
        if len(docs) >= sum(p.full_pass_from for p, _, _ in self._segments):
            for postings, offset, _ in self._segments:
                postings.add_holding(self.frequencies, offset, docs)
            return
        spans = [(offset, size) for _, offset, size in self._segments]
        shares = w3_postings.split_by_segment(sorted(docs), spans)
        for (postings, offset, _), mine in zip(self._segments, shares):
            if mine:
                self.frequencies.update(_shifted(postings.of(mine), offset))

    def add_scores(self, scores: dict[int, float], k1_plus_1: float) -> None:
        """Add the term's score to each document of ``scores`` that holds it."""
        frequencies, norms, lengths = self.frequencies, self.norms, self.lengths
        idf, boost = self.idf, self.boost
        if len(frequencies) < len(scores):
            holding = [docnum for docnum in frequencies if docnum in scores]
        else:
            holding = [docnum for docnum in scores if docnum in frequencies]
        # Whoosh's bm25() then its boost wrapper, operation for operation,
        # so that ties and orders come out as Whoosh's would.  Most
        # postings have a frequency of 1: their scores, which depend on the
        # length alone, are worked out once for each length byte.
        once = [idf * ((1 * k1_plus_1) / (1 + norm)) * boost for norm in norms] if len(holding) > _ONCE_FROM else ()
        for docnum in holding:
            tf = frequencies[docnum]
            if tf == 1 and once:
                scores[docnum] += once[lengths[docnum]]
            else:
                scores[docnum] += idf * ((tf * k1_plus_1) / (tf + norms[lengths[docnum]])) * boost


# From how many paragraphs a term's scores for a frequency of 1 are worked
# out once per length byte (256 of them) rather than for each paragraph.
_ONCE_FROM = 512


class PlainWordScorer:
    """BM25 over the postings of one index generation (``IndexFiles``):
    scoring.lucene_bm25f's scores, computed as Whoosh's searcher would."""

    def __init__(self, files, k1: float, b: float):
        self._files = files
        self._k1 = k1
        self._b = b
        self.k1_plus_1 = k1 + 1
        self._paragraphs: int | None = None
        self._norms: dict[str, tuple[tuple[float, ...], bytes]] = {}
        # (field, term): in how many documents, for the terms looked up so far
        self.frequencies: dict[tuple[str, str], int] = {}

    def matches(
        self, node, plain=None, expand=None, whoosh_scores=None, allowed=None
    ) -> PlainWordMatches | TreeMatches | None:
        """The query's matches, or None when they are Whoosh's to work out.
        ``plain`` makes the matches of plain words: PlainWordMatches by
        default, or ``vector_ranking.VectorMatches`` (NumPy).
        ``expand(field, prefix)`` gives the terms a prefix stands for
        (``prefixes.PrefixExpansions``), and ``whoosh_scores`` what only
        Whoosh's matchers know (``search.WhooshScores``); without them,
        queries with prefixes, or with operators inside, are Whoosh's.
        ``allowed`` (a ``filters.DocFilter``): only the paragraphs it allows
        match."""
        shape = plain_words(node)
        if shape is None:
            if expand is None or whoosh_scores is None or not TreeMatches.covers(node):
                return None
            return TreeMatches(self, node, expand, whoosh_scores, allowed)
        wanted, excluded, any_word = shape
        if expand is None and any(isinstance(w, queries.Prefix) for w in wanted):
            return None
        terms = [
            [_TermPostings(self, *term) for term in
             (queries.word_terms(w) if isinstance(w, queries.Word) else queries.prefix_terms(w, expand))]
            for w in wanted
        ]
        excluded_docs: set[int] = set()
        for word in excluded:
            for field, text, _ in queries.word_terms(word, typed=False):  # (the form's are among the root's)
                excluded_docs.update(self.documents(field, text))
        return (plain or PlainWordMatches)(terms, excluded_docs, self.k1_plus_1, any_word, allowed=allowed)

    def documents(self, field: str, text: str) -> dict[int, float]:
        """The term's frequency in each (live) document holding it: what a
        -word excludes, or the paragraphs sharing a duplicate sketch term."""
        found: dict[int, float] = {}
        for postings, offset, _ in self.segment_postings(field, text):
            postings.add_all(found, offset)
        return found

    def idf(self, document_frequency: int) -> float:
        """The IDF of a term in that many documents (deleted ones too, as
        Whoosh counts them)."""
        if self._paragraphs is None:
            self._paragraphs = scoring.paragraph_count(self._files)
        return scoring.lucene_idf(self._paragraphs, document_frequency)

    def term_idf(self, field: str, text: str) -> float:
        """The IDF of a term of a field (0 for a term no paragraph holds)."""
        frequency = self.doc_frequency(field, text)
        return self.idf(frequency) if frequency else 0.0

    def doc_frequency(self, field: str, text: str) -> int:
        """How many documents hold the term (deleted ones too, as Whoosh
        counts them); a term the query's matching looked up is not looked
        up again (in every segment: 18 at 100,000 articles)."""
        frequency = self.frequencies.get((field, text))
        if frequency is None:
            frequency = self.frequencies[field, text] = sum(
                p.document_frequency for p, _, _ in self.segment_postings(field, text)
            )
        return frequency

    @property
    def segments(self) -> list:
        """The generation's segments (``reader.SegmentFiles``), in order."""
        return self._files.segments

    def segment_postings(self, field: str, text: str) -> list[tuple]:
        """The term's postings in each segment (``storage.w3.postings``), with
        the segment's first document number and its size."""
        return [
            (w3_postings.segment_postings(segment, field, text), segment.offset, segment.doc_count)
            for segment in self._files.segments
        ]

    def field_norms(self, field: str) -> tuple[tuple[float, ...], bytes]:
        """BM25's length normaliser for each length byte, and each
        document's length byte, in a field."""
        if field not in self._norms:
            k1, b = self._k1, self._b
            # As Whoosh's Searcher.avg_field_length computes it.
            average = self._files.field_length(field) / (self._files.doc_count_all() or 1) or 1
            norms = tuple(k1 * ((1 - b) + b * length / average) for length in w3_postings.BYTE_TO_LENGTH)
            lengths = b"".join(segment.length_bytes(field) for segment in self._files.segments)
            self._norms[field] = norms, lengths
        return self._norms[field]


def _shifted(found: dict[int, float], offset: int):
    """A segment's {document: frequency} in the index's document numbers."""
    return zip([offset + d for d in found], found.values()) if offset else found


def plain_words(node) -> tuple[list, list[queries.Word], bool] | None:
    """(the words and prefixes looked for, the words excluded, whether any
    one of them will do) of a query made only of words, prefixes and
    -words, or of an OR of words and prefixes; else None.  A prefix counts
    as one word whose terms are the words it stands for."""
    looked_for = (queries.Word, queries.Prefix)
    if isinstance(node, looked_for):
        return [node], [], False
    if isinstance(node, queries.Or):
        if all(isinstance(child, looked_for) for child in node.children):
            return list(node.children), [], True
        return None
    if not isinstance(node, queries.And):
        return None
    wanted, excluded = [], []
    for child in node.children:
        if isinstance(child, looked_for):
            wanted.append(child)
        elif isinstance(child, queries.Not) and isinstance(child.child, queries.Word):
            excluded.append(child.child)
        else:
            return None
    return (wanted, excluded, False) if wanted else None


class PlainWordMatches:
    """The paragraphs a plain-word query matches: those with every word, and
    those with only some, each scored as the sum over words and fields.
    Postings are read as late as possible: the rarest word's in full, the
    others' only for the paragraphs that still matter."""

    def __init__(
        self, terms: list[list[_TermPostings]], excluded: set[int], k1_plus_1: float, any_word: bool = False,
        allowed=None,
    ):
        """``any_word``: the words were ORed, so a paragraph with any of
        them is a match of the first pass.  ``allowed``: a
        ``filters.DocFilter``, the paragraphs that may match at all."""
        # Rarest word first: its paragraphs are the candidates for the rest.
        self._terms = sorted(terms, key=lambda word: sum(t.document_frequency for t in word))
        self._excluded = excluded
        self._allowed = allowed
        self._k1_plus_1 = k1_plus_1
        self.any_word = any_word
        self._flat = [t for word in self._terms for t in word if t.document_frequency]
        self._every_word: set[int] | None = None
        self._every_word_scores: dict[int, float] | None = None

    def _docs(self, word: list[_TermPostings]) -> set[int]:
        return self._narrowed(set().union(*(t.read_all() for t in word)) - self._excluded)

    def _narrowed(self, docs: set[int]) -> set[int]:
        return docs if self._allowed is None else self._allowed.keep(docs)

    @property
    def every_word(self) -> set[int]:
        """The paragraphs holding every word (in the body or the title),
        with every term's frequency in them read.  Worked out segment by
        segment, in the segment's own numbers and with C-level set
        operations: a common word is walked once, for the paragraphs that
        hold the rarer words, and the rarest word's frequencies are read
        for the paragraphs that hold them all, not for every paragraph
        that holds it."""
        if self._every_word is None:
            rarest, *others = self._terms
            found: set[int] = set()
            # (A prefix that stands for no word has no terms: nothing holds it.)
            for segment in range(rarest[0].segment_count if rarest else 0):
                candidates = set().union(*(term.in_segment(segment) for term in rarest))
                for word in others:
                    candidates = set().union(*(term.among(segment, candidates) for term in word))
                for term in rarest:
                    term.among(segment, candidates)
                offset = rarest[0].offset(segment)
                found.update(map(offset.__add__, candidates) if offset else candidates)
            self._every_word = self._narrowed(found - self._excluded)
        return self._every_word

    def first(self, count: int, every_word: bool) -> list[int]:
        """The ``count`` smallest document numbers of a pass, for counting."""
        if every_word and not self.any_word:
            return heapq.nsmallest(count, self.every_word)
        return self.first_of_any_word(count)

    def first_of_any_word(self, count: int) -> list[int]:
        """The ``count`` smallest document numbers among the paragraphs with
        some of the words, read from the first blocks of each term only:
        counting "1,000+" matches of a common word need not decode its
        every posting."""
        merged = heapq.merge(*(term.in_order() for term in self._flat))
        allows = self._allowed.allows if self._allowed is not None else None
        first: list[int] = []
        for docnum in merged:
            if docnum in self._excluded or (allows and not allows(docnum)):
                continue
            if not first or docnum != first[-1]:
                first.append(docnum)
                if len(first) == count:
                    break
        return first

    def scores(self, docs: set[int], terms: list[_TermPostings] | None = None) -> dict[int, float]:
        """Each document's score: its terms' scores added up in one order
        (``_flat``), term by term over the documents that hold it.
        ``terms``: only those of ``_flat`` (in its order) can hold any."""
        scores = dict.fromkeys(docs, 0.0)
        for term in self._flat if terms is None else terms:
            term.add_scores(scores, self._k1_plus_1)
        return scores

    def best(self, limit: int, every_word: bool, skip: set[int]) -> list[tuple[float, int]]:
        """The ``limit`` best (score, document number), best first; ties in
        document order, as Whoosh breaks them.  ``every_word`` False: from
        the paragraphs holding some but not all of the words.  Words that
        were ORed have one pass, of the paragraphs holding any."""
        if self.any_word:
            return self._best_of_some(limit, skip)
        if every_word:
            if self._every_word_scores is None:  # kept: a deeper look at the same query asks again
                self._every_word_scores = self.scores(self.every_word)
            scores = self._every_word_scores
            if skip:
                scores = {docnum: score for docnum, score in scores.items() if docnum not in skip}
            return _best_first(scores, limit)
        return self._best_of_some(limit, skip | self.every_word)

    def matching(self, every_word: bool) -> set[int]:
        """Every paragraph a pass matches (the last pass: all the query's)."""
        if every_word and not self.any_word:
            return self.every_word
        return set().union(*(self._docs(word) for word in self._terms))

    def scored(self, every_word: bool, skip: set[int]) -> dict[int, float]:
        """Every paragraph of a pass, less ``skip``, with its score (for
        orders other than by score, which need them all)."""
        docs = self.matching(every_word) - skip
        if not every_word and not self.any_word:  # the "some words" pass: not those with every word
            docs -= self.every_word
        for term in self._flat:
            term.look_up(docs)
        return self.scores(docs)

    def newest(self, limit: int, every_word: bool, skip: set[int], columns) -> list[tuple[float, int]]:
        """The first ``limit`` (score, document) of a pass by date, newest
        first (``columns``: a ``filters.MetadataColumns``)."""
        from searcher.query.filters import newest_first

        return newest_first(self.scored(every_word, skip), columns.days(), limit)

    def _flat_terms_of(self, words: list[list[_TermPostings]]) -> list[_TermPostings]:
        """The terms of ``words``, in ``_flat``'s order (the order scores are
        added up in)."""
        wanted = {id(term) for word in words for term in word}
        return [term for term in self._flat if id(term) in wanted]

    def _best_of_some(self, limit: int, skip: set[int]) -> list[tuple[float, int]]:
        # Visit the words from the one whose postings can score the most;
        # a paragraph first met at word i holds none of the words before it,
        # so it cannot score more than the bounds of words i onwards, and
        # only their terms need looking up.  The words go in rounds of 1,
        # 1, 2, 4, ...: a pasted paragraph of 200 words took 200 rounds,
        # each looking up every term for the paragraphs new to it.
        order = sorted(self._terms, key=word_bound, reverse=True)
        remaining = sum(map(word_bound, order))
        best: list[tuple[float, int]] = []  # best first
        visited = set(skip)
        for start, end in _rounds(len(order)):
            if len(best) >= limit and remaining * _ROUNDING < best[-1][0]:
                break
            docs = set().union(*map(self._docs, order[start:end]))
            new = docs - visited
            terms = self._flat_terms_of(order[start:])
            for term in terms:
                term.look_up(new)
            scores = self.scores(new, terms)
            scores.update((docnum, score) for score, docnum in best)  # the best so far stay in the running
            best = _best_first(scores, limit)
            visited |= docs
            remaining -= sum(map(word_bound, order[start:end]))
        return best


_ROUNDING = 1 + 1e-9  # a bound must hold after floating-point rounding too


def _rounds(words: int) -> list[tuple[int, int]]:
    """(start, end) of the rounds in which ``_best_of_some`` visits that many
    words: 1, 1, 2, 4, 8, ... words, so that a long query takes a few
    rounds and a short one stops as early as a word at a time would."""
    rounds, start, size = [], 0, 1
    while start < words:
        rounds.append((start, min(start + size, words)))
        start += size
        size = max(1, start)
    return rounds


def word_bound(word: list[_TermPostings]) -> float:
    """The most a paragraph can score from one word: its terms' bounds."""
    return sum(term.bound for term in word)


class TreeMatches:
    """The matches of a query with operators inside (``(putin -korea)
    rusia``, ``pen* OR -(a AND b)``) or phrases, worked out over
    {document: score} dictionaries (a phrase's from its words' positions):
    the scores Whoosh's matchers for ``query.to_whoosh`` add up (an AND or
    OR sums its parts' scores, a NOT removes documents), without Whoosh's
    search walking every matching paragraph through a tree of matchers,
    which for a broad prefix is hundreds of thousands of them."""

    def __init__(self, scorer: PlainWordScorer, node, expand, whoosh_scores, allowed=None):
        self._scorer = scorer
        self._allowed = allowed  # a filters.DocFilter, or None
        self._node = node
        self._expand = expand
        self._whoosh_scores = whoosh_scores  # the score of kind:para, for a NOT with nothing beside it
        self._passes: dict[bool, dict[int, float]] = {}
        self._leaves: dict = {}  # word, prefix or phrase: its scores, the same in both passes

    @staticmethod
    def covers(node) -> bool:
        """Whether every part of the query is one this class knows: words,
        prefixes, phrases, AND, OR and NOT."""
        if isinstance(node, (queries.Word, queries.Prefix, queries.Phrase)):
            return True
        if isinstance(node, queries.Not):
            return TreeMatches.covers(node.child)
        if isinstance(node, (queries.And, queries.Or)):
            return all(TreeMatches.covers(c) for c in node.children)
        return False

    def _scores(self, every_word: bool) -> dict[int, float]:
        if every_word not in self._passes:
            scores = self._evaluate(self._node, strict=every_word)
            if self._allowed is not None:
                scores = {docnum: scores[docnum] for docnum in self._allowed.keep(scores)}
            self._passes[every_word] = scores
        return self._passes[every_word]

    def _evaluate(self, node, strict: bool = True) -> dict[int, float]:
        """Each matching document's score, as ``to_whoosh(node, strict)``'s
        matchers give it."""
        if isinstance(node, (queries.Word, queries.Prefix, queries.Phrase)):
            if node not in self._leaves:
                self._leaves[node] = self._leaf(node)
            return self._leaves[node]  # (the operators above make dictionaries of their own)
        if isinstance(node, queries.Not):  # every paragraph but those (to_whoosh's AndNot of kind:para)
            return self._without(self._every_paragraph(), node.child)
        if isinstance(node, queries.Or):
            return _sum_any([self._evaluate(c) for c in node.children])
        positives = [self._evaluate(c) for c in node.children if not isinstance(c, queries.Not)]
        if not positives:
            positives = [self._every_paragraph()]
        combined = _sum_every(positives) if strict or node.explicit else _sum_any(positives)
        for child in node.children:
            if isinstance(child, queries.Not):
                for docnum in self._evaluate(child.child):
                    combined.pop(docnum, None)
        return combined

    def _without(self, scores: dict[int, float], node) -> dict[int, float]:
        excluded = self._evaluate(node)
        return {docnum: score for docnum, score in scores.items() if docnum not in excluded}

    def _every_paragraph(self) -> dict[int, float]:
        """Every paragraph, each with the score Whoosh gives the term
        kind:para, which a NOT with nothing beside it matches them by (the
        same for all: an ID field has no lengths, and a frequency of 1)."""
        if "every paragraph" not in self._leaves:
            score = self._whoosh_scores.paragraph()
            self._leaves["every paragraph"] = dict.fromkeys(self._scorer.documents("kind", "para"), score)
        return self._leaves["every paragraph"]

    def _leaf(self, node) -> dict[int, float]:
        if isinstance(node, queries.Phrase):
            return _sum_any([phrase_scores(self._scorer, *way) for way in queries.phrase_terms(node)])
        terms = queries.word_terms(node) if isinstance(node, queries.Word) else queries.prefix_terms(node, self._expand)
        postings = [_TermPostings(self._scorer, *term) for term in terms]
        matches = PlainWordMatches([postings], set(), self._scorer.k1_plus_1, any_word=True)
        return matches.scores(set().union(*(term.read_all() for term in postings)))

    def first(self, count: int, every_word: bool) -> list[int]:
        return heapq.nsmallest(count, self._scores(every_word))

    def one_score(self, every_word: bool) -> float | None:
        """The score every paragraph of a pass has, when they all have the
        same (a lone NOT: every paragraph it leaves scores kind:para's); else None."""
        node = self._node
        if not (isinstance(node, queries.Not) or isinstance(node, queries.And) and all(
                isinstance(child, queries.Not) for child in node.children)):
            return None
        scores = self._scores(every_word)
        distinct = set(scores.values())
        return distinct.pop() if len(distinct) == 1 else None

    def matching(self, every_word: bool):
        return self._scores(every_word).keys()

    def scored(self, every_word: bool, skip: set[int]) -> dict[int, float]:
        """Every paragraph of a pass, less ``skip``, with its score."""
        return {docnum: score for docnum, score in self._scores(every_word).items() if docnum not in skip}

    newest = PlainWordMatches.newest

    def best(self, limit: int, every_word: bool, skip: set[int]) -> list[tuple[float, int]]:
        """The best ``limit`` of a pass, less those in ``skip``, as a Whoosh
        search for ``limit`` hits then filtered would give them."""
        return [(score, docnum) for score, docnum in _best_first(self._scores(every_word), limit) if docnum not in skip]


def phrase_scores(scorer: PlainWordScorer, field: str, texts: list[str], boost: float) -> dict[int, float]:
    """Each paragraph holding ``texts`` one after the other in ``field``,
    with the score Whoosh's Phrase query (``boost``) gives it: its words'
    scores added up, times the boost.  The paragraphs holding every word
    are found with set operations on their postings, segment by segment,
    and only their positions are decoded (``w3_postings.term_positions``),
    where Whoosh's matchers walked every posting of every word ("kerja
    sama" at 20,000 articles: 29 ms, where Whoosh took 110)."""
    terms = {text: _TermPostings(scorer, field, text, 1.0) for text in texts}  # (a word typed twice: one term)
    if not all(term.document_frequency for term in terms.values()):
        return {}
    rarest, *others = sorted(terms.values(), key=lambda term: term.document_frequency)
    matched: list[int] = []
    for number, segment in enumerate(scorer.segments):
        candidates = rarest.in_segment(number)
        for term in others:
            candidates = set(term.among(number, candidates)) if candidates else candidates
        if not candidates:
            continue
        rarest.among(number, candidates)  # (its frequencies, for the scores)
        at = {text: w3_postings.term_positions(segment, field, text, candidates) for text in terms}
        matched += (segment.offset + docnum for docnum in candidates if _in_a_row([at[text][docnum] for text in texts]))
    scores = dict.fromkeys(matched, 0.0)
    for text in texts:  # each word, as often as the phrase has it, as Whoosh's matchers add them up
        terms[text].add_scores(scores, scorer.k1_plus_1)
    return {docnum: score * boost for docnum, score in scores.items()} if boost != 1.0 else scores


def _in_a_row(positions: list[list[int]]) -> bool:
    """Whether some position of the first word is followed by one of the
    second, then one of the third, and so on, each next to the last (a
    Phrase of slop 1: its SpanNear2 with mindist 1)."""
    first, *rest = positions
    if len(first) == 1 and all(len(later) == 1 for later in rest):  # most paragraphs: each word once
        return all(later[0] == first[0] + gap for gap, later in enumerate(rest, 1))
    starts = set(first)
    for gap, later in enumerate(rest, 1):
        starts.intersection_update(position - gap for position in later)
        if not starts:
            return False
    return True


def _sum_any(parts: list[dict[int, float]]) -> dict[int, float]:
    """The documents in any part, their scores in the parts added up."""
    total = dict(parts[0])
    for part in parts[1:]:
        for docnum, score in part.items():
            total[docnum] = total.get(docnum, 0.0) + score
    return total


def _sum_every(parts: list[dict[int, float]]) -> dict[int, float]:
    """The documents in every part, their scores added up."""
    smallest = min(parts, key=len)
    common = set(smallest).intersection(*parts)
    total = dict.fromkeys(common, 0.0)
    for part in parts:
        for docnum in common:
            total[docnum] += part[docnum]
    return total


def _best_first(scores: dict[int, float], limit: int) -> list[tuple[float, int]]:
    """The ``limit`` best (score, document number) of {document: score},
    best first, ties in document order."""
    best = heapq.nsmallest(limit, zip(map(neg, scores.values()), scores))
    return [(-negated, docnum) for negated, docnum in best]
