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
    assert lines[0].startswith("ok       _paragraphs_") and lines[0].endswith("segments")
    assert any(line.startswith("ok       paragraphs_") and "documents" in line and "terms" in line for line in lines)
    assert "ok       file records: 3 files, 16 paragraphs: each recorded file has its paragraphs, each paragraph its file" in lines
    assert "ok       stems.txt: checksum matches" in lines
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
