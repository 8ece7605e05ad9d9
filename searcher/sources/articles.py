"""Reading articles: find the files under the paths a user names, and turn each
into articles made of paragraphs.

Formats:

* ``.txt`` / ``.md``: one article.  The title is the first non-empty line; the
  paragraphs follow, separated by blank lines, or by single newlines when the
  text has no blank line at all.  The article id is the path relative to the
  indexed folder, without extension.
* ``.jsonl``: one article per line: ``id`` or ``_id``, optional ``title``,
  ``text`` or ``content`` (a string, or a list of strings: its paragraphs),
  and optional metadata: ``date`` (ISO 8601, a date or a date and time),
  ``url``, ``site`` or ``source`` (the outlet; else the URL's domain),
  ``author``.  The article id is the record's id, verbatim; of records
  with the same id, the last with a text is kept.
* ``.html`` / ``.htm``: a saved news page; its article and metadata are
  extracted by ``sources.html``.  The id is made as for ``.txt``.
* ``.pdf`` / ``.docx``: a report or press release (``sources.documents``);
  the title from the file's metadata, else its first paragraph when that
  is short.  The id is made as for ``.txt``.

Nothing here raises on bad input: problems with one file or record are passed
to ``warn`` as one line naming it, and reading goes on.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown")
JSONL_SUFFIXES = (".jsonl",)
HTML_SUFFIXES = (".html", ".htm")
DOCUMENT_SUFFIXES = (".pdf", ".docx")
SUFFIXES = ARTICLE_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES + DOCUMENT_SUFFIXES
_TITLE_MAX_WORDS = 20  # a document's first paragraph is its title only when this short

Warn = Callable[[str], None]

# Lines that web pages wrap around an article and scrapers keep: comment
# forms, share buttons, "read also" links.  Matched against whole lines,
# case-insensitively, and only on short lines, so text that merely quotes
# them is kept.
_BOILERPLATE = re.compile(
    r"""^(?:
        leave\ a\ (?:comment|reply)
      | tinggalkan\ (?:balasan|komentar)(?:\ anda)?
      | (?:alamat\ )?email\ anda\ tidak\ akan\ (?:di)?publikasikan.*
      | ruas\ yang\ wajib\ ditandai.*
      | your\ email\ address\ will\ not\ be\ published.*
      | required\ fields\ are\ marked.*
      | simpan\ nama(?:\ saya)?,\ email,.*
      | save\ my\ name,\ email.*
      | (?:kirim|posting)\ komentar
      | post\ comment
      | (?:bagikan|share)(?:\ ini|\ this|\ artikel\ ini)?
      | (?:suka|like)\ (?:ini|this)
      | baca\ juga\b.*
      | (?:komentar|comments?|balasan)
      | \d+\ (?:komentar|comments?)
    )\s*[:.*]*\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_BOILERPLATE_MAX_WORDS = 25
_BLANK_LINE = re.compile(r"\n[ \t\f\v\r]*\n")


def _squeezed(text: str) -> str:
    """``text`` with each run of white space one space, none at the ends:
    what the pattern \\s+ would make of it (str.split cuts at the same
    characters), five times faster."""
    return " ".join(text.split())


@dataclass
class Article:
    id: str
    title: str
    source: str  # path of the file the article was read from
    paragraphs: list[str] = field(default_factory=list)
    # What the article's file says about it, when it says (None: unknown).
    date: str | None = None  # of publication, "YYYY-MM-DD"
    url: str | None = None
    site: str | None = None  # the outlet: "Kompas", "antaranews.com"
    author: str | None = None


class UnreadableFile(Exception):
    """A whole file cannot be read; the message says why."""


def is_boilerplate(line: str) -> bool:
    line = line.strip()
    return len(line.split()) <= _BOILERPLATE_MAX_WORDS and bool(_BOILERPLATE.match(line))


