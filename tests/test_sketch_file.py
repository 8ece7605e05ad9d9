"""The sketch file (``storage.sketch_file``): a generation's sketch hashes in
one sorted file, where a one-shot query finds each hit's copy candidates.
Only a cache: gone or damaged, the same copies are found the other way
(every paragraph's signature read; in an index made before December 2026,
its sketch terms looked up)."""

import pytest
from conftest import index_as_made_before, json_hits, write
from whoosh.fields import KEYWORD

from searcher.query import duplicates
from searcher.query.ranking import PlainWordScorer
from searcher.storage import indexing, store
from searcher.storage.sketch_file import SketchFile, sketch_file_name
from searcher.storage.store import latest_generation, open_index_files

NEWS = (
    "Pemerintah menaikkan harga beras medium di seluruh provinsi mulai pekan depan. Kenaikan sebesar "
    "500 rupiah per kilogram itu diputuskan setelah rapat koordinasi di kantor Kementerian Perdagangan."
)


def _make_copies(run, folder):
    """A paragraph syndicated into four articles, edited a little in each,
    over two runs (two segments, one with a deleted article)."""
    write(folder / "asli.txt", f"Harga beras naik\n\n{NEWS}\n\nPedagang pasar mengeluh.")
    write(folder / "salin1.txt", f"Beras\n\nJakarta (ANTARA) - {NEWS}")
    write(folder / "lama.txt", f"Beras lama\n\n{NEWS.replace('500', '700')}")
    assert run("index", str(folder)).exit_code == 0
    write(folder / "salin2.txt", f"Beras mahal\n\n{NEWS.replace('500', '600')}\n\nGubernur setuju.")
    write(folder / "lama.txt", "Beras lama\n\nBerita ini sudah diganti.")
    assert run("index", str(folder)).exit_code == 0


