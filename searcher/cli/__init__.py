"""The ``search`` command line: Click commands (``commands``), reached
through a launcher with a fast lane for the command typed most.

Exit status, like grep: 0 when something was found (or indexed), 1 when a
query found nothing, 2 on error.  Errors are one line on stderr; ``--debug``
(or SEARCH_DEBUG=1) shows the traceback instead.

``search query WORDS...`` with nothing else (no option, no word starting
with "-", no index folder that Click would refuse, output streams that
Click would take as they are: UTF-8, not on Windows) is run without
importing Click: Click and the commands it builds take some 25 ms to
import, a quarter of a one-shot query at 20,000 articles (98 ms through
Click, 71 ms without).  The lane reads nothing Click would read
differently: it runs ``querying.run_query``, which the Click command
calls too, with the command's defaults (``defaults.QueryOptions``), and
fails as the Click group does (``failures``).  Anything else goes through
Click.
"""

from __future__ import annotations

import os
import sys


def command() -> None:
    """The ``search`` console script, and ``python -m searcher``: ``main``
    on this process's arguments, ending the process as a plain query ends."""
    main(end_process=True)


def main(args: list[str] | None = None, prog_name: str = "search", end_process: bool = False) -> None:
    """Run the ``search`` command with ``args`` (by default the process's).
    With ``end_process``, a plain query's process ends as soon as its
    output is written, without Python's clean-up: freeing its modules and
    objects one by one took 5 ms of a 55 ms query, and the system frees
    them at once.  Nothing of a query needs it: it writes no file, and its
    output is flushed first."""
    if sys.stdout is None:  # started with its output closed: search ... >&-
        if sys.stderr is not None:
            sys.stderr.write(f"{prog_name}: error: cannot write the output: standard output is closed\n")
        sys.exit(2)
    argv = sys.argv[1:] if args is None else list(args)
    plain = _plain_query(argv)
    if plain is None:
        from searcher.cli.commands import main as commands

        commands.main(args=args, prog_name=prog_name)  # (exits)
        return
    # A one-shot query makes next to no cyclic garbage, and the collector's
    # walks over what its imports make cost it some 1.5 ms.
    import gc

    gc.disable()
    try:
        _run_plain_query(*plain)
    except SystemExit as done:
        if end_process and isinstance(done.code, int):
            _end_process(done.code)
        raise
    finally:
        gc.enable()


def _end_process(status: int) -> None:
    # Nothing is left to write: plain_echo flushes each line, and a reader
    # that went away was dealt with as a line was written.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _plain_query(argv: list[str]) -> tuple[str, str, bool] | None:
    """The query of ``search query WORDS...`` with nothing else, the index
    it is for, and whether that is the default one; or None."""
    if len(argv) < 2 or argv[0] != "query" or any(arg.startswith("-") for arg in argv[1:]):
        return None
    # Click re-opens an ASCII stream as UTF-8, and turns colour codes into
    # a Windows console's calls: there, its echo is not a plain write.
    if os.name == "nt" or not all(_writes_utf8(stream) for stream in (sys.stdout, sys.stderr)):
        return None
    text = " ".join(argv[1:])
    if not text.strip():
        return None  # Click says what is wrong
    from searcher.cli.defaults import INDEX_DIR_VARIABLE, default_index_dir

    given = os.environ.get(INDEX_DIR_VARIABLE)  # (as Click reads it: empty is unset)
    if given and os.path.exists(given) and not os.path.isdir(given):
        return None  # Click says what is wrong
    return text, given or default_index_dir(), not given


def _writes_utf8(stream) -> bool:
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        return False


def _run_plain_query(text: str, index_dir: str, default_index: bool) -> None:
    """``search query`` with its defaults, as its Click command runs it."""
    from searcher.cli.defaults import QueryOptions
    from searcher.cli.querying import plain_echo, run_query

    try:
        run_query(text, index_dir, QueryOptions())
    except KeyboardInterrupt:
        plain_echo(err=True)  # as Click does: a blank line closes the terminal's ^C
        plain_echo("Aborted!", err=True)
        sys.exit(1)
    except BrokenPipeError:
        from searcher.cli.failures import stop_quietly_for_a_closed_pipe  # (here: most queries end well)

        stop_quietly_for_a_closed_pipe()
    except Exception as err:
        from searcher.cli.failures import debugging, failure_message

        if debugging():
            raise
        plain_echo(f"search: error: {failure_message(err, 'query', default_index)}", err=True)
        sys.exit(2)
    sys.exit(0)
