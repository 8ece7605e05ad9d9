"""What ``search query`` does once its arguments are read, without Click:
run the query on the index and print the hits (text, JSON or CSV), the
notes and hints, or say that nothing matched (exit status 1).  The Click
command (``commands.query``) reads its options into ``QueryOptions`` and
calls ``run_query``; so does the launcher's fast lane for a plain
``search query WORDS...`` (``searcher.cli.main``), with the defaults."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from searcher.cli.defaults import QueryOptions


def plain_echo(message: str = "", nl: bool = True, err: bool = False, color: bool | None = None) -> None:
    """``click.echo`` for text that holds colour codes only when they are
    wanted: written as it is, then flushed."""
    stream = sys.stderr if err else sys.stdout
    stream.write(message + "\n" if nl else message)
    stream.flush()


def run_query(
    text: str, index_dir: str | os.PathLike, options: QueryOptions, echo: Callable = plain_echo,
    command_prefix: Callable[[str], str] = lambda command: f"search {command}",
) -> None:
    """Search the index at ``index_dir`` for ``text`` and print what was
    found with ``echo`` (``click.echo``'s arguments); ``command_prefix(command)``
    says how to run another command on the same index, for hints.  Exits
    with status 1 (``SystemExit``) when no paragraph matches."""
    _skip_english_variations()
    from searcher.cli.render import (
        facets_json, facets_text, header, hit_json, hit_text, hits_csv, quote, snippet_chars, suggestion_text,
        terminal_width, use_color,
    )
    from searcher.index import Index

    limit, page = (sys.maxsize, 1) if options.every_hit else (options.limit, options.page)
    machine = options.output_format != "text"
    width = terminal_width()
    with Index(index_dir) as ix:
        results = ix.search(
            text,
            limit=limit,
            page=page,
            per_article=options.per_article,
            snippet_chars=None if machine else snippet_chars(width),
            count=not machine,  # for the header line
            since=options.since,
            until=options.until,
            sites=options.sites,
            sort=options.sort,
            facets=options.facets,
        )
    hits = results.hits
    for note in results.notes:
        echo(f"search: note: {note}", err=True)
    hint = suggestion_text(results.suggestion, command_prefix("query")) if results.suggestion else None
    if options.output_format == "csv":
        if hits:
            echo(hits_csv(hits), nl=False)
        if hint:
            echo(f"search: {hint}", err=True)
    elif options.output_format == "json":
        for hit in hits:
            echo(hit_json(hit))
        if results.facets is not None:
            echo(facets_json(results.facets))
        if hint:
            echo(f"search: {hint}", err=True)
    elif hits:
        colored = use_color(options.color, sys.stdout.isatty())
        show = command_prefix("show")
        lines = [header(results, (page - 1) * limit + 1)] + ([hint] if hint else [])
        echo("\n".join(lines) + "\n", color=colored)
        echo("\n\n".join(hit_text(hit, colored, width, show) for hit in hits), color=colored)
        if results.facets is not None:
            echo("\n" + facets_text(results.facets, colored, width), color=colored)
    if not hits:
        shown = text if len(text) <= 60 else text[:57] + "..."
        beyond = f" on page {page}" if page > 1 else ""
        narrowed = [f"--{name} {value}" for name, value in (("since", options.since), ("until", options.until)) if value]
        narrowed += [f"--site {quote(site)}" for site in options.sites]
        if narrowed:
            beyond += " with " + " ".join(narrowed)
        echo(f"search: no paragraph matches {shown!r}{beyond}", err=True)
        if hint and not machine:
            echo(f"search: {hint}", err=True)
        sys.exit(1)


def _skip_english_variations() -> None:
    """Keep ``whoosh.query`` from importing its English word-variation module,
    which compiles dozens of regular expressions on import (a tenth of a cold
    query) for a query type (Variations) this program never builds.  Done in
    the CLI only, so a program that uses the library alongside Whoosh keeps
    the real module."""
    import types

    if "whoosh.lang.morph_en" not in sys.modules:
        stub = types.ModuleType("whoosh.lang.morph_en")

        def variations(word):
            raise NotImplementedError("English variations are not available in 'search'")

        stub.variations = variations
        sys.modules["whoosh.lang.morph_en"] = stub
