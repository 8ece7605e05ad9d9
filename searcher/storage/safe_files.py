"""Writing files that readers trust: all of it or none of it, and on the
disk before anything points at it.

A commit that a power cut can undo must not be visible: the data a new
index generation names is synced first, then the file that publishes it
(the TOC, ``stems.txt``, ``roots.json``) is written under a temporary
name, synced, renamed into place, and the folder synced, so that the
rename itself is on the disk.  This is the order Lucene and SQLite keep.
``SEARCH_FSYNC=0`` skips the syncs, for benchmarks that measure their cost.
"""

from __future__ import annotations

import os


def syncing() -> bool:
    return os.environ.get("SEARCH_FSYNC", "1").strip() != "0"


def sync_folder(folder: str | os.PathLike) -> None:
    """Make a rename or a new file in ``folder`` durable (POSIX: sync the folder)."""
    if not syncing():
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: str | os.PathLike, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: a reader sees the old
    file or the new, never half, and a failed write (or a power cut) leaves
    the old one."""
    partial = os.fspath(path) + ".partial"
    try:
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            if syncing():
                os.fsync(out.fileno())
        os.replace(partial, path)
    except OSError:
        try:
            os.unlink(partial)
        except FileNotFoundError:
            pass
        raise
    sync_folder(os.path.dirname(partial) or ".")
