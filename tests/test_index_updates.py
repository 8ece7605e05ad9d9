"""Re-indexing, locking and bad input: the index stays correct and complete."""

import json
import os
import resource
import signal
import subprocess
from pathlib import Path

import pytest

from conftest import json_hits, write


def stats(run):
    result = run("stats", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    return {k: figures[k] for k in ("articles", "paragraphs", "files")}


def make_folder(root):
    write(root / "a.txt", "Banjir Jakarta\n\nBanjir melanda Jakarta.\n\nWarga mengungsi.")
    write(root / "b.txt", "Gempa Palu\n\nGempa mengguncang Palu.")
    write(root / "sub" / "c.md", "# Pemilu\n\nPemilu berlangsung damai.")
    return root


def test_reindexing_after_edits_matches_a_clean_build(run, tmp_path, monkeypatch):
    folder = make_folder(tmp_path / "berita")
    run("index", str(folder))
    write(folder / "a.txt", "Banjir Jakarta\n\nBanjir surut.\n\nWarga pulang.\n\nSekolah dibuka.")
    (folder / "b.txt").unlink()
    write(folder / "d.txt", "Kebakaran\n\nKebakaran hutan di Riau.")
    result = run("index", str(folder))
    assert "1 new, 1 changed, 1 removed, 1 unchanged" in result.stdout
    after_edits = stats(run)
    assert run("query", "gempa").exit_code == 1  # the removed file's paragraphs are gone
    assert run("query", "melanda").exit_code == 1  # and the edited file's old text

    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "clean"))
    run("index", str(folder))
    assert stats(run) == after_edits == {"articles": 3, "paragraphs": 5, "files": 3}


def test_unchanged_and_touched_files_are_not_indexed_twice(run, tmp_path):
    folder = make_folder(tmp_path / "berita")
    run("index", str(folder))
    before = stats(run)
    os.utime(folder / "a.txt", (1, 1))  # touched, same content
    result = run("index", str(folder))
    assert "0 new, 0 changed, 0 removed, 3 unchanged" in result.stdout
    assert stats(run) == before


def test_other_folders_are_left_alone_and_a_bare_index_refreshes_all(run, tmp_path):
    first = make_folder(tmp_path / "satu")
    second = tmp_path / "dua"
    write(second / "x.txt", "Pasar\n\nHarga cabai naik.")
    run("index", str(first))
    run("index", str(second))
    (first / "b.txt").unlink()
    write(second / "y.txt", "Pasar\n\nHarga beras turun.")
    result = run("index")
    assert "1 new, 0 changed, 1 removed" in result.stdout
    assert stats(run)["files"] == 4
    assert run("query", "cabai").exit_code == 0


def test_a_file_deleted_from_a_subfolder_goes_when_either_folder_is_indexed_again(run, tmp_path):
    """Indexed from its parent folder, a file deleted from a subfolder goes
    when the subfolder is named (it was kept, and "nothing indexable" said),
    and the other way round; a file still there that came in through a
    symbolic link from a root of its own stays when its parent is walked."""
    folder = tmp_path / "berita"
    write(folder / "a.txt", "Banjir\n\nBanjir di hulu.")
    write(folder / "daerah" / "b.txt", "Gempa\n\nGempa di daerah.")
    write(tmp_path / "luar" / "c.txt", "Kabut\n\nKabut asap di luar.")
    (folder / "tautan").symlink_to(tmp_path / "luar", target_is_directory=True)
    run("index", str(folder))
    run("index", str(folder / "tautan"))  # (the walk of berita does not follow it)
    (folder / "daerah" / "b.txt").unlink()
    result = run("index", str(folder / "daerah"))
    assert result.exit_code == 0 and "0 new, 0 changed, 1 removed" in result.stdout, result.output
    assert run("query", "gempa").exit_code == 1
    write(folder / "daerah" / "d.txt", "Longsor\n\nLongsor di daerah.")
    run("index", str(folder / "daerah"))
    (folder / "daerah" / "d.txt").unlink()
    assert "0 new, 0 changed, 1 removed, 1 unchanged" in run("index", str(folder)).stdout
    assert run("query", "kabut").exit_code == 0 and run("query", "banjir").exit_code == 0


