"""Using search all day: progress and summary, help, did-you-mean, paging and
grouping, duplicate collapsing, reading articles, tidy output."""

import json
import re
import shlex
import struct
import zlib
from pathlib import Path

import pytest

from conftest import json_hits, write
from searcher import __version__
from searcher.query.duplicates import SIGNATURE_BYTES, signature, signature_hashes, sketch_terms
from searcher.storage.store import open_index_files
from searcher.cli.progress import progress_line
from searcher.storage.indexing import IndexProgress

SAMPLE = "000_8e71dce4d88c4be3"

# A paragraph as news agencies syndicate it, and a copy with their prefix and
# a corrected figure; then a paragraph that merely quotes one of its sentences.
SYNDICATED = (
    "Pemerintah menaikkan harga beras medium di seluruh provinsi mulai pekan depan. "
    "Kenaikan sebesar 500 rupiah per kilogram itu diputuskan setelah rapat koordinasi "
    "di kantor Kementerian Perdagangan yang dihadiri para gubernur."
)
COPY = "Jakarta (ANTARA) - " + SYNDICATED.replace("500 rupiah", "600 rupiah")
QUOTING = (
    "Pemerintah menaikkan harga beras medium di seluruh provinsi mulai pekan depan. "
    "Para pedagang di pasar tradisional mengeluhkan sepinya pembeli sejak pengumuman itu "
    "dan meminta pemerintah menunda keputusan tersebut."
)


@pytest.fixture
def news(run, tmp_path):
    folder = tmp_path / "berita"
    write(folder / "kompas.txt", f"Harga beras naik\n\n{SYNDICATED}\n\nPedagang beras di Cipinang bersiap.")
    write(folder / "antara.txt", f"Beras medium naik 600 rupiah\n\n{COPY}")
    write(folder / "tempo.txt", f"Pedagang mengeluh\n\n{QUOTING}")
    write(folder / "lain.txt", "Cuaca\n\nHujan deras turun di Bogor.\n\nHarga cabai juga naik di pasar.")
    assert run("index", str(folder)).exit_code == 0
    return run


# -- progress and summary ------------------------------------------------------


def test_index_ends_with_one_summary_line_and_no_progress_bar_when_piped(run, tmp_path):
    write(tmp_path / "b" / "a.txt", "A\n\nSatu.\n\nDua.")
    write(tmp_path / "b" / "dump.jsonl", '{"id": "j1", "text": "Tiga."}\n{"id": "j2", "text": "Empat."}\n')
    result = run("index", str(tmp_path / "b"))
    assert result.exit_code == 0
    assert re.fullmatch(
        r"3 new, 0 changed, 0 removed, 0 unchanged articles; 4 paragraphs indexed; 0 files skipped; \d+\.\d s\n",
        result.stdout,
    )
    assert result.stderr == ""  # not a terminal: no progress bar


def test_articles_of_a_changed_jsonl_file_count_as_changed(run, tmp_path):
    dump = write(tmp_path / "dump.jsonl", '{"id": "j1", "text": "Tiga."}\n{"id": "j2", "text": "Empat."}\n')
    run("index", str(dump))
    dump.write_text('{"id": "j1", "text": "Tiga."}\n', encoding="utf-8")
    assert "0 new, 1 changed, 0 removed, 0 unchanged articles" in run("index", str(dump)).stdout
    dump.unlink()
    assert "0 new, 0 changed, 1 removed" in run("index").stdout  # refreshes what is indexed


def test_the_index_folder_itself_is_never_indexed(run, tmp_path, monkeypatch):
    write(tmp_path / "a.txt", "A\n\nSatu.")
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "index"))
    run("index", str(tmp_path))
    assert "0 new, 0 changed, 0 removed, 1 unchanged" in run("index", str(tmp_path)).stdout


def test_progress_bar_is_drawn_when_asked_and_wiped_before_the_summary(run, tmp_path):
    write(tmp_path / "b" / "a.txt", "A\n\nSatu.")
    result = run("index", "--progress", str(tmp_path / "b"))
    assert "[" + "#" * 24 + "] 100%  1/1 files  1 paragraph  saving the index…" in result.stderr
    assert result.stderr.endswith("\r")  # the bar is wiped, the summary stands alone
    assert result.stdout.startswith("1 new")


def test_progress_line_shows_share_rate_and_time_left():
    line = progress_line(IndexProgress(250, 1000, 5_000_000, 20_000_000, 61_327), elapsed=10.0)
    assert line == "[######------------------]  25%  250/1,000 files  61,327 paragraphs  0.5 MB/s  0:30 left"


def test_one_large_file_moves_the_bar_as_its_paragraphs_are_written(tmp_path):
    import json

    import searcher

    records = [{"id": f"a{n}", "text": f"Banjir ke-{n} melanda Jakarta.\n\nWarga mengungsi."} for n in range(1000)]
    dump = write(tmp_path / "dump.jsonl", "\n".join(json.dumps(r) for r in records))
    seen = []
    searcher.Index(tmp_path / "index").update([dump], on_progress=seen.append)
    within = [p for p in seen if p.files_done == 0]
    assert len(within) == 2000 // 256  # every 256 paragraphs of the 2,000
    assert all(p.bytes_total == dump.stat().st_size and p.files_total == 1 for p in seen)
    shares = [p.bytes_done for p in within]
    assert shares == sorted(shares) and 0 < shares[0] < shares[-1] < dump.stat().st_size
    assert (seen[-1].files_done, seen[-1].bytes_done, seen[-1].paragraphs) == (1, dump.stat().st_size, 2000)


# -- version and help ------------------------------------------------------------


