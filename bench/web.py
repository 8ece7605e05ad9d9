#!/usr/bin/env python3
"""``search serve`` under load: latency of /api/search with 1, 4 and 16
concurrent clients, against the library's own search in the same run.

It builds a corpus of N articles with ../shared/bench/make_corpus.py (with
two-word queries drawn from it) and indexes it, or takes an index and a
query file already made.  Then:
- baseline: one in-process ``searcher.Index`` runs every query twice; the
  second round is timed (what the server does per request, minus HTTP);
- the server: ``search serve --port 0`` as a process, warmed with every
  query once; for each number of clients, each client (a thread with its
  own keep-alive connection, on loopback) sends REQUESTS requests, cycling
  through the queries from its own offset.  Latency is per request, from
  sending it to reading the whole answer; requests per second are all
  requests over the wall time of the round; an error is any answer but 200
  or any failed request.  The clients and the server share the machine's
  cores, as a user's browser and server would.
Exits 1 if p95 at 1 client is over 15 ms or any request failed.

  python bench/web.py                          # N = 20,000
  python bench/web.py --index DIR --queries FILE --requests 400
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
P95_GOAL_MS = 15.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def build(n: int, nqueries: int, work: Path) -> tuple[Path, Path]:
    corpus, queries = work / "corpus", work / "queries.txt"
    subprocess.run([sys.executable, str(MAKE_CORPUS), "--articles", str(n), "--out", str(corpus),
                    "--queries", str(queries), "--nqueries", str(nqueries)], check=True)
    index_dir = work / "index"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "searcher", "index", str(corpus), "--index-dir", str(index_dir),
                    "--no-progress"], check=True, cwd=ROOT)
    print(f"indexed {n:,} articles in {time.perf_counter() - started:.0f} s")
    return index_dir, queries


def library_latencies(index_dir: Path, queries: list[str]) -> list[float]:
    sys.path.insert(0, str(ROOT))
    import searcher

    timings = []
    with searcher.Index(index_dir) as ix:
        for round_ in range(2):
            for text in queries:
                started = time.perf_counter()
                ix.search(text, limit=10)
                if round_:
                    timings.append(time.perf_counter() - started)
    return timings


def start_server(index_dir: Path) -> tuple[subprocess.Popen, str, int]:
    server = subprocess.Popen(
        [sys.executable, "-m", "searcher", "serve", "--port", "0", "--index-dir", str(index_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    line = server.stdout.readline()
    if not line.startswith("Serving"):
        raise SystemExit(f"search serve did not start: {line}{server.stderr.read()}")
    address = urllib.parse.urlsplit(line.split(" at ", 1)[1].split()[0])
    return server, address.hostname, address.port


def load(host: str, port: int, paths: list[str], clients: int, requests: int) -> tuple[list[float], int, float]:
    """Each of ``clients`` threads sends ``requests`` requests; returns the
    latencies, the number of errors, and the wall time."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        start.wait()
        for i in range(requests):
            path = paths[(number * 7919 + i) % len(paths)]
            began = time.perf_counter()
            try:
                connection.request("GET", path)
                answer = connection.getresponse()
                answer.read()
                if answer.status != 200:
                    errors[number] += 1
            except (OSError, http.client.HTTPException):
                errors[number] += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
            latencies[number].append(time.perf_counter() - began)
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return [t for per_client in latencies for t in per_client], sum(errors), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", nargs="?", type=int, default=20000)
    parser.add_argument("--index", type=Path, help="an index already made (with --queries)")
    parser.add_argument("--queries", type=Path, help="a file of queries, one a line")
    parser.add_argument("--nqueries", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300, help="requests per client per round")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="searcher-web-"))
    server = None
    try:
        if args.index:
            if not args.queries:
                parser.error("--index needs --queries")
            index_dir, queries_file = args.index, args.queries
        else:
            index_dir, queries_file = build(args.articles, args.nqueries, work)
        queries = [q for q in queries_file.read_text(encoding="utf-8").split("\n") if q.strip()][: args.nqueries]
        paths = ["/api/search?" + urllib.parse.urlencode({"q": q, "limit": 10}) for q in queries]

        library = library_latencies(index_dir, queries)
        lib50, lib95 = 1000 * percentile(library, 0.5), 1000 * percentile(library, 0.95)
        print(f"{len(queries)} queries, top 10 with snippets and counts")
        print(f"library Index.search (in-process, warm): p50 {lib50:5.1f} ms  p95 {lib95:5.1f} ms")

        server, host, port = start_server(index_dir)
        load(host, port, paths, 1, len(paths))  # warm: every query once
        connection = http.client.HTTPConnection(host, port)
        connection.request("GET", paths[0])
        hits = json.loads(connection.getresponse().read())["hits"]
        connection.close()
        assert hits, "the first query found nothing: not a fair load"

        failed = False
        for clients in args.clients:
            latencies, errors, wall = load(host, port, paths, clients, args.requests)
            p50, p95 = 1000 * percentile(latencies, 0.5), 1000 * percentile(latencies, 0.95)
            print(f"/api/search {clients:2d} client{'s' if clients > 1 else ' '}: p50 {p50:5.1f} ms  p95 {p95:6.1f} ms  "
                  f"{len(latencies) / wall:6.0f} requests/s  errors {errors}  "
                  f"(p50 {p50 / lib50:.2f}x the library's)")
            failed |= errors > 0 or (clients == 1 and p95 > P95_GOAL_MS)
        print("goals (p95 <= 15 ms at 1 client, no errors):", "missed" if failed else "met")
        sys.exit(1 if failed else 0)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
