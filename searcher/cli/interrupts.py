"""Ctrl-C that always stops a long run.

Python's own handler raises KeyboardInterrupt wherever the main thread is
when the signal comes, and that may be a finaliser: a ``__del__`` the
garbage collector calls at any point (multiprocessing's connections have
one), or a callback run as an object dies (multiprocessing's ``Finalize``,
``weakref.finalize``: the indexing workers' pipes and queues have them).
An exception cannot leave a finaliser: Python prints it, traceback and
all, as "Exception ignored in ...", and the run goes on as if Ctrl-C had
never been pressed.  ``ctrl_c_never_lost`` raises it a moment later
instead, once out of the finaliser.  Nor may it land while such a
callback is being set up: a ``Finalize`` interrupted half-made runs when
its object dies and fails there ("'Finalize' object has no attribute
'_key'"), printed as a traceback.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager

RETRY_SECONDS = 0.01


@contextmanager
def ctrl_c_never_lost():
    """For the main thread of a process, on systems with interval timers
    (elsewhere Python's handler stays)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def on_ctrl_c(signum, frame) -> None:
        if _in_finaliser(frame):
            signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)  # back here as SIGALRM
            return
        raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, on_ctrl_c) for signum in (signal.SIGINT, signal.SIGALRM)}
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _in_finaliser(frame) -> bool:
    callbacks = _finaliser_callbacks()
    while frame is not None:
        if frame.f_code.co_name == "__del__" or frame.f_code in callbacks:
            return True
        frame = frame.f_back
    return False


def _finaliser_callbacks() -> set:
    """The code of the callbacks that run finalisers as objects die, and of
    their constructors."""
    import weakref
    from multiprocessing import util

    return {
        util.Finalize.__call__.__code__, util.Finalize.__init__.__code__,
        weakref.finalize.__call__.__code__, weakref.finalize.__init__.__code__,
    }
