#!/usr/bin/env python3
"""Learn the re-ranking model's weights (searcher/query/rerank_model.py).

For every question of both relevance collections (train and valid splits),
the first ranking's best hits of each pass are fetched through the CLI's
own code (``ParagraphSearcher``), and each hit's features worked out
(``rerank.Reranker``).  A linear model is then fitted on the train
questions: a pairwise logistic loss (the answer above each other hit that
is re-ranked with it), BM25's log score as an offset, a little L2.  It is
checked by 5-fold cross-validation on train, then on valid, by MRR@10 of
the re-ranked hits, simulated as ``search`` re-ranks them (groups of
RERANK_DEPTH in each pass).  Deterministic: no sampling, Newton's method.

  python bench/train_ranker.py               # figures only
  python bench/train_ranker.py --write       # and write the model
  python bench/train_ranker.py --ablate      # the gain of each feature group
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from relevance import COLLECTIONS, DEFAULT_DATA, load_questions  # noqa: E402

from searcher.query import rerank, search  # noqa: E402
from searcher.query.search import ParagraphSearcher, plan  # noqa: E402
from searcher.storage.indexing import update_index  # noqa: E402

POOL = 60  # hits fetched from each pass: enough to try groups this deep
MODEL = HERE.parent / "searcher" / "query" / "rerank_model.py"
L2 = 1.0
FOLDS = 5


def candidates(index_dir: Path, questions) -> list[dict]:
    """For each question: its hits of each pass (BM25 score, pass,
    features, whether it is the answer)."""
    pools = []
    with ParagraphSearcher(index_dir) as searcher:
        for _, text, relevant in questions:
            node, passes = plan(text)
            expand = searcher._expansions(node)
            matches = searcher._matches(node, expand)
            query = searcher._reranker(node, text)
            seen: set[int] = set()
            hits = []
            for every_word in passes:
                best = searcher._best(node, every_word, matches, POOL, seen)
                for score, docnum in best:
                    seen.add(docnum)
                    fields = searcher._files.stored_fields(docnum)
                    top = best[0][0]
                    relative = math.log(score / top) if 0 < score <= top else 0.0
                    # (A query of no plain word is not re-ranked: its features are never read.)
                    features = query.of(fields["body"], relative, every_word) if query else [0.0] * len(rerank.FEATURES)
                    hits.append((score, every_word, features, fields["article"] in relevant, fields["article"]))
            pools.append({"text": text, "hits": hits, "keys": bool(query)})
    return pools


def collect(data: Path, cache: Path) -> dict[str, dict[str, list[dict]]]:
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    found = {}
    for name in COLLECTIONS:
        with tempfile.TemporaryDirectory() as tmp:
            index_dir = Path(tmp) / "index"
            update_index(index_dir, [data / name / "corpus.jsonl"], warn=lambda message: None)
            found[name] = {split: candidates(index_dir, load_questions(data / name, split)) for split in ("train", "valid")}
    cache.write_bytes(pickle.dumps(found))
    return found


ACROSS = False  # re-rank the passes' hits together (every_word a feature) rather than each pass's


def groups(pool: dict, depth: int):
    """The hits re-ranked together, as ``search`` groups them: each pass's
    hits in runs of ``depth``.  Yields (log scores, features, answers, articles)."""
    for every_word in ((None,) if ACROSS else (True, False)):
        hits = [h for h in pool["hits"] if every_word is None or h[1] == every_word]
        for start in range(0, len(hits), depth):
            run = hits[start : start + depth]
            yield (
                np.log([max(h[0], 1e-9) for h in run]),
                np.array([h[2] for h in run], dtype=float),
                np.array([h[3] for h in run]),
                [h[4] for h in run],
            )


def pairs(pools: list[dict], depth: int, columns):
    """Difference vectors (answer minus other) and offsets, from the group
    holding each question's answer."""
    differences, offsets = [], []
    for pool in pools:
        for logs, features, answers, _ in groups(pool, depth):
            if answers.any() and not answers.all():
                x = features[:, columns]
                for a in np.flatnonzero(answers):
                    others = np.flatnonzero(~answers)
                    differences.append(x[a] - x[others])
                    offsets.append(logs[a] - logs[others])
    return np.concatenate(differences), np.concatenate(offsets)


# Features that may only raise a paragraph: the questions alone would teach
# the model to hold query words side by side against it (it meets them
# together with other features that say the same), which a query such as
# "kerja sama" must never suffer.  A weight that comes out negative is held
# at 0 and the others fitted again.
NEVER_AGAINST = frozenset({"rare_coverage", "exact", "together", "density", "lead", "rare_lead"})


def fit(pools: list[dict], depth: int, columns) -> np.ndarray:
    """Weights minimising the pairwise logistic loss plus L2, the features
    of NEVER_AGAINST held at 0 or above."""
    x, offset = pairs(pools, depth, columns)
    free = list(range(len(columns)))
    while True:
        w = np.zeros(len(columns))
        w[free] = _newton(x[:, free], offset)
        against = [i for i in free if rerank.FEATURES[columns[i]] in NEVER_AGAINST and w[i] < 0]
        if not against:
            return w
        free.remove(min(against, key=lambda i: w[i]))