def split_paragraphs(text: str) -> list[str]:
    """Cut an article body into paragraphs.

    Blank lines separate paragraphs when there are any; otherwise each line is
    a paragraph.  Lines inside a paragraph are joined (see ``_joined``), and
    boilerplate lines are dropped.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    paragraphs = []
    for block in blocks:
        lines = [line for line in block.split("\n") if line.strip() and not is_boilerplate(line)]
        paragraph = _squeezed(_joined(lines))
        if paragraph:
            paragraphs.append(paragraph)
    return paragraphs


# The word before a hyphen that ends a line (looked for in the line's last
# characters: a word is shorter), and the word that opens the next line.
_BROKEN_AT_END = re.compile(r"(\w+)-$")
_LONGEST_BROKEN = 64
_WORD_AT_START = re.compile(r"\s*(\w+)")


def _joined(lines: list[str]) -> str:
    """A paragraph's lines, as one: with a space between them, except
    where a word was broken at a line's end (wrapped text, a PDF's
    justified lines).  Then it is joined again: without the hyphen where
    hyphenation put it ("perta-" + "hanan"), with it where the word has
    one ("anak-" + "anak", "Jawa-" + "Bali", "2019-" + "2020")."""
    if len(lines) < 2 or not any(line.rstrip().endswith("-") for line in lines[:-1]):
        return " ".join(lines)  # (nearly every paragraph)
    from searcher.analysis import hyphenated_at_a_line_break  # (Sastrawi's dictionary: only for such a paragraph)

    pieces = [lines[0]]
    for line in lines[1:]:
        ending = pieces[-1].rstrip()
        broken = _BROKEN_AT_END.search(ending[-_LONGEST_BROKEN:]) if ending.endswith("-") else None
        opening = _WORD_AT_START.match(line) if broken else None
        if opening is None:
            pieces += (" ", line)
            continue
        before, after = broken.group(1), opening.group(1)
        hyphen = "" if after[0].islower() and hyphenated_at_a_line_break(before, after) else "-"
        pieces[-1] = ending[:-1] + hyphen
        pieces.append(line.lstrip())
    return "".join(pieces)


def _same_text(a: str, b: str) -> bool:
    return _squeezed(a).casefold() == _squeezed(b).casefold()


def make_article(article_id: str, title: str, body: str, source: str) -> Article:
    title = _squeezed(title)
    paragraphs = split_paragraphs(body)
    if paragraphs and title and _same_text(paragraphs[0], title):
        paragraphs.pop(0)  # the page repeated its title as the first paragraph
    return Article(article_id, title, source, paragraphs)


# Byte order marks of text that is not UTF-8, longest first (UTF-32's
# little-endian mark begins with UTF-16's).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def refuse_binary(data: bytes) -> None:
    """UnreadableFile for bytes that are no text (nor a page of it)."""
    if b"\0" in data[:8192]:
        raise UnreadableFile("binary file (contains NUL bytes)")


def decode(data: bytes, path: Path, warn: Warn) -> str:
    """Decode a file's bytes: UTF-16 or UTF-32 when they open with a byte
    order mark, UTF-8, else cp1252 or latin-1 with a warning."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as err:
                raise UnreadableFile(f"not valid {encoding.upper()} (byte {err.start})") from None
    refuse_binary(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        text, encoding = _decoded_otherwise(data)
        warn(f"{path}: not valid UTF-8 (byte {err.start}); read as {encoding}")
        return text


def read_text_article(path: Path, article_id: str, data: bytes, warn: Warn) -> Article | None:
    text = decode(data, path, warn)
    title, _, body = text.lstrip().partition("\n")
    if path.suffix.lower() in (".md", ".markdown"):
        from searcher.sources.markdown import plain_line, plain_paragraphs

        if not _BLANK_LINE.search(body):  # one paragraph a line, as in a .txt with no blank line
            body = body.replace("\n", "\n\n")
        title, body = plain_line(title), plain_paragraphs(body)
    article = make_article(article_id, title, body, str(path))
    if not article.paragraphs:
        if not article.title:
            warn(f"{path}: empty file, skipped")
            return None
        article.paragraphs.append(article.title)  # a one-line note is still searchable
    return article


def read_html_article(path: Path, article_id: str, data: bytes, warn: Warn) -> Article | None:
    from searcher.sources.html import NotHtml, extract_page

    refuse_binary(data)
    try:
        page = extract_page(data)
    except NotHtml as error:
        raise UnreadableFile(f"cannot be read as HTML ({error})") from None
    article = make_article(article_id, page.title, page.text, str(path)) if page else None
    if article is None or not article.paragraphs:
        warn(f"{path}: no article text found in the page, skipped")
        return None
    article.date, article.url, article.site, article.author = page.date, page.url, page.site, page.author
    return article


def read_document_article(path: Path, article_id: str, data: bytes) -> Article:
    from searcher.sources.documents import UnreadableDocument, read_docx, read_pdf

    try:
        document = (read_pdf if path.suffix.lower() == ".pdf" else read_docx)(data)
    except UnreadableDocument as error:
        raise UnreadableFile(str(error)) from None
    paragraphs = split_paragraphs(document.text)
    if not paragraphs:  # only lines such as "Tinggalkan komentar"
        raise UnreadableFile("no text in the document")
    title = document.title or (paragraphs[0] if len(paragraphs[0].split()) <= _TITLE_MAX_WORDS else "")
    article = make_article(article_id, title, document.text, str(path))
    if not article.paragraphs:  # a document that is only its title
        article.paragraphs.append(article.title)
    return article


def read_jsonl(path: Path, data: bytes, warn: Warn, counted: Callable[[int], None] | None = None) -> Iterator[Article]:
    """The file's articles, made one record at a time: a dump of a million
    articles holds its bytes in memory, not every article.  Of records
    sharing an id, the last one is kept (a later line of an export is a
    later version), with a warning; a first pass over the lines finds
    which, before the first article is made."""
    last: dict[str, int] = {}  # id: the line of its last record with text
    for number, record in _jsonl_records(path, data, warn):
        article_id = record.get("id", record.get("_id"))
        if article_id is None or article_id == "":
            warn(f"{path}:{number}: record has no 'id' or '_id', skipped")
            continue
        _, problem = _record_text(record)
        if problem:
            warn(f"{path}:{number}: record {article_id} {problem}, skipped")
            continue
        article_id = str(article_id)
        if article_id in last:
            warn(f"{path}:{number}: id {article_id!r} also on line {last[article_id]}; keeping this later record")
        last[article_id] = number
    kept = set(last.values())
    if counted:
        counted(len(kept))
    for number, record in _jsonl_records(path, data, lambda message: None, kept):
        article = _record_article(path, number, record, warn)
        if article is not None:
            yield article


def _jsonl_records(path: Path, data: bytes, warn: Warn, only: set[int] | None = None) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each line that holds a JSON object (of the
    lines numbered in ``only``, when given).  Lines are decoded one by one:
    as UTF-8, else (with one warning for the file) cp1252 or latin-1."""
    if data.startswith(tuple(bom for bom, _ in _BOMS)):  # UTF-16 or UTF-32: rare, decoded whole
        lines = (line.encode("utf-8") for line in decode(data, path, warn).split("\n"))
    else:
        refuse_binary(data)
        lines = io.BytesIO(data[3:] if data.startswith(codecs.BOM_UTF8) else data)
    misencoded = False
    for number, line in enumerate(lines, 1):
        if (only is not None and number not in only) or not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as err:
            text, encoding = _decoded_otherwise(line)
            if not misencoded:
                warn(f"{path}:{number}: not valid UTF-8 (byte {err.start} of the line); "
                     f"read as {encoding}, as is any other such line")
                misencoded = True
        try:
            record = json.loads(text)
        except ValueError as err:
            warn(f"{path}:{number}: malformed JSON ({err.msg}), skipped")
            continue
        if not isinstance(record, dict):
            warn(f"{path}:{number}: not a JSON object, skipped")
            continue
        yield number, record


def _decoded_otherwise(data: bytes) -> tuple[str, str]:
    """Bytes that are not UTF-8, as cp1252 (Windows' Western text), else
    latin-1 (which decodes any bytes); and which of the two."""
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # one of the five bytes cp1252 leaves out
        return data.decode("latin-1"), "latin-1"


def _record_article(path: Path, number: int, record: dict, warn: Warn) -> Article | None:
    """The article of a record that has an id and a text."""
    article_id = str(record.get("id", record.get("_id")))
    title = record.get("title")
    title = title if isinstance(title, str) else ""
    article = make_article(article_id, title, _record_text(record)[0], str(path))
    if not article.paragraphs:  # its text only repeats its title, or is only lines such as "Tinggalkan Balasan"
        if not article.title:
            warn(f"{path}:{number}: record {article_id} has no text but lines such as 'Tinggalkan Balasan', skipped")
            return None
        article.paragraphs.append(article.title)  # as for a .txt of one line
    article.url, article.author = _text_field(record, "url"), _text_field(record, "author")
    article.site = _text_field(record, "site") or _text_field(record, "source") or _site_of(article.url)
    date = record.get("date")
    if date not in (None, ""):
        article.date = iso_day(date) if isinstance(date, str) else None
        if article.date is None:
            warn(f"{path}:{number}: record {article_id} has a date that is not ISO 8601 ({str(date)[:40]!r}); "
                 "indexed without one")
    return article


def _record_text(record: dict) -> tuple[str, str | None]:
    """A JSONL record's text, from ``text`` or else ``content``: a string,
    or a list of strings, one paragraph each (as scrapers often export
    them); and what is wrong when there is none."""
    for name in ("text", "content"):
        value = record.get(name)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            value = "\n\n".join(item.strip() for item in value)
        if isinstance(value, str) and value.strip():
            return value, None
    given = [name for name in ("text", "content") if record.get(name) not in (None, "", [])]
    if given:
        return "", f"has a '{given[0]}' that is neither text nor a list of texts"
    return "", "has no 'text' or 'content'"


def _site_of(url: str | None) -> str | None:
    """The site of a record that names only its URL: the URL's registered
    domain ("https://nasional.kompas.com/..." is on "kompas.com"), as an
    HTML page that names no site gets it from trafilatura."""
    if not url:
        return None
    from courlan import extract_domain  # trafilatura's URL library (70 ms to import): only for such a record

    try:
        return extract_domain(url, fast=True) or None
    except ValueError:  # (it returns None for what it cannot parse; this in case)
        return None


def _text_field(record: dict, name: str) -> str | None:
    value = record.get(name)
    if not isinstance(value, str):
        return None
    return _squeezed(value) or None


_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ]\d{2}:\d{2})")


def iso_day(text: str) -> str | None:
    """The day of an ISO 8601 date or date and time ("2024-06-18",
    "2024-06-18T09:30:00+07:00"), as written (the day where it was
    published, not turned into UTC); None for anything else."""
    import datetime

    match = _ISO_DAY.match(text.strip())
    if not match:
        return None
    try:
        return datetime.date(*map(int, match.groups())).isoformat()
    except ValueError:  # 2024-02-30
        return None


def read_articles(
    path: Path, article_id: str, warn: Warn, data: bytes | None = None, counted: Callable[[int], None] | None = None
) -> Iterator[Article]:
    """Read the articles of one file (its bytes, when the caller has them
    already), one at a time; ``counted(n)``: how many a JSONL file holds,
    before its first.

    A file that cannot be read at all raises UnreadableFile, before any article.
    """
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as err:
            raise UnreadableFile(err.strerror or str(err)) from None
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path, data, warn, counted)
    elif suffix in HTML_SUFFIXES:
        article = read_html_article(path, article_id, data, warn)
        if article is not None:
            yield article
    elif suffix in DOCUMENT_SUFFIXES:
        yield read_document_article(path, article_id, data)
    else:
        article = read_text_article(path, article_id, data, warn)
        if article is not None:
            yield article


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute, as the user named it (symlinks not resolved)
    root: Path  # the folder or file the user asked to index
    article_id: str  # for .txt/.md: path relative to root, without extension


def _shown(path: Path | str) -> str:
    """A path as a warning prints it: a name that is not valid UTF-8 with
    its odd bytes escaped (``caf\\xe9.txt``), since it cannot be printed
    as it is."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _has_utf8_name(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by Python as surrogates
        return False
    return True


def _not_utf8(path: Path | str, kind: str) -> str:
    return f"{_shown(path)}: {kind} name is not valid UTF-8, skipped (rename it to index it)"


def unsupported_format(path: Path) -> str:
    """Why a file named on its own is not read."""
    kind = path.suffix.lower() or "no extension"
    return f"{path}: unsupported format ({kind}); searcher reads {', '.join(SUFFIXES)}"


def find_files(
    root: Path, warn: Warn, skip: Path | None = None, unsupported: dict[str, int] | None = None,
    skipped: set[str] | None = None,
) -> Iterator[SourceFile]:
    """Yield the article files at ``root`` (a file, or a folder walked recursively).

    Hidden files and folders are skipped, and the folder ``skip`` (the index
    itself, when it lies inside the folder being indexed); symlinked folders
    are not followed, so a link loop cannot trap the walk.  The walk keeps
    its own stack of folders, so no depth of nesting exhausts Python's.
    Files and folders whose names are not UTF-8 are skipped with a warning:
    the index stores names as UTF-8.  Files in formats it does not read are
    counted by extension in ``unsupported``, for one line about them all;
    ``root`` itself in such a format is warned about.  The files skipped
    with a warning are added to ``skipped``, for a run's count.
    """
    skipped = set() if skipped is None else skipped
    root = Path(os.path.abspath(root))
    if root.is_file():
        if not _has_utf8_name(str(root)):
            warn(_not_utf8(root, "file"))
            skipped.add(str(root))
            return
        if not root.name.lower().endswith(SUFFIXES):
            warn(f"{unsupported_format(root)}; skipped")
            skipped.add(str(root))
            return
        yield SourceFile(root, root, root.stem)
        return
    skip = Path(os.path.abspath(skip)) if skip else None
    folders = [str(root)]  # still to walk, the next one last
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as err:
            warn(f"{_shown(err.filename or folder)}: {err.strerror}")
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if is_folder:
                if not entry.is_symlink() and Path(entry.path) != skip:
                    subfolders.append(entry.path)
                continue
            if not entry.name.lower().endswith(SUFFIXES):
                if unsupported is not None:
                    kind = os.path.splitext(entry.name)[1].lower() or "(no extension)"
                    unsupported[kind] = unsupported.get(kind, 0) + 1
                continue
            if not _has_utf8_name(entry.path):
                warn(_not_utf8(entry.path, "file"))
                skipped.add(entry.path)
                continue
            path = Path(entry.path)
            if not path.is_file():
                problem = "broken symbolic link" if path.is_symlink() and not path.exists() else "not a regular file"
                warn(f"{path}: {problem}, skipped")
                skipped.add(entry.path)
                continue
            relative = path.relative_to(root).with_suffix("").as_posix()
            yield SourceFile(path, root, relative)
        for subfolder in reversed(subfolders):
            if _has_utf8_name(subfolder):
                folders.append(subfolder)
            else:
                warn(_not_utf8(subfolder, "folder"))
