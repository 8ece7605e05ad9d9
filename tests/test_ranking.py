"""Plain-word queries are scored straight from the postings (searcher.query.ranking):
they must find and rank exactly what Whoosh's own matchers would."""

import pytest

from conftest import write
from searcher.query.search import ParagraphSearcher, plan

QUERIES = [
    "perjanjian",
    "pakta pertahanan",
    "siapa yang menandatangani perjanjian kemitraan?",
    "Putin banjir Jakarta",  # no paragraph has all three: the some-words pass
    "banjir -surut",
    "title:banjir warga",
    "kerja sama ekonomi Rusia",
    "banjir OR gempa OR perjanjian",
    "jakar*",
    "warga jakar* -surut",
    "rusia OR tandatangan*",
    "title:banj* warga",
    "zzz*",  # stands for no word
    # A paragraph pasted whole (and a word no paragraph has): the some-words
    # pass visits its words in rounds of several.
    "Penandatanganan perjanjian ini dipandang sebagai tonggak penting dalam hubungan Rusia-Korea Utara. "
    "Setelah bertahun-tahun menghadapi tekanan dan sanksi internasional, Korea Utara menemukan sekutu yang "
    "kuat dalam Rusia. Begitu pula, warga Jakarta mengungsi dari banjir yang melanda zzzq.",
]


@pytest.fixture
def searcher(run, tmp_path):
    """The samples, plus a folder indexed, edited and indexed again: several
    segments, and deleted paragraphs among them."""
    assert run("index").exit_code == 0
    folder = tmp_path / "berita"
    write(folder / "a.txt", "Banjir Jakarta\n\nBanjir melanda Jakarta.\n\nWarga Jakarta mengungsi dari banjir.")
    write(folder / "b.txt", "Putin di Jakarta\n\nPresiden Rusia bertemu warga.\n\nBanjir tidak menghalangi.")
    assert run("index", str(folder)).exit_code == 0
    write(folder / "a.txt", "Banjir Jakarta\n\nBanjir surut.\n\nWarga pulang setelah banjir melanda.")
    assert run("index", str(folder)).exit_code == 0
    with ParagraphSearcher(tmp_path / "index") as opened:
        yield opened


@pytest.mark.parametrize("vectorized", [False, True], ids=["sets", "numpy"])
@pytest.mark.parametrize("text", QUERIES)
def test_postings_scoring_ranks_as_whoosh_does(searcher, text, vectorized):
    node, passes = plan(text)
    matches = searcher._matches(node, searcher._expansions(node), vectorized)
    assert matches is not None  # the query took the fast path
    fast = searcher._ranked(node, passes, 50, matches, searcher._reranker(node, text))
    whoosh = searcher._ranked(node, passes, 50, None, searcher._reranker(node, text))
    assert fast or text == "zzz*"
    assert [(round(score, 9), docnum) for score, docnum, _ in fast] == [
        (round(score, 9), docnum) for score, docnum, _ in whoosh
    ]


def test_edited_paragraphs_are_not_found_by_their_old_words(searcher):
    hits = searcher.search("mengungsi").hits
    assert hits == []
    assert [h.text for h in searcher.search("melanda").hits] == ["Warga pulang setelah banjir melanda."]


@pytest.mark.parametrize("text", QUERIES + ["jakarta", "banjir warga -pulang", "yang"])
def test_a_searcher_finds_the_same_with_numpy_as_without(searcher, tmp_path, text):
    """A long-lived searcher works plain words out with NumPy: the same
    hits, scores, counts and pages as a one-shot query's sets."""
    with ParagraphSearcher(tmp_path / "index", vectorized=False) as sets:
        with ParagraphSearcher(tmp_path / "index", vectorized=True) as arrays:
            for page in (1, 2):
                expected = sets.search(text, limit=3, page=page, count=True)
                found = arrays.search(text, limit=3, page=page, count=True)
                assert found._replace(seconds=0) == expected._replace(seconds=0)


