"""The ``search`` commands: a thin Click layer over the library, launched
by ``searcher.cli`` (see there: exit statuses, errors, and the fast lane
that runs a plain ``search query WORDS...`` without Click)."""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

import click

from searcher import __version__
from searcher.cli.defaults import INDEX_DIR_VARIABLE, QueryOptions, default_index_dir
from searcher.cli.failures import debugging, failure_message, stop_quietly_for_a_closed_pipe
from searcher.cli.querying import run_query

QUERY_DEFAULTS = QueryOptions()


def _index_dir(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    ctx.meta["default index"] = value is None  # (for the message when there is no index)
    return value if value is not None else Path(default_index_dir())


index_dir_option = click.option(
    "--index-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=INDEX_DIR_VARIABLE,
    default=None,
    callback=_index_dir,
    help="Where the index lives (also: SEARCH_INDEX_DIR; by default ./index if there is one, "
    "else ~/.local/share/searcher/index).",
)


def color_option(what: str):
    return click.option(
        "--color",
        type=click.Choice(["auto", "always", "never"]),
        default=QUERY_DEFAULTS.color,
        show_default=True,
        help=f"{what}; auto means on a terminal, unless NO_COLOR is set.",
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
        except BrokenPipeError:
            stop_quietly_for_a_closed_pipe()
        except Exception as err:
            if debugging(ctx.params.get("debug")):
                raise
            raise Failure(failure_message(err, ctx.invoked_subcommand, ctx.meta.get("default index", False))) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, "-V", "--version", prog_name="search")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Full-text search for Indonesian news, paragraph by paragraph.

    \b
      search index                 index the built-in sample articles
      search index ~/berita/       index your own folder (.txt .md .jsonl .html .pdf .docx)
      search query "pakta pertahanan"
      search serve                 search and read in a web browser
    """
    if ctx.invoked_subcommand is None:  # a bare `search`: what it can do, not an error
        click.echo(ctx.get_help())


def _sample_dir() -> Path:
    from importlib.resources import files

    return Path(str(files("searcher") / "samples"))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_dir_option
@click.option("--rebuild", is_flag=True, help="Drop what is indexed and read every file again.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr (default: when stderr is a terminal).",
)
def index(paths: tuple[Path, ...], index_dir: Path, rebuild: bool, progress: bool | None) -> None:
    """Index article files and folders (walked recursively).

    Files: .txt and .md (title on the first line, then paragraphs),
    .jsonl (one article per line: id or _id, title, text or content, and
    optionally date, url, site, author), .html/.htm (saved news pages: the
    article is extracted from the page), and .pdf/.docx (reports, press
    releases).
    Running it again re-reads only new and changed files.  With no PATHS it
    refreshes everything indexed so far, or, on a new index, indexes the
    built-in sample articles.

    \b
    Examples:
      search index                          the built-in samples (new index)
      search index ~/berita/                a folder, walked recursively
      search index dump.jsonl --index-dir /data/berita-index
      search index                          refresh all that is indexed
      search index ~/berita/ --rebuild      start again from scratch
    """
    from searcher.errors import IndexDamaged, Interrupted
    from searcher.index import Index
    from searcher.cli.interrupts import ctrl_c_never_lost
    from searcher.cli.progress import ProgressBar
    from searcher.cli.render import plural

    ix = Index(index_dir)
    using_samples = False
    for path in paths:
        if not path.exists():
            raise Failure(f"{path}: no such file or folder")
    roots = list(paths)
    if not roots:
        try:
            roots = ix.roots()
        except IndexDamaged as error:
            if not rebuild:
                raise
            raise Failure(f"{error}, naming the folders it held: search index --rebuild PATH...") from None
        if not roots:
            roots, using_samples = [_sample_dir()], True
    bar = ProgressBar(sys.stderr) if (sys.stderr.isatty() if progress is None else progress) else None

    def warn_over_bar(message: str) -> None:
        if bar:
            bar.close()
        warn(message)

    started = time.monotonic()
    try:
        with ctrl_c_never_lost():
            report = ix.update(roots, rebuild=rebuild, warn=warn_over_bar, on_progress=bar)
    except Interrupted as stop:
        if bar:
            bar.close()
        if rebuild:
            message = "the index is as it was before the rebuild. Run 'search index --rebuild' again to rebuild it."
        else:
            saved = stop.report.saved_files
            message = (
                f"{plural(saved, 'file')} {'was' if saved == 1 else 'were'} saved to the index, "
                "the batch in progress was not. Run 'search index' again to finish."
            )
        click.echo(f"search: interrupted; {message}", err=True)
        sys.exit(130)
    finally:
        if bar:
            bar.close()
    click.echo(
        f"{report.new:,} new, {report.changed:,} changed, {report.removed:,} removed, "
        f"{report.unchanged:,} unchanged articles; {plural(report.paragraphs, 'paragraph')} indexed; "
        f"{plural(report.skipped, 'file')} skipped; {time.monotonic() - started:.1f} s"
    )
    if report.files == 0 and report.removed == 0:
        where = ", ".join(map(str, roots))
        click.echo(f"search: nothing indexable in {where}: no file in a format searcher reads "
                   "(see 'search index --help')", err=True)
        sys.exit(1)
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

    from searcher.index import Index

    figures = Index(index_dir).stats()
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
        f"dates:          {_dates_line(figures['dates'])}\n"
        f"sites:          {_sites_line(figures['sites'])}\n"
        + ("words:          cut by an older version of searcher; 'search index --rebuild' cuts them as this one does\n"
           if figures["older_analysis"] else "")
        + "indexed:        " + ("\n                ".join(figures["roots"]) or "-")
    )


def _dates_line(dates: dict | None) -> str:
    if dates is None:
        return "- (this index was made before dates and sites were kept; 'search index --rebuild' reads them)"
    undated = f"{dates['undated']:,} article{'' if dates['undated'] == 1 else 's'} without a date"
    if dates["first"] is None:
        return undated
    return f"{dates['first']} to {dates['last']}" + (f"; {undated}" if dates["undated"] else "")


def _sites_line(sites: dict | None, shown: int = 8) -> str:
    if not sites:
        return "-"
    listed = ", ".join(f"{site} ({count:,})" for site, count in list(sites.items())[:shown])
    return listed + (f", and {len(sites) - shown:,} more (search stats --json)" if len(sites) > shown else "")


def _command_prefix(ctx: click.Context, command: str) -> str:
    """How to run ``command`` on the index this command used, for hints."""
    prefix = f"search {command}"
    if ctx.get_parameter_source("index_dir") is click.core.ParameterSource.COMMANDLINE:
        from searcher.cli.render import quote

        prefix += f" --index-dir {quote(str(ctx.params['index_dir']))}"
    return prefix


class _QueryCommand(click.Command):
    """``search query putin -korea``: after the first query word, an
    argument that starts with "-" and is none of the command's options (nor
    a short one with its number attached, ``-n5``) is a query word (an
    exclusion), not an unknown option.  One that starts with "--" is no
    query word: a mistyped option (``--jsonn``), named as one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options = [param for param in self.get_params(ctx) if isinstance(param, click.Option)]
        names = {name for option in options for name in option.opts + option.secondary_opts}
        taking_values = {name for option in options if not option.is_flag for name in option.opts}
        given, words = [], []
        at = 0
        while at < len(args):
            arg = args[at]
            if arg == "--":
                words += args[at + 1 :]
                break
            name, attached, _ = arg.partition("=")
            if arg[:2] in taking_values and arg[2:].isdigit():  # a number attached: -n5
                name, attached = arg[:2], arg[2:]
            if arg.startswith("--") and name not in names:
                raise click.NoSuchOption(name, possibilities=names, ctx=ctx)
            if arg.startswith("-") and len(arg) > 1 and (not words or name in names):
                given.append(arg)
                if name in taking_values and not attached:
                    if at + 1 == len(args):  # (else the "--" put before the words would be its value)
                        raise click.BadOptionUsage(name, f"Option '{name}' requires an argument.", ctx=ctx)
                    at += 1
                    given.append(args[at])
            else:
                words.append(arg)
            at += 1
        return super().parse_args(ctx, given + ["--", *words] if words else given)