def test_rebuild_starts_from_scratch_with_the_same_counts(run, tmp_path):
    folder = make_folder(tmp_path / "berita")
    run("index", str(folder))
    before = stats(run)
    result = run("index", "--rebuild", str(folder))
    assert "3 new" in result.stdout
    assert stats(run) == before


def test_a_second_writer_gives_up_with_a_message_naming_the_first(run, tmp_path, monkeypatch):
    from searcher.storage.store import RunLock

    run("index")
    with RunLock(tmp_path / "index"):
        monkeypatch.setenv("SEARCH_LOCK_TIMEOUT", "0.3")
        result = run("index")
        assert result.exit_code == 2
        assert f"pid {os.getpid()}" in result.stderr and "waited 0.3 s" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert run("query", "pakta").exit_code == 0  # readers are not blocked


@pytest.mark.parametrize(
    "variable, value",
    [("SEARCH_INDEX_MEMORY_MB", "lots"), ("SEARCH_PROCS", "-2"), ("SEARCH_BATCH_PARAGRAPHS", "1e9x"),
     ("SEARCH_LOCK_TIMEOUT", "soon"), ("SEARCH_LOCK_TIMEOUT", "nan")],
)
def test_a_bad_setting_is_named_in_one_line_and_nothing_is_lost(run, monkeypatch, variable, value):
    run("index")
    monkeypatch.setenv(variable, value)
    result = run("index")
    assert result.exit_code == 2
    kind = "a number" if variable == "SEARCH_LOCK_TIMEOUT" else "a whole number"
    assert result.stderr.splitlines() == [f"search: error: {variable} must be {kind} of 0 or more, not {value!r}"]
    monkeypatch.delenv(variable)
    assert "**pakta** **pertahanan**" in run("query", "pakta pertahanan").stdout


def test_bad_files_are_warned_about_and_the_rest_is_indexed(run, tmp_path):
    folder = tmp_path / "berita"
    write(folder / "good.txt", "Bagus\n\nBerita yang baik.")
    (folder / "latin.txt").write_bytes("Kafe\n\nKopi di kafé itu enak.".encode("cp1252"))
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.txt").symlink_to(folder / "missing.txt")
    (folder / "loop").symlink_to(folder)
    write(folder / "dump.jsonl", '{"id": "1", "text": "Harga naik."}\n{oops\n')
    write(folder / "huge.txt", "Panjang\n\n" + "kata " * 200_000)
    result = run("index", str(folder))
    assert result.exit_code == 0
    warnings = result.stderr.strip().splitlines()
    for name in ("latin.txt", "binary.txt", "empty.txt", "broken.txt", "dump.jsonl:2"):
        assert any(name in w for w in warnings), name
    assert all(w.startswith("search: warning: ") for w in warnings)
    assert "skipped" in result.stdout
    assert run("query", "kafe").exit_code == 0  # decoded with the fallback
    assert run("query", "harga").exit_code == 0
    assert run("query", "baik").exit_code == 0


