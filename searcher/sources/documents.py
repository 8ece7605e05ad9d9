"""Reading reports and press releases: PDF (pypdf) and DOCX (python-docx).

Both are maintained, installed as wheels, and pure Python over lxml; each
takes about 0.1 s to import, so only indexing imports them, and only to
read such a file.  What comes out is a title and the document's text with
paragraphs separated by blank lines, for ``articles.make_article``.
"""

from __future__ import annotations

import io
import re

from searcher.records import record

# A line that is only a page number or "Halaman 3 dari 12": a page's
# furniture, not the document's text.
_PAGE_NUMBER = re.compile(r"^\s*(?:(?:halaman|hal\.|page)\s*)?\d+(?:\s*(?:dari|/|of)\s*\d+)?\s*$", re.IGNORECASE)
# Titles that say nothing: what word processors and PDF printers fill in.
_PLACEHOLDER_TITLE = re.compile(r"^(?:untitled|document\d*|microsoft word - .*|.*\.(?:docx?|pdf))$", re.IGNORECASE)


@record
class Document:
    title: str  # from the file's metadata; empty: the first paragraph will be
    text: str  # paragraphs separated by blank lines


class UnreadableDocument(Exception):
    """Why a document yields no text: encrypted, only images, damaged."""


def read_pdf(data: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    _quiet_pypdf()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):  # many are locked with an empty password
            raise UnreadableDocument("encrypted PDF (it needs a password)")
        # Layout mode keeps a vertical gap between paragraphs as a blank
        # line, which is how the paragraphs are told apart.
        pages = [page.extract_text(extraction_mode="layout") for page in reader.pages]
        title = (reader.metadata or {}).get("/Title") or ""
    except (FileNotDecryptedError, DependencyError):
        raise UnreadableDocument("encrypted PDF (it needs a password)") from None
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise UnreadableDocument(f"not a readable PDF ({error.__class__.__name__}: {error})") from None
    text = "\n\n".join(_page_text(page) for page in pages)
    if not text.strip():
        raise UnreadableDocument("no text in the PDF (scanned pages? they need OCR first)")
    return Document(_real_title(str(title)), text)


def _quiet_pypdf() -> None:
    """pypdf logs what it repairs as it reads ("EOF marker not found");
    where nothing handles logging (the command line), Python printed that
    to stderr as a line naming no file, beside ours that do.  A handler
    that drops them; an application that set up logging still gets them."""
    import logging

    logger = logging.getLogger("pypdf")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())


def _page_text(page: str) -> str:
    """A page's text: lines stripped of layout padding and page numbers.
    (``articles.split_paragraphs`` joins a word broken at a line's end.)"""
    lines = [line.strip() for line in page.split("\n")]
    return "\n".join("" if _PAGE_NUMBER.match(line) else line for line in lines)


def read_docx(data: bytes) -> Document:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableDocument(f"not a readable DOCX ({error.__class__.__name__}: {error})") from None
    paragraphs = [p.text.strip() for p in document.paragraphs]
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        raise UnreadableDocument("no text in the document")
    return Document(_real_title(document.core_properties.title or ""), text)


def _real_title(title: str) -> str:
    title = " ".join(title.split())
    return "" if _PLACEHOLDER_TITLE.match(title) else title