@main.command(cls=_QueryCommand)
@click.argument("words", nargs=-1, required=True)
@index_dir_option
@click.option("-n", "--limit", type=click.IntRange(min=1), default=QUERY_DEFAULTS.limit, show_default=True,
              help="Hits per page.")
@click.option("--page", type=click.IntRange(min=1), default=QUERY_DEFAULTS.page, show_default=True,
              help="Which page of hits.")
@click.option(
    "--per-article",
    type=click.IntRange(min=1),
    default=None,
    help="At most this many hits from one article (hits stay in score order).",
)
@click.option("--since", metavar="DATE", help="Only articles published on or after DATE (2024, 2024-06, 2024-06-18).")
@click.option("--until", metavar="DATE", help="Only articles published on or before DATE (inclusive).")
@click.option("--site", "sites", metavar="NAME", multiple=True, help="Only articles from this site (repeat for several).")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date"]),
    default=QUERY_DEFAULTS.sort,
    show_default=True,
    help="date: newest first (then by score); articles without a date last.",
)
@click.option("--facets", is_flag=True, help="Also count the matching paragraphs by month and by site.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit, in rank order (--format json).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "csv"]),
    default=QUERY_DEFAULTS.output_format,
    show_default=True,
    help="csv: one row per hit, with a header, for spreadsheets.",
)
@click.option("--all", "every_hit", is_flag=True, help="Every matching paragraph, in rank order (no -n or --page).")
@color_option("Colour matched words")
@click.pass_context
def query(
    ctx: click.Context,
    words: tuple[str, ...],
    index_dir: Path,
    limit: int,
    page: int,
    per_article: int | None,
    since: str | None,
    until: str | None,
    sites: tuple[str, ...],
    sort: str,
    facets: bool,
    as_json: bool,
    output_format: str,
    every_hit: bool,
    color: str,
) -> None:
    """Find the paragraphs that best match a query.

    Copies of a paragraph in other articles (syndicated news) are shown
    once, with the articles they are also in.

    \b
    Query syntax:
      pakta pertahanan            paragraphs with all the words first, then some
      siapa presiden Rusia?       questions work as they are
      "kerja sama"                an exact phrase
      rusia AND (korea OR cina)   boolean operators, in capitals
      putin NOT korea             or: putin -korea, putin -"korea utara"
      title:putin                 in the article title; also title:(putin OR kim)
      tandatangan*                words starting with a prefix

    \b
    Examples:
      search query pakta pertahanan
      search query "siapa yang menandatangani perjanjian?" --per-article 1
      search query putin -n 5 --page 2
      search query banjir --since 2024-06 --until 2024-06 --sort date
      search query banjir --site Kompas --site "Tempo.co" --facets
      search query --json "kerja sama" | jq .title
      search query banjir --all --format csv > banjir.csv
    """
    text = " ".join(words)
    if not text.strip():
        raise click.UsageError("the query is empty: search query WORDS... (see 'search query --help')")
    options = QueryOptions(
        limit, page, per_article, since, until, sites, sort, facets, "json" if as_json else output_format,
        every_hit, color,
    )
    run_query(text, index_dir, options, click.echo, partial(_command_prefix, ctx))


