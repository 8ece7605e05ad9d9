"""Articles' dates, sites, URLs and authors: read from JSONL and HTML,
stored, shown by query, show and stats; and indexes made before they were
kept still open, answer and update."""

import json

import pytest
from whoosh.fields import KEYWORD
from conftest import SAMPLES, index_as_made_before, json_hits, write

from searcher.storage import store

RECORDS = [
    {"id": "ant-1", "title": "Harga beras naik", "text": "Pemerintah menaikkan harga beras medium.\n\nKenaikan 500 rupiah.",
     "date": "2024-05-02T10:00:00+07:00", "source": "ANTARA", "url": "https://antaranews.example/1", "author": "Budi"},
    {"id": "kmp-1", "title": "Beras impor tiba", "text": "Beras impor tiba di Tanjung Priok.", "date": "2024-06-18",
     "site": "Kompas"},
    {"id": "kmp-2", "title": "Harga cabai", "text": "Harga cabai dan beras stabil.", "site": "Kompas"},
]


def _jsonl(folder, records=RECORDS):
    return write(folder / "berita.jsonl", "\n".join(json.dumps(r) for r in records))


def test_jsonl_metadata_is_shown_by_query_show_and_stats(run, tmp_path):
    folder = tmp_path / "berita"
    _jsonl(folder)
    assert run("index", str(folder)).exit_code == 0
    hits = {h["article"]: h for h in json_hits(run("query", "--json", "beras").output)}
    assert {k: hits["ant-1"][k] for k in ("date", "site", "url", "author")} == {
        "date": "2024-05-02", "site": "ANTARA", "url": "https://antaranews.example/1", "author": "Budi"}
    assert (hits["kmp-2"]["date"], hits["kmp-2"]["site"], hits["kmp-2"]["url"]) == (None, "Kompas", None)

    text = run("query", "--color=never", "beras", "impor").output
    assert "   Kompas, 2024-06-18 · " in text  # on the source line
    shown = run("show", "ant-1").output.splitlines()
    assert shown[2] == "ANTARA · 2024-05-02 · by Budi · https://antaranews.example/1"
    assert json.loads(run("show", "--json", "kmp-1").output)["date"] == "2024-06-18"

    stats = json.loads(run("stats", "--json").output)
    assert stats["sites"] == {"Kompas": 2, "ANTARA": 1}
    assert stats["dates"] == {"first": "2024-05-02", "last": "2024-06-18", "undated": 1}
    lines = run("stats").output.splitlines()
    assert "dates:          2024-05-02 to 2024-06-18; 1 article without a date" in lines
    assert "sites:          Kompas (2), ANTARA (1)" in lines


def test_a_record_with_a_url_but_no_site_is_on_the_urls_domain(run, tmp_path):
    """Scrapers write URLs more often than outlets: a record that names no
    site is filtered and counted under its URL's domain, as an HTML page
    that names none is."""
    records = [
        {"id": "k1", "text": "Banjir merendam Jakarta.", "url": "https://megapolitan.kompas.com/read/2024/1"},
        {"id": "k2", "text": "Banjir surut di Bekasi.", "url": "https://www.kompas.com/read/2024/2"},
        {"id": "d1", "text": "Banjir di Semarang.", "url": "https://news.detik.com/berita/d-3"},
        {"id": "t1", "text": "Banjir rob di Demak.", "url": "https://nasional.tempo.co/read/4", "site": "Tempo"},
        {"id": "x1", "text": "Banjir di Kudus.", "url": "bukan alamat"},
    ]
    _jsonl(tmp_path / "berita", records)
    assert run("index", str(tmp_path / "berita")).exit_code == 0
    sites = {h["article"]: h["site"] for h in json_hits(run("query", "--json", "banjir").output)}
    assert sites == {"k1": "kompas.com", "k2": "kompas.com", "d1": "detik.com", "t1": "Tempo", "x1": None}
    assert {h["article"] for h in json_hits(run("query", "--json", "banjir", "--site", "kompas.com").output)} == {"k1", "k2"}
    assert "sites:          kompas.com (2), Tempo (1), detik.com (1)" in run("stats").output


def test_a_date_that_is_not_iso_is_dropped_with_a_warning_and_the_article_kept(run, tmp_path):
    folder = tmp_path / "berita"
    _jsonl(folder, [{"id": "x", "title": "Gempa", "text": "Gempa mengguncang Palu.", "date": "18/06/2024"},
                    {"id": "y", "title": "Banjir", "text": "Banjir di Jakarta.", "date": "2024-02-30"}])
    result = run("index", str(folder))
    assert result.exit_code == 0
    assert f"search: warning: {folder / 'berita.jsonl'}:1: record x has a date that is not ISO 8601 ('18/06/2024'); indexed without one" in result.output
    assert "record y has a date that is not ISO 8601 ('2024-02-30')" in result.output
    assert json_hits(run("query", "--json", "gempa").output)[0]["date"] is None


@pytest.fixture
def index_without_metadata(run, tmp_path, monkeypatch):
    """An index as searcher made it before articles' metadata was kept."""

    def before_metadata(schema):
        for name in store.METADATA_FIELDS:
            schema.remove(name)
        schema.add(store.SKETCH_FIELD, KEYWORD)  # (indexed sketch terms then)

    folder = tmp_path / "berita"
    _jsonl(folder)
    assert index_as_made_before(run, monkeypatch, before_metadata, str(folder), str(SAMPLES)).exit_code == 0
    return folder


def test_an_index_made_before_metadata_answers_and_updates_as_before(run, index_without_metadata, tmp_path):
    hits = json_hits(run("query", "--json", "beras").output)
    assert hits and all(h["date"] is None and h["site"] is None for h in hits)
    assert json_hits(run("query", "--json", "pakta", "pertahanan").output)[0]["paragraph"] == 4
    assert json.loads(run("stats", "--json").output)["dates"] is None
    assert "made before dates and sites were kept; 'search index --rebuild' reads them" in run("stats").output
    for asked in (["--since", "2024"], ["--site", "Kompas"], ["--sort", "date"], ["--facets"]):
        result = run("query", "beras", *asked)
        assert result.exit_code == 2, asked
        assert result.output.strip().endswith("was made before articles' dates and sites were kept; "
                                              "run 'search index --rebuild' to filter or sort by them"), asked

    write(index_without_metadata / "baru.jsonl", json.dumps(
        {"id": "new-1", "title": "Banjir", "text": "Banjir melanda Jakarta.", "date": "2024-07-01", "site": "Tempo"}))
    assert run("index").exit_code == 0  # an update keeps the index's schema
    assert json_hits(run("query", "--json", "banjir").output)[0]["article"] == "new-1"

    assert run("index", "--rebuild").exit_code == 0
    hits = {h["article"]: h for h in json_hits(run("query", "--json", "beras").output)}
    assert (hits["ant-1"]["date"], hits["ant-1"]["site"]) == ("2024-05-02", "ANTARA")
    assert json.loads(run("stats", "--json").output)["sites"] == {"Kompas": 2, "ANTARA": 1, "Tempo": 1}
