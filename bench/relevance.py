#!/usr/bin/env python3
"""Relevance on BEIR-style Indonesian collections, through the CLI's own code.

Indexes a collection's corpus.jsonl with ``searcher.storage.indexing.update_index`` (as
``search index`` does), runs every question of a split through
``ParagraphSearcher`` (as ``search query`` does), and prints MRR@10,
nDCG@10 and Recall@100 (one relevant passage per question; a question with no
hits scores 0) of the ranking before copies are folded, plus per-query
latency.  "As shown" is MRR@10 of the top 10 ``search query`` prints, a
relevant passage counting where it is shown: as a hit, or as a copy in
another article listed under a hit (facqa holds many near-copies).

With ``--lucene``, the same questions are also run, in the same process,
through a stand-in for Elasticsearch's ``indonesian`` analyzer and BM25
(``lucene_like``): words lowercased, stopwords dropped, Tala's light
Indonesian stemmer (Lucene's IndonesianStemFilter; here from the
``snowballstemmer`` package, ``pip install snowballstemmer``), the words of
a question ORed (a ``match`` query), Lucene's BM25 (k1 1.2, b 0.75).  Its
stop list is searcher's stopwords and question words, not Tala's 758.

  python bench/relevance.py                       # both collections, valid split
  python bench/relevance.py tydiqa-id --split train
  python bench/relevance.py --data ../shared/data --json
  python bench/relevance.py --lucene
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from searcher.query.search import ParagraphSearcher  # noqa: E402
from searcher.storage.indexing import update_index  # noqa: E402

DEFAULT_DATA = HERE.parent.parent / "shared" / "data"
COLLECTIONS = ("tydiqa-id", "facqa")


def load_questions(folder: Path, split: str) -> list[tuple[str, str, set[str]]]:
    """(question id, text, relevant passage ids) for one split."""
    qrels_path = folder / f"qrels.{split}.tsv"
    if not qrels_path.exists():
        qrels_path = folder / "qrels.tsv"
    relevant: dict[str, set[str]] = {}
    with qrels_path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row.get("split", split) == split and int(row["score"]) > 0:
                relevant.setdefault(row["query-id"], set()).add(row["corpus-id"])
    questions = []
    with (folder / "queries.jsonl").open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record["_id"] in relevant:
                questions.append((record["_id"], record["text"], relevant[record["_id"]]))
    return questions


def lucene_like(folder: Path, questions) -> float:
    """MRR@10 of a stand-in for Elasticsearch's indonesian analyzer + BM25
    (see the module's docstring)."""
    import re

    import snowballstemmer

    from searcher.analysis import QUESTION_WORDS, STOPWORDS

    stemmer = snowballstemmer.stemmer("indonesian")
    stop = STOPWORDS | QUESTION_WORDS

    def terms(text: str) -> list[str]:
        return stemmer.stemWords([w for w in re.findall(r"\w+", text.lower()) if w not in stop])

    postings: dict[str, dict[str, int]] = {}
    lengths: dict[str, int] = {}
    with (folder / "corpus.jsonl").open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            words = terms(record["text"])
            lengths[record["_id"]] = len(words)
            for word in words:
                postings.setdefault(word, {}).setdefault(record["_id"], 0)
                postings[word][record["_id"]] += 1
    count, average = len(lengths), sum(lengths.values()) / len(lengths)
    total = 0.0
    for _, text, relevant in questions:
        scores: dict[str, float] = {}
        for word in dict.fromkeys(terms(text)):
            docs = postings.get(word, {})
            idf = math.log(1 + (count - len(docs) + 0.5) / (len(docs) + 0.5))
            for doc, tf in docs.items():
                norm = 1.2 * (1 - 0.75 + 0.75 * lengths[doc] / average)
                scores[doc] = scores.get(doc, 0.0) + idf * tf * 2.2 / (tf + norm)
        ranking = sorted(scores, key=lambda doc: (-scores[doc], doc))[:10]
        total += next((1 / rank for rank, doc in enumerate(ranking, 1) if doc in relevant), 0.0)
    return total / len(questions)


def evaluate(folder: Path, split: str, index_dir: Path) -> dict:
    started = time.perf_counter()
    update_index(index_dir, [folder / "corpus.jsonl"], warn=lambda message: None)
    index_seconds = time.perf_counter() - started
    questions = load_questions(folder, split)
    rr, rr_shown, ndcg, recall, latencies = [], [], [], [], []
    with ParagraphSearcher(index_dir) as searcher:
        for _, text, relevant in questions:
            started = time.perf_counter()
            shown = searcher.search(text, limit=10).hits  # what a user waits for: top 10 with snippets
            latencies.append(time.perf_counter() - started)
            # As shown: a hit's copies in other articles are folded under it
            # (search.Hit.duplicates), so a relevant copy is seen at its rank.
            at = [i for i, hit in enumerate(shown, 1) if {hit.article, *(c.article for c in hit.duplicates)} & relevant]
            rr_shown.append(1 / at[0] if at else 0.0)
            found = searcher.ranked(text, depth=100)
            ranking = list(dict.fromkeys(doc["article"] for _, _, doc in found))
            ranks = [i for i, article in enumerate(ranking, 1) if article in relevant]
            first = ranks[0] if ranks else None
            rr.append(1 / first if first and first <= 10 else 0.0)
            ideal = sum(1 / math.log2(i + 1) for i in range(1, min(len(relevant), 10) + 1))
            ndcg.append(sum(1 / math.log2(r + 1) for r in ranks if r <= 10) / ideal)
            recall.append(len([r for r in ranks if r <= 100]) / len(relevant))
    latencies.sort()
    return {
        "collection": folder.name,
        "split": split,
        "questions": len(questions),
        "mrr@10": statistics.fmean(rr),
        "mrr@10_shown": statistics.fmean(rr_shown),
        "ndcg@10": statistics.fmean(ndcg),
        "recall@100": statistics.fmean(recall),
        "latency_p50_ms": 1000 * latencies[len(latencies) // 2],
        "latency_p95_ms": 1000 * latencies[int(len(latencies) * 0.95)],
        "index_seconds": index_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("collections", nargs="*", default=list(COLLECTIONS))
    parser.add_argument("--split", default="valid")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="one JSON object per collection")
    parser.add_argument("--lucene", action="store_true", help="also a stand-in for Elasticsearch's indonesian analyzer")
    args = parser.parse_args()
    for name in args.collections:
        with tempfile.TemporaryDirectory() as tmp:
            figures = evaluate(args.data / name, args.split, Path(tmp) / "index")
        if args.lucene:
            figures["lucene_like_mrr@10"] = lucene_like(args.data / name, load_questions(args.data / name, args.split))
        if args.json:
            print(json.dumps(figures))
        else:
            print(
                f"{figures['collection']:<10} {figures['split']:<5} {figures['questions']:>4} q  "
                f"MRR@10 {figures['mrr@10']:.3f} (as shown {figures['mrr@10_shown']:.3f})  nDCG@10 {figures['ndcg@10']:.3f}  "
                f"R@100 {figures['recall@100']:.3f}  "
                f"query p50 {figures['latency_p50_ms']:.1f} ms p95 {figures['latency_p95_ms']:.1f} ms  "
                f"(indexed in {figures['index_seconds']:.1f} s)"
            )
            if args.lucene:
                print(f"{'':<10} {'':<5} {'':>4}    Lucene-like MRR@10 {figures['lucene_like_mrr@10']:.3f}")


if __name__ == "__main__":
    main()
