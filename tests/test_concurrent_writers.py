"""Two `search index` runs on one index never interleave: the second waits
for the first (or gives up, naming it), and no file is indexed twice."""

import json
import os
import subprocess

import pytest
from conftest import write
from test_cli import _installed_search

from searcher.storage import indexing, store


def counts(index_dir):
    result = subprocess.run([_installed_search(), "stats", "--json", "--index-dir", str(index_dir)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    return figures["articles"], figures["paragraphs"], figures["files"]


def make_folder(folder, articles):
    for i in range(articles):
        write(folder / f"{i:02d}.txt", f"Berita {i}\n\nBanjir ke-{i} melanda kota.\n\nWarga {i} mengungsi.")
    return folder


def test_a_writer_waiting_for_the_lock_never_indexes_between_two_batches(tmp_path, monkeypatch):
    """The first run commits after every file and is slow to start each
    next batch; a second run on the same folder, started in the middle,
    polls for the lock all along.  It must wait for the whole first run,
    then find every file done."""
    folder = make_folder(tmp_path / "berita", 8)
    index_dir = tmp_path / "index"
    monkeypatch.setenv("SEARCH_BATCH_PARAGRAPHS", "1")
    monkeypatch.setenv("SEARCH_PROCS", "1")
    monkeypatch.setenv("SEARCH_LOCK_TIMEOUT", "60")  # the second writer waits the whole first run out
    open_writer = indexing._open_writer

    def slow_to_reopen(*args, **kwargs):
        import time

        time.sleep(0.6)  # a window between batches, with no writer open
        return open_writer(*args, **kwargs)

    monkeypatch.setattr(indexing, "_open_writer", slow_to_reopen)
    second = []

    def start_the_second_writer(progress):
        if progress.files_done == 2 and not second:
            second.append(subprocess.Popen(
                [_installed_search(), "index", str(folder), "--index-dir", str(index_dir)],
                env={**os.environ}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))

    first = indexing.update_index(index_dir, [folder], warn=print, on_progress=start_the_second_writer)
    out, err = second[0].communicate(timeout=120)
    assert first.new == 8
    assert second[0].returncode == 0, err
    assert "0 new, 0 changed, 0 removed, 8 unchanged" in out
    assert counts(index_dir) == (8, 16, 8)


def test_two_writers_starting_together_on_a_new_index_both_succeed(tmp_path, monkeypatch):
    """Both runs look for an index at the same moment and find none (unless
    one of them is kept waiting for the lock), so both would create it."""
    import threading

    folder = make_folder(tmp_path / "berita", 20)
    index_dir = tmp_path / "index"
    monkeypatch.setenv("SEARCH_PROCS", "1")
    monkeypatch.setenv("SEARCH_LOCK_TIMEOUT", "60")
    together = threading.Barrier(2, timeout=2)
    index_exists = store.index_exists

    def at_the_same_moment(*args, **kwargs):
        found = index_exists(*args, **kwargs)
        try:
            together.wait()
        except threading.BrokenBarrierError:
            pass  # the other run is waiting for the lock
        return found

    monkeypatch.setattr(store, "index_exists", at_the_same_moment)
    reports, errors = [], []

    def index():
        try:
            reports.append(indexing.update_index(index_dir, [folder], warn=print))
        except Exception as error:
            errors.append(error)

    writers = [threading.Thread(target=index) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert not errors
    assert sorted(report.new for report in reports) == [0, 20]  # one indexed, the other found it done
    assert counts(index_dir) == (20, 40, 20)