def test_a_searcher_keeps_common_words_postings_decoded_and_finds_the_same_with_them(searcher, tmp_path, monkeypatch):
    """A long-lived searcher keeps the decoded postings of its most common
    terms (vector_ranking.TermArrays), within its bound: the queries after
    find what a one-shot query's sets find."""
    from searcher.query.vector_ranking import TermArrays

    monkeypatch.setattr(TermArrays, "MIN_POSTINGS", 1)  # the fixture's words are in a few paragraphs
    monkeypatch.setattr(TermArrays, "LIMIT_BYTES", 600)  # a few terms' arrays
    with ParagraphSearcher(tmp_path / "index", vectorized=False) as sets:
        with ParagraphSearcher(tmp_path / "index", vectorized=True) as arrays:
            for round_ in range(2):
                for text in QUERIES + ["jakarta", "banjir warga -pulang"]:
                    expected = sets.search(text, limit=3, count=True)
                    found = arrays.search(text, limit=3, count=True)
                    assert found._replace(seconds=0) == expected._replace(seconds=0), (round_, text)
            known = arrays._term_arrays
            assert len(known) > 0 and 0 < known.bytes <= TermArrays.LIMIT_BYTES


@pytest.mark.parametrize("text", ["(jakar* OR rusia) AND banjir", "pakta OR (jakar* -banjir)", "(putin -korea) rusia",
                                  "(banjir OR putin) (jakarta -surut)", "rusia (korea OR title:jakarta) -pakta",
                                  '"kerja sama" tandatangan*', '"warga jakarta" OR banj* -surut', '"korea utara"',
                                  "jakar* OR -banjir", "-korea", "NOT putin NOT korea", "(-banjir) OR (putin -rusia)",
                                  "rusia OR -(jakar* -banjir)"])
def test_queries_with_operators_inside_score_as_whooshs_matchers(searcher, text):
    """Operators inside operators, and phrases, are worked out over
    dictionaries (ranking.TreeMatches), with Whoosh's scores, in both
    passes."""
    node, passes = plan(text)
    matches = searcher._matches(node, searcher._expansions(node), vectorized=False)
    assert matches is not None
    ours = searcher._ranked(node, passes, 50, matches, searcher._reranker(node, text))
    whoosh = searcher._ranked(node, passes, 50, None, searcher._reranker(node, text))
    assert ours
    assert [(round(score, 9), docnum) for score, docnum, _ in ours] == [
        (round(score, 9), docnum) for score, docnum, _ in whoosh
    ]


@pytest.fixture
def many_blocks(run, tmp_path):
    """A phrase's words in 300 paragraphs (postings in several blocks, and
    frequency lists), some at positions past 255, some twice in a
    paragraph or apart, some paragraphs deleted since, in two segments."""
    from conftest import long_term_folder

    folder = long_term_folder(tmp_path)
    filler = " ".join(["kabar"] * 300)
    write(folder / "panjang.txt", f"Banjir Panjang\n\n{filler} warga mengungsi lagi.\n\n"
                                  "Warga Jakarta mengungsi, warga mengungsi, jakarta dan banjir banjir melanda warga.")
    assert run("index", str(folder)).exit_code == 0
    text = (folder / "banjir.txt").read_text(encoding="utf-8")
    write(folder / "banjir.txt", text.replace("Banjir ke-1", "Hujan ke-1"))  # 111 paragraphs changed
    assert run("index", str(folder)).exit_code == 0
    with ParagraphSearcher(tmp_path / "index") as opened:
        yield opened


@pytest.mark.parametrize("text", ['"warga mengungsi"', '"melanda jakarta"', '"melanda jakarta dan warga"',
                                  '"banjir banjir"', '"mengungsi warga"', '"jakarta mengungsi" OR "warga mengungsi" lagi',
                                  'title:"banjir jakarta" melanda', '"banjir ke"', '"melanda zzz"'])
def test_phrases_are_found_from_their_positions_and_score_as_whooshs(many_blocks, text):
    """A phrase's paragraphs are found from its words' positions in the
    postings (ranking.phrase_scores), not Whoosh's matchers: the same
    paragraphs, with the same scores."""
    node, passes = plan(text)
    matches = many_blocks._matches(node, many_blocks._expansions(node), vectorized=False)
    ours = many_blocks._ranked(node, passes, 400, matches, many_blocks._reranker(node, text))
    whoosh = many_blocks._ranked(node, passes, 400, None, many_blocks._reranker(node, text))
    assert [(round(score, 9), docnum) for score, docnum, _ in ours] == [
        (round(score, 9), docnum) for score, docnum, _ in whoosh
    ]
    assert ours or "zzz" in text


