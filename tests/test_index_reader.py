"""Queries read the index's files themselves (searcher.storage.w3.reader), not
through Whoosh: what they read must be exactly what Whoosh reads, or hits
would be lost, mis-scored or shown with another paragraph's text."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh.writing import SegmentWriter

from conftest import index_as_made_before, long_term_folder, write
from searcher.storage.w3 import writer as w3_writer
from searcher.storage import checksums, indexing, store
from searcher.storage.w3.postings import BYTE_TO_LENGTH, FrequencyList, SegmentPostings, segment_postings
from searcher.storage.w3.reader import IndexFiles, latest_generation
from searcher.sources.articles import find_files
from searcher.query.search import ParagraphSearcher


def _files(index_dir: Path) -> IndexFiles:
    return IndexFiles(index_dir, store.INDEX_NAME, latest_generation(index_dir, store.INDEX_NAME))


def _assert_reads_as_whoosh_does(index_dir: Path, frequency_lists: bool = True) -> None:
    files = _files(index_dir)
    read_from = set()  # the kinds of postings read
    index = store.open_index(index_dir)
    with index.reader() as reader:
        assert files.doc_count_all() == reader.doc_count_all()
        assert files.field_names == set(index.schema.names())
        live = [docnum for docnum in range(reader.doc_count_all()) if not reader.is_deleted(docnum)]
        for field in ("body", "title", "kind", "article"):
            assert files.field_length(field) == reader.field_length(field)
            for text in reader.lexicon(field):
                word = text.decode("utf-8")
                assert files.doc_frequency(field, word) == reader.doc_frequency(field, text)
                ours, in_order, decoded_first, looked_up, looked_up_by_set, expected = {}, [], {}, {}, {}, {}
                for segment in files.segments:
                    segment_postings(segment, field, word).add_all(ours, segment.offset)
                    postings = segment_postings(segment, field, word)
                    read_from.add(type(postings))
                    in_order += [segment.offset + docnum for docnum in postings.in_order()]
                    postings.add_all(decoded_first, segment.offset)  # from the blocks in_order decoded
                    # Every third document, holding the term or not (deleted ones too).
                    probe = [segment.offset + docnum for docnum in range(0, segment.doc_count, 3)]
                    found = segment_postings(segment, field, word).of([docnum - segment.offset for docnum in probe])
                    looked_up.update((segment.offset + docnum, frequency) for docnum, frequency in found.items())
                    expected.update((docnum, ours[docnum]) for docnum in probe if docnum in ours)
                    # The same, by set (blocks add whatever they decoded).
                    holding: dict = {}
                    segment_postings(segment, field, word).add_holding(holding, segment.offset, set(probe))
                    assert holding.items() <= ours.items()
                    looked_up_by_set.update((docnum, holding[docnum]) for docnum in probe if docnum in holding)
                    # Those of a set that hold the term, by walking the list
                    # (many) or searching it (two), in the segment's numbers.
                    mine = {d - segment.offset: f for d, f in ours.items() if d >= segment.offset}
                    for docs in ({d - segment.offset for d in probe}, {d - segment.offset for d in probe[1:3]}):
                        among = segment_postings(segment, field, word).among(docs)
                        assert among == {d: f for d, f in mine.items() if d in docs}, (field, word)
                assert ours == dict(reader.postings(field, text).items_as("weight")), (field, word)
                assert in_order == sorted(ours) and decoded_first == ours
                assert looked_up == expected and looked_up_by_set == expected
            lengths = b"".join(segment.length_bytes(field) for segment in files.segments)
            assert [BYTE_TO_LENGTH[lengths[d]] for d in live] == [reader.doc_field_length(d, field) or 0 for d in live]
        assert [files.stored_fields(d) for d in live] == [reader.stored_fields(d) for d in live]
        signatures = reader.column_reader("signature")
        width = files.column_width("signature")
        assert width == len(index.schema["signature"].column_type.default_value())
        assert files.column_values("signature", width, bytes(width), live) == [signatures[d] for d in live]
        # Far apart (more than a page of the column between them), each is read on its own.
        for sparse in (live[::40], live[::3], [live[0], live[-1]]):
            assert files.column_values("signature", width, bytes(width), sparse) == [signatures[d] for d in sparse]
        assert [files.column_value("signature", width, bytes(width), d) for d in live] == [signatures[d] for d in live]
        keys = reader.column_reader("article_key")
        assert [int.from_bytes(v, "big") for v in files.column_values("article_key", 8, bytes(8), live)] == [
            keys[d] for d in live
        ]
    files.close()
    # Common terms are read from their frequency lists when the index has them.
    assert (FrequencyList in read_from) == frequency_lists and SegmentPostings in read_from



@pytest.mark.parametrize("frequency_lists", [True, False], ids=["index-now", "index-without-frequency-lists"])
def test_reading_an_index_and_its_updates_as_whoosh_does(run, tmp_path, monkeypatch, frequency_lists):
    """Also an index written before frequency lists were: its terms are read
    from their blocks."""
    if not frequency_lists:
        monkeypatch.setattr(w3_writer, "frequency_list", lambda docnums, weights: None)
    folder = long_term_folder(tmp_path)
    index_dir = tmp_path / "index"
    assert run("index", str(folder)).exit_code == 0
    # A changed file and a removed one leave deleted paragraphs in the segment.
    write(folder / "banjir.txt", "Banjir Bekasi\n\nBanjir melanda Bekasi, ribuan warga mengungsi ke masjid.")
    next(folder.glob("0*.txt")).unlink()
    assert run("index", str(folder)).exit_code == 0
    files = _files(index_dir)
    assert any(segment.deleted for segment in files.segments)
    files.close()
    _assert_reads_as_whoosh_does(index_dir, frequency_lists)


def test_a_term_too_frequent_for_its_frequency_list_is_read_from_its_blocks(run, tmp_path, monkeypatch):
    """A frequency list holds one byte a posting: a paragraph repeating a
    word more than 255 times leaves that word without one, and its
    postings are read (and scored) from the blocks."""
    monkeypatch.setenv("SEARCH_PROCS", "1")  # one segment
    folder = long_term_folder(tmp_path)
    write(folder / "ulang.txt", "Ulang\n\n" + "Jakarta " * 300 + "banjir.")
    assert run("index", str(folder)).exit_code == 0
    files = _files(tmp_path / "index")
    [segment] = files.segments
    assert isinstance(segment_postings(segment, "body", "jakarta"), SegmentPostings)
    assert isinstance(segment_postings(segment, "body", "banjir"), FrequencyList)
    files.close()
    _assert_reads_as_whoosh_does(tmp_path / "index")


def test_reading_with_the_shortest_reads_as_whoosh_does(run, tmp_path, monkeypatch):
    """The reader guesses how much to read at once (hash slots, a term
    record, a term table's extras) and reads more when it guessed short:
    with every guess as short as can be, it must read the same."""
    from searcher.storage.w3 import reader

    monkeypatch.setattr(reader, "_SLOTS_READ", 1)
    monkeypatch.setattr(reader, "_VALUE_GUESS", 0)
    monkeypatch.setattr(reader, "_EXTRAS_GUESS", 8)
    assert run("index", str(long_term_folder(tmp_path))).exit_code == 0
    _assert_reads_as_whoosh_does(tmp_path / "index")


def test_reading_segments_whoosh_left_as_separate_files(tmp_path):
    index_dir = tmp_path / "index"
    index = store.open_or_create_index(index_dir)
    writer = SegmentWriter(index, compound=False)
    report = indexing.IndexReport()
    for source in find_files(long_term_folder(tmp_path), print):
        indexing._index_file(writer, source, None, report, print)
    writer.commit()
    assert not list(index_dir.glob("*.seg"))
    _assert_reads_as_whoosh_does(index_dir, frequency_lists=False)  # Whoosh's writer writes none


def test_a_plain_query_imports_no_costly_module_it_does_not_need(sample_index, tmp_path):
    """Whoosh's import alone is a third of a cold query; the queries most
    people type must not pay it, nor Click's (a plain query takes the
    launcher's fast lane), nor Sastrawi's, nor NumPy's (0.1 s: only a
    searcher that serves many queries brings it in), nor the few
    milliseconds of dataclasses (exec for every class made), shutil (bz2,
    lzma), typing (with NamedTuple's checks, 6 ms: searcher.records),
    threading, datetime and shlex (addresses are quoted only when they
    need it), pathlib (with urllib.parse, 4 ms: index folders are strings
    on the way), pickle.py (1 ms: _pickle's unpickler is all a query
    uses), contextlib (0.4 ms), the latin-1 codec (Whoosh's pickles hold
    latin-1 text for bytes), nor what only indexing HTML, serving the
    web page, reading an article back, filtering by date and site,
    writing a file or saying what failed need.  Python runs with -S (the packages found through PYTHONPATH
    instead): an editable install's finder, which site runs as Python
    starts, imports pathlib itself."""
    costly = ("click", "whoosh", "Sastrawi", "dataclasses", "shutil", "numpy", "trafilatura", "starlette", "uvicorn",
              "pypdf", "docx", "typing", "threading", "datetime",
              "shlex", "pathlib", "urllib", "pickle", "contextlib")
    unused = ("searcher.query.filters", "searcher.query.facets", "searcher.sources.html", "searcher.sources.documents",
              "searcher.sources.markdown", "markdown_it",
              "searcher.web", "searcher.query.stored_articles", "encodings.latin_1",
              "searcher.cli.failures", "searcher.storage.safe_files")
    check = (
        "import sys; from searcher.cli import main\n"
        "try: main(['query', 'pakta', 'pertahanan'])\n"
        "except SystemExit as done: assert done.code == 0, done.code\n"
        # (the CLI puts a stand-in for one Whoosh module, with no file, in sys.modules)
        f"print(sorted(n for n, m in sys.modules.items() if (n.split('.')[0] in {costly!r} or n in {unused!r})"
        " and getattr(m, '__file__', 0)))"
    )
    import searcher

    packages = [str(Path(searcher.__file__).parent.parent), *(p for p in sys.path if p.endswith("site-packages"))]
    env = dict(os.environ, SEARCH_INDEX_DIR=str(tmp_path / "index"), NO_COLOR="1", PYTHONPATH=os.pathsep.join(packages))
    result = subprocess.run([sys.executable, "-S", "-c", check], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "pertahanan" in result.stdout.lower()
    assert result.stdout.splitlines()[-1] == "[]"


def test_the_fields_an_index_must_have_are_the_schema_s():
    assert set(store.make_schema().names()) == store.FIELD_NAMES


def test_an_index_made_by_an_older_version_is_reported_not_misread(sample_index, tmp_path):
    toc = next((tmp_path / "index").glob("_paragraphs_*.toc"))
    data = checksums.checked_contents(toc.read_bytes())  # older versions wrote no checksums
    toc.write_bytes(data.replace(b"article_key", b"article_kez"))  # a field this version does not know
    result = sample_index("query", "pakta")
    assert result.exit_code != 0
    assert "older version" in result.output and "--rebuild" in result.output
    assert "Traceback" not in result.output


def test_a_searcher_opened_before_a_commit_keeps_to_what_it_opened(run, tmp_path):
    """Whoosh's matchers (here for a phrase) read the generation the
    searcher opened, even once a commit has replaced its TOC file: mixing
    two generations would pair one's document numbers with the other's."""
    folder = long_term_folder(tmp_path)
    index_dir = tmp_path / "index"
    assert run("index", str(folder)).exit_code == 0
    with ParagraphSearcher(index_dir) as searcher:
        write(folder / "banjir.txt", "Banjir Bekasi\n\nBanjir melanda Bekasi, ribuan warga mengungsi ke masjid.")
        assert run("index", str(folder)).exit_code == 0
        assert latest_generation(index_dir, store.INDEX_NAME) > searcher._files.generation
        hits = searcher.search('"banjir ke-7 melanda"').hits
    assert [hit.text for hit in hits] == ["Banjir ke-7 melanda Jakarta dan warga mengungsi."]


def test_the_newest_generation_is_the_highest_numbered_toc_of_the_index(tmp_path):
    for name in ["_paragraphs_2.toc", "_paragraphs_10.toc", "_paragraphs_11.toc.tmp", "_paragraphs_x.toc",
                 "_paragraphs_\u00b2\u00b3.toc", "_other_99.toc", "paragraphs_12.toc"]:
        (tmp_path / name).write_bytes(b"")
    assert latest_generation(str(tmp_path), "paragraphs") == 10
    assert latest_generation(str(tmp_path), "pages") == -1


def test_a_few_stored_fields_are_read_without_a_segments_whole_lengths(sample_index, tmp_path):
    """Whoosh writes a column's offsets only past 32,768 rows, and the
    stored fields of a smaller segment were found by adding up the lengths
    of all the values before: a cold query read each segment's lengths
    whole.  Its writer now writes them always (storage.w3.writer)."""
    files = store.open_index_files(tmp_path / "index")
    try:
        for segment in files.segments:
            assert segment.stored_fields(segment.doc_count - 1)
            assert segment._stored._offsets_code is not None and segment._stored._lengths is None
    finally:
        files.close()


@pytest.mark.parametrize("offsets_written", [True, False], ids=["offsets-written", "lengths-only"])
def test_a_variable_width_column_reads_as_whoosh_wrote_it(tmp_path, offsets_written):
    """Stored fields live in such a column. Whoosh writes where each value
    starts only for a column of over 32,768 rows (a segment of as many
    paragraphs): the first values are then found one by one, the rest
    through the arrays read whole."""
    from whoosh.columns import VarBytesColumn
    from whoosh.filedb.structfile import StructFile

    from searcher.storage.w3.reader import OpenFile, _Part, _VarBytesColumn

    values = [b"" if n % 7 == 0 else f"paragraf {n} ".encode() * (n % 5 + 1) for n in range(300)]
    path = tmp_path / "stored.col"
    with open(path, "wb") as out:
        writer = VarBytesColumn(write_offsets_cutoff=100 if offsets_written else 10**6).writer(StructFile(out))
        for docnum, value in enumerate(values):
            writer.add(docnum, value)
        writer.finish(len(values))
    file = OpenFile(str(path))
    try:
        column = _VarBytesColumn(_Part(file, 0, file.size), len(values))
        order = list(range(0, 300, 3)) + list(range(1, 300, 3)) + list(range(2, 300, 3))  # not in order
        assert [column[docnum] for docnum in order] == [values[docnum] for docnum in order]
    finally:
        file.close()


def test_an_index_of_the_last_rules_but_one_names_only_the_words_cut_otherwise_since(run, tmp_path, monkeypatch):
    from whoosh.fields import STORED

    def as_version_4(schema):
        schema.remove(store.ANALYSIS_MARK)
        schema.add("words_v4", STORED)

    write(tmp_path / "berita" / "a.txt", "Banjir\n\nBanjir melanda Jakarta.")
    assert index_as_made_before(run, monkeypatch, as_version_4, str(tmp_path / "berita")).exit_code == 0
    query = run("query", "banjir")
    assert query.exit_code == 0 and query.stderr == (
        f"search: note: {tmp_path / 'index'} was made by an older version of searcher, which cut some words "
        "otherwise (\"diminati\", \"beragam\", \"Bekasi\", \"dikurangi\", \"pengertian\"): such words in what it read then are missed until "
        "'search index --rebuild'\n")


def test_an_index_whose_words_older_rules_cut_says_so_until_it_is_rebuilt(run, tmp_path, monkeypatch):
    folder = tmp_path / "berita"
    write(folder / "vaksin.txt", "Vaksin tiba\n\nVaksin Covid19 tiba di Jakarta.")
    made = index_as_made_before(run, monkeypatch, lambda schema: schema.remove(store.ANALYSIS_MARK), str(folder))
    assert made.exit_code == 0

    older = f"{tmp_path / 'index'} was made by an older version of searcher, which cut some words otherwise"
    query = run("query", "vaksin")
    assert query.exit_code == 0 and "Covid19 tiba" in query.stdout
    assert query.stderr == (f"search: note: {older} (\"Covid19\", \"Jum'at\", \"pascapandemi\", \"kerusakan\", "
                            "\"𝐁𝐀𝐍𝐉𝐈𝐑\", \"menindaklanjuti\", \"desakan\", \"resiko\", \"diminati\", \"beragam\", \"Bekasi\", \"dikurangi\", \"pengertian\"): "
                            "such words in what it read then are missed until "
                            "'search index --rebuild'\n")
    write(folder / "jumat.txt", "Salat\n\nSalat Jum'at di Masjid Istiqlal.")
    update = run("index")  # an update keeps the index's schema: older words stay as they were cut
    assert update.exit_code == 0 and "1 new" in update.stdout
    assert f"search: warning: {older}" in update.stderr and "files read now are cut as this version" in update.stderr
    assert older in run("query", "jumat").stderr
    assert json.loads(run("stats", "--json").stdout)["older_analysis"] is True
    assert "words:          cut by an older version of searcher; 'search index --rebuild'" in run("stats").stdout
    checked = run("check")
    assert checked.exit_code == 0 and "checksum matches; words cut by an older version of searcher" in checked.stdout

    rebuilt = run("index", "--rebuild")
    assert rebuilt.exit_code == 0 and "older version" not in rebuilt.output
    query = run("query", "vaksin")
    assert query.exit_code == 0 and query.stderr == ""
    assert json.loads(run("stats", "--json").stdout)["older_analysis"] is False
    assert "words:" not in run("stats").stdout
    assert "older version" not in run("check").output
