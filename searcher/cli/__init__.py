"""The ``search`` command line (``commands``)."""

from searcher.cli.commands import main

__all__ = ["main"]