@main.command()
@click.argument("article")
@index_dir_option
@click.option("-p", "--paragraph", type=click.IntRange(min=1), default=None, help="Show this paragraph and its neighbours.")
@click.option("-C", "--context", type=click.IntRange(min=0), default=1, show_default=True, help="Neighbours on each side.")
@click.option("--json", "as_json", is_flag=True, help="Print the article as one JSON object.")
@color_option("Bold titles and the chosen paragraph")
def show(article: str, index_dir: Path, paragraph: int | None, context: int, as_json: bool, color: str) -> None:
    """Read an indexed article: ARTICLE, or ARTICLE:PARAGRAPH for one
    paragraph with its neighbours.  Each query hit says what to type.

    \b
    Examples:
      search show 000_8e71dce4d88c4be3
      search show 000_8e71dce4d88c4be3:4
      search show 000_8e71dce4d88c4be3 --paragraph 4 --context 2
      search show 000_8e71dce4d88c4be3 --json
    """
    from searcher.index import Index
    from searcher.cli.render import article_json, article_text, terminal_width, use_color

    articles, focus = Index(index_dir).articles(article)
    focus = paragraph or focus
    numbers = {n for stored in articles for n, _ in stored.paragraphs}
    if focus is not None and focus not in numbers:
        raise Failure(f"article {articles[0].article!r} has paragraphs 1-{max(numbers)}, not {focus}")
    if as_json:
        for stored in articles:
            click.echo(article_json(stored, focus, context))
        return
    on_terminal = sys.stdout.isatty()
    colored = use_color(color, on_terminal)
    width = terminal_width() if on_terminal else None  # piped: one line per paragraph
    text = "\n\n".join(article_text(stored, colored, focus, context, width) for stored in articles)
    click.echo(text, color=colored)


