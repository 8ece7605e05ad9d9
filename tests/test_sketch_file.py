"""The sketch file (``storage.sketch_file``): a generation's sketch hashes in
one sorted file, where a one-shot query finds each hit's copy candidates
instead of looking sketch terms up in every segment.  Only a cache: gone
or damaged, the same copies are found the other way."""

import pytest
from conftest import json_hits, write

from searcher.query import duplicates
from searcher.query.ranking import PlainWordScorer
from searcher.storage.sketch_file import SketchFile, sketch_file_name
from searcher.storage.store import latest_generation, open_index_files

NEWS = (
    "Pemerintah menaikkan harga beras medium di seluruh provinsi mulai pekan depan. Kenaikan sebesar "
    "500 rupiah per kilogram itu diputuskan setelah rapat koordinasi di kantor Kementerian Perdagangan."
)


@pytest.fixture
def copies(run, tmp_path, monkeypatch):
    """A paragraph syndicated into four articles, edited a little in each,
    over two runs (two segments, one with a deleted article)."""
    monkeypatch.setenv("SEARCH_PROCS", "1")
    folder = tmp_path / "berita"
    write(folder / "asli.txt", f"Harga beras naik\n\n{NEWS}\n\nPedagang pasar mengeluh.")
    write(folder / "salin1.txt", f"Beras\n\nJakarta (ANTARA) - {NEWS}")
    write(folder / "lama.txt", f"Beras lama\n\n{NEWS.replace('500', '700')}")
    assert run("index", str(folder)).exit_code == 0
    write(folder / "salin2.txt", f"Beras mahal\n\n{NEWS.replace('500', '600')}\n\nGubernur setuju.")
    write(folder / "lama.txt", "Beras lama\n\nBerita ini sudah diganti.")
    assert run("index", str(folder)).exit_code == 0
    return tmp_path / "index"


def _query(run, text="harga beras medium"):
    return [(hit["article"], sorted(d["article"] for d in hit["duplicates"])) for hit in json_hits(run("query", "--json", text).stdout)]


def test_search_index_writes_the_sketch_file_of_the_generation_it_leaves(copies):
    generation = latest_generation(copies)
    assert sorted(path.name for path in copies.glob("sketches_*.bin")) == [sketch_file_name(generation)]
    # It holds what the sketch terms' postings hold, for every paragraph.
    files = open_index_files(copies)
    sketch_file = SketchFile.open(copies, generation)
    try:
        words = PlainWordScorer(files, k1=1.2, b=0.75)
        width = files.column_width("signature")
        looked_up = 0
        for docnum in range(files.doc_count_all()):
            signature = files.column_value("signature", width, bytes(width), docnum)
            if signature == bytes(width):
                continue  # a file's record
            for sketch_hash in duplicates.sketch_hashes(duplicates.signature_hashes(signature)):
                assert sketch_file.documents(sketch_hash) == sorted(words.documents("sketch", format(sketch_hash, "x")))
                looked_up += 1
        assert looked_up >= 16
    finally:
        sketch_file.close()
        files.close()


def test_a_query_finds_copies_through_the_file_and_the_same_ones_without_it(run, copies, monkeypatch):
    term_lookups = []
    documents = PlainWordScorer.documents
    monkeypatch.setattr(PlainWordScorer, "documents",
                        lambda self, field, text: term_lookups.append(field) or documents(self, field, text))
    through_file = _query(run)
    assert "sketch" not in term_lookups
    assert through_file[0] == ("asli", ["salin1", "salin2"])  # the deleted article's copy is gone

    sketch_file = copies / sketch_file_name(latest_generation(copies))
    data = sketch_file.read_bytes()
    at = int.from_bytes(data[-12:-4], "big") - 8  # the last entry (the footer ends with the contents' length, a CRC)
    for damaged in (data[:at] + bytes([data[at] ^ 0x10]) + data[at + 1 :], data[: len(data) // 2], None):
        if damaged is None:
            sketch_file.unlink()
        else:
            sketch_file.write_bytes(damaged)
        term_lookups.clear()
        assert _query(run) == through_file
        assert "sketch" in term_lookups


def test_a_damaged_sketch_file_is_named_dropped_by_repair_and_written_again(run, copies):
    name = sketch_file_name(latest_generation(copies))
    data = (copies / name).read_bytes()
    (copies / name).write_bytes(data[:30] + bytes([data[30] ^ 0x01]) + data[31:])  # in the header's block
    result = run("check")
    assert result.exit_code == 2
    assert f"DAMAGED  {name}: checksum does not match" in result.stderr
    result = run("check", "--repair")
    assert f"dropped {name}" in result.output
    assert not (copies / name).exists()
    assert run("index").exit_code == 0  # nothing changed: the file is written again all the same
    assert (copies / name).exists()
    assert run("check").exit_code == 0
