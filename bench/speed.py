#!/usr/bin/env python3
"""Indexing and query speed against out-of-the-box Whoosh, measured in one run.

For each N it builds a corpus with ../shared/bench/make_corpus.py, then times:
- `search index` (a whole process) against a baseline process that indexes
  the same paragraphs with Whoosh's defaults (StandardAnalyzer, one writer,
  one commit), with the same Python and Whoosh;
- cold queries: a whole `search query` process (top 10 with snippets)
  against a baseline process (open_dir, QueryParser, top 10, highlights);
- warm in-process query latency p50/p95 (top 10 with snippets): one
  ParagraphSearcher runs the queries twice and the second round is timed;
  like any searcher that serves many queries, it works plain words out
  with NumPy from its second search on (cold queries never import it);
- peak memory (max RSS) of each process and index size on disk;
- re-running `search index` on the unchanged folder.
Ratios are ours / baseline, from the same run.

  python bench/speed.py                 # N = 2000
  python bench/speed.py 2000 20000 --queries 50
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

BASELINE_INDEX = r"""
import sys
from pathlib import Path
from whoosh.fields import ID, TEXT, Schema
from whoosh.index import create_in
from searcher.sources.articles import find_files, read_articles
schema = Schema(title=TEXT(stored=True), body=TEXT(stored=True), source=ID(stored=True))
Path(sys.argv[2]).mkdir()
writer = create_in(sys.argv[2], schema).writer()
for source in find_files(Path(sys.argv[1]), print):
    for article in read_articles(source.path, source.article_id, print):
        for paragraph in article.paragraphs:
            writer.add_document(title=article.title, body=paragraph, source=str(source.path))
writer.commit()
"""

BASELINE_QUERY = r"""
import sys
from whoosh.index import open_dir
from whoosh.qparser import QueryParser
index = open_dir(sys.argv[1])
with index.searcher() as searcher:
    query = QueryParser("body", index.schema).parse(sys.argv[2])
    for hit in searcher.search(query, limit=10):
        print(hit["title"], hit.highlights("body"))
"""


def timed(command: list[str], env=None) -> tuple[float, float]:
    """Run a process; return (seconds, peak RSS in MB)."""
    # Both sides run with cached bytecode, as installed code does: with
    # PYTHONDONTWRITEBYTECODE set, the checkout's modules would be compiled
    # again by every cold query while Whoosh's come precompiled.
    env = {k: v for k, v in (env or os.environ).items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(command)}")
    return seconds, usage.ru_maxrss / 1024


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir()) / 1e6


def measure(n: int, nqueries: int, work: Path) -> None:
    corpus, queries_file = work / f"corpus{n}", work / f"queries{n}.txt"
    subprocess.run([sys.executable, str(MAKE_CORPUS), "--articles", str(n), "--out", str(corpus),
                    "--queries", str(queries_file), "--nqueries", str(nqueries)], check=True)
    queries = queries_file.read_text(encoding="utf-8").split("\n")[:nqueries]
    ours_dir, base_dir = work / f"ours{n}", work / f"base{n}"
    env = {**os.environ, "SEARCH_INDEX_DIR": str(ours_dir), "NO_COLOR": "1"}

    ours_index = timed([*SEARCH, "index", str(corpus)], env)
    base_index = timed([sys.executable, "-c", BASELINE_INDEX, str(corpus), str(base_dir)])
    reindex = timed([*SEARCH, "index", str(corpus)], env)

    # Alternated query by query, so that a machine slowing down or speeding
    # up in the meantime weighs on both sides alike.
    ours_cold, base_cold = [], []
    for q in queries:
        ours_cold.append(timed([*SEARCH, "query", q], env))
        base_cold.append(timed([sys.executable, "-c", BASELINE_QUERY, str(base_dir), q]))

    sys.path.insert(0, str(ROOT))
    from searcher.query.search import ParagraphSearcher

    warm = []
    with ParagraphSearcher(ours_dir) as searcher:
        for q in queries * 2:
            started = time.perf_counter()
            searcher.search(q, limit=10)
            warm.append(time.perf_counter() - started)
    warm = sorted(warm[len(queries):])  # the second round: caches warm

    def median(pairs, i):
        return statistics.median(p[i] for p in pairs)

    print(f"\nN = {n} articles")
    print(f"  index build   ours {ours_index[0]:7.1f} s  baseline {base_index[0]:7.1f} s  ratio {ours_index[0] / base_index[0]:.2f}")
    print(f"  index memory  ours {ours_index[1]:7.0f} MB baseline {base_index[1]:7.0f} MB")
    print(f"  index size    ours {size_mb(ours_dir):7.1f} MB baseline {size_mb(base_dir):7.1f} MB")
    print(f"  re-index unchanged folder: {reindex[0]:.2f} s")
    print(f"  cold query p50 ours {1000 * median(ours_cold, 0):6.0f} ms baseline {1000 * median(base_cold, 0):6.0f} ms"
          f"  ratio {median(ours_cold, 0) / median(base_cold, 0):.2f}")
    print(f"  cold query peak memory ours {max(p[1] for p in ours_cold):.0f} MB baseline {max(p[1] for p in base_cold):.0f} MB")
    print(f"  warm query p50 {1000 * warm[len(warm) // 2]:.1f} ms  p95 {1000 * warm[int(len(warm) * 0.95)]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[2000])
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="searcher-speed-"))
    try:
        for n in args.sizes:
            measure(n, args.queries, work)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
