#!/usr/bin/env python3
"""How good "Did you mean" is: typos it should fix, foreign words it should
leave alone.

On an index of news-like articles (``--index``, or one built from
../shared/bench/make_corpus.py):

* typos: words of the index's vocabulary (in at least 3 paragraphs, 5
  letters or more), each given one or two random slips past its first two
  letters (a letter left out, a neighbouring key struck instead or as
  well, two letters swapped; a seeded draw; typos that are themselves
  words are skipped):
  how many are corrected to the word, to another word, or not at all;
* English words a user may type into an Indonesian index: how many get a
  suggestion, and whether it is the Indonesian cognate (president →
  presiden) or a word unrelated in meaning (election → elektron).

  python bench/spelling.py --index /tmp/i20s
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from searcher.query import spelling  # noqa: E402
from searcher.query.search import ParagraphSearcher  # noqa: E402
from searcher.storage.indexing import update_index  # noqa: E402

MAKE_CORPUS = HERE.parent.parent / "shared" / "bench" / "make_corpus.py"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
NEIGHBOURS = spelling.neighbouring_keys  # the keyboard, as typos are made (whatever --any-key says)

# English words of news, and the Indonesian words a suggestion may fairly
# give for them (cognates, as spelt in Indonesian); any other suggestion is
# one a reader would find absurd.
ENGLISH = {
    "election": {"elektoral"}, "government": set(), "president": {"presiden"}, "minister": set(),
    "economy": {"ekonomi"}, "economic": {"ekonomi"}, "police": {"polisi"}, "court": set(),
    "military": {"militer"}, "security": set(), "parliament": {"parlemen"}, "policy": {"polisi"},
    "inflation": {"inflasi"}, "corruption": {"korupsi"}, "investment": {"investasi"},
    "education": {"edukasi"}, "technology": {"teknologi"}, "industry": {"industri"},
    "market": {"market", "marka"}, "budget": set(), "health": set(), "hospital": {"hospital"},
    "disaster": {"disaster"}, "earthquake": set(), "flood": set(), "village": set(),
    "region": {"regional", "region"}, "province": {"provinsi"}, "district": {"distrik"},
    "agreement": set(), "company": {"kompeni"}, "student": {"studen"}, "teacher": set(),
    "farmer": set(), "price": {"price"}, "energy": {"energi"}, "nuclear": {"nuklir"},
    "report": {"reporter", "raport", "rapor"}, "statement": set(), "ambassador": set(),
    "weather": set(), "accident": set(), "victim": {"viktim"}, "campaign": {"kampanye"},
    "candidate": {"kandidat"}, "vote": {"voting"}, "law": set(), "judge": set(),
    "protest": {"protes"}, "strike": set(), "bridge": set(), "airport": set(),
}


def typo(word: str, rng: random.Random, edits: int) -> str:
    for _ in range(edits):
        if len(word) < 4:
            break
        at = rng.randrange(2, len(word))
        kind = rng.choice(("delete", "insert", "substitute", "swap"))
        if kind == "delete":
            word = word[:at] + word[at + 1 :]
        elif kind == "insert":  # a key beside the next one, or the same struck twice
            near = [key for key in LETTERS if key == word[at] or NEIGHBOURS(key, word[at])]
            word = word[:at] + rng.choice(near or LETTERS) + word[at:]
        elif kind == "substitute":  # a key beside the right one
            near = [key for key in LETTERS if key != word[at] and NEIGHBOURS(key, word[at])]
            word = word[:at] + rng.choice(near or LETTERS) + word[at + 1 :]
        elif at + 1 < len(word):
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="an index to use (default: 2,000 generated articles)")
    parser.add_argument("--typos", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", action="store_true", help="print each English word's suggestion")
    parser.add_argument("--any-key", action="store_true",
                        help="count every substitution as one edit (as before the keyboard was considered)")
    args = parser.parse_args()
    if args.any_key:
        # every substitution one edit
        spelling._NEIGHBOURS = frozenset((a, b) for a in LETTERS for b in LETTERS if a != b)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index
        if index_dir is None:
            corpus, index_dir = Path(tmp) / "corpus", Path(tmp) / "index"
            subprocess.run([sys.executable, str(MAKE_CORPUS), "--articles", "2000", "--out", str(corpus)],
                           check=True, capture_output=True)
            update_index(index_dir, [corpus], warn=lambda message: None)
        with ParagraphSearcher(index_dir) as searcher:
            reader = searcher._whoosh_searcher().reader()
            words = searcher.vocabulary()
            vocabulary = sorted(
                term.decode() if isinstance(term, bytes) else term
                for term, info in reader.iter_field("body")
                if info.doc_frequency() >= 3 and len(term) >= 5 and (term.decode() if isinstance(term, bytes) else term).isalpha()
            )
            rng = random.Random(args.seed)
            for edits in (1, 2):
                right = wrong = none = 0
                for word in rng.sample(vocabulary, min(args.typos, len(vocabulary))):
                    typed = typo(word, rng, edits)
                    if spelling.is_known(reader, typed):
                        continue
                    corrected = spelling.correct_word(words, typed)
                    if corrected == word:
                        right += 1
                    elif corrected:
                        wrong += 1
                    else:
                        none += 1
                total = right + wrong + none
                print(f"typos, {edits} edit(s): {total} words; corrected {right / total:.1%}, "
                      f"to another word {wrong / total:.1%}, no suggestion {none / total:.1%}")
            unknown = [w for w in ENGLISH if not spelling.is_known(reader, w)]
            suggested = {w: spelling.correct_word(words, w) for w in unknown}
            cognates = [w for w, s in suggested.items() if s and s in ENGLISH[w]]
            absurd = [w for w, s in suggested.items() if s and s not in ENGLISH[w]]
            print(f"English words unknown to the index: {len(unknown)}; suggestion a cognate {len(cognates)}, "
                  f"unrelated {len(absurd)} ({', '.join(f'{w}→{suggested[w]}' for w in absurd)})")
            if args.show:
                for word, suggestion in suggested.items():
                    print(f"  {word} → {suggestion}")


if __name__ == "__main__":
    main()
