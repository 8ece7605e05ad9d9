"""Rendering hits for people (terminal or pipe) and for programs (JSON lines)."""

from __future__ import annotations

import os
import sys

from searcher.query.search import Hit, Results
from searcher.query.snippets import Snippet
from searcher.records import TYPE_CHECKING

if TYPE_CHECKING:  # a query need not import what reads articles back
    from searcher.query.stored_articles import StoredArticle

PLAIN_MARK = "**"  # around matched words when there is no colour
INDENT = "   "
DEFAULT_WIDTH = 100  # when the output is not a terminal
MAX_WIDTH = 120  # wider lines are hard to read
SHOWN_DUPLICATES = 3

_BOLD = "\x1b[1m"
_MATCH = "\x1b[1;31m"
_SOURCE = "\x1b[35m"
_DIM = "\x1b[2m"
_RESET = "\x1b[0m"
# The characters shlex.quote leaves as they are (its [\w@%+=:,./-], ASCII).
_SHELL_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-")


def use_color(mode: str, is_tty: bool) -> bool:
    """``--color=auto`` colours a terminal unless NO_COLOR is set (no-color.org)."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    return is_tty and not os.environ.get("NO_COLOR")


def address(article: str, paragraph: int | None = None) -> str:
    """What to type after ``search show`` to read a paragraph (or article)."""
    return article if paragraph is None else f"{article}:{paragraph}"


def display_path(path: str) -> str:
    """A path relative to the current folder when it lies below it.
    Stored paths are absolute, written by pathlib (no "//" or "/./"), so
    comparing strings finds what ``Path.relative_to`` would, without
    pathlib's imports (4 ms of a one-shot query)."""
    folder = os.path.join(os.getcwd(), "")
    return path[len(folder) :] if path.startswith(folder) and len(path) > len(folder) else path


def terminal_width() -> int:
    """The terminal's width as shutil.get_terminal_size finds it (COLUMNS,
    then the terminal), kept within reason; shutil itself is not imported:
    its imports cost a query a few milliseconds."""
    try:
        columns = int(os.environ.get("COLUMNS", 0))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = DEFAULT_WIDTH
    return max(40, min(columns or DEFAULT_WIDTH, MAX_WIDTH))


def snippet_chars(width: int) -> int:
    """A snippet that fills about two indented lines of the terminal."""
    return 2 * (width - len(INDENT)) - 16


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + "…"


def plural(count: int, noun: str, at_least: bool = False) -> str:
    return f"{count:,}{'+' if at_least else ''} {noun}{'' if count == 1 and not at_least else 's'}"


def header(results: Results, first_rank: int) -> str:
    """``12 paragraphs in 3 articles match (4 ms); showing 1-10``, or
    ``1,000+ paragraphs in 731+ articles ...`` when counting stopped early."""
    more = not results.exact
    line = (
        f"{plural(results.paragraphs, 'paragraph', more)} in {plural(results.articles, 'article', more)} "
        f"match ({results.seconds * 1000:.0f} ms)"
    )
    if results.hits:
        line += f"; showing {first_rank}-{results.hits[-1].rank}"
    return line


def suggestion_text(suggestion: str, command: str) -> str:
    return f"Did you mean: {suggestion}?  Run: {command} {quote(suggestion)}"


def _marked_words(snippet: Snippet, color: bool) -> list[tuple[str, int]]:
    """The snippet as (word with its matches marked, visible length) pairs."""
    before, after = (_MATCH, _RESET) if color else (PLAIN_MARK, PLAIN_MARK)
    text = snippet.text
    out = []
    at = 0
    for word in text.split(" "):
        start, end = at, at + len(word)
        at = end + 1
        pieces, visible, cursor = [], len(word), start
        for span_start, span_end in snippet.spans:
            if span_start >= start and span_end <= end:
                pieces += [text[cursor:span_start], before, text[span_start:span_end], after]
                cursor = span_end
                if not color:
                    visible += 2 * len(PLAIN_MARK)
        pieces.append(text[cursor:end])
        out.append(("".join(pieces), visible))
    if snippet.cut_before:
        out[0] = ("…" + out[0][0], out[0][1] + 1)
    if snippet.cut_after:
        out[-1] = (out[-1][0] + "…", out[-1][1] + 1)
    return out


def wrap_snippet(snippet: Snippet, color: bool, width: int) -> list[str]:
    """The marked snippet cut into indented lines at most ``width`` wide."""
    lines: list[str] = []
    line: list[str] = []
    used = len(INDENT)
    for word, visible in _marked_words(snippet, color):
        if line and used + 1 + visible > width:
            lines.append(INDENT + " ".join(line))
            line, used = [], len(INDENT)
        used += visible + (1 if line else 0)
        line.append(word)
    if line:
        lines.append(INDENT + " ".join(line))
    return lines


def _style(color: bool, code: str, text: str) -> str:
    return f"{code}{text}{_RESET}" if color else text