def _damage_toc(toc: Path, how: str) -> None:
    data = toc.read_bytes()
    if how == "empty":
        toc.write_bytes(b"")  # what a power cut can leave
    elif how == "cut short":
        toc.write_bytes(data[: len(data) // 2])
    else:
        toc.write_bytes(b"garbage")


@pytest.mark.parametrize("how", ["empty", "cut short", "garbage"])
def test_a_damaged_toc_is_named_and_a_rebuild_recovers(run, tmp_path, how):
    run("index")
    before = stats(run)
    [toc] = (tmp_path / "index").glob("*.toc")
    _damage_toc(toc, how)
    for command in (("query", "pakta"), ("stats",), ("show", "000_8e71dce4d88c4be3"), ("index",)):
        result = run(*command)
        assert result.exit_code == 2, command
        assert "Traceback" not in result.output
        [line] = result.stderr.splitlines()
        assert toc.name in line and "damaged" in line and "search index --rebuild" in line, line
    rebuilt = run("index", "--rebuild")  # no path: the folders the index held are recorded beside it
    assert rebuilt.exit_code == 0, rebuilt.output
    assert stats(run) == before
    assert run("query", "pakta pertahanan").exit_code == 0


def test_a_damaged_index_that_never_recorded_its_folders_asks_for_them(run, tmp_path):
    folder = make_folder(tmp_path / "berita")
    run("index", str(folder))
    (tmp_path / "index" / "roots.json").unlink()  # as an index made before the folders were recorded
    [toc] = (tmp_path / "index").glob("*.toc")
    _damage_toc(toc, "empty")
    result = run("index", "--rebuild")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "damaged" in line and "search index --rebuild PATH" in line
    assert run("index", "--rebuild", str(folder)).exit_code == 0
    assert stats(run) == {"articles": 3, "paragraphs": 4, "files": 3}


@pytest.mark.parametrize("how", ["missing", "empty", "cut short", "bit flip"])
def test_a_damaged_segment_is_named_and_a_rebuild_recovers(run, tmp_path, monkeypatch, how):
    monkeypatch.setenv("SEARCH_PROCS", "1")  # one segment
    run("index")
    before = stats(run)
    [segment] = (tmp_path / "index").glob("*.seg")
    data = segment.read_bytes()
    if how == "missing":
        segment.unlink()
    elif how == "empty":
        segment.write_bytes(b"")
    elif how == "cut short":
        segment.write_bytes(data[: len(data) - 100])
    else:  # in the directory of the segment's files, at its end
        segment.write_bytes(data[:-30] + bytes([data[-30] ^ 0x55]) + data[-29:])
    for command in (("query", "pakta"), ("stats",), ("index",)):
        result = run(*command)
        assert result.exit_code == 2, (command, result.output)
        assert "Traceback" not in result.output
        [line] = result.stderr.splitlines()
        assert segment.name in line and "damaged" in line and "search index --rebuild" in line, line
    assert run("index", "--rebuild").exit_code == 0
    assert stats(run) == before
    assert run("query", "pakta pertahanan").exit_code == 0


def test_an_index_dir_that_cannot_be_created_is_one_line(run, tmp_path):
    blocker = write(tmp_path / "a-file", "not a folder")
    result = run("index", "--index-dir", str(blocker / "index"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert "a-file" in result.stderr


def test_an_unreadable_file_is_warned_about_and_skipped(run, tmp_path, monkeypatch):
    folder = make_folder(tmp_path / "berita")
    secret = write(folder / "secret.txt", "Rahasia\n\nDokumen rahasia.")
    if os.geteuid() != 0:
        secret.chmod(0)
    else:  # root reads anything: make reading this one file fail as it would for a user
        real_read_bytes = Path.read_bytes

        def read_bytes(path):
            if path.name == "secret.txt":
                raise PermissionError(13, "Permission denied", str(path))
            return real_read_bytes(path)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = run("index", str(folder))
    assert result.exit_code == 0
    assert result.stderr == f"search: warning: {secret}: cannot read (Permission denied), skipped\n"
    assert "3 new" in result.stdout and "1 file skipped" in result.stdout
    assert run("query", "banjir").exit_code == 0


def test_a_full_disk_stops_indexing_with_one_line_and_loses_nothing(tmp_path):
    # The file-size limit makes writing the new segment fail part-way, as a
    # full disk does; what was indexed before must survive untouched.
    from test_cli import _installed_search

    folder = make_folder(tmp_path / "berita")
    env = {**os.environ, "SEARCH_INDEX_DIR": str(tmp_path / "index")}
    command = _installed_search()
    subprocess.run([command, "index", str(folder)], env=env, check=True, capture_output=True)
    before = subprocess.run([command, "stats", "--json"], env=env, capture_output=True, text=True).stdout
    for n in range(200):
        write(folder / "more" / f"{n}.txt", f"Berita {n}\n\n" + f"Kalimat panjang nomor {n} tentang banjir. " * 40)

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    full = subprocess.run([command, "index", str(folder)], env=env, capture_output=True, text=True,
                          preexec_fn=small_disk)
    assert full.returncode == 2
    assert full.stderr.startswith("search: error: ") and full.stderr.count("\n") == 1, full.stderr
    assert "cannot write the index" in full.stderr and "free some space" in full.stderr
    after = subprocess.run([command, "stats", "--json"], env=env, capture_output=True, text=True).stdout
    assert json.loads(after)["paragraphs"] == json.loads(before)["paragraphs"]
    assert subprocess.run([command, "query", "banjir"], env=env, capture_output=True).returncode == 0
    done = subprocess.run([command, "index", str(folder)], env=env, capture_output=True, text=True)
    assert "200 new" in done.stdout


def test_a_rebuild_stopped_half_way_leaves_the_old_index_whole(run, tmp_path, monkeypatch):
    import searcher.storage.indexing

    first, second = make_folder(tmp_path / "satu"), make_folder(tmp_path / "dua")
    run("index", str(first))
    run("index", str(second))
    before = stats(run)
    monkeypatch.setattr(searcher.storage.indexing, "BATCH_PARAGRAPHS", 1)  # commit after every file, if it did
    real_index_file = searcher.storage.indexing._index_file
    done = []

    def stop_at_the_fourth_file(*args):
        if len(done) == 3:
            raise KeyboardInterrupt
        done.append(real_index_file(*args))
        return done[-1]

    monkeypatch.setattr(searcher.storage.indexing, "_index_file", stop_at_the_fourth_file)
    result = run("index", "--rebuild")
    assert result.exit_code == 130
    assert "the index is as it was before the rebuild" in result.stderr
    assert stats(run) == before
    roots = json.loads(run("stats", "--json").stdout)["roots"]
    assert roots == sorted([str(first), str(second)])


def test_the_same_paragraphs_score_the_same_built_in_one_run_or_merged_over_several(run, tmp_path, monkeypatch):
    """A merge used to add up the documents' lengths as stored (rounded,
    for long paragraphs), not the segments' exact totals: BM25's average
    length, and every score, then depended on the merges an index had
    been through (a killed run taken up again gave other scores than a
    clean build)."""
    from searcher.storage.store import open_index_files

    monkeypatch.setenv("SEARCH_PROCS", "1")  # one segment per run
    monkeypatch.setattr("searcher.storage.w3.writer.MAX_SEGMENTS", 2)
    filler = "para pejabat daerah menyampaikan laporan kepada warga setempat pada pertemuan rutin"
    folder = tmp_path / "berita"
    for n in range(8):  # paragraphs of 40 to 110 words: lengths a byte rounds
        write(folder / f"a{n}.txt", f"Kabar {n}\n\nHarga beras naik {n}. " + f"{filler} " * (4 + n) + "\n\nBanjir.")

    def built(name: str, runs: list[range]) -> tuple[dict, list]:
        index = tmp_path / name
        for numbers in runs:
            for n in numbers:
                (index.parent / f"{name}-in").mkdir(exist_ok=True)
                (index.parent / f"{name}-in" / f"a{n}.txt").write_bytes((folder / f"a{n}.txt").read_bytes())
            assert run("index", str(index.parent / f"{name}-in"), "--index-dir", str(index)).exit_code == 0
        files = open_index_files(index)
        try:
            totals = {field: files.field_length(field) for field in ("body", "title")}
            segments = len(files.segments)
        finally:
            files.close()
        hits = json_hits(run("query", "--json", "harga beras", "--index-dir", str(index)).stdout)
        return totals, segments, [(hit["article"], hit["score"]) for hit in hits]

    at_once = built("sekali", [range(8)])
    merged = built("bertahap", [range(n, n + 2) for n in range(0, 8, 2)])
    assert merged[1] < 4  # runs' segments were merged
    assert merged[0] == at_once[0]
    assert merged[2] == at_once[2]


def test_merging_segments_keeps_every_paragraph_and_removes_the_edited_ones(run, tmp_path, monkeypatch):
    # Each run adds a segment; past MAX_SEGMENTS the smallest are merged
    # into one, edits and deletions applied.
    from searcher.storage.store import open_index_files

    monkeypatch.setenv("SEARCH_PROCS", "1")  # one segment per run
    monkeypatch.setattr("searcher.storage.w3.writer.MAX_SEGMENTS", 2)
    folder = tmp_path / "berita"
    for n in range(6):
        write(folder / f"a{n}.txt", f"A{n}\n\nBanjir melanda kota{n}.\n\nWarga kota{n} mengungsi.")
        if n == 3:
            write(folder / "a0.txt", "A0\n\nGempa mengguncang kota0.")
        run("index", str(folder))
    files = open_index_files(tmp_path / "index")
    try:
        assert len(files.segments) <= 3
    finally:
        files.close()
    assert stats(run) == {"articles": 6, "paragraphs": 11, "files": 6}
    assert run("query", "banjir").stdout.startswith("5 paragraphs in 5 articles match")
    for n in range(6):
        assert run("query", f"kota{n}").exit_code == 0


def test_indexing_an_unchanged_folder_again_commits_nothing(run, tmp_path, monkeypatch):
    """With nothing to save there is no commit, and so no merge: with many
    segments, a run that found nothing to do used to merge them (two
    minutes at 100,000 articles)."""
    from searcher.storage.store import open_index_files

    monkeypatch.setenv("SEARCH_PROCS", "1")
    monkeypatch.setenv("SEARCH_BATCH_PARAGRAPHS", "1")  # a commit, and a segment, per file
    monkeypatch.setattr("searcher.storage.w3.writer.MAX_SEGMENTS", 2)
    folder = make_folder(tmp_path / "berita")
    run("index", str(folder))
    files = open_index_files(tmp_path / "index")
    segments = len(files.segments)
    files.close()
    assert segments > 2  # so the next commit would merge
    before = sorted(p.name for p in (tmp_path / "index").iterdir())
    result = run("index", str(folder))
    assert "0 new, 0 changed, 0 removed, 3 unchanged" in result.stdout
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == before
    # A touched file still has its new time saved: the next run does not read it.
    os.utime(folder / "a.txt", (1, 1))
    run("index", str(folder))
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) != before
    monkeypatch.setattr("searcher.storage.indexing._file_hash", lambda data: pytest.fail("a touched file was read again"))
    assert "3 unchanged" in run("index", str(folder)).stdout


def test_adding_a_few_articles_does_not_merge_the_big_segments(run, tmp_path, monkeypatch):
    """Past the segment limit a commit merges the smallest segments, but no
    more paragraphs than a few times what it adds: a journalist adding
    today's articles to a big index must not wait minutes for a merge."""
    from searcher.storage import store

    monkeypatch.setenv("SEARCH_PROCS", "1")
    monkeypatch.setenv("SEARCH_BATCH_PARAGRAPHS", "100")  # a commit, and a segment, per big file
    monkeypatch.setattr("searcher.storage.w3.writer.MAX_SEGMENTS", 2)
    monkeypatch.setattr("searcher.storage.w3.writer.HARD_MAX_SEGMENTS", 5)
    monkeypatch.setattr("searcher.storage.w3.writer.MERGE_FLOOR", 20)
    folder = tmp_path / "berita"
    for n in range(3):
        write(folder / f"besar{n}.txt", f"Besar {n}\n\n" + "\n\n".join(f"Banjir ke-{i} di kota{n}." for i in range(100)))
    run("index", str(folder))

    def segments():
        return {s.segment_id(): s.doc_count() for s in store.open_index(tmp_path / "index")._segments()}

    big = segments()
    assert len(big) == 3  # one past the limit
    for n in range(6):
        write(folder / f"kecil{n}.txt", f"Kecil {n}\n\nGempa kecil ke-{n}.")
        run("index", str(folder))
        now = segments()
        assert big.keys() <= now.keys()  # not merged: too big for a commit of one paragraph
        assert len(now) <= 5
    assert max(count for name, count in now.items() if name not in big) > 2  # small ones merged: one holds several files
    assert stats(run) == {"articles": 9, "paragraphs": 306, "files": 9}
    assert run("query", "gempa").stdout.startswith("6 paragraphs in 6 articles match")
    # A big commit may merge the big segments.
    write(folder / "besar3.txt", "Besar 3\n\n" + "\n\n".join(f"Banjir ke-{i} di kota3." for i in range(100)))
    run("index", str(folder))
    assert not big.keys() <= segments().keys()
    assert stats(run) == {"articles": 10, "paragraphs": 406, "files": 10}


def test_what_failed_runs_left_behind_is_removed_and_the_index_kept(run, tmp_path):
    index_dir = tmp_path / "index"
    run("index")
    committed = set(os.listdir(index_dir))
    segment = next(index_dir.glob("*.seg"))
    (index_dir / "paragraphs_0123456789abcdef.seg").write_bytes(segment.read_bytes())  # an uncommitted segment
    (index_dir / "paragraphs_fedcba9876543210.trm").write_bytes(b"half a segment")
    write(index_dir / "paragraphs.tmp" / "run_1", "a sorted run")
    (index_dir / "stems.txt.partial").write_bytes(b"half a table")
    result = run("index")
    assert "0 new, 0 changed, 0 removed, 2 unchanged" in result.stdout
    assert set(os.listdir(index_dir)) == committed
    assert run("query", "pakta pertahanan").exit_code == 0


def test_jsonl_records_sharing_an_id_keep_the_last_with_a_warning(run, tmp_path):
    folder = tmp_path / "berita"
    write(folder / "dump.jsonl",
          '{"id": "a1", "title": "Banjir", "text": "Banjir melanda Jakarta."}\n'
          '{"id": "b2", "title": "Gempa", "text": "Gempa mengguncang Palu."}\n'
          '{"id": "a1", "title": "Banjir surut", "text": "Banjir surut, warga pulang."}\n')
    result = run("index", str(folder))
    assert result.exit_code == 0
    assert "2 new" in result.stdout
    assert result.stderr.splitlines() == [
        f"search: warning: {folder / 'dump.jsonl'}:3: id 'a1' also on line 1; keeping this later record"]
    shown = run("show", "a1").stdout
    assert "Banjir surut" in shown and "[1] Banjir surut, warga pulang." in shown
    assert "melanda" not in shown and "[2]" not in shown
    assert run("query", "melanda").exit_code == 1


def test_odd_names_deep_folders_fifos_and_utf16_do_not_stop_a_run(run, tmp_path):
    folder = tmp_path / "berita"
    write(folder / "good.txt", "Bagus\n\nBerita yang baik.")
    with open(os.fsencode(folder) + b"/caf\xe9.txt", "wb") as odd:  # a Latin-1 name, not UTF-8
        odd.write("Kafe\n\nKopi enak.".encode())
    os.mkdir(os.fsencode(folder) + b"/arsip-\xff")
    with open(os.fsencode(folder) + b"/arsip-\xff/lama.txt", "wb") as old:
        old.write("Lama\n\nBerita lama.".encode())
    deep = str(folder)
    for _ in range(1000):  # deeper than Python's recursion limit
        deep += "/d"
        os.mkdir(deep)
    write(Path(deep) / "dalam.txt", "Dalam\n\nBerita terdalam tentang gunung.")
    try:
        _index_odd_files(run, folder)
    finally:  # pytest's own clean-up of old temporary folders would recurse that deep
        (Path(deep) / "dalam.txt").unlink()
        while deep != str(folder):
            os.rmdir(deep)
            deep = os.path.dirname(deep)


def _index_odd_files(run, folder):
    os.mkfifo(folder / "pipa.txt")
    os.symlink(folder / "gone.txt", folder / "link.txt")
    (folder / "utf16.txt").write_bytes("Judul\n\nBerita tentang pelabuhan Tanjung Priok.".encode("utf-16"))
    result = run("index", str(folder))
    assert result.exit_code == 0, result.output
    assert "3 new" in result.stdout and "Traceback" not in result.output
    warnings = result.stderr.splitlines()
    assert f"search: warning: {folder}/caf\\xe9.txt: file name is not valid UTF-8, skipped (rename it to index it)" in warnings
    assert f"search: warning: {folder}/arsip-\\xff: folder name is not valid UTF-8, skipped (rename it to index it)" in warnings
    assert f"search: warning: {folder / 'pipa.txt'}: not a regular file, skipped" in warnings
    assert f"search: warning: {folder / 'link.txt'}: broken symbolic link, skipped" in warnings
    assert len(warnings) == 4
    assert "; 3 files skipped;" in result.stdout  # the files warned about (the folder is no file)
    assert run("query", "terdalam").exit_code == 0
    assert run("query", "pelabuhan").exit_code == 0
    assert "0 new, 0 changed, 0 removed, 3 unchanged" in run("index", str(folder)).stdout


def test_a_run_stopped_early_keeps_what_it_did_by_time_as_well_as_by_batch_size(tmp_path, monkeypatch):
    import searcher
    from searcher.errors import Interrupted

    folder = tmp_path / "berita"
    for n in range(6):
        write(folder / f"{n}.txt", f"Judul {n}\n\nBanjir ke-{n} melanda Jakarta.")
    monkeypatch.setenv("SEARCH_BATCH_SECONDS", "0")  # every file's work is "30 s": commit after each

    def ctrl_c_after_four(progress):
        if progress.files_done == 4:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted) as stopped:
        searcher.Index(tmp_path / "index").update([folder], on_progress=ctrl_c_after_four)
    assert stopped.value.report.saved_files >= 3  # (400,000-paragraph batches alone: none)
    with searcher.Index(tmp_path / "index") as ix:
        assert ix.search("banjir").total == stopped.value.report.saved_files


def test_a_long_run_commits_early_then_in_longer_batches(tmp_path, monkeypatch):
    """The first batch is committed after SEARCH_BATCH_SECONDS of work, each
    later one may last twice as long as the one before, up to four times
    the first: a long run makes few segments, which every query reads."""
    import time

    import searcher
    from searcher.storage import indexing, store

    folder = tmp_path / "berita"
    for n in range(12):
        write(folder / f"{n:02}.txt", f"Judul {n}\n\nBanjir ke-{n} melanda Jakarta.")
    monkeypatch.setenv("SEARCH_BATCH_SECONDS", "10")
    clock = [0.0]

    class TenSecondsAFile:  # the time module, as the indexing loop sees it
        def __getattr__(self, name):
            return getattr(time, name)

        def monotonic(self):
            return clock[0]

    monkeypatch.setattr(indexing, "time", TenSecondsAFile())
    commits = []

    def each_file(progress):
        clock[0] += 10.0
        commits.append(store.latest_generation(tmp_path / "index"))

    searcher.Index(tmp_path / "index").update([folder], on_progress=each_file)
    # Generations seen after each file: a commit after files 1, 3, 7 and 11
    # (10, 20, 40 and 40 s of work), and the last at the end.
    saved_before = [commits[n] for n in (1, 3, 7, 11)]
    assert saved_before == [saved_before[0] + n for n in range(4)]
    assert len(set(commits)) == 5 and store.latest_generation(tmp_path / "index") == saved_before[-1] + 1


def test_after_ctrl_c_before_anything_was_saved_the_advised_search_index_indexes_that_folder(run, tmp_path):
    import searcher
    from searcher.errors import Interrupted

    folder = tmp_path / "berita"
    for n in range(3):
        write(folder / f"{n}.txt", f"Judul {n}\n\nBanjir ke-{n} melanda Jakarta.")

    def ctrl_c(progress):
        raise KeyboardInterrupt

    with pytest.raises(Interrupted) as stopped:
        searcher.Index(tmp_path / "index").update([folder], on_progress=ctrl_c)
    assert stopped.value.report.saved_files == 0
    result = run("index")  # what the interrupted run advises
    assert result.exit_code == 0 and result.stdout.startswith("3 new")  # that folder, not the built-in samples
    assert "Indexed the built-in sample articles" not in result.stdout
