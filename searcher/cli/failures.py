"""What the command line says when something goes wrong: one line, not a
traceback (``--debug`` or SEARCH_DEBUG=1 shows it instead).  Shared by the
Click group (``commands``) and the launcher's fast lane (``searcher.cli``),
so that a plain query fails as any other command does."""

from __future__ import annotations

import errno
import os
import sys

_DISK_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
_NOT_ALLOWED = (errno.EACCES, errno.EPERM, errno.EROFS)  # a folder of another user's, a read-only disk
_WRITING_THE_INDEX = ("index", "check")  # commands that write the index (check: with --repair)


def debugging(flag: bool = False) -> bool:
    """Whether tracebacks are wanted: ``--debug``, or SEARCH_DEBUG set."""
    return flag or bool(os.environ.get("SEARCH_DEBUG"))


def failure_message(err: Exception, command: str | None = None, default_index: bool = False) -> str:
    """The line that says what went wrong (exit status 2) in ``command``
    (``search COMMAND``, when known); ``default_index``: the index looked
    for is the default one, neither --index-dir nor SEARCH_INDEX_DIR given."""
    from searcher.errors import IndexMissing, SearchError

    if isinstance(err, IndexMissing) and default_index:
        return f"{err} (or pass --index-dir)"
    if isinstance(err, SearchError):
        return str(err)
    if isinstance(err, OSError) and err.errno in _DISK_FULL:
        if command is not None and command not in _WRITING_THE_INDEX:
            # search query ... > file: only the output can fill a disk
            return f"cannot write the output ({err.strerror}); free some space and run the command again"
        return (f"cannot write the index ({err.strerror}); free some space and run the command again "
                "(what was indexed before is intact)")
    if isinstance(err, OSError) and err.errno in _NOT_ALLOWED and command in _WRITING_THE_INDEX:
        # (A source file that cannot be read is a warning, and the run goes on.)
        where = f"{err.filename}: " if err.filename else ""
        return f"cannot write the index ({where}{err.strerror}); what was indexed before is intact"
    if isinstance(err, OSError):
        return f"{err.filename or ''}: {err.strerror or err}".lstrip(": ")
    return f"{err.__class__.__name__}: {err} (run with --debug for details)"


def stop_quietly_for_a_closed_pipe():
    """The reader went away (search ... | head): stop quietly, as grep does,
    and keep Python from complaining when it flushes stdout."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(141)