def hit_text(hit: Hit, color: bool, width: int, show_command: str = "search show") -> str:
    score = f"[{hit.score:.2f}]"
    title = shorten(hit.title or hit.article, width - len(f"{hit.rank}. ") - len(score) - 2)
    read_it = f"{show_command} {quote(address(hit.article, hit.paragraph))}"
    lines = [
        f"{_style(color, _BOLD, f'{hit.rank}. {title}')}  {_style(color, _DIM, score)}",
        f"{INDENT}{published(hit)}{_style(color, _SOURCE, display_path(hit.source))}  paragraph {hit.paragraph}"
        f"  {_style(color, _DIM, f'({read_it})')}",
        *wrap_snippet(hit.snippet, color, width),
    ]
    if not hit.snippet.spans:  # it matched through its article's title
        lines.append(_style(color, _DIM, f"{INDENT}(title match)"))
    if hit.duplicates:
        others = len({(d.source, d.article) for d in hit.duplicates})
        listed = ", ".join(address(d.article, d.paragraph) for d in hit.duplicates[:SHOWN_DUPLICATES])
        more = ", …" if len(hit.duplicates) > SHOWN_DUPLICATES else ""
        lines.append(_style(color, _DIM, f"{INDENT}also in {plural(others, 'other article')}: {listed}{more}"))
    return "\n".join(lines)


def published(item: Hit | StoredArticle) -> str:
    """``Kompas, 2024-06-18 · `` where the article's file says where and
    when it was published (either), else nothing."""
    known = ", ".join(value for value in (item.site, item.date) if value)
    return f"{known} · " if known else ""


CSV_COLUMNS = ("rank", "score", "article", "paragraph", "title", "source", "date", "site", "url", "author",
               "text", "also_in")


def hits_csv(hits: list[Hit], header: bool = True) -> str:
    """The hits as CSV rows for a spreadsheet (RFC 4180): the whole
    paragraph as ``text``, and ``also_in``, the addresses of its copies in
    other articles, separated by spaces."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(CSV_COLUMNS)
    for hit in hits:
        copies = " ".join(address(d.article, d.paragraph) for d in hit.duplicates)
        writer.writerow((hit.rank, f"{hit.score:.6g}", hit.article, hit.paragraph, hit.title, hit.source,
                         hit.date or "", hit.site or "", hit.url or "", hit.author or "", hit.text, copies))
    return out.getvalue()


def facets_json(facets: dict) -> str:
    import json

    return json.dumps({"facets": facets}, ensure_ascii=False)


def facets_text(facets: dict, color: bool, width: int, bar_width: int = 30) -> str:
    """The counts as two histograms, months in order and sites most first."""
    lines = []
    for heading, counts, unknown, unknown_label in (
        ("Matching paragraphs by month", facets["months"], facets["undated"], "no date"),
        ("Matching paragraphs by site", facets["sites"], facets["no_site"], "no site"),
    ):
        rows = [(shorten(label, 24), count) for label, count in counts.items()]
        if unknown:
            rows.append((unknown_label, unknown))
        if not rows:
            continue
        label_width = max(len(label) for label, _ in rows)
        most = max(count for _, count in rows)
        lines.append(_style(color, _BOLD, heading))
        for label, count in rows:
            bar = "█" * max(1, round(bar_width * count / most)) if count else ""
            lines.append(f"{INDENT}{label:<{label_width}}  {bar:<{bar_width}}  {count:,}")
    return "\n".join(lines)


def quote(word: str) -> str:
    """``word`` as a shell reads it back: as it is when it can be (most
    articles' addresses), so a query need not import shlex."""
    if word and _SHELL_SAFE.issuperset(word):
        return word
    import shlex

    return shlex.quote(word)


def hit_json(hit: Hit) -> str:
    import json  # here: most queries print no JSON, and a cold one saves 2 ms

    return json.dumps(hit.as_dict(), ensure_ascii=False)


def article_text(
    article: StoredArticle, color: bool, focus: int | None = None, context: int = 1, width: int | None = None
) -> str:
    """The article, paragraphs numbered; with ``focus``, only that paragraph
    and ``context`` paragraphs either side, the focus in bold.  With
    ``width``, paragraphs are wrapped to it."""
    import textwrap

    lines = [
        _style(color, _BOLD, article.title or article.article),
        _style(color, _SOURCE, f"{display_path(article.source)}") + _style(color, _DIM, f"  (article {article.article})"),
    ]
    about = [value for value in (article.site, article.date, article.author and f"by {article.author}", article.url) if value]
    if about:
        lines.append(" · ".join(about))
    for number, text in article.around(focus, context):
        text = f"[{number}] {text}"
        if width:
            text = textwrap.fill(text, width, subsequent_indent=" " * len(f"[{number}] "))
        lines += ["", _style(color, _BOLD, text) if number == focus else text]
    return "\n".join(lines)


def article_json(article: StoredArticle, focus: int | None = None, context: int = 1) -> str:
    import json

    return json.dumps(article.as_dict(focus, context), ensure_ascii=False)