@pytest.mark.parametrize("command", ["index", "query", "show", "stats", "serve", "check"])
def test_every_command_has_help_with_examples(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert f"search {command}" in result.stdout


def test_version(run):
    assert run("--version").stdout.strip() == f"search, version {__version__}"


# -- did you mean ------------------------------------------------------------------


def test_a_misspelt_word_that_finds_nothing_gets_a_suggestion(sample_index):
    result = sample_index("query", "pertahann")
    assert result.exit_code == 1
    assert "Did you mean: pertahanan?" in result.stderr
    assert "search query pertahanan" in result.stderr


def test_a_misspelt_word_beside_a_good_one_gets_a_runnable_suggestion(sample_index):
    result = sample_index("query", "pakta pertahann")
    assert result.exit_code == 0
    assert "Did you mean: pakta pertahanan?  Run: search query 'pakta pertahanan'" in result.stdout
    suggested = shlex.split(result.stdout.split("Run: ")[1].splitlines()[0])
    rerun = sample_index(*suggested[1:], "--json")
    assert json_hits(rerun.stdout)[0]["paragraph"] == 4
    assert "Did you mean" not in rerun.output


def test_with_json_the_suggestion_goes_to_stderr(sample_index):
    result = sample_index("query", "--json", "pakta pertahann")
    assert all(json.loads(line) for line in result.stdout.splitlines())
    assert "Did you mean: pakta pertahanan?" in result.stderr


def test_a_suggestion_replaces_the_word_as_typed_with_accents_and_capitals(sample_index):
    # Words are looked up folded ("Pertahánn" as "pertahann"); the
    # suggestion must still replace what the user typed.
    result = sample_index("query", "Pakta Pertahánn")
    assert "Did you mean: Pakta pertahanan?" in result.stdout


def test_corrections_come_from_the_stem_table_as_they_would_from_whooshs_vocabulary(sample_index, tmp_path):
    """A correction is chosen among the stem table's forms and roots, with
    no Whoosh: the same as among the terms Whoosh's reader walks (the
    body's forms and roots), for an index without a table."""
    import subprocess
    import sys

    from searcher.query import spelling
    from searcher.query.search import ParagraphSearcher

    typos = ["pertahann", "kemitran", "tandatangn", "perjanijan", "komprehensip", "presidn", "korae", "utaar",
             "ekonmi", "kerjasma", "keamanann", "menandatangai", "vladimr", "zzzzzz"]
    with ParagraphSearcher(tmp_path / "index") as searcher:
        from_table = searcher.vocabulary()
        from_whoosh = spelling.Vocabulary(searcher._words, None, lambda: searcher._whoosh_searcher().reader())
        corrected = {typo: spelling.correct_word(from_table, typo) for typo in typos}
        assert corrected == {typo: spelling.correct_word(from_whoosh, typo) for typo in typos}
    assert corrected["pertahann"] == "pertahanan" and corrected["tandatangn"] == "tandatangan"  # (a root)
    assert corrected["zzzzzz"] is None
    code = ("import sys; from searcher.index import Index; "
            f"print(Index({str(tmp_path / 'index')!r}).search('pakta pertahann').suggestion, 'whoosh' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout == "pakta pertahanan False\n"


def test_a_rare_real_word_is_not_corrected_to_a_frequent_neighbour(run, tmp_path):
    folder = tmp_path / "b"
    for n in range(5):
        write(folder / f"f{n}.txt", f"F{n}\n\nFakta baru terungkap dalam sidang ke-{n}.")
    write(folder / "p.txt", "P\n\nPakta itu ditandatangani kemarin.")
    run("index", str(folder))
    result = run("query", "pakta")
    assert result.exit_code == 0
    assert "Did you mean" not in result.output


def test_a_slip_of_the_finger_is_corrected_but_a_foreign_word_is_not(run, tmp_path):
    # "election" is "elektron" with c for k and i for r: keys far apart on
    # the keyboard, so a different word, not a typo of this one.
    folder = tmp_path / "b"
    write(folder / "e.txt", "E\n\nSebuah elektron bergerak di sekitar inti atom.")
    write(folder / "p.txt", "P\n\nPemilu legislatif digelar serentak.")
    run("index", str(folder))
    assert "Did you mean" not in run("query", "election").output
    # Two slips: r struck for its neighbour e, p for o.
    assert "Did you mean: elektron?" in run("query", "elrktrpn").output
    assert "Did you mean: pemilu?" in run("query", "pemiul").output  # two letters swapped


# -- paging, grouping and the header -------------------------------------------------


def test_header_counts_matching_paragraphs_and_articles(sample_index):
    everything = json_hits(sample_index("query", "--json", "-n", "100", "korea").stdout)
    header = sample_index("query", "-n", "2", "korea").stdout.splitlines()[0]
    articles = len({h["article"] for h in everything})
    assert re.fullmatch(
        rf"{len(everything)} paragraphs in {articles} articles match \(\d+ ms\); showing 1-2", header
    )


def test_header_counts_across_updates_and_stops_at_the_count_limit(run, tmp_path, monkeypatch):
    folder = tmp_path / "berita"
    for n in range(3):  # three runs: three segments
        write(folder / f"a{n}.txt", f"A{n}\n\nBanjir melanda kota {n}.\n\nBanjir surut di kota {n}.")
        run("index", str(folder))
    write(folder / "a1.txt", "A1\n\nKemarau panjang.\n\nBanjir datang lagi.")  # one banjir paragraph gone
    run("index", str(folder))
    assert run("query", "banjir").stdout.startswith("5 paragraphs in 3 articles match")
    # Two words: paragraphs with either count, read from the start of each posting list.
    assert run("query", "banjir kemarau").stdout.startswith("6 paragraphs in 3 articles match")
    assert run("query", "banjir kemarau -panjang").stdout.startswith("5 paragraphs in 3 articles match")
    monkeypatch.setattr("searcher.query.search.COUNT_LIMIT", 4)
    assert run("query", "banjir").stdout.startswith("4+ paragraphs in 2+ articles match")
    assert run("query", "banjir kemarau").stdout.startswith("4+ paragraphs in 2+ articles match")
    assert run("query", "banjir kemarau -panjang").stdout.startswith("4+ paragraphs in 2+ articles match")
    assert run("query", "banjir OR kemarau").stdout.startswith("4+ paragraphs in 2+ articles match")  # Whoosh's matchers


def test_an_index_without_paragraphs_answers_with_nothing_found(run, tmp_path):
    (tmp_path / "empty").mkdir()
    assert run("index", str(tmp_path / "empty")).exit_code == 1  # nothing indexable
    result = run("query", "banjir")
    assert result.exit_code == 1
    assert result.stderr == "search: no paragraph matches 'banjir'\n"


def test_pages_continue_where_the_previous_page_stopped(sample_index):
    top4 = json_hits(sample_index("query", "--json", "-n", "4", "rusia korea").stdout)
    page2 = json_hits(sample_index("query", "--json", "-n", "2", "--page", "2", "rusia korea").stdout)
    assert [(h["article"], h["paragraph"]) for h in page2] == [(h["article"], h["paragraph"]) for h in top4[2:]]
    assert [h["rank"] for h in page2] == [3, 4]
    beyond = sample_index("query", "--page", "99", "rusia korea")
    assert beyond.exit_code == 1
    assert "on page 99" in beyond.stderr


def test_per_article_caps_hits_from_one_article_in_score_order(sample_index):
    capped = json_hits(sample_index("query", "--json", "--per-article", "1", "korea").stdout)
    assert len(capped) == 2
    assert len({h["article"] for h in capped}) == 2
    assert [h["score"] for h in capped] == sorted((h["score"] for h in capped), reverse=True)
    two = json_hits(sample_index("query", "--json", "--per-article", "2", "korea").stdout)
    assert sorted(h["article"] for h in two) == sorted([capped[0]["article"]] * 2 + [capped[1]["article"]] * 2)


# -- duplicates ---------------------------------------------------------------------


def test_a_syndicated_paragraph_is_shown_once_with_its_other_articles(news):
    hits = json_hits(news("query", "--json", "harga beras medium").stdout)
    texts = [h["text"] for h in hits]
    assert sum(t.endswith("dihadiri para gubernur.") for t in texts) == 1
    [shown] = [h for h in hits if h["text"].endswith("dihadiri para gubernur.")]
    assert [(d["article"], d["paragraph"]) for d in shown["duplicates"]] == [
        ("antara" if shown["article"] == "kompas" else "kompas", 1)
    ]
    assert any(t == QUOTING for t in texts)  # shares a sentence, not the paragraph: kept
    text = news("query", "harga beras medium").stdout
    assert "also in 1 other article: " in text


def test_a_copy_with_typographic_punctuation_is_still_a_copy(news, tmp_path):
    """Words are cut the same way in plain-ASCII text (a faster path) and in
    text with curly quotes and dashes."""
    typeset = "Jakarta (ANTARA) \u2013 " + SYNDICATED.replace("medium", "\u201cmedium\u201d")
    write(tmp_path / "berita" / "detik.txt", f"Harga beras\n\n{typeset}")
    assert news("index", str(tmp_path / "berita")).exit_code == 0
    hits = json_hits(news("query", "--json", "harga beras medium").stdout)
    [shown] = [h for h in hits if "dihadiri para gubernur" in h["text"]]
    assert len(shown["duplicates"]) == 2


def _paragraphs_with_some_of_the_words(folder: Path) -> str:
    """71 one-paragraph articles: one with every word of the query
    returned, the others with some, more than three groups of hits
    re-ranked together."""
    import random

    rng = random.Random(5)
    filler = "kemudian para pejabat daerah menyampaikan laporan kepada warga setempat pada pertemuan".split()
    endings = [["harga", "beras"], ["harga"], ["harga", "harga", "harga"], ["beras", "naik"]]
    write(folder / "a70.txt", "Kabar\n\nHarga beras naik lagi.")
    for number in range(70):
        words = rng.sample(filler, rng.randint(3, len(filler))) + rng.choice(endings)
        rng.shuffle(words)
        write(folder / f"a{number}.txt", f"Kabar {number}\n\n{' '.join(words).capitalize()}.")
    return "harga beras naik"


def test_no_hit_shows_a_higher_score_than_the_hit_ranked_above_it(run, tmp_path):
    """Paragraphs with all the words come before those with some, and the
    best are re-ranked in groups of 20, so a later hit's own score can be
    higher; a script that sorts the JSON or CSV by score must not undo the
    ranking (the order itself is tested elsewhere)."""
    query = _paragraphs_with_some_of_the_words(tmp_path / "berita")
    assert run("index", str(tmp_path / "berita")).exit_code == 0
    hits = json_hits(run("query", "--json", "-n", "60", query).stdout)
    assert len(hits) == 60
    assert hits[0]["text"] == "Harga beras naik lagi."  # every word (the ranking, as it was)
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1] > 0
    csv_scores = [float(row.split(",")[1]) for row in run("query", "--format", "csv", "-n", "60", query).stdout.splitlines()[1:]]
    assert csv_scores == sorted(csv_scores, reverse=True)


def test_paging_through_the_hits_shows_each_once_in_the_order_of_one_long_page(run, tmp_path):
    query = _paragraphs_with_some_of_the_words(tmp_path / "berita")
    assert run("index", str(tmp_path / "berita")).exit_code == 0

    def shown(*options: str) -> list[tuple[str, float]]:
        return [(hit["article"], hit["score"]) for hit in json_hits(run("query", "--json", *options, query).stdout)]

    one_page = shown("-n", "60")
    for per_page in (3, 7, 10, 13):
        pages = [shown("-n", str(per_page), "--page", str(page)) for page in range(1, 60 // per_page + 1)]
        assert all(len(page) == per_page for page in pages)
        paged = [hit for page in pages for hit in page]
        assert paged == one_page[: len(paged)], f"{per_page} a page"


def test_a_short_paragraph_copied_word_for_word_is_a_copy(news, tmp_path):
    """A one-line paragraph has fewer word 3-grams than a signature holds."""
    write(tmp_path / "berita" / "pasar.txt", "Pasar pagi\n\nHarga cabai juga naik di pasar.")
    assert news("index", str(tmp_path / "berita")).exit_code == 0
    hits = json_hits(news("query", "--json", "harga cabai").stdout)
    [shown] = [h for h in hits if h["text"] == "Harga cabai juga naik di pasar."]
    assert len(shown["duplicates"]) == 1


@pytest.mark.parametrize("text", [
    SYNDICATED,
    "Harga BERAS naik -- lagi!  Kata pedagang_pasar (Senin).",
    "Kafé di Bogor: “cepat” naik; Ǆemal, İstanbul, 東京 dan ½ harga.",
    "Dua kata",
    "",
])
def test_paragraphs_indexed_now_have_the_signatures_earlier_versions_wrote(text):
    """An index keeps the signatures it was built with, and a paragraph
    added later is compared with them: its copies among the paragraphs
    indexed before are found only if both were hashed alike, the 32
    smallest crc32s of the paragraph's casefolded \\w+ words, 3 by 3."""
    words = re.findall(r"\w+", text.casefold())
    trigrams = [words] if len(words) < 3 else [words[at:at + 3] for at in range(len(words) - 2)]
    hashes = sorted({zlib.crc32(" ".join(trigram).encode()) for trigram in trigrams})[:32]
    hashes += [0xFFFFFFFF] * (32 - len(hashes))
    assert signature(text) == struct.pack(">32I", *hashes)


def test_a_copy_sharing_only_two_sketch_terms_one_of_them_the_last_is_found(run, tmp_path):
    """A copy is a candidate when it shares two of the hit's four sketch
    terms; the last lookup may be skipped only when it cannot make one."""
    reworded = SYNDICATED.replace("mulai", "sejak").replace("Kenaikan", "Peningkatan")
    sketches = [sketch_terms(signature_hashes(signature(text))) for text in (SYNDICATED, reworded)]
    for mine, other in (sketches, sketches[::-1]):  # whichever is the hit
        assert [term in other for term in mine].count(True) == 2 and mine[-1] in other
    folder = tmp_path / "berita"
    write(folder / "kompas.txt", f"Harga beras naik\n\n{SYNDICATED}")
    write(folder / "antara.txt", f"Beras medium naik\n\n{reworded}")
    assert run("index", str(folder)).exit_code == 0
    hits = json_hits(run("query", "--json", "harga beras medium").stdout)
    assert len(hits) == 1 and len(hits[0]["duplicates"]) == 1


@pytest.mark.parametrize("procs", ["1", "2"])
def test_an_index_made_with_shorter_signatures_finds_copies_and_a_rebuild_updates_it(
    run, tmp_path, monkeypatch, procs
):
    """Indexes made before November 2026 hold 16 hashes a signature, not 32:
    they keep them, for the paragraphs added since too, until --rebuild."""
    monkeypatch.setenv("SEARCH_PROCS", procs)
    folder = tmp_path / "berita"
    write(folder / "kompas.txt", f"Harga beras naik\n\n{SYNDICATED}")
    with monkeypatch.context() as older_version:
        older_version.setattr("searcher.storage.store.SIGNATURE_BYTES", 64)
        assert run("index", str(folder)).exit_code == 0
    write(folder / "antara.txt", f"Beras medium naik 600 rupiah\n\n{COPY}")

    def signature_bytes() -> int:
        files = open_index_files(tmp_path / "index")
        try:
            return files.column_width("signature")
        finally:
            files.close()

    for command, width in ((["index"], 64), (["index", "--rebuild"], SIGNATURE_BYTES)):
        assert run(*command, str(folder)).exit_code == 0
        assert signature_bytes() == width
        hits = json_hits(run("query", "--json", "harga beras medium").stdout)
        assert len(hits) == 1 and len(hits[0]["duplicates"]) == 1


@pytest.fixture
def sketch_table_at_once(monkeypatch):
    """A searcher's sketch table made as soon as it is asked for, so that
    the search that asks uses it (it is made in the background)."""
    from functools import partial

    from searcher.query import search

    monkeypatch.setattr(search, "in_background", partial(search.in_background, wait=True))


def test_a_searcher_serving_many_searches_folds_the_same_copies(news, tmp_path, sketch_table_at_once):
    """From its second search on, a searcher finds copies through a table
    of every paragraph's sketch rather than term lookups: the same copies,
    and none that a later update deleted."""
    import searcher

    folder = tmp_path / "berita"
    write(folder / "detik.txt", f"Harga beras\n\nJakarta - {SYNDICATED}")
    write(folder / "pasar.txt", "Pasar\n\nPedagang sayur di pasar Minggu.")
    assert news("index", str(folder)).exit_code == 0
    (folder / "detik.txt").unlink()  # its paragraphs deleted, in a segment that keeps pasar.txt's
    write(folder / "liputan.txt", f"Harga beras\n\nBandung - {SYNDICATED}")
    assert news("index", str(folder)).exit_code == 0

    def copies(through_table: bool):
        with searcher.Index(tmp_path / "index") as ix:
            if through_table:
                ix.search("pedagang sayur")  # a first search that meets none of them
            results = ix.search("harga beras medium")
        return [(hit.article, sorted(d.article for d in hit.duplicates)) for hit in results.hits]

    assert copies(through_table=True) == copies(through_table=False)
    [(_, shown)] = [c for c in copies(through_table=True) if c[1]]
    assert len(shown) == 2 and "detik" not in shown


def test_no_search_waits_for_the_sketch_table(news, tmp_path, monkeypatch):
    """The table takes a second to make at 100,000 articles, seconds at a
    million: searches go on with term lookups, and the same copies, until
    it is made."""
    import threading
    import time

    import searcher
    from searcher.query import duplicates

    go_on, made = threading.Event(), threading.Event()

    class SlowTable(duplicates.SketchTable):
        def __init__(self, files):
            assert go_on.wait(10)
            super().__init__(files)
            made.set()

    monkeypatch.setattr(duplicates, "SketchTable", SlowTable)

    def copies(results):
        return [(hit.article, sorted(d.article for d in hit.duplicates)) for hit in results.hits]

    with searcher.Index(tmp_path / "index") as ix:
        first = copies(ix.search("gubernur"))
        started = time.monotonic()
        assert copies(ix.search("harga beras medium")) and not made.is_set()  # asks for the table
        assert copies(ix.search("gubernur")) == first and not made.is_set()
        assert time.monotonic() - started < 5
        go_on.set()
        assert made.wait(10)
        assert copies(ix.search("pedagang")) and copies(ix.search("gubernur")) == first


def test_a_searcher_that_remembers_copies_sees_a_copy_indexed_since(run, tmp_path):
    """A searcher remembers the copies it found for the searches after;
    an index updated meanwhile is read afresh, with its new copies."""
    import searcher

    folder = tmp_path / "berita"
    write(folder / "kompas.txt", f"Harga beras naik\n\n{SYNDICATED}")
    write(folder / "antara.txt", f"Beras medium naik\n\n{COPY}")
    assert run("index", str(folder)).exit_code == 0
    with searcher.Index(tmp_path / "index") as ix:
        for _ in range(2):
            [hit] = ix.search("harga beras medium").hits
            assert len(hit.duplicates) == 1
        write(folder / "detik.txt", f"Harga beras\n\nJakarta - {SYNDICATED}")
        assert run("index", str(folder)).exit_code == 0
        [hit] = ix.search("harga beras medium").hits
        assert len(hit.duplicates) == 2


def test_the_sketch_table_rejects_only_what_could_not_be_a_copy(run, tmp_path, sketch_table_at_once):
    """The table rejects most candidates without reading their signatures
    (``SketchTable.candidates``): copies edited more and more, down to
    fewer shared 3-grams than a copy has, and paragraphs that quote a
    sentence, fold as they do through term lookups, and every copy well
    above the line is found."""
    import searcher
    from searcher.query.duplicates import (
        SketchTable, are_near_duplicates, compared_trigrams, may_be_near, signature_hashes, similarity,
        sketch_hashes, trigrams,
    )

    # Longer than a signature (32 word 3-grams), so that two signatures
    # hold some 3-grams of the other paragraph that are not their own.
    original_text = SYNDICATED + (
        " Menurut menteri, kebijakan itu diambil untuk menjaga pasokan gabah petani yang terus "
        "menurun sepanjang musim kemarau tahun ini, terutama di Jawa dan Sumatra."
    )
    words = original_text.split()
    folder = tmp_path / "berita"
    write(folder / "asli.txt", f"Harga beras naik\n\n{original_text}")
    edited = {}
    for start in range(3):  # every third word, from the end, changed
        for changes in range(1, 13) if start == 0 else range(3, 7):  # (these near the line)
            variant = list(words)
            for at in range(len(words) - 1 - start, -1, -3)[:changes]:
                variant[at] = f"kata{at}"
            edited[f"ubah{start}-{changes}"] = " ".join(variant)
    for name, text in edited.items():
        write(folder / f"{name}.txt", f"Beras\n\n{text}")
    for number in range(6):
        write(folder / f"kutip{number}.txt", f"Pasar\n\n{QUOTING} Pedagang ke-{number} menolak.")
    assert run("index", str(folder)).exit_code == 0
    original = trigrams(original_text)
    copies_in_text = {name for name, text in edited.items() if are_near_duplicates(original, trigrams(text))}
    assert 2 < len(copies_in_text) < len(edited)  # copies on both sides of the line
    # A search compares the texts by their 3-grams' hashes: the same overlap.
    assert all(
        similarity(compared_trigrams(original_text), compared_trigrams(text)) == similarity(original, trigrams(text))
        for text in edited.values()
    )

    def found(through_table: bool) -> list[tuple[str, list[str]]]:
        with searcher.Index(tmp_path / "index") as ix:
            if through_table:
                ix.search("pedagang menolak")  # a first search that meets none of the copies
            hits = ix.search("harga beras medium", limit=20).hits
        return [(hit.article, sorted(d.article for d in hit.duplicates)) for hit in hits]

    folded = found(through_table=False)
    assert found(through_table=True) == folded
    [shown] = [{article, *copies} for article, copies in folded if article in ("asli", *copies_in_text)]
    assert not any(name.startswith("kutip") for name in shown)
    well_above = {name for name in copies_in_text if similarity(original, trigrams(edited[name])) >= 0.75}
    assert well_above and well_above <= shown

    # And directly: of the paragraphs sharing two sketch terms with one,
    # the table drops none that may_be_near keeps.
    files = open_index_files(tmp_path / "index")
    try:
        table = SketchTable(files)
        width = files.column_width("signature")
        paragraphs = [d for d in range(files.doc_count_all()) if "para" in files.stored_fields(d)]
        hashes = {d: signature_hashes(files.column_value("signature", width, bytes(width), d)) for d in paragraphs}
        kept_for_certain = 0
        for mine in paragraphs:
            candidates = set(table.candidates(mine, hashes[mine], width // 4))
            for other in paragraphs:
                shared = set(sketch_hashes(hashes[mine])) & set(sketch_hashes(hashes[other]))
                if other != mine and len(shared) >= 2 and may_be_near(hashes[mine], hashes[other], width // 4):
                    assert other in candidates
                    kept_for_certain += 1
        assert kept_for_certain > len(edited)  # the check checked something
    finally:
        files.close()


def test_every_copy_is_counted_in_the_header(news):
    header = news("query", "gubernur").stdout.splitlines()[0]
    assert header.startswith("2 paragraphs in 2 articles match")


# -- reading an article --------------------------------------------------------------


def test_show_prints_the_whole_article_numbered(sample_index):
    result = sample_index("show", SAMPLE)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Vladimir Putin dan Kim Jong Un")
    assert lines[1].endswith(f"000_8e71dce4d88c4be3.txt  (article {SAMPLE})")
    numbers = [int(m) for m in re.findall(r"^\[(\d+)\] ", result.stdout, re.MULTILINE)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5


def test_show_with_a_paragraph_prints_it_with_its_neighbours(sample_index):
    result = sample_index("show", f"{SAMPLE}:4")
    assert re.findall(r"^\[(\d+)\] ", result.stdout, re.MULTILINE) == ["3", "4", "5"]
    assert "[4] Pakta pertahanan bersama" in result.stdout
    alone = sample_index("show", SAMPLE, "--paragraph", "4", "--context", "0")
    assert re.findall(r"^\[(\d+)\] ", alone.stdout, re.MULTILINE) == ["4"]


def test_show_json(sample_index):
    whole = json.loads(sample_index("show", "--json", SAMPLE).stdout)
    assert whole["article"] == SAMPLE and whole["paragraph"] is None
    assert whole["paragraphs"][3]["paragraph"] == 4
    one = json.loads(sample_index("show", "--json", f"{SAMPLE}:4").stdout)
    assert [p["paragraph"] for p in one["paragraphs"]] == [3, 4, 5] and one["paragraph"] == 4


@pytest.mark.parametrize("address", ["000_8e71dce4d88c4be3:4", "berita/2024-06-18_banjir.txt:12", "a@b%c+d=e,f.g/h-i_j",
                                     "laporan akhir:3", "café:1", "it's:2", "$(rm -rf x):1", "", "-n:1"])
def test_an_address_is_printed_so_a_shell_reads_it_back_as_it_is(address):
    from searcher.cli.render import quote

    assert shlex.split(quote(address)) == [address]
    if address and all(c.isascii() and (c.isalnum() or c in "_@%+=:,./-") for c in address):
        assert quote(address) == address  # as it is, where the shell needs no quotes


def test_each_hit_says_what_to_type_to_read_it(sample_index, tmp_path):
    hit = sample_index("query", "pakta pertahanan").stdout.split("\n\n")[1]
    command = re.search(r"\((search show [^)]*)\)", hit).group(1)
    shown = sample_index(*shlex.split(command)[1:])
    assert "[4] Pakta pertahanan bersama" in shown.stdout
    # With --index-dir on the command line, the hint carries it.
    elsewhere = tmp_path / "elsewhere"
    sample_index("index", "--index-dir", str(elsewhere))
    hit = sample_index("query", "--index-dir", str(elsewhere), "pakta").stdout
    assert f"(search show --index-dir {elsewhere} {SAMPLE}:4)" in hit


def test_show_errors_are_one_line(sample_index):
    missing = sample_index("show", "no-such-article")
    assert missing.exit_code == 2
    assert missing.stderr.count("\n") == 1 and "no article 'no-such-article'" in missing.stderr
    beyond = sample_index("show", f"{SAMPLE}:99")
    assert beyond.exit_code == 2
    assert "not 99" in beyond.stderr


# -- output polish ------------------------------------------------------------------


def test_a_snippet_shows_the_densest_run_of_matched_words_in_a_paragraph_of_any_length(run, tmp_path):
    """The snippet is the window with the most distinct matched words
    (then the most matches, then the earliest), in a paragraph of a
    megabyte too (a PDF without paragraph breaks), where trying each start
    against every match took half a minute."""
    import random

    rng = random.Random(5)
    filler = "warga pemerintah kota desa harga naik turun rapat".split()
    text = " ".join(rng.choice(filler + ["banjir"] * 2 + ["gempa"]) for _ in range(3000))
    write(tmp_path / "panjang" / "a.txt", "Panjang\n\n" + " ".join([text] * 60) + " banjir gempa longsor.")
    run("index", str(tmp_path / "panjang"))
    hit = json_hits(run("query", "--json", "banjir gempa longsor").stdout)[0]
    assert len(hit["text"]) > 1_000_000
    assert {hit["snippet"][a:b] for a, b in hit["highlights"]} == {"banjir", "gempa", "longsor"}  # the one such run


def test_snippets_fit_two_terminal_lines_and_titles_one(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    filler = " ".join(f"kalimat{n} pengisi tanpa makna." for n in range(40))
    title = "Judul yang sangat panjang " * 8
    write(tmp_path / "b" / "long.txt", f"{title}\n\n{filler} Gunung Merapi meletus pagi ini. {filler}")
    run("index", str(tmp_path / "b"))
    hit = run("query", "merapi meletus").stdout.split("\n\n")[1].splitlines()
    title_line, _source, *snippet = hit
    assert len(title_line) <= 60 and "…" in title_line
    assert 1 <= len(snippet) <= 2
    assert all(len(line) <= 60 for line in snippet)
    joined = " ".join(line.strip() for line in snippet)
    assert joined.startswith("…") and joined.endswith("…")
    assert "**Merapi** **meletus**" in joined
    # Centred: about as much context before the match as after it.
    before, after = joined.split("**Merapi** **meletus**")
    assert abs(len(before) - len(after)) < 30


def test_colour_is_never_on_with_never_and_on_with_always(sample_index, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" in sample_index("query", "--color", "always", "pakta").stdout
    assert "\x1b[" not in sample_index("query", "--color", "never", "pakta").stdout
    assert "\x1b[" not in sample_index("show", "--color", "never", SAMPLE).stdout
    assert "\x1b[" in sample_index("show", "--color", "always", SAMPLE).stdout


def test_main_help_lists_every_command(run):
    out = run("--help").stdout
    for command in ("index", "query", "show", "stats"):
        assert re.search(rf"^  {command}\b", out, re.MULTILINE)


def test_the_first_page_is_the_same_however_deep_later_pages_look(run, tmp_path):
    # Paragraphs with the words apart score a little higher than longer
    # ones with the words side by side, which the proximity bonus lifts
    # above them only when a deep fetch reaches them.
    folder = tmp_path / "b"
    for n in range(30):
        filler = " ".join(f"kata{n}x{i}" for i in range(8))
        write(folder / f"apart{n:02d}.txt", f"T\n\nbanjir besar sekali di kota {filler}")
        write(folder / f"together{n:02d}.txt", f"T\n\nbanjir kota besar sekali lagi {filler}")
    for n in range(100):
        write(folder / f"other{n:02d}.txt", f"T\n\ncuaca cerah hari ini nomor {n}")
    run("index", str(folder))
    first = json_hits(run("query", "--json", "-n", "10", "banjir kota").stdout)
    deep = json_hits(run("query", "--json", "-n", "50", "banjir kota").stdout)
    assert [h["article"] for h in deep[:10]] == [h["article"] for h in first]
    page5 = json_hits(run("query", "--json", "-n", "10", "--page", "5", "banjir kota").stdout)
    assert [h["article"] for h in page5] == [h["article"] for h in deep[40:50]]


def test_empty_files_count_as_skipped_and_counts_are_in_the_singular_for_one(run, tmp_path):
    write(tmp_path / "b" / "a.txt", "")
    write(tmp_path / "b" / "b.txt", "   \n")
    write(tmp_path / "b" / "c.txt", "Judul\n\nIsi.")
    result = run("index", str(tmp_path / "b"))
    assert result.stderr.count("empty file, skipped") == 2
    assert re.fullmatch(r"1 new, 0 changed, 0 removed, 0 unchanged articles; 1 paragraph indexed; 2 files skipped; "
                        r"\d+\.\d s\n", result.stdout)
    assert "files:          1\n" in run("stats").stdout  # the files indexed, not the empty ones


def test_bare_search_prints_its_help_and_v_is_the_version(run):
    result = run()
    assert result.exit_code == 0 and "Commands:" in result.stdout and "search query" in result.stdout
    assert run("-V").stdout == run("--version").stdout == f"search, version {__version__}\n"


def test_the_package_says_its_licence_and_the_licence_file_matches():
    from importlib.metadata import metadata

    about = metadata("searcher")
    licence = (Path(__file__).resolve().parent.parent / "LICENSE").read_text(encoding="utf-8")
    assert about["License"] == "MIT" and licence.startswith("MIT License")
    assert "License :: OSI Approved :: MIT License" in about.get_all("Classifier")
    assert about["Author"] == "The searcher developers" or "The searcher developers" in (about["Author-email"] or "")


def test_files_in_formats_not_read_are_counted_in_one_line_and_nothing_indexable_is_exit_1(run, tmp_path):
    for name in ("a.csv", "b.csv", "c.json", "d.png", "README"):
        write(tmp_path / "b" / name, "x")
    result = run("index", str(tmp_path / "b"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "search: warning: 5 files not indexed, in formats searcher does not read: 2 .csv, 1 (no extension), "
        "1 .json, 1 .png",
        f"search: nothing indexable in {tmp_path / 'b'}: no file in a format searcher reads (see 'search index --help')",
    ]
    write(tmp_path / "b" / "berita.txt", "Judul\n\nIsi berita.")
    result = run("index", str(tmp_path / "b"))
    assert result.exit_code == 0 and result.stdout.startswith("1 new")
    assert "5 files not indexed" in result.stderr


def test_a_file_named_in_a_format_not_read_is_an_unsupported_format(run, tmp_path):
    report = write(tmp_path / "laporan.odt", "PK\x03\x04 binary")
    result = run("index", str(report))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"search: warning: {report}: unsupported format (.odt); searcher reads .txt, .md, .markdown, .jsonl, "
        ".html, .htm, .pdf, .docx; skipped")
    assert "1 file skipped" in result.stdout


def test_a_query_of_only_common_words_says_so(sample_index):
    result = sample_index("query", "yang", "dan")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "search: note: every word of the query is too common to be searched (such as 'yang' and 'dan'): "
        "add a word that says what it is about",
        "search: no paragraph matches 'yang dan'",
    ]


def test_an_empty_query_is_a_usage_error(sample_index):
    for words in ([""], ["  "]):
        result = sample_index("query", *words)
        assert result.exit_code == 2 and "the query is empty" in result.stderr


def test_a_field_that_does_not_exist_is_named_and_the_words_still_searched(sample_index):
    result = sample_index("query", "date:2024-06-18", "putin")
    assert result.exit_code == 0
    assert result.stderr == ("search: note: date: is not a field (the one field is title:), so 'date' was searched "
                             "as a word; for dates, use --since and --until\n")
    assert sample_index("query", "title:putin").stderr == ""  # the field there is
    assert sample_index("query", "pukul 10:30 putin").stderr == ""  # no field there


def test_phrases_and_groups_can_be_excluded_and_a_field_can_hold_a_group(run, tmp_path):
    folder = tmp_path / "berita"
    write(folder / "pyongyang.txt", "Kunjungan Putin\n\nPutin tiba di Korea Utara untuk kunjungan kenegaraan.")
    write(folder / "beijing.txt", "Putin di Beijing\n\nPutin bertemu pemimpin Cina di Beijing.")
    write(folder / "seoul.txt", "Berita Korea\n\nPutin menyebut Korea Selatan, bukan sisi utara.")
    run("index", str(folder))

    def found(query):
        return sorted(hit["article"] for hit in json_hits(run("query", "--json", query).stdout))

    assert found('putin -"korea utara"') == ["beijing", "seoul"]  # (seoul: both words, not side by side)
    assert found("putin -(beijing OR kunjungan)") == ["seoul"]
    assert found("title:(beijing OR korea)") == ["beijing", "seoul"]
    assert found("putin -title:(kunjungan OR beijing)") == ["seoul"]


def test_a_name_spelled_with_or_without_its_apostrophe_is_found_either_way(run, tmp_path):
    write(tmp_path / "berita" / "wapres.txt", "Wapres\n\nWapres Ma’ruf Amin salat Jum'at di Istiqlal.")
    write(tmp_path / "berita" / "doa.txt", "Doa\n\nMaruf Amin memimpin doa usai salat Jumat.")
    run("index", str(tmp_path / "berita"))
    for query in ("maruf amin jumat", "Ma'ruf Amin Jum’at"):
        result = run("query", "--color=never", query)
        assert result.stdout.startswith("2 paragraphs in 2 articles match"), result.output
        assert "Wapres **Ma’ruf** **Amin** salat **Jum'at** di" in result.stdout
        assert "**Maruf** **Amin** memimpin doa usai salat **Jumat**." in result.stdout


def test_a_word_in_styled_letters_is_found_by_the_word_and_finds_it(run, tmp_path):
    """Social media posts write a headline in mathematical bold ("𝐁𝐀𝐍𝐉𝐈𝐑")
    or sans-serif; news quoting them, and pages scraped from them, keep
    those letters."""
    write(tmp_path / "berita" / "a.txt", "Unggahan\n\n𝐁𝐀𝐍𝐉𝐈𝐑 𝐁𝐀𝐍𝐃𝐔𝐍𝐆, kata akun itu pagi tadi.")
    write(tmp_path / "berita" / "b.txt", "Cuaca\n\nBanjir melanda Bandung sejak pagi.")
    run("index", str(tmp_path / "berita"))
    for query in ("banjir bandung", "𝐁𝐀𝐍𝐉𝐈𝐑", "𝗯𝗮𝗻𝗷𝗶𝗿"):
        assert sorted(hit["article"] for hit in json_hits(run("query", "--json", query).stdout)) == ["a", "b"], query
    assert "**𝐁𝐀𝐍𝐉𝐈𝐑** **𝐁𝐀𝐍𝐃𝐔𝐍𝐆**, kata" in run("query", "--color=never", "banjir bandung").stdout


def test_a_word_in_another_common_spelling_finds_the_standard_one_and_is_marked(run, tmp_path):
    write(tmp_path / "berita" / "a.txt", "Banjir\n\nWarga yang tinggal di bantaran sungai beresiko terkena banjir.")
    write(tmp_path / "berita" / "b.txt", "Gempa\n\nRisiko gempa susulan masih tinggi, kata petugas.")
    write(tmp_path / "berita" / "c.txt", "Cuaca\n\nHujan turun sejak pagi di kota itu.")
    run("index", str(tmp_path / "berita"))
    for query in ("risiko", "resiko", "berisiko"):
        assert sorted(hit["article"] for hit in json_hits(run("query", "--json", query).stdout)) == ["a", "b"], query
    shown = run("query", "--color=never", "risiko").stdout
    assert "sungai **beresiko** terkena" in shown and "**Risiko** gempa" in shown


def test_covid19_finds_covid_19_and_a_sum_in_rupiah_finds_its_number(run, tmp_path):
    write(tmp_path / "berita" / "a.txt", "Pandemi\n\nKasus COVID-19 naik; bantuan Rp500.000 per keluarga.")
    write(tmp_path / "berita" / "b.txt", "Vaksin\n\nVaksin Covid19 tiba di Jakarta.")
    run("index", str(tmp_path / "berita"))
    for query in ("covid19", "COVID-19", "covid 19"):
        assert sorted(hit["article"] for hit in json_hits(run("query", "--json", query).stdout)) == ["a", "b"]
    result = run("query", "--color=never", "500.000")
    assert "bantuan Rp**500.000** per keluarga." in result.stdout


def test_a_query_while_the_first_build_has_saved_nothing_says_the_index_is_being_built(run, tmp_path):
    from searcher.storage import store

    index_dir = tmp_path / "index"
    store.open_or_create_index(index_dir)  # as a first run does before its first batch is saved
    with store.RunLock(index_dir):
        result = run("query", "banjir")
    assert result.exit_code == 1
    assert result.stderr.startswith("search: note: the index is being built by 'search index' (pid ")
    assert "nothing of it is saved yet: try again in a moment\n" in result.stderr
    assert run("query", "banjir").stderr == "search: no paragraph matches 'banjir'\n"  # the run over


def test_a_phrase_found_as_one_word_is_one_mark(sample_index):
    text = sample_index("query", "--color=never", '"kerja sama"').stdout
    assert "**kerjasama**" in text and "****" not in text
    hit = next(h for h in json_hits(sample_index("query", "--json", '"kerja sama"').stdout) if "kerjasama" in h["text"])
    marked = [hit["snippet"][start:end] for start, end in hit["highlights"]]
    assert "kerjasama" in marked and "kerja" not in marked


def test_a_paragraph_matched_only_through_its_title_says_so(sample_index):
    hits = sample_index("query", "--color=never", "title:komprehensif").stdout.split("\n\n")[1:]
    through_title = [hit for hit in hits if "**" not in hit]
    assert through_title and all(hit.rstrip().endswith("(title match)") for hit in through_title)
    assert all("(title match)" not in hit for hit in hits if "**" in hit)


def test_show_with_an_id_missing_its_folder_suggests_the_close_ids(run, tmp_path):
    for n in (1, 2):
        write(tmp_path / "berita" / "gen" / f"00000{n}_1a2b8f1ff1fd42a{n}.txt", f"Judul {n}\n\nIsi berita {n}.")
    run("index", str(tmp_path / "berita"))
    result = run("show", "000001_1a2b8f1ff1fd42a1:1")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("did you mean gen/000001_1a2b8f1ff1fd42a1:1?")
    mistyped = run("show", "gen/000001_1a2b8f1ff1fd42a9").stderr
    assert "did you mean gen/000001_1a2b8f1ff1fd42a1 or gen/000002_1a2b8f1ff1fd42a2?" in mistyped
    assert "the source line of each 'search query' hit names one" in run("show", "zzz").stderr


def test_the_default_index_is_the_users_from_any_folder_unless_the_folder_has_its_own(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from searcher.cli.commands import main

    monkeypatch.delenv("SEARCH_INDEX_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    runner = CliRunner()
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    missing = runner.invoke(main, ["query", "pakta"])
    assert missing.exit_code == 2
    assert f"no index in {tmp_path / 'data' / 'searcher' / 'index'};" in missing.stderr  # the full path
    assert missing.stderr.endswith("run 'search index' first (or pass --index-dir)\n")  # (the default was looked in)
    named = runner.invoke(main, ["query", "pakta", "--index-dir", str(tmp_path / "here")])
    assert named.stderr == f"search: error: no index in {tmp_path / 'here'}; run 'search index' first\n"
    assert runner.invoke(main, ["index"]).exit_code == 0
    assert (tmp_path / "data" / "searcher" / "index").is_dir() and not (tmp_path / "here" / "index").exists()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert runner.invoke(main, ["query", "pakta"]).exit_code == 0  # the same index
    (tmp_path / "project" / "index").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "project")  # a folder with its own ./index uses it
    assert runner.invoke(main, ["query", "pakta"]).exit_code == 2
    assert runner.invoke(main, ["index"]).exit_code == 0 and (tmp_path / "project" / "index" / "roots.json").exists()


def test_csv_export_has_a_header_and_a_row_per_hit(sample_index):
    import csv
    import io

    result = sample_index("query", "--format", "csv", "-n", "3", "korea", "utara")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["rank", "score", "article", "paragraph", "title", "source", "date", "site", "url", "author",
                       "text", "also_in"]
    hits = json_hits(sample_index("query", "--json", "-n", "3", "korea", "utara").stdout)
    assert [(int(r[0]), r[2], int(r[3]), r[4], r[10]) for r in rows[1:]] == [
        (h["rank"], h["article"], h["paragraph"], h["title"], h["text"]) for h in hits]


def test_all_gives_every_match_in_rank_order_past_any_page(sample_index):
    every = json_hits(sample_index("query", "--json", "--all", "korea").stdout)
    paged = [h for page in (1, 2, 3, 4) for h in json_hits(
        sample_index("query", "--json", "-n", "4", "--page", str(page), "korea").stdout)]
    assert len(every) > 10  # more than one page of the default size
    assert [(h["rank"], h["article"], h["paragraph"]) for h in every] == [
        (h["rank"], h["article"], h["paragraph"]) for h in paged]


def test_a_word_with_soft_hyphens_from_a_web_page_is_found_and_its_copy_folded(run, tmp_path):
    """A page's soft hyphens (&shy;, where a line may break) and zero-width
    spaces sit unseen inside words: the word is still found, marked whole,
    and the paragraph is a copy of the same one without them."""
    paragraph = "Pakta pertahanan antara kedua negara ditandatangani di ibukota pada Jumat pagi."
    write(tmp_path / "berita" / "kompas.txt", "Pakta\n\n" + paragraph)
    marked = paragraph.replace("pertahanan", "perta\u00adhan\u00adan").replace("ditandatangani", "ditanda\u200btangani")
    write(tmp_path / "berita" / "situs.txt", "Pakta\n\n" + marked)
    run("index", str(tmp_path / "berita"))
    for query in ("pertahanan ditandatangani", "perta\u00adhanan ditanda\u200btangani"):
        result = run("query", "--color=never", query)
        assert result.stdout.startswith("2 paragraphs in 2 articles match"), result.output
        assert "also in 1 other article: " in result.stdout  # (the two tie: either is shown, the other folded)
        assert ("**pertahanan** antara kedua negara **ditandatangani**" in result.stdout
                or "**perta\u00adhan\u00adan** antara kedua negara **ditanda\u200btangani**" in result.stdout)


def _index_texts(run, folder, texts: dict[str, str]) -> None:
    for name, text in texts.items():
        write(folder / name, text)
    assert run("index", str(folder)).exit_code == 0


def _titles_found(run, query: str) -> list[str]:
    """The titles of the hits of ``query``, in alphabetical order."""
    return sorted(hit["title"] for hit in json_hits(run("query", "--json", query).output))


def test_a_closed_hyphenated_or_open_compound_is_found_by_any_of_its_spellings(run, tmp_path):
    """"pascapandemi" (as PUEBI writes it), "pasca-pandemi" and "pasca
    pandemi" (as news often does) find each other, and "pandemi" finds all."""
    texts = {
        "a.txt": "Ekonomi\n\nEkonomi pascapandemi tumbuh pesat di desa.",
        "b.txt": "Pemulihan\n\nPemulihan pasca-pandemi berjalan lambat.",
        "c.txt": "Sekolah\n\nSekolah pasca pandemi kembali dibuka.",
        "d.txt": "Pandemi\n\nPandemi melanda kota itu.",
    }
    _index_texts(run, tmp_path / "berita", texts)
    compound = {text.split("\n\n")[1] for text in list(texts.values())[:3]}
    for query in ("pascapandemi", "pasca-pandemi", "pasca pandemi", "Pascapandemi?", "pascapan*", "pasca-pand*"):
        hits = json_hits(run("query", "--json", query).output)
        assert {hit["text"] for hit in hits[:3]} == compound, query  # (then the paragraph with one of the words)
    assert len(json_hits(run("query", "--json", "pandemi").output)) == 4
    shown = run("query", "--color=never", "pasca pandemi").stdout
    assert "Ekonomi **pascapandemi** tumbuh" in shown and "Pemulihan **pasca**-**pandemi** berjalan" in shown


def test_a_hyphenated_spelling_of_a_closed_word_finds_it_and_is_marked_whole(run, tmp_path):
    write(tmp_path / "berita" / "a.txt", "Latihan\n\nAtlet itu rajin berlatih olahraga di stadion.")
    write(tmp_path / "berita" / "b.txt", "Lomba\n\nLomba olah-raga digelar di desa.")
    assert run("index", str(tmp_path / "berita")).exit_code == 0
    for query in ("olahraga", "Olah-raga", "olah-rag*"):
        assert len(json_hits(run("query", "--json", query).output)) == 2, query
    assert "Lomba **olah-raga** digelar" in run("query", "--color=never", "olahraga").stdout


def test_every_spelling_of_alquran_finds_the_others(run, tmp_path):
    spellings = ["Alquran", "Al-Qur'an", "Al Quran", "Al-Quran", "Al Qur'an"]
    places = ["masjid raya", "pesantren di Jombang", "surau kampung", "balai desa", "rumah warga"]
    for n, (spelling, place) in enumerate(zip(spellings, places)):
        write(tmp_path / "berita" / f"{n}.txt", f"Tadarus {n}\n\nSetiap malam mereka membaca {spelling} di {place}.")
    assert run("index", str(tmp_path / "berita")).exit_code == 0
    for query in [*spellings, "alqur*"]:
        assert len(json_hits(run("query", "--json", query).output)) == len(spellings), query


def test_a_compound_written_apart_or_closed_with_its_affixes_is_found_by_any_spelling(run, tmp_path):
    """PUEBI writes "tindak lanjut" and "salah guna" apart, and closed once
    they take a prefix and a suffix at once: "menindaklanjuti",
    "penyalahgunaan".  Each spelling finds the others, marked as written."""
    texts = {
        "a.txt": "Polisi\n\nPolisi menindaklanjuti laporan penyalahgunaan narkoba oleh warga.",
        "b.txt": "Laporan\n\nLaporan itu ditindaklanjuti; obat itu disalahgunakan pelaku.",
        "c.txt": "Tindak lanjut\n\nTindak lanjut atas salah guna wewenang kepala dinas.",
        "d.txt": "Cuaca\n\nHujan turun lebat di kota itu sejak pagi.",
    }
    _index_texts(run, tmp_path / "berita", texts)
    for query in ("tindak lanjut", '"tindak lanjut"', "menindaklanjuti", "ditindaklanjuti", "menindaklanj*",
                  "salah guna", "penyalahgunaan", "disalahgunakan", "penyalahgun*"):
        assert sorted(hit["article"] for hit in json_hits(run("query", "--json", query).output)) == ["a", "b", "c"], query
    shown = run("query", "--color=never", "tindak lanjut").stdout
    assert "Polisi **menindaklanjuti** laporan" in shown and "**Tindak** **lanjut** atas" in shown


def test_a_name_that_stems_to_a_common_word_comes_first_for_its_name(run, tmp_path):
    """Sastrawi cuts the name "Terawan" to "awan" (a cloud) and "Diego" to
    "ego", as it would derived words; the form typed weighs too, and it
    is rare where the root is not."""
    texts = {
        "a.txt": "Kunjungan\n\nMenteri Terawan meninjau rumah sakit di Surabaya.",
        "b.txt": "Cuaca\n\nAwan hitam menggantung. Awan tebal menutup kota sejak pagi.",
        "c.txt": "Langit\n\nArak-arakan awan terlihat dari puncak.",
        "d.txt": "Transfer\n\nKlub itu merekrut Diego dari Spanyol.",
        "e.txt": "Pemain\n\nEgo pemain itu tinggi. Egonya membuat tim kalah.",
    }
    _index_texts(run, tmp_path / "berita", texts)
    for query, title in (("terawan", "Kunjungan"), ("menteri terawan", "Kunjungan"), ("Diego", "Transfer")):
        assert json_hits(run("query", "--json", query).output)[0]["title"] == title, query
    assert json_hits(run("query", "--json", "awan").output)[0]["title"] != "Kunjungan"


def test_a_place_whose_name_sastrawi_cut_to_a_common_word_is_found_by_its_name_alone(run, tmp_path):
    """Sastrawi cut "Bekasi" to "bekas" (former, used) and "Kediri" to
    "diri" (self): a query for the city found every paragraph of the
    common word, and the city's own ranked below them."""
    texts = {
        "a.txt": "Banjir\n\nBanjir merendam ratusan rumah di Bekasi.",
        "b.txt": "Mobil\n\nMobil bekas dijual murah. Bekas pemiliknya pindah.",
        "c.txt": "Hujan\n\nHujan deras turun di Kediri sejak pagi.",
        "d.txt": "Gedung\n\nGedung itu berdiri sendiri.",
    }
    _index_texts(run, tmp_path / "berita", texts)
    expected = {"bekasi": ["Banjir"], "banjir bekasi": ["Banjir"], "Kediri": ["Hujan"], "bekas": ["Mobil"],
                "diri": ["Gedung"]}
    for query, titles in expected.items():
        assert _titles_found(run, query) == titles, query


def test_a_word_in_demand_is_not_found_by_death_nor_company_by_a_farmer(run, tmp_path):
    """Sastrawi took an infix out of "diminati" (in demand: m-in-ati, so
    "mati", dead) and of "ditemani" (t-em-ani, so "tani", a farmer)."""
    texts = {
        "a.txt": "Pasar\n\nProduk lokal makin diminati pembeli.",
        "b.txt": "Bencana\n\nDua orang mati tertimbun longsor.",
        "c.txt": "Kunjungan\n\nPresiden ditemani menteri meninjau sawah.",
        "d.txt": "Panen\n\nPara petani memanen padi.",
    }
    _index_texts(run, tmp_path / "berita", texts)
    expected = {"mati": ["Bencana"], "kematian": ["Bencana"], "minat": ["Pasar"], "peminat": ["Pasar"],
                "petani": ["Panen"], "teman": ["Kunjungan"], "menemani": ["Kunjungan"]}
    for query, titles in expected.items():
        assert _titles_found(run, query) == titles, query


def test_damage_is_found_by_its_root_and_not_by_a_deer_nor_giving_by_a_fish_nor_pressure_by_a_village(run, tmp_path):
    write(tmp_path / "berita" / "a.txt", "Gempa\n\nGempa menyebabkan kerusakan parah di tiga desa.")
    write(tmp_path / "berita" / "b.txt", "Satwa\n\nSeekor rusa terlihat di tepi hutan.")
    write(tmp_path / "berita" / "c.txt", "Bantuan\n\nBerikan bantuan kepada korban gempa.")
    write(tmp_path / "berita" / "d.txt", "Pasar\n\nHarga ikan di pasar naik.")
    write(tmp_path / "berita" / "e.txt", "Tuntutan\n\nDesakan warga agar jalan diperbaiki makin kuat.")
    write(tmp_path / "berita" / "f.txt", "Tuntutan lain\n\nWarga mendesak pemerintah bertindak.")
    assert run("index", str(tmp_path / "berita")).exit_code == 0
    expected = {"rusak": ["Gempa"], "rusa": ["Satwa"], "ikan": ["Pasar"], "beri": ["Bantuan"], "desa": ["Gempa"]}
    for query, titles in {**expected, "desak": ["Tuntutan", "Tuntutan lain"]}.items():
        assert _titles_found(run, query) == titles, query
