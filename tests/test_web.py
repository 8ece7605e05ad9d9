"""``search serve``'s JSON API and page, through Starlette's TestClient
(the app in-process, over the library's Index), and the command itself as a
real process."""

import json
import os
import signal
import socket
import subprocess
import threading
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import SAMPLES, json_hits, write
from starlette.testclient import TestClient

import searcher
from searcher.web.app import MAX_QUERY_CHARS, create_app

HOSTILE_TITLE = "<script>alert(1)</script> Banjir"
HOSTILE_TEXT = '"><img src=x onerror=alert(1)> Banjir melanda Jakarta <b>pagi</b> ini.'


@pytest.fixture
def index(tmp_path):
    with searcher.Index(tmp_path / "index") as ix:
        ix.update([SAMPLES])
        yield ix


@pytest.fixture
def client(index):
    with TestClient(create_app(index)) as client:
        yield client


def test_search_answers_what_search_query_json_prints_plus_counts(client, run):
    answer = client.get("/api/search", params={"q": "pakta pertahanan"})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["total"], body["articles"], body["exact"]) == (2, 1, True)
    assert body["suggestion"] is None and body["took_ms"] >= 0
    cli_hits = json_hits(run("query", "--json", "pakta", "pertahanan").output)  # on the same index
    # The same hits with the same fields; the CLI's snippets may be cut to
    # its own width, so compare them apart.
    assert [{k: v for k, v in h.items() if k not in ("snippet", "highlights")} for h in body["hits"]] == [
        {k: v for k, v in h.items() if k not in ("snippet", "highlights")} for h in cli_hits
    ]
    best = body["hits"][0]
    assert (best["article"], best["paragraph"]) == ("000_8e71dce4d88c4be3", 4)
    assert [best["snippet"][a:b].lower() for a, b in best["highlights"]][:2] == ["pakta", "pertahanan"]


def test_search_pages_limits_and_caps_per_article(client):
    first = client.get("/api/search", params={"q": "korea utara", "limit": 3}).json()
    second = client.get("/api/search", params={"q": "korea utara", "limit": 3, "page": 2}).json()
    assert [h["rank"] for h in first["hits"]] == [1, 2, 3] and [h["rank"] for h in second["hits"]] == [4, 5, 6]
    assert not {h["text"] for h in first["hits"]} & {h["text"] for h in second["hits"]}
    capped = client.get("/api/search", params={"q": "korea utara", "per_article": 1}).json()
    assert len(capped["hits"]) == 2 and len({h["article"] for h in capped["hits"]}) == 2


def test_a_misspelt_query_gets_a_suggestion(client):
    body = client.get("/api/search", params={"q": "pakta pertahann"}).json()
    assert body["suggestion"] == "pakta pertahanan"


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "the query is empty"),
        ({"q": "   "}, "the query is empty"),
        ({"q": "x" * (MAX_QUERY_CHARS + 1)}, "at most 1,000 are searched"),
        ({"q": "pakta", "page": "0"}, "page must be a whole number from 1"),
        ({"q": "pakta", "page": "dua"}, "page must be a whole number"),
        ({"q": "pakta", "limit": "1000000"}, "limit must be a whole number from 1 to 100"),
        ({"q": "pakta", "per_article": "-1"}, "per_article must be a whole number of 1 or more"),
        ({"q": "(" * 40 + "pakta" + ")" * 40}, "nests parentheses"),
    ],
)
def test_bad_search_input_is_a_400_with_one_json_line(client, params, message):
    answer = client.get("/api/search", params=params)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/json"
    assert message in answer.json()["error"] and "\n" not in answer.json()["error"]


