"""The library under the CLI: searcher.Index, as the README shows it."""

import threading

import pytest
from conftest import SAMPLES, write

import searcher


def test_the_readme_example_indexes_searches_and_reads(tmp_path):
    ix = searcher.Index(tmp_path / "index")  # opens or creates
    report = ix.update([SAMPLES])
    assert (report.new, report.paragraphs, report.skipped) == (2, 14, 0)
    results = ix.search("pakta pertahanan", limit=10, page=1, per_article=None)
    assert results.total == 2 and results.exact
    best = results.hits[0]
    assert (best.rank, best.article, best.paragraph) == (1, "000_8e71dce4d88c4be3", 4)
    assert best.title.startswith("Vladimir Putin dan Kim Jong Un") and best.score > 0
    marked = [best.snippet_text[start:end].lower() for start, end in best.highlights]
    assert marked[:2] == ["pakta", "pertahanan"]
    assert best.duplicates == []
    article = ix.article(best.article)
    assert dict(article.paragraphs)[4] == best.text
    stats = ix.stats()
    assert (stats["articles"], stats["paragraphs"], stats["files"]) == (2, 14, 2)
    assert stats["roots"] == [str(SAMPLES)]
    ix.close()


def test_an_index_named_by_a_string_works_as_one_named_by_a_path(tmp_path):
    # Index keeps the folder as given (a query needs no pathlib); path is a Path.
    folder = str(tmp_path / "index")
    ix = searcher.Index(folder)
    assert ix.path == tmp_path / "index" and repr(ix) == f"Index({folder!r})"
    ix.update([str(SAMPLES)])
    assert ix.roots() == [SAMPLES]
    assert ix.search("pakta pertahanan").hits[0].paragraph == 4
    ix.update()  # again, from the folders it knows
    assert searcher.Index(tmp_path / "index").search("pakta pertahanan").total == 2
    ix.close()


def test_indexes_dropped_unclosed_do_not_pile_up_in_the_process(tmp_path):
    """``Index(path).search(q)`` over and over, as in a notebook: each
    open index's stem table (its whole file) is looked in by every
    stemming until it is closed, or dropped."""
    import gc

    from searcher import analysis

    with searcher.Index(tmp_path / "index") as ix:
        ix.update([str(SAMPLES)])
    open_tables = len(analysis._tables)
    for _ in range(5):
        assert searcher.Index(tmp_path / "index").search("pakta pertahanan").total == 2
    gc.collect()
    assert len(analysis._tables) == open_tables


def test_a_long_lived_index_sees_what_a_writer_commits(tmp_path):
    folder = tmp_path / "berita"
    write(folder / "a.txt", "Gempa Palu\n\nGempa mengguncang Palu.")
    with searcher.Index(tmp_path / "index") as ix:
        ix.update([folder])
        assert ix.search("banjir").hits == []
        assert [hit.text for hit in ix.search("gempa").hits] == ["Gempa mengguncang Palu."]
        write(folder / "b.txt", "Banjir Jakarta\n\nBanjir melanda Jakarta.")
        searcher.Index(tmp_path / "index").update()  # another writer; by default, the folders indexed so far
        assert [hit.text for hit in ix.search("banjir").hits] == ["Banjir melanda Jakarta."]


def test_searches_from_several_threads_find_what_one_thread_finds(tmp_path):
    with searcher.Index(tmp_path / "index") as ix:
        ix.update([SAMPLES])
        queries = ["pakta pertahanan", "korea utara", "putin -korea", "tandatangan*", '"kerja sama"']
        expected = {text: [(h.article, h.paragraph) for h in ix.search(text).hits] for text in queries}
        found, errors = {}, []

        def search_all(worker):
            try:
                for text in queries:
                    found[worker, text] = [(h.article, h.paragraph) for h in ix.search(text).hits]
            except Exception as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=search_all, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors
        assert all(found[n, text] == expected[text] for n in range(4) for text in queries)


def test_errors_for_the_user_are_search_errors_with_one_line(tmp_path):
    ix = searcher.Index(tmp_path / "nothing-here")
    with pytest.raises(searcher.SearchError, match="no index in"):
        ix.search("pakta")
    with pytest.raises(searcher.SearchError, match="nothing to index"):
        ix.update()
    ix.update([SAMPLES])
    with pytest.raises(searcher.SearchError, match="no article 'missing'"):
        ix.article("missing")
    with pytest.raises(searcher.SearchError, match="nests parentheses"):
        ix.search("(" * 40 + "pakta" + ")" * 40)


@pytest.mark.parametrize("asked", [{"limit": 0}, {"page": 0}, {"page": -1}, {"per_article": 0}, {"sort": "datum"}])
def test_a_page_that_cannot_be_is_a_value_error_not_an_empty_page(tmp_path, asked):
    """limit=0 gave no hits and said nothing: a caller's bug passed for
    'nothing matches'."""
    ix = searcher.Index(tmp_path / "index")
    ix.update([SAMPLES])
    with pytest.raises(ValueError, match=f"{next(iter(asked))} must be"):
        ix.search("pakta", **asked)
    assert ix.search("pakta", limit=1, page=2).hits and ix.search("pakta", per_article=1).hits  # the least of each


def test_the_readme_python_example_runs_as_written(tmp_path, capsys):
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("## From Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    example = example.replace('"berita/"', repr(str(SAMPLES))).replace('Index("index")', f"Index({str(tmp_path / 'ix')!r})")
    exec(compile(example, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "2 0 0 14"
    assert printed[1] == "2 paragraphs match"
    assert printed[2].startswith("1 ") and " 000_8e71dce4d88c4be3 4 Vladimir Putin" in printed[2]


def test_an_update_leaves_the_garbage_collector_as_it_found_it(tmp_path, monkeypatch):
    """Indexing pauses Python's cyclic garbage collector (its walks over the
    postings pool cost a tenth of the time); a program calling update gets
    it back on, also when the update fails, and off if it had it off."""
    import gc

    from searcher.errors import IndexLocked
    from searcher.storage import indexing

    ix = searcher.Index(tmp_path / "index")
    seen = []
    index_file = indexing._index_file
    monkeypatch.setattr(indexing, "_index_file", lambda *args, **kwargs: (seen.append(gc.isenabled()), index_file(*args, **kwargs)))
    assert gc.isenabled()
    ix.update([SAMPLES])
    assert seen and not any(seen)  # off while the files were indexed
    assert gc.isenabled()
    monkeypatch.setattr(indexing, "_update_index", lambda *args: (_ for _ in ()).throw(IndexLocked("held")))
    with pytest.raises(IndexLocked):
        ix.update([SAMPLES])
    assert gc.isenabled()
    gc.disable()
    try:
        monkeypatch.undo()
        ix.update([SAMPLES])
        assert not gc.isenabled()
    finally:
        gc.enable()
