#!/usr/bin/env python3
"""Indexing and query speed against out-of-the-box Whoosh and SQLite FTS5,
measured in one run.

For each N it builds a corpus with ../shared/bench/make_corpus.py, then times:
- `search index` (a whole process) against a baseline process that indexes
  the same paragraphs with Whoosh's defaults (StandardAnalyzer, one writer,
  one commit), with the same Python and Whoosh;
- cold queries: a whole `search query` process (top 10 with snippets)
  against a baseline process (open_dir, QueryParser, top 10, highlights);
- warm in-process query latency p50/p95 (top 10 with snippets): one
  ParagraphSearcher, made ready as a server's is once it has started
  (``prepare``: NumPy imported and the copies' sketch table made before
  the first query, not while the rounds run), runs the queries twice and
  the second round is timed
  (repeated: the copies of its hits are remembered from the first); then
  as many other queries, each timed the first time it is seen
  (first-seen); like any searcher that serves many queries, it works
  plain words out with NumPy from its second search on (cold queries
  never import it);
- peak memory (max RSS) of each process, of our build's whole process
  tree (parent and workers, summed), and index size on disk;
- re-running `search index` on the unchanged folder;
- SQLite FTS5 (Python's own sqlite3, the engine a Python user would pick
  instead): the same paragraphs in one FTS5 table (unicode61, accents
  removed), one transaction; a cold query is a whole process (connect,
  MATCH of the words ORed, ORDER BY bm25, top 10 with snippet()); warm,
  the second round in one connection.
Ratios are ours / baseline, from the same run; build and cold query times
are wall time, with CPU time (user + system) beside.

  python bench/speed.py                 # N = 2000
  python bench/speed.py 2000 20000 --queries 50
  python bench/speed.py 20000 --no-whoosh   # FTS5 only (Whoosh's build is slow)
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
# `search` as the console script pip writes runs it, on this checkout's code
# (PYTHONPATH, in measure): what a user runs, where `python -m searcher`
# adds runpy's imports (the same p50 within noise here, with bytecode
# written: 34.4 and 34.4 ms at 20,000 articles).
SEARCH = [sys.executable, "-c", "import re, sys; from searcher.cli import command; sys.exit(command())"]

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


FTS5_INDEX = r"""
import sqlite3, sys
from pathlib import Path
from searcher.sources.articles import find_files, read_articles
db = sqlite3.connect(sys.argv[2])
db.execute("CREATE VIRTUAL TABLE p USING fts5(title, body, source UNINDEXED, "
           "tokenize='unicode61 remove_diacritics 2')")
with db:
    for source in find_files(Path(sys.argv[1]), print):
        for article in read_articles(source.path, source.article_id, print):
            db.executemany("INSERT INTO p VALUES (?, ?, ?)",
                           [(article.title, paragraph, str(source.path)) for paragraph in article.paragraphs])
db.close()
"""

FTS5_SEARCH = r"""
def fts5_search(db, text):
    words = [w for w in text.replace('"', " ").split() if w]
    match = " OR ".join(f'"{w}"' for w in words)
    return db.execute("SELECT title, source, snippet(p, 1, '**', '**', '…', 24), bm25(p) FROM p "
                      "WHERE p MATCH ? ORDER BY bm25(p) LIMIT 10", (match,)).fetchall()
"""

FTS5_QUERY = FTS5_SEARCH + r"""
import sqlite3, sys
for row in fts5_search(sqlite3.connect(sys.argv[1]), sys.argv[2]):
    print(*row)
"""


# A process's peak memory as wait4 gives it counts this script's own size
# too: a child starts as a copy of its parent (vfork or fork), and Linux
# keeps that copy's peak when it execs.  After the first N's warm rounds
# this script holds some 80 MB, which every later figure showed.  GNU time,
# small, forks the command itself.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def tree_rss_kb(pid: int) -> int:
    """The resident memory of a process and all its descendants, summed
    (Linux; pages a forked worker shares with its parent count twice, so
    this is an upper bound)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, tree = 0, [pid]
    while tree:
        current = tree.pop()
        tree += children.get(current, [])
        try:
            with open(f"/proc/{current}/status") as status:
                total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
        except OSError:
            pass
    return total


