"""Damage to any file of the index is found and named, never read as
wrong hits: each kind of file cut short or with one byte flipped, checked
by what a user runs (queries, show, stats, check) and by a server's
long-lived Index; and a merge does not copy damage into a sound-looking
segment."""

import io
import json
import pickle
import struct
from pathlib import Path

import pytest
from conftest import long_term_folder

import searcher
from searcher.storage import checksums
from searcher.storage.w3 import writer as w3_writer
from searcher.storage.w3.reader import IndexFiles, latest_generation

COMMANDS = [
    ("query", "banjir jakarta"),  # a term with postings of its own (.pst)
    ("query", "pakta pertahanan"),
    ("query", "--json", "warga mengungsi"),
    ("query", '"kerja sama"'),  # a phrase: read by Whoosh's own readers
    ("show", "000_8e71dce4d88c4be3"),
    ("stats", "--json"),
]


def _outputs(run) -> list[tuple[int, str]]:
    outputs = []
    for command in COMMANDS:
        result = run(*command)
        text = result.stdout
        if command[0] == "stats" and result.exit_code == 0:  # the damage itself changes the folder's size and time
            stats = json.loads(text)
            text = json.dumps({k: v for k, v in stats.items() if k not in ("size_bytes", "last_update")})
        elif command[0] == "query" and "--json" not in command:
            text = "\n".join(line for line in text.splitlines() if " match (" not in line)  # the time it took
        outputs.append((result.exit_code, text, result.stderr))
    return outputs


def _parts(segment: Path) -> dict[str, tuple[int, int]]:
    """Where each of a compound segment's files is: {extension: (start, length)}."""
    data = segment.read_bytes()
    (directory_at,) = struct.unpack("!q", data[:8])
    directory = pickle.load(io.BytesIO(data[directory_at:]))
    return {name[name.index(".") :]: (info["offset"], info["length"]) for name, info in directory.items()}


def _stored_value_at(index_dir: Path, wanted) -> int:
    """A position inside the stored fields of the first document whose
    fields ``wanted(fields)`` accepts."""
    files = IndexFiles(index_dir, "paragraphs", latest_generation(str(index_dir), "paragraphs"))
    try:
        [segment] = files.segments
        docnum = next(n for n in range(segment.doc_count) if wanted(segment.stored_fields(n)))
        column = segment._stored  # the stored-fields column, as its first reads left it
        if column._lengths is None:  # (a few values are found without reading its arrays whole)
            column._read_arrays()
        start, _ = _parts(index_dir / (segment.name + ".seg"))["._stored.col"]
        return start + column._offsets[docnum] + column._lengths[docnum] // 2
    finally:
        files.close()


def _postings_at(index_dir: Path, word: str) -> int:
    """Where, in the segment, the middle of a body term's postings is."""
    files = IndexFiles(index_dir, "paragraphs", latest_generation(str(index_dir), "paragraphs"))
    try:
        [segment] = files.segments
        start, length = segment.term_record("body", word).extent
    finally:
        files.close()
    [path] = index_dir.glob("*.seg")
    pst_start, _ = _parts(path)[".pst"]
    return pst_start + start + length // 2


def _target(index_dir: Path, kind: str) -> tuple[Path, int]:
    """The file to damage and the position to damage it at."""
    if kind == "TOC":
        toc = next(index_dir.glob("_paragraphs_*.toc"))
        return toc, toc.stat().st_size // 2
    if kind == "stems.txt":
        stems = index_dir / "stems.txt"
        return stems, stems.stat().st_size // 2
    if kind == "sketch file":
        [sketches] = index_dir.glob("sketches_*.bin")
        contents_length = int.from_bytes(sketches.read_bytes()[-12:-4], "big")  # (in the checksums' footer)
        return sketches, contents_length - 8  # its last entry
    [segment] = index_dir.glob("*.seg")
    if kind == "file records":  # a file's size, mtime and hash: what decides whether it is read again
        return segment, _stored_value_at(index_dir, lambda fields: "sha1" in fields)
    if kind == "._stored.col":  # a paragraph that search show shows
        return segment, _stored_value_at(index_dir, lambda fields: fields.get("article") == "000_8e71dce4d88c4be3")
    if kind == ".pst":
        # The postings of a word the first query reads: the file's middle
        # lay 9 bytes into those of "ungsi", so a few bytes more or less of
        # the terms before it left it in postings no query reads.
        return segment, _postings_at(index_dir, "banjir")
    start, length = _parts(segment)[kind]
    assert length > 0, kind
    return segment, start + length // 2


KINDS = ["TOC", ".trm", ".pst", ".article_key.col", "._body_len.col", ".signature.col", "._stored.col",
         "file records", "stems.txt", "sketch file"]


