"""A progress bar for ``search index`` on a terminal (stderr, one line)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from searcher.index import IndexProgress

_BAR_CELLS = 24
_REDRAW_SECONDS = 0.1


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def progress_line(progress: IndexProgress, elapsed: float) -> str:
    """``[#####-----]  21%  1,204/5,000 files  61,327 paragraphs  3.1 MB/s  0:42 left``:
    the share is of the bytes to look at, so that one large file moves
    the bar as its paragraphs are written."""
    done, total = progress.bytes_done, progress.bytes_total
    share = min(1.0, done / total) if total else (1.0 if progress.files_done >= progress.files_total else 0.0)
    filled = int(_BAR_CELLS * share)
    line = (
        f"[{'#' * filled}{'-' * (_BAR_CELLS - filled)}] {int(100 * share):3d}%  "
        f"{progress.files_done:,}/{progress.files_total:,} files  "
        f"{progress.paragraphs:,} paragraph{'' if progress.paragraphs == 1 else 's'}"
    )
    if progress.files_done >= progress.files_total:
        line += "  saving the index…"  # the last commit can take a while
    elif elapsed > 0 and done:
        line += f"  {done / 1e6 / elapsed:.1f} MB/s  {_duration(elapsed * (total - done) / done)} left"
    return line


class ProgressBar:
    """Redraws itself in place at most ten times a second; ``close`` wipes it."""

    def __init__(self, stream: TextIO):
        self._stream = stream
        self._started = time.monotonic()
        self._drawn_at = 0.0
        self._width = 0

    def __call__(self, progress: IndexProgress) -> None:
        now = time.monotonic()
        if now - self._drawn_at < _REDRAW_SECONDS and progress.files_done < progress.files_total:
            return
        self._drawn_at = now
        line = progress_line(progress, now - self._started)
        self._stream.write("\r" + line.ljust(self._width))
        self._stream.flush()
        self._width = len(line)

    def close(self) -> None:
        if self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0
