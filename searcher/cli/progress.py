"""A progress bar for ``search index`` on a terminal (stderr, one line)."""

from __future__ import annotations

import time
from typing import TextIO

_BAR_CELLS = 24
_REDRAW_SECONDS = 0.1


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def progress_line(done: int, total: int, bytes_read: int, elapsed: float) -> str:
    """``[#####-----]  1,204/5,000 files  3.1 MB/s  0:42 left``"""
    share = done / total if total else 1.0
    filled = int(_BAR_CELLS * share)
    line = f"[{'#' * filled}{'-' * (_BAR_CELLS - filled)}] {done:,}/{total:,} files"
    if done >= total:
        line += "  saving the index…"  # the last commit can take a while
    elif elapsed > 0 and done:
        line += f"  {bytes_read / 1e6 / elapsed:.1f} MB/s  {_duration(elapsed * (total - done) / done)} left"
    return line


class ProgressBar:
    """Redraws itself in place at most ten times a second; ``close`` wipes it."""

    def __init__(self, stream: TextIO):
        self._stream = stream
        self._started = time.monotonic()
        self._drawn_at = 0.0
        self._width = 0

    def __call__(self, done: int, total: int, bytes_read: int) -> None:
        now = time.monotonic()
        if now - self._drawn_at < _REDRAW_SECONDS and done < total:
            return
        self._drawn_at = now
        line = progress_line(done, total, bytes_read, now - self._started)
        self._stream.write("\r" + line.ljust(self._width))
        self._stream.flush()
        self._width = len(line)

    def close(self) -> None:
        if self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0