@pytest.mark.parametrize("how", ["cut short", "one byte flipped"])
@pytest.mark.parametrize("kind", KINDS)
def test_damage_to_each_kind_of_file_is_named_and_never_read_as_hits(run, tmp_path, monkeypatch, kind, how):
    monkeypatch.setenv("SEARCH_PROCS", "1")  # one segment
    assert run("index", str(long_term_folder(tmp_path))).exit_code == 0
    index_dir = tmp_path / "index"
    before = _outputs(run)
    path, at = _target(index_dir, kind)
    data = path.read_bytes()
    path.write_bytes(data[:at] if how == "cut short" else data[:at] + bytes([data[at] ^ 0x10]) + data[at + 1 :])

    named = 0
    for command, (code, output, stderr), (code_before, output_before, _) in zip(COMMANDS, _outputs(run), before):
        if code == 2:  # found: one line naming the file and the way out
            [line] = stderr.splitlines()
            assert path.name in line and "damaged" in line and "search check" in line, (command, line)
            named += 1
        else:  # or not read at all: then the same answer as before
            assert (code, output) == (code_before, output_before), command
    # A damaged stem table is not trusted (Sastrawi stems instead), nor a
    # damaged sketch file (every paragraph's signature is read instead).
    if kind not in ("stems.txt", "sketch file"):
        assert named, "no command read the damaged bytes"
        with pytest.raises(searcher.SearchError, match=path.name.replace(".", r"\.")):
            searcher.Index(index_dir).open()  # a server checks whole segments before it listens

    result = run("check")
    assert result.exit_code == 2
    assert f"DAMAGED  {path.name}" in result.stderr
    assert "Traceback" not in result.output


def test_a_sound_index_checks_whole_segments_when_opened_for_long_use(run, tmp_path):
    assert run("index", str(long_term_folder(tmp_path))).exit_code == 0
    with searcher.Index(tmp_path / "index").open() as index:
        assert index.search("banjir jakarta").paragraphs == 300
        assert run("index", str(long_term_folder(tmp_path / "more"))).exit_code == 0  # a new generation
        assert index.search("banjir jakarta").paragraphs == 600  # its new segment checked as it opens


def _strip_checksums(index_dir: Path) -> None:
    """Make the index as a version that wrote no checksums made it."""
    for path in [*index_dir.glob("*.seg"), *index_dir.glob("*.toc")]:
        data = path.read_bytes()
        path.write_bytes(checksums.checked_contents(data))


def test_an_index_written_before_checksums_is_read_and_checked_for_the_rest(run, tmp_path):
    assert run("index", str(long_term_folder(tmp_path))).exit_code == 0
    before = _outputs(run)
    _strip_checksums(tmp_path / "index")
    assert _outputs(run) == before
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "no checksums ('search index --rebuild' adds them)" in result.stdout
    assert run("index", "--rebuild").exit_code == 0
    assert "no checksums" not in run("check").stdout


def test_a_merge_does_not_copy_a_damaged_segment_and_loses_nothing(run, tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_PROCS", "1")
    monkeypatch.setattr(w3_writer, "MAX_SEGMENTS", 1)  # the second run's two segments are merged by the third
    folder = long_term_folder(tmp_path)
    index_dir = tmp_path / "index"
    assert run("index", str(folder / "banjir.txt")).exit_code == 0
    [damaged] = index_dir.glob("*.seg")
    assert run("index", str(next(folder.glob("000_*.txt")))).exit_code == 0
    start, length = _parts(damaged)[".pst"]
    data = damaged.read_bytes()
    at = start + length // 2
    damaged.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :])
    segments_before = sorted(p.name for p in index_dir.glob("*.seg"))

    result = run("index", str(next(folder.glob("003_*.txt"))))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert damaged.name in line and "search check" in line
    assert sorted(p.name for p in index_dir.glob("*.seg")) == segments_before  # the commit did not happen

    assert run("check", "--repair").exit_code == 1
    assert run("index").exit_code == 0  # reads the dropped segment's file again, and the new one
    assert run("check").exit_code == 0
    assert json.loads(run("stats", "--json").stdout)["articles"] == 3
    assert run("query", "--json", "banjir").stdout.count('"article"') == 10


def test_a_file_named_to_a_run_that_finds_the_file_records_damaged_is_read_after_repair(run, tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_PROCS", "1")  # one segment
    folder = long_term_folder(tmp_path)
    new = next(folder.glob("003_*.txt"))
    new.rename(tmp_path / new.name)  # indexed only later, on its own
    assert run("index", str(folder)).exit_code == 0
    index_dir = tmp_path / "index"
    segment, at = _target(index_dir, "file records")
    data = segment.read_bytes()
    segment.write_bytes(data[:at] + bytes([data[at] ^ 0x10]) + data[at + 1 :])

    result = run("index", str(tmp_path / new.name))
    assert result.exit_code == 2 and segment.name in result.stderr  # found as the run reads the records
    assert run("check", "--repair").exit_code == 1
    assert run("index").exit_code == 0  # the dropped segment's files, and the one named to the failed run
    assert json.loads(run("stats", "--json").stdout)["articles"] == 3