@pytest.fixture
def copies(run, tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_PROCS", "1")
    _make_copies(run, tmp_path / "berita")
    return tmp_path / "index"


@pytest.fixture
def copies_with_sketch_terms(run, tmp_path, monkeypatch):
    """The same, in an index as searcher made them before December 2026,
    with each paragraph's sketch indexed as terms."""
    monkeypatch.setenv("SEARCH_PROCS", "1")
    folder = tmp_path / "berita"
    write(folder / "pertama.txt", "Pertama\n\nSatu paragraf saja.")
    made = index_as_made_before(run, monkeypatch, lambda schema: schema.add(store.SKETCH_FIELD, KEYWORD), str(folder))
    assert made.exit_code == 0
    _make_copies(run, folder)  # updates keep the index's schema, and its sketch terms
    return tmp_path / "index"


def _sketches(index_dir):
    """Each live paragraph's sketch hashes, worked out from its signature:
    {sketch hash: the paragraphs whose sketch holds it}."""
    files = open_index_files(index_dir)
    try:
        width = files.column_width("signature")
        deleted = {segment.offset + docnum for segment in files.segments for docnum in segment.deleted or ()}
        holding = {}
        for docnum in range(files.doc_count_all()):
            signature = files.column_value("signature", width, bytes(width), docnum)
            if signature != bytes(width) and docnum not in deleted:  # (a file's record has none)
                for sketch_hash in duplicates.sketch_hashes(duplicates.signature_hashes(signature)):
                    holding.setdefault(sketch_hash, []).append(docnum)
        return holding
    finally:
        files.close()


def _query(run, text="harga beras medium"):
    return [(hit["article"], sorted(d["article"] for d in hit["duplicates"])) for hit in json_hits(run("query", "--json", text).stdout)]


def test_search_index_writes_the_sketch_file_of_the_generation_it_leaves(copies):
    generation = latest_generation(copies)
    assert sorted(path.name for path in copies.glob("sketches_*.bin")) == [sketch_file_name(generation)]
    # It holds every live paragraph's sketch, and nothing else.
    holding = _sketches(copies)
    assert len(holding) >= 8
    sketch_file = SketchFile.open(copies, generation)
    try:
        for sketch_hash, paragraphs in holding.items():
            assert sketch_file.documents(sketch_hash) == paragraphs
    finally:
        sketch_file.close()
    # A new index keeps the sketches in this file only, not as terms too.
    files = open_index_files(copies)
    assert store.SKETCH_FIELD not in files.field_names
    files.close()


def test_each_commit_of_a_run_writes_its_generation_s_sketch_file(run, tmp_path, monkeypatch):
    """So that queries made while a long run goes on find copies quickly."""
    monkeypatch.setenv("SEARCH_PROCS", "1")
    monkeypatch.setenv("SEARCH_BATCH_PARAGRAPHS", "1")  # a commit after each file
    folder = tmp_path / "berita"
    for number in range(3):
        write(folder / f"{number}.txt", f"Judul {number}\n\n{NEWS}")
    written = []
    save = indexing.save_sketch_file

    def saving(index_dir):
        save(index_dir)
        generation = latest_generation(index_dir)
        written.append((generation, (index_dir / sketch_file_name(generation)).exists()))

    monkeypatch.setattr(indexing, "save_sketch_file", saving)
    assert run("index", str(folder)).exit_code == 0
    generations = [generation for generation, _ in written]
    assert len(set(generations)) == 3 and all(exists for _, exists in written)


@pytest.mark.parametrize("made", ["now", "with sketch terms"])
def test_a_query_finds_copies_through_the_file_and_the_same_ones_without_it(run, made, request, monkeypatch):
    index_dir = request.getfixturevalue("copies" if made == "now" else "copies_with_sketch_terms")
    term_lookups, tables_made = [], []
    documents = PlainWordScorer.documents
    monkeypatch.setattr(PlainWordScorer, "documents",
                        lambda self, field, text: term_lookups.append(field) or documents(self, field, text))
    make_table = duplicates.SketchTable.__init__
    monkeypatch.setattr(duplicates.SketchTable, "__init__",
                        lambda self, files: tables_made.append(1) or make_table(self, files))
    through_file = _query(run)
    assert "sketch" not in term_lookups and not tables_made
    assert through_file[0] == ("asli", ["salin1", "salin2"])  # the deleted article's copy is gone

    sketch_file = index_dir / sketch_file_name(latest_generation(index_dir))
    data = sketch_file.read_bytes()
    at = int.from_bytes(data[-12:-4], "big") - 8  # the last entry (the footer ends with the contents' length, a CRC)
    for damaged in (data[:at] + bytes([data[at] ^ 0x10]) + data[at + 1 :], data[: len(data) // 2], None):
        if damaged is None:
            sketch_file.unlink()
        else:
            sketch_file.write_bytes(damaged)
        term_lookups.clear()
        tables_made.clear()
        assert _query(run) == through_file
        if made == "now":  # no sketch terms: every paragraph's signature read instead
            assert tables_made and "sketch" not in term_lookups
        else:
            assert "sketch" in term_lookups and not tables_made


def test_a_damaged_sketch_file_is_named_by_check_and_written_again_by_repair(run, copies):
    name = sketch_file_name(latest_generation(copies))
    data = (copies / name).read_bytes()
    (copies / name).write_bytes(data[:30] + bytes([data[30] ^ 0x01]) + data[31:])  # in the header's block
    result = run("check")
    assert result.exit_code == 2
    assert f"DAMAGED  {name}: checksum does not match" in result.stderr
    result = run("check", "--repair")
    assert f"repaired {name}, written again" in result.output
    assert (copies / name).read_bytes() == data
    assert run("check").exit_code == 0


def test_a_sketch_file_deleted_is_written_again_by_the_next_run(run, copies):
    name = sketch_file_name(latest_generation(copies))
    (copies / name).unlink()
    assert run("index").exit_code == 0  # nothing changed: the file is written again all the same
    assert (copies / name).exists()
    assert run("check").exit_code == 0
