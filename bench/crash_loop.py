#!/usr/bin/env python3
"""Fifty `kill -9`s: `search index` killed at random moments, over and over,
each killed run picking up from the last; after each kill `search check`
must find no damage and queries must answer; at the end, one run that
finishes must leave the same counts and the same top 10 for 20 queries
as a clean build of the same corpus.  (The suite runs a short version:
tests/test_crash_safety.py.)

  python bench/crash_loop.py                    # 3,000 articles, 50 kills
  python bench/crash_loop.py 1000 --kills 10
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
SEARCH = [sys.executable, "-m", "searcher"]


def search(env: dict, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*SEARCH, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def top10(env: dict, queries: list[str]) -> list[list[tuple]]:
    """Each query's first ten hits: (article, paragraph, score to 4 places)."""
    tops = []
    for q in queries:
        hits = [json.loads(line) for line in search(env, "query", "--json", q).stdout.splitlines() if line.strip()]
        tops.append([(h["article"], h["paragraph"], round(h["score"], 4)) for h in hits])
    return tops


def counts(env: dict) -> tuple:
    stats = json.loads(search(env, "stats", "--json").stdout)
    return stats["articles"], stats["paragraphs"], stats["files"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", nargs="?", type=int, default=3000)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="searcher-kill-"))
    try:
        corpus, queries_file = work / "corpus", work / "queries.txt"
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--articles", str(args.articles), "--out", str(corpus),
                        "--queries", str(queries_file), "--nqueries", "20"], check=True)
        queries = [q for q in queries_file.read_text(encoding="utf-8").split("\n") if q.strip()][:20]
        # Small batches: many commits (and merges) for the kills to land in.
        base = {**os.environ, "SEARCH_BATCH_PARAGRAPHS": "1500", "NO_COLOR": "1"}
        clean = {**base, "SEARCH_INDEX_DIR": str(work / "clean")}
        started = time.perf_counter()
        assert search(clean, "index", str(corpus), "--no-progress").returncode == 0
        clean_seconds = time.perf_counter() - started
        expected_counts, expected_top = counts(clean), top10(clean, queries)

        crashed = {**base, "SEARCH_INDEX_DIR": str(work / "crashed")}
        killed = finished = checked = 0
        for kill in range(args.kills):
            process = subprocess.Popen([*SEARCH, "index", str(corpus), "--no-progress"], env=crashed, cwd=ROOT,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            time.sleep(rng.uniform(0.2, 0.9 * clean_seconds))
            process.send_signal(signal.SIGKILL)  # its indexing workers follow (they watch their parent)
            _, stderr = process.communicate(timeout=120)
            if process.returncode == -signal.SIGKILL:
                killed += 1
            else:
                finished += 1
                assert process.returncode == 0, stderr
            if any((work / "crashed").glob("*.toc")):
                result = search(crashed, "check")
                assert result.returncode == 0, f"after kill {kill + 1}: {result.stdout}{result.stderr}"
                checked += 1
                assert search(crashed, "query", queries[kill % len(queries)]).returncode in (0, 1)
            print(f"kill {kill + 1:2d}: {'killed' if process.returncode == -signal.SIGKILL else 'had finished'}; "
                  f"{counts(crashed) if checked else 'no index yet'}", flush=True)
            if process.returncode == 0:  # all indexed: start again, so that the next kill lands in work
                shutil.rmtree(work / "crashed")
        assert search(crashed, "index", str(corpus), "--no-progress").returncode == 0
        same_counts = counts(crashed) == expected_counts
        same_top = top10(crashed, queries) == expected_top
        print(f"\n{args.kills} kill -9s at random moments ({killed} landed mid-run, {finished} after the run had "
              f"finished; 'search check' clean after each of {checked}); then one run to the end:")
        print(f"  counts {counts(crashed)} vs clean build {expected_counts}: {'same' if same_counts else 'DIFFERENT'}")
        print(f"  top 10 of {len(queries)} queries: {'same' if same_top else 'DIFFERENT'}")
        if not (same_counts and same_top):
            raise SystemExit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