class TreePeak:
    """Samples a process tree's summed resident memory (``tree_rss_kb``)
    every 0.1 s in a thread, while the process runs."""

    def __init__(self, pid: int):
        import threading

        self.peak_kb = 0
        self._pid, self._done = pid, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(0.1):
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self._pid))

    def stop(self) -> float:
        """The peak, in MB."""
        self._done.set()
        self._thread.join()
        return self.peak_kb / 1024


def timed(command: list[str], env=None, memory: bool = False) -> tuple[float, float, float, float]:
    """Run a process; return (seconds, peak RSS in MB, CPU seconds, peak
    of the process tree in MB).  The peaks (of the largest process of its
    tree, and of the tree summed: ``TreePeak``, Linux only) are measured
    only with ``memory``, the first through GNU time, whose own start then
    adds to the time."""
    # Both sides run with cached bytecode, as installed code does: with
    # PYTHONDONTWRITEBYTECODE set, the checkout's modules would be compiled
    # again by every cold query while Whoosh's come precompiled.
    env = {k: v for k, v in (env or os.environ).items() if k != "PYTHONDONTWRITEBYTECODE"}
    peak_file = None
    if memory and GNU_TIME:
        peak_file = tempfile.NamedTemporaryFile("r", suffix=".peak")
        command = [GNU_TIME, "-f", "%M", "-o", peak_file.name, *command]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    tree = TreePeak(process.pid) if memory and os.path.isdir("/proc") else None
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    tree_mb = tree.stop() if tree is not None else 0.0
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(command)}")
    peak_mb = usage.ru_maxrss / 1024  # (see GNU_TIME)
    if peak_file is not None:
        with peak_file:
            peak_mb = int(peak_file.read().split()[-1]) / 1024
    return seconds, peak_mb, usage.ru_utime + usage.ru_stime, tree_mb


def warm_rounds(search, queries: list[str], unseen: list[str]) -> tuple[list[float], list[float]]:
    """Seconds each query took, sorted: the second round of ``queries``
    (repeated), then each of ``unseen`` the first time (first-seen)."""
    seconds = []
    for q in queries * 2 + unseen:
        started = time.perf_counter()
        search(q)
        seconds.append(time.perf_counter() - started)
    return sorted(seconds[len(queries) : 2 * len(queries)]), sorted(seconds[2 * len(queries) :])


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir()) / 1e6


