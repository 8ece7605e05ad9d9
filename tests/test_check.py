"""``search check``: every file of the current generation read as a query
reads it, and the file records checked against the paragraphs; damage is
named, with exit status 2."""

import pytest
from conftest import SAMPLES, write

from searcher.storage import store


@pytest.fixture
def indexed(run, tmp_path):
    folder = tmp_path / "berita"
    for sample in SAMPLES.glob("*.txt"):
        write(folder / sample.name, sample.read_text(encoding="utf-8"))
    write(folder / "banjir.txt", "Banjir Jakarta\n\nBanjir melanda Jakarta.\n\nWarga mengungsi.")
    assert run("index", str(folder)).exit_code == 0
    return folder, tmp_path / "index"


def test_a_sound_index_is_checked_file_by_file(run, indexed):
    result = run("check")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok       _paragraphs_") and lines[0].endswith(", checksum matches")
    assert any(line.startswith("ok       paragraphs_") and "checksums match; " in line and "documents" in line and "terms" in line for line in lines)
    assert "ok       file records: 3 files, 16 paragraphs: each recorded file has its paragraphs, each paragraph its file" in lines
    assert "ok       stems.txt: checksum matches" in lines
    assert any(line.startswith("ok       sketches_") and line.endswith(".bin: checksums match") for line in lines)
    assert lines[-1].endswith(": no damage found")


def test_a_segment_cut_short_is_named(run, indexed):
    _, index_dir = indexed
    segment = next(index_dir.glob("*.seg"))
    segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])
    result = run("check")
    assert result.exit_code == 2
    assert segment.name in result.stderr and "DAMAGED" in result.stderr
    assert "'search index --rebuild' makes the index again from the source files" in result.stderr


def _delete(index_dir, *terms):
    """Delete documents as a half-applied update would, with Whoosh's own writer."""
    from whoosh.query import And, Term

    writer = store.open_index(index_dir, readonly=False).writer()
    writer.delete_by_query(And([Term(field, text) for field, text in terms]))
    writer.commit()


def test_a_file_recorded_without_its_paragraphs_and_paragraphs_without_their_file_are_named(run, indexed):
    folder, index_dir = indexed
    banjir, sample = str(folder / "banjir.txt"), str(next(folder.glob("000_*.txt")))
    _delete(index_dir, ("source", banjir), ("kind", "para"))  # the paragraphs gone, the record kept
    _delete(index_dir, ("state", sample))  # the record gone, the paragraphs kept
    result = run("check")
    assert result.exit_code == 2
    assert f"DAMAGED  file records: {banjir}: recorded as indexed, but no paragraph of it is" in result.stderr
    assert f"DAMAGED  file records: {sample}: 8 paragraphs, but no record" in result.stderr


def test_a_damaged_stem_table_is_named(run, indexed):
    _, index_dir = indexed
    table = index_dir / "stems.txt"
    table.write_bytes(table.read_bytes().replace(b"ekonomi", b"ekonomh", 1))
    result = run("check")
    assert result.exit_code == 2 and "DAMAGED  stems.txt:" in result.stderr


def _paragraph_count(run) -> int:
    import json

    return json.loads(run("stats", "--json").stdout)["paragraphs"]


def test_repair_drops_a_damaged_segment_and_the_next_index_reads_its_files_again(run, indexed, monkeypatch):
    folder, index_dir = indexed
    whole = _paragraph_count(run)
    segment = next(index_dir.glob("*.seg"))
    segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])
    result = run("check", "--repair")
    assert result.exit_code == 1
    assert f"repaired dropped {segment.name}, with the paragraphs and file records in it" in result.stdout
    assert "'search index' reads again 3 files: " in result.stdout and str(folder / "banjir.txt") in result.stdout
    assert run("check").exit_code == 0  # sound, if emptier
    assert run("index").stdout.startswith("3 new")
    assert _paragraph_count(run) == whole and run("check").exit_code == 0


def test_repair_of_records_leaves_no_paragraph_twice(run, indexed):
    folder, index_dir = indexed
    whole = _paragraph_count(run)
    banjir, sample = str(folder / "banjir.txt"), str(next(folder.glob("000_*.txt")))
    _delete(index_dir, ("source", banjir), ("kind", "para"))
    _delete(index_dir, ("state", sample))
    result = run("check", "--repair")
    assert result.exit_code == 1
    assert f"repaired dropped the record of {banjir}, whose paragraphs were missing" in result.stdout
    assert f"repaired dropped the paragraphs of {sample}, which had no record" in result.stdout
    assert run("index").stdout.startswith("2 new")  # exactly those two read again
    assert _paragraph_count(run) == whole and run("check").exit_code == 0


def test_repair_in_an_index_of_many_segments_keeps_every_paragraph_once(run, tmp_path, monkeypatch):
    folder = tmp_path / "berita"
    for n in range(12):
        write(folder / f"{n:02}.txt", f"Judul {n}\n\nBanjir ke-{n} melanda kota.\n\nWarga ke-{n} mengungsi.")
    monkeypatch.setenv("SEARCH_BATCH_SECONDS", "0")  # a commit, and so a segment, for each file or so
    assert run("index", str(folder)).exit_code == 0
    index_dir = tmp_path / "index"
    segments = sorted(index_dir.glob("*.seg"), key=lambda p: p.stat().st_size)
    assert len(segments) > 2
    segments[-1].write_bytes(segments[-1].read_bytes()[:100])
    assert run("check", "--repair").exit_code == 1
    run("index")
    assert _paragraph_count(run) == 24 and run("check").exit_code == 0
    assert run("query", "--json", "--all", "banjir").stdout.count('"paragraph": 1,') == 12


def test_check_where_there_is_no_index_says_so_and_advises_no_rebuild(run, tmp_path):
    """A folder that holds no index (a mistyped --index-dir, articles) is
    not a damaged index: rebuilding there would write an index among the
    articles."""
    write(tmp_path / "berita" / "a.txt", "Banjir\n\nBanjir di Jakarta.")
    result = run("check", "--index-dir", str(tmp_path / "berita"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"search: error: no index in {tmp_path / 'berita'}; run 'search index' first")
    assert "DAMAGED" not in result.stderr and "--rebuild" not in result.stderr
    assert result.stdout == ""
