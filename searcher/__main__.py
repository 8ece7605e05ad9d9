from searcher.cli import command

command()