def test_an_article_and_a_paragraph_with_its_neighbours(client, index):
    article = client.get("/api/articles/003_f179d598420859a7").json()
    stored = index.article("003_f179d598420859a7")
    assert article["title"] == stored.title and article["source"] == stored.source
    assert [(p["paragraph"], p["text"]) for p in article["paragraphs"]] == stored.paragraphs
    one = client.get("/api/articles/003_f179d598420859a7/paragraphs/4").json()
    assert one["paragraph"] == 4 and one["text"] == dict(stored.paragraphs)[4]
    assert [p["paragraph"] for p in one["paragraphs"]] == [3, 4, 5]
    wider = client.get("/api/articles/003_f179d598420859a7/paragraphs/4", params={"context": 2}).json()
    assert [p["paragraph"] for p in wider["paragraphs"]] == [2, 3, 4, 5, 6]


def test_an_article_asked_for_with_a_query_says_where_its_words_are_as_hits_do(client):
    """Opened from a hit, the page marks the query's words in the article:
    ``?q=`` gives each paragraph the offsets a hit's snippet would have,
    stemmed forms too, and none for a word under NOT."""
    def marked(paragraph):
        return [paragraph["text"][start:end] for start, end in paragraph["highlights"]]

    article = client.get("/api/articles/000_8e71dce4d88c4be3", params={"q": "penandatanganan pakta -korea"}).json()
    paragraphs = {p["paragraph"]: p for p in article["paragraphs"]}
    assert marked(paragraphs[1]) == ["penandatanganan", "pakta"]
    assert marked(paragraphs[4]) == ["Pakta", "pakta", "Pakta"]
    assert "menandatangani" in marked(paragraphs[2])  # by its root
    assert all("korea" not in word.lower() for p in paragraphs.values() for word in marked(p))
    hit = client.get("/api/search", params={"q": "pakta pertahanan", "limit": 1}).json()["hits"][0]
    one = client.get(f"/api/articles/{hit['article']}/paragraphs/{hit['paragraph']}",
                     params={"q": "pakta pertahanan", "context": 0}).json()
    assert one["highlights"] == one["paragraphs"][0]["highlights"]
    assert one["highlights"][: len(hit["highlights"])] == hit["highlights"]  # (its snippet opens the paragraph)
    assert "highlights" not in client.get("/api/articles/000_8e71dce4d88c4be3").json()["paragraphs"][0]
    deep = client.get("/api/articles/000_8e71dce4d88c4be3", params={"q": "(" * 40 + "pakta"})
    assert deep.status_code == 400 and "nests" in deep.json()["error"]


def test_unknown_articles_paragraphs_and_paths_are_404s_in_json(client):
    for path, message in [
        ("/api/articles/no-such-article", "no article 'no-such-article'"),
        ("/api/articles/003_f179d598420859a7/paragraphs/99", "has paragraphs 1-"),
        ("/api/articles/003_f179d598420859a7?source=/elsewhere.txt", "from '/elsewhere.txt'"),
        ("/api/nothing-here", "nothing at /api/nothing-here"),
    ]:
        answer = client.get(path)
        assert (answer.status_code, answer.headers["content-type"]) == (404, "application/json"), path
        assert message in answer.json()["error"], path


def test_ids_with_slashes_reach_their_article_and_paragraph(tmp_path):
    folder = tmp_path / "berita"
    write(folder / "a.jsonl", json.dumps({"id": "gen/000001", "title": "Gempa", "text": "Gempa Palu.\n\nWarga mengungsi."}))
    with searcher.Index(tmp_path / "index") as ix, TestClient(create_app(ix)) as client:
        ix.update([folder])
        assert client.get("/api/articles/gen%2F000001").json()["title"] == "Gempa"
        assert client.get("/api/articles/gen/000001/paragraphs/2").json()["text"] == "Warga mengungsi."


def test_stats_and_health(client, index):
    assert client.get("/api/stats").json() == index.stats()
    assert client.get("/healthz").json() == {"status": "ok"}


def test_an_index_that_cannot_be_read_is_a_503_naming_it(tmp_path):
    with TestClient(create_app(searcher.Index(tmp_path / "nothing-here"))) as client:
        for path in ("/healthz", "/api/search?q=pakta", "/api/stats"):
            answer = client.get(path)
            assert answer.status_code == 503, path
            assert "no index in" in answer.json()["error"], path