def measure(n: int, nqueries: int, work: Path, whoosh: bool = True) -> None:
    corpus, queries_file = work / f"corpus{n}", work / f"queries{n}.txt"
    subprocess.run([sys.executable, str(MAKE_CORPUS), "--articles", str(n), "--out", str(corpus),
                    "--queries", str(queries_file), "--nqueries", str(2 * nqueries)], check=True)
    generated = queries_file.read_text(encoding="utf-8").split("\n")
    queries, unseen = generated[:nqueries], generated[nqueries : 2 * nqueries]
    ours_dir, base_dir = work / f"ours{n}", work / f"base{n}"
    env = {**os.environ, "SEARCH_INDEX_DIR": str(ours_dir), "NO_COLOR": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}

    fts5_db = work / f"fts5_{n}.db"
    ours_index = timed([*SEARCH, "index", str(corpus)], env, memory=True)
    fts5_index = timed([sys.executable, "-c", FTS5_INDEX, str(corpus), str(fts5_db)], memory=True)
    if whoosh:
        base_index = timed([sys.executable, "-c", BASELINE_INDEX, str(corpus), str(base_dir)], memory=True)
    reindex = timed([*SEARCH, "index", str(corpus)], env)

    # Alternated query by query, so that a machine slowing down or speeding
    # up in the meantime weighs on every side alike.
    ours_cold, base_cold, fts5_cold = [], [], []
    for q in queries:
        ours_cold.append(timed([*SEARCH, "query", q], env))
        fts5_cold.append(timed([sys.executable, "-c", FTS5_QUERY, str(fts5_db), q]))
        if whoosh:
            base_cold.append(timed([sys.executable, "-c", BASELINE_QUERY, str(base_dir), q]))
    # Their memory, apart: GNU time's start would weigh on a cold query's time.
    cold_memory = {"ours": [], "FTS5": [], "Whoosh": []}
    for q in queries[:5]:
        cold_memory["ours"].append(timed([*SEARCH, "query", q], env, memory=True)[1])
        cold_memory["FTS5"].append(timed([sys.executable, "-c", FTS5_QUERY, str(fts5_db), q], memory=True)[1])
        if whoosh:
            cold_memory["Whoosh"].append(timed([sys.executable, "-c", BASELINE_QUERY, str(base_dir), q], memory=True)[1])

    sys.path.insert(0, str(ROOT))
    from searcher.query.search import ParagraphSearcher

    with ParagraphSearcher(ours_dir) as searcher:
        searcher.prepare(wait=True)  # as a server's, once it has started
        warm, first_seen = warm_rounds(lambda q: searcher.search(q, limit=10), queries, unseen)

    import sqlite3

    namespace: dict = {}
    exec(FTS5_SEARCH, namespace)
    db = sqlite3.connect(fts5_db)
    fts5_warm, fts5_first_seen = warm_rounds(lambda q: namespace["fts5_search"](db, q), queries, unseen)
    db.close()

    def median(pairs, i):
        return statistics.median(p[i] for p in pairs)

    def p(times: list[float], share: float) -> float:
        return 1000 * times[int(len(times) * share)]

    print(f"\nN = {n} articles")
    print(f"  index build   ours {ours_index[0]:7.1f} s ({ours_index[2]:.1f} s CPU)  "
          f"FTS5 {fts5_index[0]:7.1f} s ({fts5_index[2]:.1f} s CPU)  ratio {ours_index[0] / fts5_index[0]:.2f}")
    if whoosh:
        print(f"                Whoosh {base_index[0]:7.1f} s  ratio {ours_index[0] / base_index[0]:.2f}")
    print(f"  index memory  ours {ours_index[1]:7.0f} MB (largest process)  FTS5 {fts5_index[1]:7.0f} MB"
          + (f"  Whoosh {base_index[1]:7.0f} MB" if whoosh else ""))
    if ours_index[3]:
        print(f"                ours {ours_index[3]:7.0f} MB (its process tree, summed)")
    print(f"  index size    ours {size_mb(ours_dir):7.1f} MB  FTS5 {fts5_db.stat().st_size / 1e6:7.1f} MB"
          + (f"  Whoosh {size_mb(base_dir):7.1f} MB" if whoosh else ""))
    print(f"  re-index unchanged folder: {reindex[0]:.2f} s")
    print(f"  cold query p50 ours {1000 * median(ours_cold, 0):6.0f} ms ({1000 * median(ours_cold, 2):.0f} ms CPU)  "
          f"FTS5 {1000 * median(fts5_cold, 0):6.0f} ms ({1000 * median(fts5_cold, 2):.0f} ms CPU)  "
          f"ratio {median(ours_cold, 0) / median(fts5_cold, 0):.2f}")
    if whoosh:
        print(f"                 Whoosh {1000 * median(base_cold, 0):6.0f} ms  ratio {median(ours_cold, 0) / median(base_cold, 0):.2f}")
    print("  cold query peak memory " + "  ".join(f"{name} {max(peaks):.0f} MB" for name, peaks in cold_memory.items() if peaks))
    for name, ours, fts5 in (("repeated  ", warm, fts5_warm), ("first-seen", first_seen, fts5_first_seen)):
        print(f"  warm query p50 / p95, {name} ours {p(ours, .5):.1f} / {p(ours, .95):.1f} ms  "
              f"FTS5 {p(fts5, .5):.1f} / {p(fts5, .95):.1f} ms")


def editable_finder() -> str | None:
    """The .pth file of an editable install of searcher, if this Python has one."""
    import sysconfig

    found = sorted(Path(sysconfig.get_paths()["purelib"]).glob("__editable__*searcher*.pth"))
    return found[0].name if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[2000])
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--no-whoosh", action="store_true", help="leave out the Whoosh baseline")
    args = parser.parse_args()
    if not GNU_TIME:
        print("note: no GNU time (/usr/bin/time): peak memory figures include this script's own size.")
    if editable_finder():
        print(f"note: searcher is installed editable here ({editable_finder()}): every Python this run starts, "
              "FTS5's too, imports that finder first (pathlib and more, some 20 ms), which flatters the cold "
              "query ratios; measure with `pip install .`, as the README installs it.")
    work = Path(tempfile.mkdtemp(prefix="searcher-speed-"))
    try:
        for n in args.sizes:
            measure(n, args.queries, work, whoosh=not args.no_whoosh)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
