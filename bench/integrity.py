#!/usr/bin/env python3
"""What checksums cost: the same corpus indexed with them (the default)
and with SEARCH_CHECKSUMS=0 (files without trailers, read unchecked, as an
index made before checksums were kept), measured in one run:

- a whole build, and updates that add one article, alternating which goes first;
- cold `search query` (a process per query: every block it reads is
  checked), alternating query by query;
- a long-lived Index: `open()` (each segment checked whole) and warm
  queries after it (read unchecked);
- the index's size.

  python bench/integrity.py                  # N = 20,000, 100 queries
  python bench/integrity.py 2000 --queries 30
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
SEARCH = [sys.executable, "-m", "searcher"]


def timed(command: list[str], summed: bool) -> float:
    # With cached bytecode, as installed code runs (see bench/speed.py).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(SEARCH_CHECKSUMS="1" if summed else "0", NO_COLOR="1")
    started = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
    if result.returncode not in (0, 1):
        raise SystemExit(f"failed: {' '.join(command)}")
    return time.perf_counter() - started


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", nargs="?", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5, help="one-article updates of each kind")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="searcher-integrity-"))
    try:
        corpus, queries_file = work / "corpus", work / "queries.txt"
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--articles", str(args.articles), "--out", str(corpus),
                        "--queries", str(queries_file), "--nqueries", str(args.queries)], check=True)
        queries = [q for q in queries_file.read_text(encoding="utf-8").split("\n") if q.strip()][: args.queries]
        index = {True: work / "summed", False: work / "unsummed"}

        def search(summed: bool, *words: str) -> list[str]:
            return [*SEARCH, *words, "--index-dir", str(index[summed])]

        builds = {}
        for summed in (True, False) if args.articles % 2 == 0 else (False, True):
            builds[summed] = timed(search(summed, "index", str(corpus), "--no-progress"), summed)
        updates: dict[bool, list[float]] = {True: [], False: []}
        sample = next(corpus.glob("*.txt")).read_text(encoding="utf-8")
        for round_ in range(args.rounds):
            extra = work / f"extra{round_}"
            extra.mkdir()
            (extra / f"new{round_}.txt").write_text(sample.replace("\n", f" {round_}\n", 1), encoding="utf-8")
            for summed in (True, False) if round_ % 2 == 0 else (False, True):
                updates[summed].append(timed(search(summed, "index", str(extra), "--no-progress"), summed))

        cold: dict[bool, list[float]] = {True: [], False: []}
        for i, q in enumerate(queries):
            for summed in (True, False) if i % 2 == 0 else (False, True):
                cold[summed].append(timed(search(summed, "query", q), summed))

        sys.path.insert(0, str(ROOT))
        import searcher

        opened, open_index = {}, {}
        for summed in (True, False):
            started = time.perf_counter()
            open_index[summed] = searcher.Index(index[summed]).open()
            opened[summed] = time.perf_counter() - started
        for ix in open_index.values():  # a first round: NumPy and caches
            for q in queries:
                ix.search(q)
        warm: dict[bool, list[float]] = {True: [], False: []}
        for round_ in range(3):  # alternating, query by query
            for q in queries:
                for summed in (True, False) if round_ % 2 == 0 else (False, True):
                    started = time.perf_counter()
                    open_index[summed].search(q)
                    warm[summed].append(time.perf_counter() - started)
        for summed, ix in open_index.items():
            ix.close()
            warm[summed].sort()

        def ratio(a: float, b: float) -> str:
            return f"{a / b:.2f}x" if b else "-"

        print(f"\nN = {args.articles:,} articles; with checksums vs without (SEARCH_CHECKSUMS=0), same run")
        print(f"  build                  {builds[True]:8.1f} s   {builds[False]:8.1f} s   {ratio(builds[True], builds[False])}")
        u1, u0 = statistics.median(updates[True]), statistics.median(updates[False])
        print(f"  one-article update p50 {1000 * u1:8.0f} ms  {1000 * u0:8.0f} ms  {ratio(u1, u0)}")
        c1, c0 = statistics.median(cold[True]), statistics.median(cold[False])
        print(f"  cold query p50         {1000 * c1:8.1f} ms  {1000 * c0:8.1f} ms  {ratio(c1, c0)}")
        print(f"  Index.open()           {1000 * opened[True]:8.1f} ms  {1000 * opened[False]:8.1f} ms  (whole segments checked)")
        for name, at in (("p50", 0.5), ("p95", 0.95)):
            w1, w0 = warm[True][int(len(warm[True]) * at)], warm[False][int(len(warm[False]) * at)]
            print(f"  warm query {name}         {1000 * w1:8.2f} ms  {1000 * w0:8.2f} ms  {ratio(w1, w0)}")
        print(f"  index size             {size_mb(index[True]):8.1f} MB  {size_mb(index[False]):8.1f} MB  "
              f"{ratio(size_mb(index[True]), size_mb(index[False]))}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
