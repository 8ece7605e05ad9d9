"""Narrowing queries by date and site, and sorting by date: the same hits
whichever way a query is scored (sets for a one-shot query, NumPy arrays
in a long-lived searcher), with counts, pages and both passes narrowed."""

import json

import pytest
from conftest import json_hits, write

import searcher
from searcher.storage.w3.reader import IndexFiles

ARTICLES = [  # id, site, date, text
    ("kmp-1", "Kompas", "2024-05-10", "Banjir melanda Jakarta Timur. Warga mengungsi."),
    ("kmp-2", "Kompas", "2024-06-18", "Banjir dan longsor di Bogor. Jalan tertutup."),
    ("tmp-1", "Tempo", "2024-06-01", "Banjir rob di pesisir Semarang."),
    ("tmp-2", "Tempo", None, "Banjir kiriman dari Bogor tiba di Jakarta."),
    ("dtk-1", "Detik", "2023-12-31", "Longsor dan banjir di Garut menjelang tahun baru."),
    ("ant-1", "ANTARA", "2024-06-30", "Harga beras naik setelah banjir melanda sentra padi."),
]


@pytest.fixture
def index(tmp_path):
    records = [{"id": i, "title": f"Berita {i}", "text": t, "site": s, **({"date": d} if d else {})}
               for i, s, d, t in ARTICLES]
    write(tmp_path / "berita" / "berita.jsonl", "\n".join(json.dumps(r) for r in records))
    with searcher.Index(tmp_path / "index") as ix:
        ix.update([tmp_path / "berita"])
    return tmp_path / "index"


def articles_found(index_dir, query, **options):
    """The articles of the hits, from a fresh Index (its first search: the
    set-based scoring) and again from the same one (NumPy arrays); both
    must agree, counts included."""
    with searcher.Index(index_dir) as ix:
        first = ix.search(query, limit=20, **options)
        again = ix.search(query, limit=20, **options)
    found = [hit.article for hit in first.hits]
    assert [hit.article for hit in again.hits] == found
    assert (first.total, first.articles) == (again.total, again.articles) == (len(found), len(set(found)))
    return found


def test_a_date_range_keeps_only_the_articles_published_in_it(index):
    assert set(articles_found(index, "banjir", since="2024-06", until="2024-06")) == {"kmp-2", "tmp-1", "ant-1"}
    assert set(articles_found(index, "banjir", until="2024-05-31")) == {"kmp-1", "dtk-1"}
    assert set(articles_found(index, "banjir", since="2024")) == {"kmp-1", "kmp-2", "tmp-1", "ant-1"}  # undated: out
    assert articles_found(index, "banjir", since="2025") == []


def test_sites_are_matched_whatever_their_case_and_several_may_be_given(index):
    assert set(articles_found(index, "banjir", sites=["kompas"])) == {"kmp-1", "kmp-2"}
    assert set(articles_found(index, "banjir", sites="Kompas")) == {"kmp-1", "kmp-2"}  # one, as a string
    assert set(articles_found(index, "banjir", sites=["KOMPAS", "tempo"])) == {"kmp-1", "kmp-2", "tmp-1", "tmp-2"}
    assert articles_found(index, "banjir", sites=["Republika"]) == []
    assert articles_found(index, "banjir", sites=["Tempo"], since="2024-06-02") == []


def test_both_passes_phrases_and_operators_are_narrowed(index):
    # Every word first (kmp-2, dtk-1 hold both), then some (the rest): in Kompas only.
    assert articles_found(index, "banjir longsor", sites=["Kompas"]) == ["kmp-2", "kmp-1"]
    assert articles_found(index, '"banjir rob"', sites=["Tempo"]) == ["tmp-1"]
    assert articles_found(index, '"banjir rob"', sites=["Kompas"]) == []
    assert set(articles_found(index, "banjir -bogor", since="2024-06")) == {"tmp-1", "ant-1"}
    assert set(articles_found(index, "banj*", until="2024-05")) == {"kmp-1", "dtk-1"}


def test_sorting_by_date_puts_the_newest_first_and_the_undated_last(index):
    assert articles_found(index, "banjir", sort="date") == ["ant-1", "kmp-2", "tmp-1", "kmp-1", "dtk-1", "tmp-2"]
    # Paragraphs with every word still come before those with some.
    assert articles_found(index, "banjir longsor", sort="date")[:2] == ["kmp-2", "dtk-1"]
    with searcher.Index(index) as ix:
        pages = [ix.search("banjir", limit=2, page=n, sort="date").hits for n in (1, 2, 3)]
    assert [[h.article for h in hits] for hits in pages] == [["ant-1", "kmp-2"], ["tmp-1", "kmp-1"], ["dtk-1", "tmp-2"]]
    with searcher.Index(index) as ix:  # with sites, paging and a cap per article too
        narrowed = ix.search("banjir", limit=2, page=2, per_article=1, sort="date", sites=["kompas", "tempo"])
    assert [h.article for h in narrowed.hits] == ["kmp-1", "tmp-2"]


