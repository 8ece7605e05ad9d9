"""No query string, however odd, produces a traceback."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher.query.search import ParagraphSearcher
from searcher.storage.indexing import update_index
from conftest import SAMPLES, json_hits, write

SYNTAX = st.sampled_from(['"', "(", ")", "AND", "OR", "NOT", "-", "*", "?", "~", "^", ":", "title:", " ", "kerja", "sama"])


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("index")
    update_index(index_dir, [SAMPLES], warn=lambda message: None)
    with ParagraphSearcher(index_dir) as opened:
        yield opened


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(SYNTAX, st.text(max_size=8)), max_size=12).map(" ".join))
def test_random_queries_never_raise(searcher, text):
    hits = searcher.search(text, limit=5).hits
    assert all(hit.rank == i for i, hit in enumerate(hits, 1))


@pytest.mark.parametrize(
    "text",
    ['"unbalanced', "((pakta", "pakta))", "AND", "NOT", "title:", "*", "?", "~", "^", "\x00\x07\x1b", "🙂 pakta 🙂", "A", "zq",
     "pakta " * 1000],
)
def test_named_hostile_queries(run, text):
    run("index")
    result = run("query", text)
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output


def test_a_word_starting_with_a_dash_after_the_first_excludes_it(sample_index):
    both = sample_index("query", "--json", "-n", "20", "korea")
    without = sample_index("query", "korea", "-pakta", "-n", "20", "--json")
    assert without.exit_code == 0, without.output
    kept = [hit["text"] for hit in json_hits(without.stdout)]
    assert kept and len(kept) < len(json_hits(both.stdout))
    assert all("pakta" not in text.lower() for text in kept)
    assert sample_index("query", "korea", "-n2", "-pakta", "--json").stdout.count("\n") == 2  # -n2 is still -n 2


@pytest.mark.parametrize("typo", ["--jsonn", "--csv", "--limit-5", "--formt=json"])
def test_a_mistyped_option_after_the_words_is_named_not_searched_for(sample_index, typo):
    """A word of one dash excludes it; "--jsonn" is no query word but a
    typo of --json, and searching without it would print text where a
    script expects JSON."""
    result = sample_index("query", "korea", typo)
    assert result.exit_code == 2
    assert f"No such option '{typo.partition('=')[0]}'" in result.stderr
    assert result.stdout == ""
    if typo == "--jsonn":
        assert "'--json'" in result.stderr  # the option meant, suggested
    # After "--", every argument is a query word, as the usage says.
    assert sample_index("query", "korea", "--", typo).exit_code in (0, 1)


@pytest.mark.parametrize("option", ["--site", "--since", "-n"])
def test_an_option_left_without_its_value_after_the_words_is_named(sample_index, option):
    result = sample_index("query", "korea", option)  # (the value was "--", the words' guard)
    assert result.exit_code == 2
    assert f"Option '{option}' requires an argument." in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("text", ["(" * 1000 + "putin" + ")" * 1000, "NOT " * 1000 + "putin"])
def test_queries_nested_past_the_limit_are_one_line_errors(sample_index, text):
    result = sample_index("query", text)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["search: error: the query nests parentheses or NOTs more than 32 deep"]
    nested = "(" * 30 + "putin" + ")" * 30  # within it
    assert sample_index("query", nested).exit_code == 0


def test_words_of_bytes_that_are_not_utf8_are_left_out_with_a_note(sample_index, tmp_path):
    # A terminal set to Latin-1 sends "ç" as the byte 0xe7, which Python
    # keeps as a lone surrogate: no indexed word holds one, and cut there
    # "Françoise" would be searched as "fran" and "oise".
    import os
    import re
    import subprocess

    from test_cli import _installed_search

    search = _installed_search()
    note = (b"search: note: b'Fran\\xe7oise' is not UTF-8 text, so it was left out: "
            b"is the terminal set to another encoding?\n")
    for args in ([b"query", b"pakta Fran\xe7oise"], [b"query", b"--", b"pakta Fran\xe7oise"]):
        done = subprocess.run([search, *args], capture_output=True, env=os.environ)
        assert (done.returncode, done.stderr) == (0, note), args
        plain = subprocess.run([search, "query", "pakta"], capture_output=True, env=os.environ).stdout
        assert re.sub(rb"\(\d+ ms\)", b"", done.stdout) == re.sub(rb"\(\d+ ms\)", b"", plain)
    alone = subprocess.run([search, b"query", b"Fran\xe7oise"], capture_output=True, env=os.environ)
    assert alone.returncode == 2
    assert alone.stderr == (b"search: error: the query is not UTF-8 text (b'Fran\\xe7oise'): "
                            b"is the terminal set to another encoding?\n")


def test_a_prefix_standing_for_more_words_than_the_cap_says_so(run, tmp_path):
    import itertools
    import string

    from searcher.query.prefixes import MAX_EXPANSIONS

    share = MAX_EXPANSIONS // 2  # one prefix, searched in the body and the title
    letters = ("".join(t) for t in itertools.product(string.ascii_lowercase, repeat=3))
    many = [f"zq{tail}" for tail in itertools.islice(letters, share + 50)]
    write(tmp_path / "berita" / "kata.txt", "Kata-kata\n\n" + " ".join(many) + ".\n\nLalu zqzzz sendiri.")
    run("index", str(tmp_path / "berita"))
    capped = run("query", "zq*")
    assert capped.exit_code == 0
    assert capped.stderr.splitlines() == [
        f"search: note: zq* stands for more than {share:,} words; only the first {share:,} "
        "(in alphabetical order) were searched: a longer prefix finds them all "
        f"(a query's prefixes stand for {MAX_EXPANSIONS:,} words in all, in body and title)"]
    assert "paragraph 1 " in capped.stdout  # zqaaa.. is among the first
    assert "paragraph 2 " not in capped.stdout  # zqzzz is not
    whole = run("query", "zqz*")
    assert whole.stderr == "" and "paragraph 2 " in whole.stdout
