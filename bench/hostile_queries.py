#!/usr/bin/env python3
"""The slowest of many random, hostile queries: each must take under a second.

Builds a news-like corpus of N articles (../shared/bench/make_corpus.py,
seed 11), indexes it, then runs seeded random queries made of the index's
own words, short prefixes (``di*``, ``ber*``: thousands of words each),
OR/AND/NOT/-word, phrases, title:, parentheses nested up to the limit and
past it, and very long strings:
- in-process, one ParagraphSearcher (as a server would hold), top 10 with
  snippets and counts: --queries of them (2,000);
- as whole `search query` processes: --cli of them (200);
- then --pasted (50) of the corpus's own paragraphs, each whole as a query
  (a journalist looking for where a paragraph was copied), both ways.
Prints the slowest of each with its query, the median, and how many were
over a second, and exits 1 if any was.

  python bench/hostile_queries.py                  # N = 20,000
  python bench/hostile_queries.py 2000 --queries 500 --cli 50
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
BUDGET = 1.0  # seconds, for any one query

sys.path.insert(0, str(ROOT))


def vocabulary(corpus: Path, rng: random.Random, size: int = 5000) -> list[str]:
    words: set[str] = set()
    files = sorted(corpus.glob("*.txt"))
    for path in rng.sample(files, min(300, len(files))):
        words.update(w.strip(".,;:()\"'?!").lower() for w in path.read_text(encoding="utf-8").split())
    return sorted(w for w in words if w.isalpha())[:size] or ["berita"]


def random_query(rng: random.Random, words: list[str]) -> str:
    def word() -> str:
        return rng.choice(words)

    def atom() -> str:
        kind = rng.random()
        if kind < 0.45:
            return word()
        if kind < 0.65:  # prefixes from one letter to four: the broad ones are the expensive ones
            return word()[: rng.randint(1, 4)] + "*"
        if kind < 0.75:
            return '"' + " ".join(word() for _ in range(rng.randint(2, 4))) + '"'
        if kind < 0.82:
            return "title:" + word()
        if kind < 0.88:
            return "-" + word()
        if kind < 0.92:
            return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(30, 2000)))
        if kind < 0.96:
            return rng.choice(["?", "*", '"', "(", ")", "AND", "OR", "NOT", ":", "-", "🙂", "\x00"])
        return str(rng.randint(0, 10**6))

    def expression(depth: int) -> str:
        parts = []
        for _ in range(rng.randint(1, 5)):
            if depth and rng.random() < 0.2:
                parts.append("(" + expression(depth - 1) + ")")
            else:
                parts.append(atom())
            if rng.random() < 0.3:
                parts.append(rng.choice(["AND", "OR", "NOT"]))
        return " ".join(parts)

    if rng.random() < 0.02:  # nested to the limit, or past it
        depth = rng.choice([30, 32, 33, 1000])
        return "(" * depth + word() + ")" * depth
    return expression(3)


def report(name: str, timings: list[tuple[float, str]]) -> bool:
    timings.sort(reverse=True)
    slowest, query = timings[0]
    over = sum(1 for seconds, _ in timings if seconds >= BUDGET)
    median = statistics.median(seconds for seconds, _ in timings)
    shown = query if len(query) <= 70 else query[:67] + "..."
    print(f"{name}: {len(timings)} queries, median {median * 1000:.0f} ms, "
          f"slowest {slowest * 1000:.0f} ms ({shown!r}), {over} over {BUDGET:g} s", flush=True)
    return over == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", type=int, nargs="?", default=20_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--cli", type=int, default=200)
    parser.add_argument("--pasted", type=int, default=50)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if not MAKE_CORPUS.exists():
        raise SystemExit(f"needs {MAKE_CORPUS} (../shared beside the checkout)")

    from searcher.errors import SearchError
    from searcher.query.search import ParagraphSearcher
    from searcher.storage.indexing import update_index

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as work:
        corpus, index_dir = Path(work) / "corpus", Path(work) / "index"
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--articles", str(args.articles), "--seed", "11",
                        "--out", str(corpus)], check=True, stdout=subprocess.DEVNULL)
        started = time.perf_counter()
        update_index(index_dir, [corpus], warn=lambda message: None)
        print(f"N = {args.articles:,} articles, indexed in {time.perf_counter() - started:.0f} s", flush=True)
        words = vocabulary(corpus, rng)

        timings: list[tuple[float, str]] = []
        with ParagraphSearcher(index_dir) as searcher:
            for _ in range(args.queries):
                text = random_query(rng, words)
                started = time.perf_counter()
                try:
                    searcher.search(text, limit=10, snippet_chars=160, count=True)
                except SearchError:
                    pass  # a one-line error, as the CLI shows it
                timings.append((time.perf_counter() - started, text))
        in_process = report("in-process", timings)

        timings = []
        for _ in range(args.cli):
            text = random_query(rng, words).replace("\x00", " ")  # a command line cannot hold NUL
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "searcher", "query", "--index-dir", str(index_dir), "--", text],
                                  capture_output=True, text=True, cwd=ROOT)
            timings.append((time.perf_counter() - started, text))
            if done.returncode not in (0, 1, 2) or "Traceback" in done.stderr:
                raise SystemExit(f"query {text!r} failed: {done.stderr}")
        whole_runs = report("search query", timings)

        paragraphs = pasted_paragraphs(corpus, rng, args.pasted)
        timings = []
        with ParagraphSearcher(index_dir) as searcher:
            for text in paragraphs:
                started = time.perf_counter()
                searcher.search(text, limit=10, snippet_chars=160, count=True)
                timings.append((time.perf_counter() - started, text))
        pasted_in_process = report("pasted, in-process", timings)
        timings = []
        for text in paragraphs:
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "searcher", "query", "--index-dir", str(index_dir), "--", text],
                                  capture_output=True, text=True, cwd=ROOT)
            timings.append((time.perf_counter() - started, text))
            if done.returncode != 0:
                raise SystemExit(f"pasted paragraph {text[:60]!r}... failed: {done.stderr}")
        pasted_runs = report("pasted, search query", timings)
        print(f"(pasted paragraphs: {min(map(len, map(str.split, paragraphs)))}-"
              f"{max(map(len, map(str.split, paragraphs)))} words)")
    sys.exit(0 if in_process and whole_runs and pasted_in_process and pasted_runs else 1)


def pasted_paragraphs(corpus: Path, rng: random.Random, count: int) -> list[str]:
    """``count`` paragraphs of the corpus's articles, the longest of each
    article picked (a paragraph worth pasting), as written."""
    files = sorted(corpus.glob("*.txt"))
    picked = []
    for path in rng.sample(files, min(count, len(files))):
        body = path.read_text(encoding="utf-8").split("\n", 1)[-1]  # (the first line is the title)
        picked.append(" ".join(max(body.split("\n\n"), key=len).split()))
    return picked


if __name__ == "__main__":
    main()
