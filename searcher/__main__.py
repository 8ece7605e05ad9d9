from searcher.cli import main

main(prog_name="search")