def test_a_phrase_query_does_not_import_whoosh(many_blocks):
    import subprocess
    import sys

    code = ("import sys; from searcher.query.search import ParagraphSearcher; "
            f"s = ParagraphSearcher({str(many_blocks._index_dir)!r}); "
            "hits = s.search('\"warga mengungsi\" -lagi', count=True).hits; "
            "print(len(hits), 'whoosh' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout == "10 False\n"


@pytest.mark.parametrize("text", ["-korea", "NOT putin NOT korea", "NOT banjir"])
def test_a_lone_not_lists_what_it_leaves_in_article_order_as_any_tie_is(searcher, tmp_path, monkeypatch, text):
    """Every paragraph a lone NOT leaves scores the same: they come in the
    order of their articles' keys, read through the index in that order
    once, the order the general path gives a tie (by sorting every tied
    paragraph's key, for each search)."""
    from searcher.query.ranking import TreeMatches

    fast = [searcher.search(text, limit=4, page=page, count=True) for page in (1, 2, 3)]
    monkeypatch.setattr(TreeMatches, "one_score", lambda self, every_word: None)
    with ParagraphSearcher(tmp_path / "index") as general:
        slow = [general.search(text, limit=4, page=page, count=True) for page in (1, 2, 3)]
    assert [r._replace(seconds=0) for r in fast] == [r._replace(seconds=0) for r in slow]
    assert fast[0].hits and len({(h.article, h.paragraph) for r in fast for h in r.hits}) == sum(len(r.hits) for r in fast)


@pytest.mark.parametrize("text", ["(banjir -surut) presiden", "(putin -korea) rusia", "(warga -pulang) banjir jakarta"])
def test_an_exclusion_inside_a_group_runs_to_the_end_of_its_matches(searcher, text):
    """Whoosh's AndNotMatcher, skipped past its last match inside an AND,
    asked for the id it no longer had (IndexError)."""
    results = searcher.search(text, count=True)
    assert results.hits and results.paragraphs >= len(results.hits)


@pytest.fixture
def common_and_rare(run, tmp_path):
    """Three hundred paragraphs: a common word in most, rarer ones in a few
    dozen, at lengths that vary, so that the "some words" pass meets
    paragraphs holding only the common word that cannot make the top."""
    folder = tmp_path / "berita"
    filler = "kabar hari ini dari kota yang ramai dengan pedagang dan pembeli".split()
    for article in range(30):
        paragraphs = []
        for number in range(10):
            n = article * 10 + number
            words = filler[: 3 + n % 9] + ["pasar"] * (n % 4 > 0) + ["gabah"] * (n % 7 == 0) + ["beras"] * (n % 11 == 0)
            paragraphs.append(" ".join(words[n % 3:] + words[: n % 3]).capitalize() + ".")
        write(folder / f"a{article:02}.txt", f"Berita {article}\n\n" + "\n\n".join(paragraphs))
    assert run("index", str(folder)).exit_code == 0
    with ParagraphSearcher(tmp_path / "index") as opened:
        yield opened


@pytest.mark.parametrize("share", [1, 10**9], ids=["looked-up", "over-arrays"])
@pytest.mark.parametrize("text", ["gabah pasar", "beras gabah pasar", "gabah OR pasar", "pasar gabah -beras"])
def test_numpy_scores_few_or_many_paragraphs_and_skips_those_that_cannot_rank(
    common_and_rare, monkeypatch, text, share
):
    """Each pass ranks as Whoosh's matchers do, however deep the look,
    whether NumPy looks its paragraphs up in the postings or works over
    arrays of every paragraph, and with the paragraphs holding only the
    common word left unscored when they cannot reach the top."""
    from searcher.query.vector_ranking import VectorMatches

    monkeypatch.setattr(VectorMatches, "SPARSE_SHARE", share)
    searcher = common_and_rare
    node, passes = plan(text)
    for depth in (3, 10, 60):
        matches = searcher._matches(node, searcher._expansions(node), vectorized=True)
        assert isinstance(matches, VectorMatches)
        fast = searcher._ranked(node, passes, depth, matches, searcher._reranker(node, text))
        whoosh = searcher._ranked(node, passes, depth, None, searcher._reranker(node, text))
        assert len(fast) == depth
        assert [(round(score, 9), docnum) for score, docnum, _ in fast] == [
            (round(score, 9), docnum) for score, docnum, _ in whoosh
        ]
