"""Reading a news page saved as HTML: its article text, and what the page
says about it (title, publication date, author, site, canonical URL).

The extraction is trafilatura's, made for exactly this: it keeps the
article's own paragraphs and drops navigation, share buttons, "Baca juga"
link lists, comment forms and footers, and reads dates through htmldate
(meta tags, ``<time>``, JSON-LD).  It takes about 0.2 s to import, so only
indexing imports it, and only when a folder holds HTML.
"""

from __future__ import annotations

import logging

from searcher.records import record

# The extractors log what they discard, for their developers; with no
# logging set up, Python would print those lines on the user's terminal.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

# Dates only from what the page states (meta tags, <time>, structured
# data), the first publication rather than the last edit; no guessing
# from the text or the URL, so an undated page stays undated.
_DATE_OPTIONS = {"extensive_search": False, "original_date": True}


@record
class Page:
    title: str
    text: str  # the article's paragraphs, one a line
    date: str | None  # "YYYY-MM-DD"
    url: str | None
    site: str | None
    author: str | None


class NotHtml(Exception):
    """Bytes that cannot be read as a page at all."""


def extract_page(data: bytes) -> Page | None:
    """The article in a page's bytes, or None when it holds no article text."""
    import trafilatura

    try:
        page = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            # Precision over recall, and no fallback extractors: where the
            # main one finds no article (an index of headlines, a page of
            # links), the fallbacks return the page's menus as its text.
            favor_precision=True,
            fast=True,
            date_extraction_params=_DATE_OPTIONS,
        )
    except (ValueError, TypeError, LookupError) as error:
        raise NotHtml(str(error)) from None
    if page is None or not (page.text or "").strip():
        return None
    return Page(
        title=page.title or "",
        text=page.text,
        date=page.date or None,
        url=page.url or None,
        site=page.sitename or page.hostname or None,
        author=page.author or None,
    )
