"""Parsing what a user types into a query tree, and turning the tree into
Whoosh queries.

The syntax is small and forgiving, because most queries are plain words or
natural questions:

* plain words: ``pakta pertahanan``; punctuation is just punctuation, so
  "meninggal?", "catatan:" or a lone "*" never turn into wildcards or fields
* ``"quoted phrases"``
* ``AND``, ``OR``, ``NOT`` (upper case), ``-word``, parentheses
* ``title:word``, ``title:"a phrase"`` or ``title:(any query)``
* ``prefix*``: a star right after a word

Anything that does not parse as syntax is read as plain words; parsing
fails only for parentheses (or NOTs) nested more than MAX_NESTING deep,
which no one types but a program can send.  Whoosh's own parser is not
used: it reads "meninggal?" as a wildcard and ANDs every word, which
returns nothing for most questions.
"""

from __future__ import annotations

import re
from functools import cache

from searcher.analysis import (
    QUESTION_FRAME_WORDS,
    QUESTION_WORDS,
    STOPWORDS,
    closed_compound_start,
    fold,
    stem,
    words,
)
from searcher.errors import QueryError

FIELDS = ("title",)
_FIELD_LIKE = r"(?<![^\s(])([A-Za-z]+):(?=[^\s/])"  # "name:" before a word, as a field would be typed


def unknown_fields(text: str) -> list[str]:
    """The ``name:`` prefixes in a query that are no field (read as words)."""
    if ":" not in text:
        return []  # (most queries: the pattern is compiled only for one with a colon)
    return list(dict.fromkeys(name for name in re.findall(_FIELD_LIKE, text) if name.lower() not in FIELDS))
# Parentheses and NOTs within one another, at most: each level is a few
# calls deep here and in every walk of the tree, and about 300 levels
# exhaust Python's stack; no one types more than a handful.
MAX_NESTING = 32


class _Node:
    """A node of the query tree: immutable, and equal to a node of the same
    kind with the same fields.  (Plain classes rather than dataclasses:
    making a dataclass costs about half a millisecond, and every query
    process makes all of these.)"""

    __slots__: tuple[str, ...] = ()

    def __init__(self, *values) -> None:
        for name, value in zip(self.__slots__, values):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other._values() == self._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class Word(_Node):
    __slots__ = ("form", "field")

    def __init__(self, form: str, field: str | None = None):
        super().__init__(form, field)


class Prefix(_Node):
    __slots__ = ("text", "field")

    def __init__(self, text: str, field: str | None = None):
        super().__init__(text, field)


class Phrase(_Node):
    __slots__ = ("forms", "field")

    def __init__(self, forms: tuple[str, ...], field: str | None = None):
        super().__init__(forms, field)


class Not(_Node):
    __slots__ = ("child",)

    def __init__(self, child: Node):
        super().__init__(child)


class And(_Node):
    __slots__ = ("children", "explicit")  # explicit: False for words merely typed side by side

    def __init__(self, children: tuple[Node, ...], explicit: bool):
        super().__init__(children, explicit)


class Or(_Node):
    __slots__ = ("children",)

    def __init__(self, children: tuple[Node, ...]):
        super().__init__(children)


Node = Word | Prefix | Phrase | Not | And | Or

# Compiled (by re, once) for the first query with a quote or a parenthesis.
# A "-" that opens a phrase or a group negates it, as it does a word.
_LEXEME = r"""
    (?P<phrase>(?:(?P<field>[A-Za-z]+):)?"(?P<text>[^"]*)")
  | (?P<group>(?P<group_field>[A-Za-z]+):\()
  | (?P<open>\()
  | (?P<close>\))
  | (?P<minus>-(?=["(]|[A-Za-z]+:["(]))
  | (?P<chunk>[^\s()"]+)
  | (?P<stray>")
"""
_PREFIX = r"[^\W_]+(?:-[^\W_]+)*\*"  # compiled (by re, once) for the first query with a "*"
_OPERATORS = ("AND", "OR", "NOT")


