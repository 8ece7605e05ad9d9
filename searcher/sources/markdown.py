"""Markdown as plain paragraphs: what a ``.md`` article says, without the
syntax it is typed in (``## ``, ``**bold**``, ``[text](url)``, list
dashes), so that neither paragraphs nor snippets show it.

The parsing is markdown-it-py's (CommonMark, maintained, pure Python;
0.05 s to import, so only reading a ``.md`` file imports it).  Each
heading, paragraph and code block is a paragraph; a list is one paragraph,
its items joined, as a list typed in a .txt file would be.
"""

from __future__ import annotations

_BLOCKS_OF_THEIR_OWN = ("bullet_list_open", "ordered_list_open")


def plain_paragraphs(text: str) -> str:
    """The text of ``text``'s blocks, separated by blank lines."""
    from markdown_it import MarkdownIt

    paragraphs: list[str] = []
    in_list = 0  # depth of lists: their items make one paragraph
    items: list[str] = []
    for token in MarkdownIt("commonmark").parse(text):
        if token.type in _BLOCKS_OF_THEIR_OWN:
            in_list += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            in_list -= 1
            if not in_list and items:
                paragraphs.append(" ".join(items))
                items = []
        elif token.type == "inline":
            (items if in_list else paragraphs).append(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            (items if in_list else paragraphs).append(token.content.strip())
    return "\n\n".join(p for p in paragraphs if p.strip())


def plain_line(text: str) -> str:
    """One line (a title) without its Markdown: "# **Banjir** di [Jakarta](u)" -> "Banjir di Jakarta"."""
    return plain_paragraphs(text).replace("\n\n", " ")


def _inline_text(children) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":  # its description stands for it
            parts.append(_inline_text(child.children or []))
    return "".join(parts)