def _newton(x: np.ndarray, offset: np.ndarray) -> np.ndarray:
    w = np.zeros(x.shape[1])
    for _ in range(50):
        margin = offset + x @ w
        p = 1 / (1 + np.exp(np.clip(margin, -30, 30)))  # the loss's slope, -d/dmargin
        gradient = -(x.T @ p) + L2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + L2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def mrr(pools: list[dict], depth: int, columns, w) -> float:
    """MRR@10 of the re-ranked hits, counting each article once."""
    total = 0.0
    for pool in pools:
        ranking: list[str] = []
        answers: set[str] = set()
        for logs, features, is_answer, articles in groups(pool, depth):
            key = logs + (features[:, columns] @ w if pool["keys"] else 0.0)
            # best first; ties as the first ranking had them (a stable sort)
            order = np.argsort(-key, kind="stable")
            ranking += [articles[i] for i in order]
            answers.update(a for a, yes in zip(articles, is_answer) if yes)
        ranking = list(dict.fromkeys(ranking))[:10]
        total += next((1 / r for r, a in enumerate(ranking, 1) if a in answers), 0.0)
    return total / len(pools)


def cross_validated(train: dict[str, list[dict]], depth: int, columns) -> dict[str, float]:
    """Each collection's MRR@10 on train, each fold scored by a model
    fitted on the other folds (of both collections)."""
    scores = {name: 0.0 for name in train}
    for fold in range(FOLDS):
        fitted = fit([p for pools in train.values() for i, p in enumerate(pools) if i % FOLDS != fold], depth, columns)
        for name, pools in train.items():
            held = [p for i, p in enumerate(pools) if i % FOLDS == fold]
            scores[name] += mrr(held, depth, columns, fitted) * len(held) / len(pools)
    return scores


GROUPS = {
    "bm25 shape": ["bm25"],
    "pass": ["every_word"],
    "coverage": ["coverage", "rare_coverage"],
    "exact forms": ["exact"],
    "proximity": ["together", "density"],
    "lead": ["lead", "rare_lead"],
    "length": ["length"],
    "answer kind": ["asks_time", "asks_number", "asks_person", "asks_place", "asks_reason", "names"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, help="keep the fetched hits here (a pickle) between runs")
    parser.add_argument("--depth", type=int, default=search.RERANK_DEPTH, help="hits re-ranked together")
    parser.add_argument("--ablate", action="store_true", help="cross-validated MRR without each feature group")
    parser.add_argument("--write", action="store_true", help=f"write the weights to {MODEL.name}")
    parser.add_argument("--across", action="store_true", help="re-rank both passes' hits together")
    args = parser.parse_args()
    global ACROSS
    ACROSS = args.across

    cache = args.cache or Path(tempfile.mkdtemp()) / "hits.pickle"
    found = collect(args.data, cache)
    train = {name: found[name]["train"] for name in COLLECTIONS}
    valid = {name: found[name]["valid"] for name in COLLECTIONS}
    every = list(range(len(rerank.FEATURES)))
    none = np.zeros(len(every))

    def report(label: str, columns, w=None) -> None:
        cv = cross_validated(train, args.depth, columns) if w is None else None
        w = fit([p for pools in train.values() for p in pools], args.depth, columns) if w is None else w
        line = "  ".join(
            f"{name} cv {cv[name]:.3f} valid {mrr(valid[name], args.depth, columns, w):.3f}" if cv else
            f"{name} train {mrr(train[name], args.depth, columns, w):.3f} valid {mrr(valid[name], args.depth, columns, w):.3f}"
            for name in COLLECTIONS
        )
        print(f"{label:<24} {line}")

    report("BM25 alone", every, none)
    report("learned, all features", every)
    if args.ablate:
        for group, names in GROUPS.items():
            report(f"without {group}", [i for i in every if rerank.FEATURES[i] not in names])
    weights = fit([p for pools in train.values() for p in pools], args.depth, every)
    for name, weight in zip(rerank.FEATURES, weights):
        print(f"  {name:<14} {weight:+.3f}")
    # The model's factor for a typical answer, taken out so that the scores
    # of good hits stay on BM25's scale.
    typical = float(np.mean(np.concatenate([features[answers] @ weights for pools in train.values() for pool in pools
                                            for _, features, answers, _ in groups(pool, args.depth)])))
    if args.write:
        MODEL.write_text(
            '"""The re-ranking model\'s weights, one for each of ``rerank.FEATURES``.\n'
            'Written by bench/train_ranker.py; do not edit by hand."""\n\n'
            "WEIGHTS = (\n" + "".join(f"    {w!r},  # {n}\n" for n, w in zip(rerank.FEATURES, weights.round(4).tolist())) + ")\n"
            f"TYPICAL = {round(typical, 4)!r}  # the mean of WEIGHTS · features over the answers trained on\n"
        )
        print(f"wrote {MODEL}")


if __name__ == "__main__":
    main()
