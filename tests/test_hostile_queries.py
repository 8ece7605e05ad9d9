"""No query string, however odd, produces a traceback."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher.search import ParagraphSearcher
from searcher.store import update_index
from conftest import SAMPLES

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
