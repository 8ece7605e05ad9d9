"""A commit survives a power cut: traced with strace, a real ``search
index`` syncs every segment file of the new generation, then the TOC under
its temporary name, then renames it into place and syncs the folder; the
same for ``stems.txt``, ``roots.json`` and the sketch file.

Skipped, saying why, where strace is missing; never in CI, which installs
it and sets SEARCH_STRACE_TESTS=required.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES, write

STRACE = shutil.which("strace")
if os.environ.get("SEARCH_STRACE_TESTS") == "required":
    assert STRACE, "SEARCH_STRACE_TESTS=required, but there is no strace"
else:
    pytestmark = pytest.mark.skipif(not STRACE, reason="no strace (Debian: apt-get install strace) to trace the commit")

_CALL = re.compile(r"^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+)")


def traced_index(folder: Path, index_dir: Path, trace: Path, env=None) -> list[tuple[str, str]]:
    """(call, arguments) of every successful fsync and rename of a
    ``search index`` run, in the order they happened."""
    subprocess.run(
        [STRACE, "-f", "-y", "-qq", "-o", str(trace), "-e", "trace=fsync,fdatasync,rename,renameat,renameat2",
         sys.executable, "-m", "searcher", "index", str(folder), "--index-dir", str(index_dir)],
        check=True, capture_output=True, env={**os.environ, **(env or {})},
    )
    calls = []
    for line in trace.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _CALL.match(line)
        if match and match.group(3) == "0":
            calls.append((match.group(1), match.group(2)))
    return calls


def synced(calls, path: Path) -> list[int]:
    """Where ``path`` was fsynced (``-y`` prints each descriptor's path)."""
    return [at for at, (call, args) in enumerate(calls) if call in ("fsync", "fdatasync") and f"<{path}>" in args]


def renamed_to(calls, path: Path) -> tuple[int, str]:
    """Where the last rename onto ``path`` happened, and from what name."""
    for at in range(len(calls) - 1, -1, -1):
        call, args = calls[at]
        names = re.findall(r'"([^"]*)"', args)
        if call.startswith("rename") and names and names[-1] == str(path):
            return at, names[0]
    raise AssertionError(f"no rename onto {path}")


def assert_published_durably(calls, index_dir: Path) -> None:
    (toc,) = index_dir.glob("_paragraphs_*.toc")
    published, temporary = renamed_to(calls, toc)
    segments = list(index_dir.glob("*.seg"))
    assert segments
    for segment in segments:  # (a segment an earlier run wrote was synced by that run)
        if synced(calls, segment):
            assert min(synced(calls, segment)) < published, f"{segment.name} synced after the TOC was published"
    assert any(at < published for at in synced(calls, Path(temporary))), "the new TOC was not synced before its rename"
    assert any(at > published for at in synced(calls, index_dir)), "the folder was not synced after the rename"
    (sketch_file,) = index_dir.glob("sketches_*.bin")
    for name in ("stems.txt", "roots.json", sketch_file.name):
        at, partial = renamed_to(calls, index_dir / name)
        assert any(before < at for before in synced(calls, Path(partial))), f"{name} not synced before its rename"
        assert any(after > at for after in synced(calls, index_dir)), f"folder not synced after {name}"


def test_a_first_build_and_an_update_sync_their_data_before_publishing_it(tmp_path):
    folder, index_dir = tmp_path / "berita", tmp_path / "index"
    for sample in SAMPLES.glob("*.txt"):
        write(folder / sample.name, sample.read_text(encoding="utf-8"))
    calls = traced_index(folder, index_dir, tmp_path / "build.trace")
    assert_published_durably(calls, index_dir)
    new_segments_before = set(index_dir.glob("*.seg"))
    assert all(synced(calls, segment) for segment in new_segments_before)  # the build wrote them all

    write(folder / "baru.txt", "Banjir Jakarta\n\nBanjir melanda Jakarta Timur pagi ini.")
    calls = traced_index(folder, index_dir, tmp_path / "update.trace")
    assert_published_durably(calls, index_dir)
    added = set(index_dir.glob("*.seg")) - new_segments_before
    assert added and all(synced(calls, segment) for segment in added)


def test_syncing_can_be_turned_off_for_a_benchmark_and_the_test_sees_it(tmp_path):
    folder, index_dir = tmp_path / "berita", tmp_path / "index"
    write(folder / "a.txt", "Judul\n\nIsi berita.")
    calls = traced_index(folder, index_dir, tmp_path / "off.trace", env={"SEARCH_FSYNC": "0"})
    assert not [call for call in calls if call[0] in ("fsync", "fdatasync") and str(index_dir) in call[1]]
    with pytest.raises(AssertionError):
        assert_published_durably(calls, index_dir)
