#!/usr/bin/env python3
"""What filters, sorting by date and facets cost a query, against the same
query without them, in one run.

It builds a JSONL corpus of N articles with ../shared/bench/make_corpus.py
and gives each record, from a fixed seed, a date (2019-2024; 15% none) and
a site (20 outlets, a few big and many small; 5% none), indexes it, then
times each query form over the same two-word queries:
- warm: one ``searcher.Index``, every query twice, the second round timed
  (as a server or notebook holds one);
- cold: ``search query`` as a whole process, alternating the forms query
  by query so that the machine's drift weighs on all alike.
Ratios are to the plain query of the same run.  The goal: facets add at
most 30% to a query's time.

  python bench/metadata.py                 # N = 20,000
  python bench/metadata.py 2000 --cold 10
"""

from __future__ import annotations

import argparse
import json
import os
import random
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
SITES = ["Kompas", "Detik", "Tempo", "ANTARA", "CNN Indonesia", "Republika", "Liputan6", "Tribunnews",
         "Okezone", "Suara", "Kumparan", "Jawa Pos", "Media Indonesia", "Bisnis", "Kontan", "Katadata",
         "Merdeka", "Sindonews", "Viva", "IDN Times"]
FORMS = {  # name: keyword arguments of Index.search, and the CLI options
    "plain": ({}, []),
    "since 2023": ({"since": "2023"}, ["--since", "2023"]),
    "site Tempo": ({"sites": ["Tempo"]}, ["--site", "Tempo"]),
    "June 2024, Kompas": ({"since": "2024-06", "until": "2024-06", "sites": ["Kompas"]},
                          ["--since", "2024-06", "--until", "2024-06", "--site", "Kompas"]),
    "sort date": ({"sort": "date"}, ["--sort", "date"]),
    "facets": ({"facets": True}, ["--facets"]),
    "facets, since 2023": ({"facets": True, "since": "2023"}, ["--facets", "--since", "2023"]),
}


def build(n: int, nqueries: int, work: Path) -> tuple[Path, list[str]]:
    plain, queries_file = work / "plain.jsonl", work / "queries.txt"
    subprocess.run([sys.executable, str(MAKE_CORPUS), "--articles", str(n), "--out", str(plain), "--jsonl",
                    "--queries", str(queries_file), "--nqueries", str(nqueries)], check=True)
    chance = random.Random(7)
    weights = [1 / (rank + 1) for rank in range(len(SITES))]
    corpus = work / "corpus" / "berita.jsonl"
    corpus.parent.mkdir()
    with plain.open(encoding="utf-8") as source, corpus.open("w", encoding="utf-8") as out:
        for line in source:
            record = json.loads(line)
            if chance.random() > 0.15:
                record["date"] = f"{chance.randint(2019, 2024)}-{chance.randint(1, 12):02d}-{chance.randint(1, 28):02d}"
            if chance.random() > 0.05:
                record["site"] = chance.choices(SITES, weights)[0]
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    index_dir = work / "index"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "searcher", "index", str(corpus.parent), "--index-dir", str(index_dir),
                    "--no-progress"], check=True, cwd=ROOT)
    print(f"indexed {n:,} articles in {time.perf_counter() - started:.0f} s")
    queries = [q for q in queries_file.read_text(encoding="utf-8").split("\n") if q.strip()][:nqueries]
    return index_dir, queries


def warm(index_dir: Path, queries: list[str]) -> dict[str, list[float]]:
    sys.path.insert(0, str(ROOT))
    import searcher

    timings: dict[str, list[float]] = {name: [] for name in FORMS}
    with searcher.Index(index_dir) as ix:
        for round_ in range(2):
            for text in queries:
                for name, (options, _) in FORMS.items():
                    started = time.perf_counter()
                    ix.search(text, limit=10, **options)
                    if round_:
                        timings[name].append(time.perf_counter() - started)
    return timings


def cold(index_dir: Path, queries: list[str]) -> dict[str, list[float]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(SEARCH_INDEX_DIR=str(index_dir), NO_COLOR="1")
    timings: dict[str, list[float]] = {name: [] for name in FORMS}
    for text in queries:
        for name, (_, options) in FORMS.items():
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "searcher", "query", *options, text],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
            if done.returncode not in (0, 1):
                raise SystemExit(f"search query {' '.join(options)} {text!r} failed")
            timings[name].append(time.perf_counter() - started)
    return timings


def report(title: str, timings: dict[str, list[float]]) -> dict[str, float]:
    print(title)
    base = statistics.median(timings["plain"])
    ratios = {}
    for name, values in timings.items():
        values = sorted(values)
        p50, p95 = statistics.median(values), values[int(len(values) * 0.95)]
        ratios[name] = p50 / base
        print(f"  {name:<20} p50 {1000 * p50:7.1f} ms  p95 {1000 * p95:7.1f} ms  ({p50 / base:.2f}x plain)")
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", nargs="?", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=100, help="queries for the warm rounds")
    parser.add_argument("--cold", type=int, default=20, help="queries run as processes, per form")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="searcher-metadata-"))
    try:
        index_dir, queries = build(args.articles, args.queries, work)
        warm_ratios = report(f"warm, {len(queries)} queries, top 10 with snippets and counts:", warm(index_dir, queries))
        cold_ratios = report(f"cold `search query`, {args.cold} queries:", cold(index_dir, queries[: args.cold]))
        worst = max(warm_ratios["facets"], cold_ratios["facets"])
        print(f"facets add {100 * (worst - 1):.0f}% at most (goal: 30%):", "met" if worst <= 1.3 else "missed")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
