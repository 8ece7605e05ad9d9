"""Rendering hits for people (terminal or pipe) and for programs (JSON lines)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from searcher.search import Hit
from searcher.snippets import Snippet

TITLE_CHARS = 100
PLAIN_MARK = "**"  # around matched words when there is no colour

_BOLD = "\x1b[1m"
_MATCH = "\x1b[1;31m"
_SOURCE = "\x1b[35m"
_DIM = "\x1b[2m"
_RESET = "\x1b[0m"


def use_color(mode: str, is_tty: bool) -> bool:
    """``--color=auto`` colours a terminal unless NO_COLOR is set (no-color.org)."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    return is_tty and not os.environ.get("NO_COLOR")


def display_path(path: str) -> str:
    """A path relative to the current folder when it lies below it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + "…"


def marked(snippet: Snippet, color: bool) -> str:
    """The snippet text with its matched words in colour, or between markers."""
    before, after = (_MATCH, _RESET) if color else (PLAIN_MARK, PLAIN_MARK)
    out, at = [], 0
    for start, end in snippet.spans:
        out += [snippet.text[at:start], before, snippet.text[start:end], after]
        at = end
    out.append(snippet.text[at:])
    return ("…" if snippet.cut_before else "") + "".join(out) + ("…" if snippet.cut_after else "")


def hit_text(hit: Hit, color: bool) -> str:
    def style(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    title = shorten(hit.title or hit.article, TITLE_CHARS)
    return "\n".join(
        [
            f"{style(_BOLD, f'{hit.rank}. {title}')}  {style(_DIM, f'[{hit.score:.2f}]')}",
            f"   {style(_SOURCE, display_path(hit.source))}  paragraph {hit.paragraph}",
            f"   {marked(hit.snippet, color)}",
        ]
    )


def hit_json(hit: Hit) -> str:
    snippet = hit.snippet
    return json.dumps(
        {
            "rank": hit.rank,
            "score": round(hit.score, 4),
            "article": hit.article,
            "paragraph": hit.paragraph,
            "title": hit.title,
            "source": hit.source,
            # Offsets of the matched words in "snippet" (after any leading "…").
            "snippet": ("…" if snippet.cut_before else "") + snippet.text + ("…" if snippet.cut_after else ""),
            "highlights": [[s + snippet.cut_before, e + snippet.cut_before] for s, e in snippet.spans],
            "text": hit.text,
        },
        ensure_ascii=False,
    )