def test_every_answer_carries_a_content_security_policy(client):
    for path in ("/", "/static/app.js", "/api/search?q=pakta", "/api/nothing"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert "default-src 'none'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff", path


def test_the_page_and_its_files_come_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    # Nothing from another host (the page works offline), no inline script.
    assert "http" not in page.text and "<script>" not in page.text
    for path in ("/static/app.js", "/static/style.css", "/static/icon.svg"):
        assert client.get(path).status_code == 200, path


def test_markup_in_articles_comes_back_as_text(tmp_path):
    folder = tmp_path / "berita"
    write(folder / "hostile.txt", f"{HOSTILE_TITLE}\n\n{HOSTILE_TEXT}")
    with searcher.Index(tmp_path / "index") as ix, TestClient(create_app(ix)) as client:
        ix.update([folder])
        hit = client.get("/api/search", params={"q": "banjir"}).json()["hits"][0]
        assert (hit["title"], hit["text"]) == (HOSTILE_TITLE, HOSTILE_TEXT)
        assert client.get("/api/articles/hostile").json()["paragraphs"][0]["text"] == HOSTILE_TEXT


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_serving_never_writes_the_index(client, index):
    before = _files(index.path)
    for path in ("/", "/healthz", "/api/stats", "/api/search?q=pakta+pertahanan", "/api/search?q=tandatangan*",
                 "/api/articles/003_f179d598420859a7", "/api/articles/003_f179d598420859a7/paragraphs/2"):
        assert client.get(path).status_code == 200, path
    assert _files(index.path) == before


def test_the_server_answers_from_what_search_index_adds_meanwhile(tmp_path):
    folder = tmp_path / "berita"
    write(folder / "a.txt", "Gempa Palu\n\nGempa mengguncang Palu.")
    ix = searcher.Index(tmp_path / "index")
    ix.update([folder])
    with TestClient(create_app(ix)) as client:
        assert client.get("/api/search", params={"q": "banjir"}).json()["total"] == 0
        write(folder / "b.txt", "Banjir Jakarta\n\nBanjir melanda Jakarta.")
        searcher.Index(tmp_path / "index").update()  # another writer, as `search index` is
        body = client.get("/api/search", params={"q": "banjir"}).json()
        assert [h["text"] for h in body["hits"]] == ["Banjir melanda Jakarta."]
        assert client.get("/api/search", params={"q": "gempa"}).json()["total"] == 1
    ix.close()


def test_a_failure_inside_the_server_is_a_json_500_without_a_traceback(index, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(index, "stats", broken)
    with TestClient(create_app(index), raise_server_exceptions=False) as client:
        answer = client.get("/api/stats")
    assert answer.status_code == 500
    assert answer.json() == {"error": "the server failed on this request (RuntimeError); see its log"}


# The command, as a real process


def _start_server(index_dir: Path, *args: str) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "SEARCH_INDEX_DIR": str(index_dir)}
    server = subprocess.Popen(
        [sys.executable, "-m", "searcher", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    line = server.stdout.readline()
    assert line.startswith("Serving "), (line, server.stderr.read() if server.poll() is not None else "")
    return server, line.split(" at ", 1)[1].split()[0]


def test_search_serve_prints_its_url_answers_and_stops_cleanly_on_ctrl_c(tmp_path, sample_index):
    server, url = _start_server(tmp_path / "index")
    try:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "api/search?q=pakta+pertahanan", timeout=30) as answer:
            assert json.load(answer)["hits"][0]["paragraph"] == 4
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    finally:
        server.kill()
    assert server.returncode == 0 and "Traceback" not in err and err == "", err


def test_search_serve_on_a_port_in_use_is_one_line(tmp_path, sample_index):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = sample_index("serve", "--port", str(port))
    assert result.exit_code == 2
    assert result.output.strip() == f"search: error: cannot listen on 127.0.0.1:{port}: Address already in use; choose another with --port"


def test_search_serve_without_an_index_says_so_before_listening(run, tmp_path):
    result = run("serve", "--port", "0")
    assert result.exit_code == 2 and "no index in" in result.output and "Serving" not in result.output


def test_search_serve_beyond_this_machine_warns_that_the_index_is_readable(tmp_path, sample_index):
    server, url = _start_server(tmp_path / "index", "--host", "0.0.0.0")
    try:
        with urllib.request.urlopen(url.replace("0.0.0.0", "127.0.0.1") + "healthz", timeout=30) as answer:
            assert json.load(answer) == {"status": "ok"}
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=30)
    assert "warning: listening on 0.0.0.0: anyone who can reach this machine" in err


def test_a_cold_query_does_not_import_the_web_stack(tmp_path, sample_index):
    env = {**os.environ, "SEARCH_INDEX_DIR": str(tmp_path / "index")}
    # The query's process ends without Python's clean-up, so what it
    # imported is read from -X importtime's lines, written as it goes.
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "searcher", "query", "pakta"],
                          capture_output=True, text=True, env=env, check=True)
    assert "pakta" in done.stdout.lower()
    imported = [line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert "searcher.query.search" in imported
    assert [m for m in imported if m.split(".")[0] in ("starlette", "uvicorn", "anyio") or m.startswith("searcher.web")] == []


def _readme_curl_examples() -> list[tuple[str, str]]:
    """(path, what the README says it printed) for each curl in the README."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("### In a browser, and over HTTP", 1)[1].split("$ curl", 1)[1].split("```", 1)[0]
    examples = []
    for example in ("$ curl" + block).split("$ curl")[1:]:
        command, printed = example.split("\n", 1)
        url = command.split("http://127.0.0.1:8080", 1)[1].split("'", 1)[0].split(" ", 1)[0]
        examples.append((url, printed))
    return examples


def test_the_readme_api_examples_are_what_the_api_answers(client):
    examples = _readme_curl_examples()
    assert len(examples) == 5

    def comparable(value):
        """Timings and where the samples were installed differ by machine."""
        if isinstance(value, dict):
            return {k: Path(v).name if k == "source" else comparable(v) for k, v in value.items() if k != "took_ms"}
        if isinstance(value, list):
            return [comparable(v) for v in value]
        return value

    for url, printed in examples:
        answer = client.get(url)
        if printed.rstrip().endswith(("400", "404")):  # curl -w ' %{http_code}'
            body, status = printed.rstrip().rsplit(" ", 1)
            assert (answer.status_code, answer.json()) == (int(status), json.loads(body)), url
        else:
            assert answer.status_code == 200, url
            assert comparable(answer.json()) == comparable(json.loads(printed)), url


def test_answers_never_fail_while_search_index_commits_and_merges(tmp_path):
    from searcher.storage.w3.writer import MAX_SEGMENTS

    folder = tmp_path / "berita"
    write(folder / "gempa.txt", "Gempa Palu\n\nGempa mengguncang Palu.")
    with searcher.Index(tmp_path / "index") as ix, TestClient(create_app(ix)) as client:
        ix.update([folder])
        answers, stop = [], threading.Event()

        def keep_asking():
            while not stop.is_set():
                answer = client.get("/api/search", params={"q": "gempa palu"})
                answers.append((answer.status_code, [hit["text"] for hit in answer.json().get("hits", [])]))

        reader = threading.Thread(target=keep_asking)
        reader.start()
        try:
            for n in range(MAX_SEGMENTS + 4):  # one segment a commit: enough for merges
                write(folder / f"banjir{n}.txt", f"Banjir {n}\n\nBanjir ke-{n} melanda Jakarta.")
                searcher.Index(tmp_path / "index").update()  # another writer, as `search index` is
        finally:
            stop.set()
            reader.join(timeout=60)
        final = client.get("/api/search", params={"q": "banjir", "limit": 100}).json()
    assert len(answers) > 20
    assert set(map(repr, answers)) == {repr((200, ["Gempa mengguncang Palu."]))}
    assert final["total"] == MAX_SEGMENTS + 4
    assert len(list((tmp_path / "index").glob("*.seg"))) <= MAX_SEGMENTS  # merges happened meanwhile
