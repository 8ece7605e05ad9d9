#!/usr/bin/env python3
"""What durable commits cost: ``search index`` with its files synced in
commit order (the default) against the same run with SEARCH_FSYNC=0, in
one run, on a 20,000-article build and on updates that add one article.

It builds the corpus with ../shared/bench/make_corpus.py (or takes
--corpus DIR), then:
- a whole build, synced and not, alternating which goes first;
- ROUNDS updates of each kind, each adding one new article file to the
  index the build made, alternating.

  python bench/durability.py                 # N = 20,000
  python bench/durability.py 2000 --rounds 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"


def run_index(folder: Path, index_dir: Path, sync: bool) -> float:
    env = {**os.environ, "SEARCH_FSYNC": "1" if sync else "0"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "searcher", "index", str(folder), "--index-dir", str(index_dir),
                    "--no-progress"], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", nargs="?", type=int, default=20000)
    parser.add_argument("--corpus", type=Path, help="a folder of articles already made")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="searcher-durability-"))
    try:
        corpus = args.corpus
        if corpus is None:
            corpus = work / "corpus"
            subprocess.run([sys.executable, str(MAKE_CORPUS), "--articles", str(args.articles), "--out", str(corpus)],
                           check=True)
        builds = {}
        for sync in (True, False) if args.articles % 2 == 0 else (False, True):
            builds[sync] = run_index(corpus, work / f"index-{sync}", sync)
        print(f"build of {corpus}: synced {builds[True]:.1f} s, not synced {builds[False]:.1f} s "
              f"({builds[True] / builds[False]:.2f}x)")

        updates: dict[bool, list[float]] = {True: [], False: []}
        extra = corpus / "zz_durability_bench.txt"
        try:
            for round_ in range(args.rounds):
                for sync in (True, False) if round_ % 2 == 0 else (False, True):
                    extra.write_text(f"Artikel baru {round_}\n\nBanjir ke-{round_} melanda kota pagi ini.\n",
                                     encoding="utf-8")
                    updates[sync].append(run_index(corpus, work / f"index-{sync}", sync))
        finally:
            extra.unlink(missing_ok=True)
        synced, unsynced = statistics.median(updates[True]), statistics.median(updates[False])
        print(f"update adding one article, median of {args.rounds}: synced {1000 * synced:.0f} ms, "
              f"not synced {1000 * unsynced:.0f} ms ({synced / unsynced:.2f}x)")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