def test_a_filter_reads_no_stored_fields_beyond_the_hits(tmp_path, monkeypatch):
    paragraphs = "\n\n".join(f"Banjir ke-{n} melanda kota." for n in range(300))
    records = [{"id": "besar", "title": "Banjir", "text": paragraphs, "site": "Besar"},
               {"id": "kecil", "title": "Banjir", "text": "Banjir kecil di desa.", "site": "Kecil"}]
    write(tmp_path / "b" / "b.jsonl", "\n".join(json.dumps(r) for r in records))
    with searcher.Index(tmp_path / "index") as ix:
        ix.update([tmp_path / "b"])
    reads = []
    real = IndexFiles.stored_fields
    monkeypatch.setattr(IndexFiles, "stored_fields", lambda files, docnum: reads.append(docnum) or real(files, docnum))
    with searcher.Index(tmp_path / "index") as ix:
        assert [h.article for h in ix.search("banjir", sites=["kecil"]).hits] == ["kecil"]
    assert len(reads) <= 2  # the one hit (and nothing of the 300 others that match)


def test_the_cli_filters_sorts_and_says_what_is_wrong_in_one_line(run, index, monkeypatch):
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(index))
    hits = json_hits(run("query", "--json", "banjir", "--since", "2024-06", "--sort", "date").output)
    assert [h["article"] for h in hits] == ["ant-1", "kmp-2", "tmp-1"]
    assert [h["date"] for h in hits] == ["2024-06-30", "2024-06-18", "2024-06-01"]
    result = run("query", "banjir", "--site", "Republika")
    assert result.exit_code == 1 and "no paragraph matches 'banjir' with --site Republika" in result.output
    for option, value, message in [("--since", "2024-13", "since '2024-13' is not a date: no such day"),
                                   ("--until", "kemarin", "until 'kemarin' is not a date: use 2024, 2024-06 or 2024-06-18")]:
        result = run("query", "banjir", option, value)
        assert result.exit_code == 2 and result.output.strip() == f"search: error: {message}"


def test_the_api_filters_and_sorts(index):
    from starlette.testclient import TestClient

    from searcher.web.app import create_app

    with searcher.Index(index) as ix, TestClient(create_app(ix)) as client:
        body = client.get("/api/search", params=[("q", "banjir"), ("site", "kompas"), ("site", "Detik"),
                                                  ("sort", "date")]).json()
        assert [h["article"] for h in body["hits"]] == ["kmp-2", "kmp-1", "dtk-1"]
        assert (body["sites"], body["sort"], body["total"]) == (["kompas", "Detik"], "date", 3)
        bad = client.get("/api/search", params={"q": "banjir", "until": "besok"})
        assert bad.status_code == 400 and "until 'besok' is not a date" in bad.json()["error"]
        assert client.get("/api/search", params={"q": "banjir", "sort": "score"}).status_code == 400


def test_facets_count_every_matching_paragraph_by_month_and_site_on_both_scoring_paths(index):
    with searcher.Index(index) as ix:
        first, again = (ix.search("banjir", limit=1, facets=True).facets for _ in range(2))
        narrowed = ix.search("banjir", limit=1, facets=True, sites=["kompas", "tempo"]).facets
        phrase = ix.search('"banjir rob" OR longsor', limit=1, facets=True).facets
    assert first == again == {
        "months": {"2023-12": 1, "2024-05": 1, "2024-06": 3},
        "undated": 1,
        "sites": {"Kompas": 2, "Tempo": 2, "ANTARA": 1, "Detik": 1},
        "no_site": 0,
    }
    assert narrowed == {"months": {"2024-05": 1, "2024-06": 2}, "undated": 1, "sites": {"Kompas": 2, "Tempo": 2},
                        "no_site": 0}
    assert phrase["sites"] == {"Detik": 1, "Kompas": 1, "Tempo": 1}


def test_facets_in_the_cli_and_the_api(run, index, monkeypatch):
    from starlette.testclient import TestClient

    from searcher.web.app import create_app

    monkeypatch.setenv("SEARCH_INDEX_DIR", str(index))
    lines = run("query", "--json", "--facets", "-n", "2", "banjir").output.splitlines()
    assert len(lines) == 3 and json.loads(lines[-1])["facets"]["sites"]["Kompas"] == 2
    text = run("query", "--color=never", "--facets", "banjir", "--since", "2024").output
    assert "Matching paragraphs by month\n   2024-05  ██████████                      1\n" in text
    assert "   Kompas  ██████████████████████████████  2\n" in text
    with searcher.Index(index) as ix, TestClient(create_app(ix)) as client:
        body = client.get("/api/search", params={"q": "banjir", "facets": "1"}).json()
        assert body["facets"]["months"]["2024-06"] == 3
        assert "facets" not in client.get("/api/search", params={"q": "banjir"}).json()