def _lex(text: str) -> list[tuple[str, object]]:
    """Cut a query into ("op", name), ("(", None), (")", None) and ("atom", node) lexemes."""
    lexemes: list[tuple[str, object]] = []
    if '"' not in text and "(" not in text and ")" not in text:
        # Most queries: _LEXEME would find chunks alone, the runs of what
        # is not whitespace (its \s and str.split's are the same).
        for chunk in text.split():
            lexemes += _chunk(chunk)
        return lexemes
    # The field of each parenthesis open at this point: ``title:(a OR b)``
    # is ``title:a OR title:b``, and a field named inside wins.
    group_fields: list[str | None] = []
    for match in re.finditer(_LEXEME, text, re.VERBOSE):
        found: list[tuple[str, object]] = []
        if match["phrase"]:
            field = _field(match["field"], found)
            forms = tuple(w.form for w in words(match["text"]) if w.form not in STOPWORDS)
            if len(forms) == 1:
                found.append(("atom", Word(forms[0], field)))
            elif forms:
                found.append(("atom", Phrase(forms, field)))
        elif match["group"] or match["open"]:
            named = _field(match["group_field"], found) if match["group"] else None
            group_fields.append(named or (group_fields[-1] if group_fields else None))
            found.append(("(", None))
        elif match["close"]:
            if group_fields:  # (an unmatched one is dropped by the parser)
                group_fields.pop()
            found.append((")", None))
        elif match["minus"]:
            found.append(("op", "NOT"))
        elif match["chunk"]:
            found = _chunk(match["chunk"])
        if group_fields and group_fields[-1] is not None:
            found = [_in_field(lexeme, group_fields[-1]) for lexeme in found]
        lexemes += found
    return lexemes


def _field(name: str | None, lexemes: list) -> str | None:
    """The field ``name:`` names before a phrase or a group; a name that is
    no field is just a word, added to ``lexemes``."""
    if name is None:
        return None
    if name.lower() in FIELDS:
        return name.lower()
    lexemes += _atoms(name, None)
    return None


def _in_field(lexeme: tuple[str, object], field: str) -> tuple[str, object]:
    """An atom inside ``field:( )``, searched in that field unless it names its own."""
    kind, node = lexeme
    if kind != "atom" or node.field is not None:
        return lexeme
    return kind, type(node)(node._values()[0], field)  # (a Word's form, a Prefix's text, a Phrase's forms)


def _chunk(chunk: str) -> list[tuple[str, object]]:
    if chunk in _OPERATORS:
        return [("op", chunk)]
    if chunk.startswith("-") and len(chunk) > 1 and (chunk[1].isalnum() or chunk[1] == '"'):
        return [("op", "NOT")] + _chunk(chunk[1:])
    name, colon, rest = chunk.partition(":")
    if colon and rest and name.lower() in FIELDS:
        return _atoms(rest, name.lower())
    return _atoms(chunk, None)


def _atoms(text: str, field: str | None) -> list[tuple[str, object]]:
    if text.endswith("*") and re.fullmatch(_PREFIX, text):
        return _prefix_lexemes(Prefix(fold(text[:-1]), field))
    return [("atom", Word(w.form, field)) for w in words(text) if w.form not in STOPWORDS]


def _prefix_lexemes(prefix: Prefix) -> list[tuple[str, object]]:
    """A prefix, or, when the words it stands for may be indexed as two
    parts, the prefix OR (the first part AND a prefix of the second): a
    hyphenated compound's ("pasca-pan*": "pasca" and "pan*", and the
    closed "pascapan*", as "olah-rag*" finds "olahraga"), a closed
    compound of a bound form's ("antikor*": "anti" and "kor*", for
    "antikorupsi", indexed as "anti", "korupsi") and a closed form of an
    open compound's ("penyalahgun*": "penyalah" and "gun*", for
    "penyalahgunaan").  Two letters of the second part at least: one would
    stand for a letter's worth of words."""
    head, hyphen, rest = prefix.text.rpartition("-")
    if not hyphen:
        head, rest = closed_compound_start(prefix.text) or ("", "")
    heads = [("atom", Word(w.form, prefix.field)) for w in words(head) if w.form not in STOPWORDS]
    if not heads or len(rest) < 2:
        return [("atom", prefix)]
    closed = [("op", "OR"), ("atom", Prefix(head.replace("-", "") + rest, prefix.field))] if hyphen else []
    parts = [("(", None), *heads, ("atom", Prefix(rest, prefix.field)), (")", None)]
    return [("(", None), ("atom", prefix), *closed, ("op", "OR"), *parts, (")", None)]