@main.command()
@index_dir_option
@click.option("--repair", is_flag=True, help="Drop what is damaged, so that the next 'search index' reads those files again.")
def check(index_dir: Path, repair: bool) -> None:
    """Read every file of the index as a query would, and check that each
    indexed file has its paragraphs and each paragraph its file.  Exit
    status 0 when nothing is wrong, 2 when something is (it says what);
    with --repair, 1 when what was wrong has been dropped from the index.

    \b
    Examples:
      search check
      search check --repair && search index
      search check --index-dir /data/berita-index
    """
    from searcher.cli.render import plural
    from searcher.index import Index

    ix = Index(index_dir)
    findings = ix.check()
    for finding in findings:
        mark = "ok" if finding.ok else "DAMAGED"
        click.echo(f"{mark:8} {finding.what}: {finding.detail}", err=not finding.ok)
    damaged = [finding for finding in findings if not finding.ok]
    if not damaged:
        click.echo(f"{index_dir}: no damage found")
        return
    problems = f"{len(damaged)} problem{'s' if len(damaged) > 1 else ''} found"
    repairable = any(finding.kind for finding in damaged)  # (a damaged TOC is not: --rebuild)
    if not repair or not repairable:
        way_out = "'search check --repair', or " if repairable else ""
        click.echo(f"search: {problems}; {way_out}'search index --rebuild' makes the index again from the source files",
                   err=True)
        sys.exit(2)
    done, again = ix.repair(findings)
    for line in done:
        click.echo(f"repaired {line}")
    shown = ", ".join(again[:10]) + (f", and {len(again) - 10:,} more" if len(again) > 10 else "")
    click.echo(f"search: {problems} and repaired; 'search index' reads again {plural(len(again), 'file')}"
               + (f": {shown}" if again else ""))
    sys.exit(1)


@main.command()
@index_dir_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; only this machine by default.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port to listen on; 0: any free one.")
def serve(index_dir: Path, host: str, port: int) -> None:
    """Search and read the index in a web browser, or from programs over
    HTTP (JSON API under /api; see the README).

    The server only reads the index; it picks up what a 'search index'
    run adds while it is serving.  Ctrl-C stops it.

    \b
    Examples:
      search serve                          http://127.0.0.1:8080/
      search serve --port 9000 --index-dir /data/berita-index
      search serve --host 0.0.0.0           reachable from other machines
    """
    from searcher.index import Index
    from searcher.web.server import is_loopback, serve as run_server

    if not is_loopback(host):
        warn(f"listening on {host}: anyone who can reach this machine on port {port} can read the whole index")

    def listening(url: str) -> None:
        click.echo(f"Serving {index_dir.resolve()} at {url}  (Ctrl-C to stop)")

    run_server(Index(index_dir), host, port, listening)
