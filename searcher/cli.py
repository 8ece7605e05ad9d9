"""The ``search`` command line: a thin Click layer over the library.

Exit status, like grep: 0 when something was found (or indexed), 1 when a
query found nothing, 2 on error.  Errors are one line on stderr; ``--debug``
(or SEARCH_DEBUG=1) shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from searcher import __version__

DEFAULT_INDEX_DIR = "index"

index_dir_option = click.option(
    "--index-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SEARCH_INDEX_DIR",
    default=DEFAULT_INDEX_DIR,
    show_default=True,
    help="Where the index lives (also: SEARCH_INDEX_DIR).",
)


class Failure(click.ClickException):
    """An error for the user: one line, exit status 2."""

    exit_code = 2

    def show(self, file=None):
        click.echo(f"search: error: {self.format_message()}", err=True)


def warn(message: str) -> None:
    click.echo(f"search: warning: {message}", err=True)


class _Group(click.Group):
    """Turns any unexpected exception into one line instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as err:
            if ctx.params.get("debug") or os.environ.get("SEARCH_DEBUG"):
                raise
            from searcher.store import SearchIndexError

            if isinstance(err, SearchIndexError):
                raise Failure(str(err)) from None
            if isinstance(err, OSError):
                raise Failure(f"{err.filename or ''}: {err.strerror or err}".lstrip(": ")) from None
            raise Failure(f"{err.__class__.__name__}: {err} (run with --debug for details)") from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="search")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def main(debug: bool) -> None:
    """Full-text search for Indonesian news, paragraph by paragraph.

    \b
      search index                 index the built-in sample articles
      search index ~/berita/       index your own folder (.txt, .md, .jsonl)
      search query "pakta pertahanan"
    """


def _sample_dir() -> Path:
    from importlib.resources import files

    return Path(str(files("searcher") / "samples"))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_dir_option
@click.option("--rebuild", is_flag=True, help="Drop what is indexed and read every file again.")
def index(paths: tuple[Path, ...], index_dir: Path, rebuild: bool) -> None:
    """Index article files and folders (walked recursively).

    Files: .txt and .md (title on the first line, then paragraphs), and
    .jsonl (one article per line: id or _id, title, text or content).
    Running it again re-reads only new and changed files.  With no PATHS it
    refreshes everything indexed so far, or, on a new index, indexes the
    built-in sample articles.

    \b
    Examples:
      search index ~/berita/
      search index dump.jsonl --index-dir /data/berita-index
    """
    from searcher.store import Interrupted, index_exists, indexed_roots, update_index

    using_samples = False
    for path in paths:
        if not path.exists():
            raise Failure(f"{path}: no such file or folder")
    roots = list(paths)
    if not roots:
        roots = indexed_roots(index_dir) if index_exists(index_dir) else []
        if not roots:
            roots, using_samples = [_sample_dir()], True
    started = time.monotonic()
    try:
        report = update_index(index_dir, roots, warn, rebuild=rebuild)
    except Interrupted as stop:
        click.echo(
            f"search: interrupted; {stop.report.saved_files} files were saved to the index, "
            "the batch in progress was not. Run 'search index' again to finish.",
            err=True,
        )
        sys.exit(130)
    seconds = time.monotonic() - started
    click.echo(
        f"{report.new} new, {report.changed} changed, {report.removed} removed, "
        f"{report.unchanged} unchanged files; {report.paragraphs} paragraphs from "
        f"{report.articles} articles indexed; {report.skipped} skipped ({seconds:.1f} s)"
    )
    if using_samples:
        click.echo(
            f"Indexed the built-in sample articles into {index_dir}. "
            "To index your own: search index PATH/TO/ARTICLES/"
        )


@main.command()
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def stats(index_dir: Path, as_json: bool) -> None:
    """Show what the index holds.

    \b
    Examples:
      search stats
      search stats --json --index-dir /data/berita-index
    """
    import json

    from searcher.store import index_stats

    figures = index_stats(index_dir)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False))
        return
    click.echo(
        f"index:          {figures['index']}\n"
        f"articles:       {figures['articles']}\n"
        f"paragraphs:     {figures['paragraphs']}\n"
        f"distinct terms: {figures['distinct_terms']}\n"
        f"files:          {figures['files']}\n"
        f"size:           {figures['size_bytes'] / 1e6:.1f} MB\n"
        f"last update:    {figures['last_update']}\n"
        "indexed:        " + ("\n                ".join(figures["roots"]) or "-")
    )


@main.command()
@click.argument("words", nargs=-1, required=True)
@index_dir_option
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many hits.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit, in rank order.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour matched words; auto means on a terminal, unless NO_COLOR is set.",
)
def query(words: tuple[str, ...], index_dir: Path, limit: int, as_json: bool, color: str) -> None:
    """Find the paragraphs that best match a query.

    \b
    Query syntax:
      pakta pertahanan            paragraphs with all the words first, then some
      siapa presiden Rusia?       questions work as they are
      "kerja sama"                an exact phrase
      rusia AND (korea OR cina)   boolean operators, in capitals
      putin NOT korea             or: putin -korea
      title:putin                 words in the article title
      tandatangan*                words starting with a prefix
    """
    from searcher.render import hit_json, hit_text, use_color
    from searcher.search import search

    text = " ".join(words)
    hits = search(index_dir, text, limit=limit)
    if as_json:
        for hit in hits:
            click.echo(hit_json(hit))
    elif hits:
        colored = use_color(color, sys.stdout.isatty())
        click.echo("\n\n".join(hit_text(hit, colored) for hit in hits), color=colored)
    if not hits:
        shown = text if len(text) <= 60 else text[:57] + "..."
        click.echo(f"search: no paragraph matches {shown!r}", err=True)
        sys.exit(1)