class _Parser:
    """Recursive descent over lexemes: OR binds loosest, then AND (explicit
    or implied by adjacency), then NOT.  Stray operators and unbalanced
    parentheses are dropped rather than reported."""

    def __init__(self, lexemes):
        self.lexemes = lexemes
        self.at = 0
        self.depth = 0  # parentheses and NOTs open around the lexeme at hand

    def peek(self):
        return self.lexemes[self.at] if self.at < len(self.lexemes) else (None, None)

    def take(self):
        lexeme = self.peek()
        self.at += 1
        return lexeme

    def parse(self) -> Node | None:
        nodes = []
        while self.at < len(self.lexemes):
            node = self.or_expr()
            if node is not None:
                nodes.append(node)
            elif self.peek()[0] in (")", "op"):
                self.take()  # unmatched ")" or an operator with nothing to act on
        return _join(nodes, explicit=False)

    def or_expr(self) -> Node | None:
        children = [self.and_expr()]
        while self.peek() == ("op", "OR"):
            self.take()
            children.append(self.and_expr())
        children = list(dict.fromkeys(c for c in children if c is not None))
        if len(children) > 1:
            return Or(tuple(children))
        return children[0] if children else None

    def and_expr(self) -> Node | None:
        children: list[Node] = []
        explicit = False
        while True:
            kind, value = self.peek()
            if kind == "op" and value == "AND":
                self.take()
                explicit = True
                continue
            if kind is None or kind == ")" or (kind == "op" and value == "OR"):
                break
            node = self.unary()
            if node is not None:
                children.append(node)
        return _join(children, explicit)

    def unary(self) -> Node | None:
        kind, value = self.take()
        if kind in ("op", "("):
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise QueryError(f"the query nests parentheses or NOTs more than {MAX_NESTING} deep")
        if kind == "op":  # NOT (AND and OR are handled above)
            child = self.unary() if self.peek()[0] not in (None, ")") else None
            self.depth -= 1
            return Not(child) if child is not None and not isinstance(child, Not) else child
        if kind == "(":
            node = self.or_expr()
            if self.peek()[0] == ")":
                self.take()
            self.depth -= 1
            return node
        if kind == "atom":
            return value
        return None


def _join(children: list[Node], explicit: bool) -> Node | None:
    children = list(dict.fromkeys(children))  # a word typed twice counts once
    if not children:
        return None
    if len(children) == 1 and not isinstance(children[0], Not):
        return children[0]
    return And(tuple(children), explicit)


def parse(text: str) -> Node | None:
    """Parse a query; None when nothing searchable is left (only stopwords).
    Raises QueryError for nesting past MAX_NESTING."""
    return _Parser(_lex(text)).parse()


def is_boolean(node: Node | None) -> bool:
    """True when the user wrote AND or OR: then the query means exactly what it says."""
    if isinstance(node, Or) or (isinstance(node, And) and node.explicit):
        return True
    if isinstance(node, And):
        return any(is_boolean(child) for child in node.children)
    if isinstance(node, Not):
        return is_boolean(node.child)
    return False


_NOT_ASKED_ABOUT = QUESTION_WORDS | QUESTION_FRAME_WORDS


def drop_question_words(node: Node | None) -> Node | None:
    """Remove question words ("siapakah", "kapan") from a plain query, and
    with them the words that frame a question ("nama", "letak"), if anything
    else is left: a paragraph that answers a question rarely repeats them."""
    if not isinstance(node, And) or node.explicit:
        return node
    typed = {c.form for c in node.children if isinstance(c, Word)}
    if not typed & QUESTION_WORDS:
        return node
    kept = tuple(c for c in node.children if not (isinstance(c, Word) and c.form in _NOT_ASKED_ABOUT))
    if not any(not isinstance(c, Not) for c in kept):
        return node
    return _join(list(kept), explicit=False)


def prefixes(node: Node | None) -> list[Prefix]:
    """Every prefix of a query, NOT parts included."""
    if isinstance(node, Prefix):
        return [node]
    if isinstance(node, (And, Or)):
        return [prefix for child in node.children for prefix in prefixes(child)]
    if isinstance(node, Not):
        return prefixes(node.child)
    return []


def positive_words(node: Node | None) -> list[Word]:
    """The single words a query looks for (phrases and NOT parts aside)."""
    if isinstance(node, Word):
        return [node]
    if isinstance(node, (And, Or)):
        return [word for child in node.children for word in positive_words(child)]
    return []


class HighlightTerms:
    """What a snippet should mark: word forms and stems, and prefixes."""

    def __init__(self) -> None:
        self.terms: set[str] = set()
        self.prefixes: set[str] = set()

    def matches(self, form: str, root: str | None) -> bool:
        """Whether a word (its form, and its root when it may matter, see
        ``analysis.related_words``) is one to mark."""
        if form in self.terms or root in self.terms:
            return True
        if not self.prefixes:  # most queries: no generator to set up for every word
            return False
        return any(w.startswith(p) for p in self.prefixes for w in (form, root) if w)


def highlight_terms(node: Node | None, found: HighlightTerms | None = None) -> HighlightTerms:
    found = found or HighlightTerms()
    if isinstance(node, Word):
        found.terms.update((node.form, stem(node.form)))
    elif isinstance(node, Phrase):
        for form in node.forms:
            found.terms.update((form, stem(form)))
    elif isinstance(node, Prefix):
        found.prefixes.add(node.text)
    elif isinstance(node, (And, Or)):
        for child in node.children:
            highlight_terms(child, found)
    return found  # words under NOT are not highlighted


# -- compiling to Whoosh ------------------------------------------------------

# Relevance weights; see bench/relevance.py for how they were chosen.
EXACT_BOOST = 0.25  # a word or a phrase in the forms typed, on top of its roots
TITLE_BOOST = 0.5  # the article title, relative to the paragraph body
SEARCH_FIELDS = ("body", "title")
_FIELD_BOOST = {"body": 1.0, "title": TITLE_BOOST}


def _fields(node_field: str | None) -> tuple[str, ...]:
    return (node_field,) if node_field else SEARCH_FIELDS


def word_terms(word: Word, typed: bool = True) -> list[tuple[str, str, float]]:
    """The (field, term, boost) a word matches: its root, in the body and
    the title, or in the field it names; and, where it differs, the form
    typed, at EXACT_BOOST.  A paragraph holds that form's term only where
    it holds the root's (see ``analysis.index_terms``), so the form adds
    to the score and never to the matches.  It puts the paragraphs that
    name someone first when Sastrawi cuts the name to a common word
    ("Terawan" is "awan", a cloud; "Diego" "ego"): the form is rare where
    the root is not.  On the questions of bench/relevance.py (train) it
    changes nothing; at twice the boost, both fall.  ``typed=False``
    leaves the form out, for a word whose matches alone are wanted (a
    -word's)."""
    root = stem(word.form)
    fields = _fields(word.field)
    terms = [(f, root, _FIELD_BOOST.get(f, 1.0)) for f in fields]
    if typed and root != word.form:
        terms += [(f, word.form, _FIELD_BOOST.get(f, 1.0) * EXACT_BOOST) for f in fields]
    return terms


def prefix_terms(prefix: Prefix, expand) -> list[tuple[str, str, float]]:
    """The (field, term, boost) a prefix matches: each word ``expand(field,
    text)`` says it stands for, in the body and the title, or in the field
    it names."""
    return [(f, term, _FIELD_BOOST.get(f, 1.0)) for f in _fields(prefix.field) for term in expand(f, prefix.text)]


def to_whoosh(node: Node, strict: bool = True):
    """The Whoosh query for a node.  ``strict=False`` turns the top-level run of
    plain words into an OR, for the second, looser pass of a plain query."""
    from whoosh import query as q

    if isinstance(node, Word):
        return _either(q.Term(f, text, boost=boost) for f, text, boost in word_terms(node))
    if isinstance(node, Prefix):
        return _either(q.Prefix(f, node.text, boost=_FIELD_BOOST.get(f, 1.0)) for f in _fields(node.field))
    if isinstance(node, Phrase):
        return _phrase(node)
    if isinstance(node, Or):
        return q.Or([to_whoosh(c) for c in node.children])
    if isinstance(node, Not):
        return _and_not()(q.Term("kind", "para"), to_whoosh(node.child))
    positives = [to_whoosh(c) for c in node.children if not isinstance(c, Not)]
    negatives = [to_whoosh(c.child) for c in node.children if isinstance(c, Not)]
    if not positives:
        positives = [q.Term("kind", "para")]
    combined = q.And(positives) if strict or node.explicit else q.Or(positives)
    if negatives:
        combined = _and_not()(combined, _either(negatives))
    return combined


@cache
def _and_not():
    """Whoosh's AndNot, with its matcher mended: skipped (by an enclosing
    AND) past its last match, Whoosh's AndNotMatcher asks the exhausted
    side for its id and raises IndexError, as ``(putin -korea) rusia``
    did.  Made on first use: a plain query does not import Whoosh."""
    from whoosh import query as q
    from whoosh.matching import AndNotMatcher

    class MendedAndNotMatcher(AndNotMatcher):
        def _find_next(self):
            if not self.a.is_active():
                return False
            return super()._find_next()

    class AndNot(q.AndNot):
        def matcher(self, searcher, context=None):
            scored = self.a.matcher(searcher, context)
            return MendedAndNotMatcher(scored, self.b.matcher(searcher, searcher.boolean_context()))

    return AndNot


def _either(queries):
    from whoosh import query as q

    queries = list(queries)
    return queries[0] if len(queries) == 1 else q.Or(queries)


def phrase_terms(phrase: Phrase) -> list[tuple[str, list[str], float]]:
    """The (field, terms, boost) of each way a phrase matches, whose scores
    add up: its roots in the body and the title (or in the field it names),
    and the forms typed, for a bonus, where they differ from the roots."""
    stems = [stem(f) for f in phrase.forms]
    found = []
    for f in _fields(phrase.field):
        weight = _FIELD_BOOST.get(f, 1.0)
        found.append((f, stems, weight))
        if stems != list(phrase.forms):
            found.append((f, list(phrase.forms), weight * EXACT_BOOST))
    return found


def _phrase(phrase: Phrase):
    """An exact phrase (``phrase_terms``) as Whoosh matches it."""
    from whoosh import query as q

    return _either(q.Phrase(f, terms, slop=1, boost=boost) for f, terms, boost in phrase_terms(phrase))


