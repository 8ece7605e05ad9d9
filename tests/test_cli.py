"""The search command as a user meets it, on the built-in samples and small fixtures."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import json_hits, write


def test_bare_index_on_a_new_index_uses_the_samples_and_says_how_to_index_your_own(run):
    result = run("index")
    assert result.exit_code == 0
    assert "2 new" in result.stdout
    assert "14 paragraphs indexed" in result.stdout
    assert "sample articles" in result.stdout
    assert "search index PATH" in result.stdout


def test_pakta_pertahanan_finds_its_paragraph_first_with_both_words_marked(sample_index):
    result = sample_index("query", "pakta pertahanan")
    assert result.exit_code == 0
    header, first = result.stdout.split("\n\n")[:2]
    assert header.startswith("2 paragraphs in 1 article match")
    assert "000_8e71dce4d88c4be3.txt  paragraph 4" in first
    assert "**Pakta** **pertahanan** bersama" in first


def test_json_output_has_every_field_in_rank_order(sample_index):
    result = sample_index("query", "--json", "pakta pertahanan")
    hits = json_hits(result.stdout)
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    first = hits[0]
    assert first["article"] == "000_8e71dce4d88c4be3"
    assert first["paragraph"] == 4
    assert first["text"].startswith("Pakta pertahanan bersama")
    assert first["title"].startswith("Vladimir Putin dan Kim Jong Un")
    assert first["source"].endswith("000_8e71dce4d88c4be3.txt")
    marked = [first["snippet"][s:e] for s, e in first["highlights"]]
    assert marked[:2] == ["Pakta", "pertahanan"]


def test_penandatanganan_perjanjian_reaches_both_articles(sample_index):
    hits = json_hits(sample_index("query", "--json", "penandatanganan perjanjian").stdout)
    assert {h["article"] for h in hits} == {"000_8e71dce4d88c4be3", "003_f179d598420859a7"}


def test_stemmed_matches_are_found_and_marked(sample_index):
    # "menandatangani" is in the text, "penandatanganan" only shares its root.
    result = sample_index("query", "--json", "menandatangani")
    texts = [h["text"] for h in json_hits(result.stdout)]
    assert any("Penandatanganan perjanjian ini dipandang" in t for t in texts)
    hit = next(h for h in json_hits(result.stdout) if h["paragraph"] == 5)
    assert "Penandatanganan" in [hit["snippet"][s:e] for s, e in hit["highlights"]]


def test_boilerplate_of_the_second_sample_is_not_indexed(sample_index):
    for query in ("Leave a Comment", "Tinggalkan Balasan", "dipublikasikan", "ruas wajib ditandai"):
        result = sample_index("query", "--json", query)
        assert not any("Tinggalkan Balasan" in h["text"] or "Ruas yang wajib" in h["text"] for h in json_hits(result.stdout))
    result = sample_index("query", "dipublikasikan")
    assert result.exit_code == 1


def test_a_question_ending_in_a_question_mark_finds_its_answer(sample_index):
    hits = json_hits(sample_index("query", "--json", "kapan Putin berangkat menuju Vietnam?").stdout)
    assert (hits[0]["article"], hits[0]["paragraph"]) == ("000_8e71dce4d88c4be3", 1)


def test_all_words_rank_above_some_but_some_still_answer(run, tmp_path):
    folder = tmp_path / "berita"
    write(folder / "a.txt", "A\n\nBanjir besar melanda kota. Banjir lagi, banjir terus, banjir di mana-mana.")
    write(folder / "b.txt", "B\n\nBanjir melanda Jakarta pada malam hari.")
    run("index", str(folder))
    hits = json_hits(run("query", "--json", "banjir jakarta").stdout)
    assert [h["article"] for h in hits] == ["b", "a"]
    hits = json_hits(run("query", "--json", "banjir surabaya").stdout)
    assert {h["article"] for h in hits} == {"a", "b"}


def test_exact_form_outranks_an_over_stemmed_match(run, tmp_path):
    # "pertahanan" (defence) and "tahanan" (detainee) both stem to "tahan".
    folder = tmp_path / "berita"
    write(folder / "tahanan.txt", "T\n\nPolisi memindahkan tahanan ke lapas baru.")
    write(folder / "pertahanan.txt", "P\n\nMenteri membahas pertahanan negara.")
    run("index", str(folder))
    hits = json_hits(run("query", "--json", "pertahanan").stdout)
    assert [h["article"] for h in hits] == ["pertahanan", "tahanan"]


def test_an_exact_phrase_match_ranks_higher(run, tmp_path):
    folder = tmp_path / "berita"
    write(folder / "apart.txt", "X\n\nKerja keras membuat hasil yang sama baiknya.")
    write(folder / "together.txt", "Y\n\nKedua negara sepakat kerja sama di bidang energi.")
    run("index", str(folder))
    hits = json_hits(run("query", "--json", "kerja sama").stdout)
    assert [h["article"] for h in hits] == ["together", "apart"]


def test_a_paragraph_that_opens_with_the_query_words_ranks_above_a_passing_mention(run, tmp_path):
    # Both hold the query words once; "passing" is the shorter paragraph,
    # so BM25 alone would put it first.
    event = "gempa Lombok merusak ratusan rumah warga"
    folder = tmp_path / "berita"
    write(
        folder / "opening.txt",
        f"X\n\n{event.capitalize()} pada Minggu pagi, dan pemerintah daerah menyiapkan tenda darurat "
        "serta dapur umum bagi para pengungsi di lapangan kota.",
    )
    write(
        folder / "passing.txt",
        "Y\n\nHarga beras di pasar induk naik tajam karena pasokan dari luar pulau tersendat "
        f"setelah {event}.",
    )
    run("index", str(folder))
    hits = json_hits(run("query", "--json", "gempa lombok").stdout)
    assert [h["article"] for h in hits] == ["opening", "passing"]


def test_a_hit_names_its_file_relative_to_the_current_folder_only_when_below_it(run, tmp_path, monkeypatch):
    write(tmp_path / "berita" / "a.txt", "A\n\nGempa Lombok merusak rumah warga.")
    write(tmp_path / "berita-lama" / "b.txt", "B\n\nGempa Lombok tahun lalu merusak jembatan.")
    run("index", str(tmp_path / "berita"), str(tmp_path / "berita-lama"))
    monkeypatch.chdir(tmp_path / "berita")
    shown = run("query", "gempa lombok").stdout
    # "berita-lama" starts with "berita", but does not lie below it.
    assert "\n   a.txt  paragraph 1" in shown
    assert f"\n   {tmp_path / 'berita-lama' / 'b.txt'}  paragraph 1" in shown


def test_reduplicated_words_find_their_root(run, tmp_path):
    write(tmp_path / "b" / "x.txt", "X\n\nNegara-negara Asia bertemu di Jakarta.")
    run("index", str(tmp_path / "b"))
    assert run("query", "negara").exit_code == 0


def test_jsonl_articles_are_indexed_with_their_ids(run, tmp_path):
    dump = write(
        tmp_path / "dump.jsonl",
        '{"_id": "p7", "title": "Gempa", "text": "Gempa mengguncang Palu.\\n\\nRatusan rumah rusak."}\n',
    )
    run("index", str(dump))
    [hit] = json_hits(run("query", "--json", "rumah rusak").stdout)
    assert (hit["article"], hit["paragraph"], hit["title"]) == ("p7", 2, "Gempa")


def test_limit_caps_the_number_of_hits(sample_index):
    assert len(json_hits(sample_index("query", "--json", "-n", "2", "rusia").stdout)) == 2


def test_no_hits_exits_1_and_errors_exit_2(sample_index, tmp_path):
    assert sample_index("query", "zzzyyyxxx").exit_code == 1
    missing = sample_index("query", "--index-dir", str(tmp_path / "nowhere"), "rusia")
    assert missing.exit_code == 2
    assert "run 'search index'" in missing.stderr
    assert "Traceback" not in missing.output
    assert sample_index("index", str(tmp_path / "no-such-folder")).exit_code == 2


def test_colour_follows_the_flag_and_no_color(sample_index, monkeypatch):
    assert "\x1b[" in sample_index("query", "--color", "always", "pakta").stdout
    assert "\x1b[" not in sample_index("query", "pakta").stdout  # not a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert "**pakta**" in sample_index("query", "--color", "auto", "pakta").stdout.lower()


def test_index_dir_option_and_environment_variable(run, tmp_path, monkeypatch):
    here = tmp_path / "elsewhere"
    assert run("index", "--index-dir", str(here)).exit_code == 0
    assert run("query", "--index-dir", str(here), "pakta").exit_code == 0
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(here))
    assert run("query", "pakta").exit_code == 0


def _installed_search() -> str:
    found = Path(sys.executable).parent / "search"
    return str(found) if found.exists() else shutil.which("search")


def test_installed_search_command_runs_end_to_end(tmp_path):
    command = _installed_search()
    assert command, "the 'search' console script is not installed (pip install .)"
    env = {**os.environ, "SEARCH_INDEX_DIR": str(tmp_path / "index"), "NO_COLOR": "1"}
    indexed = subprocess.run([command, "index"], env=env, capture_output=True, text=True, timeout=120)
    assert indexed.returncode == 0, indexed.stderr
    found = subprocess.run([command, "query", "--json", "pakta pertahanan"], env=env, capture_output=True, text=True)
    assert found.returncode == 0
    assert json.loads(found.stdout.splitlines()[0])["paragraph"] == 4
    help_text = subprocess.run([command, "--help"], env=env, capture_output=True, text=True)
    assert "search query" in help_text.stdout


def test_a_reader_that_stops_early_gets_no_error(tmp_path):
    # search query ... | head -1, with more output than a pipe buffer holds.
    command = _installed_search()
    for n in range(150):
        write(tmp_path / "b" / f"{n}.txt", f"Berita {n}\n\n" + "Korea Utara dan Rusia bertemu lagi. " * 20)
    env = {**os.environ, "SEARCH_INDEX_DIR": str(tmp_path / "index")}
    subprocess.run([command, "index", str(tmp_path / "b")], env=env, capture_output=True, check=True)
    args = [command, "query", "--json", "-n", "150", "korea"]
    reader = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader.stdout.readline()
    reader.stdout.close()
    assert reader.wait(timeout=60) in (0, 141)
    assert reader.stderr.read() == b""


def test_a_plain_query_takes_the_fast_lane_and_prints_what_click_prints(tmp_path):
    """``search query WORDS...`` alone runs without Click (searcher.cli);
    the same words after ``--`` go through Click: the same output, errors
    and exit status, found or not, for phrases, field notes and spelling
    hints, and on a missing or damaged index.  ``python -m searcher``
    takes the lane too; both end the process as soon as the output is
    written (``searcher.cli.command``), and none of it may be lost."""
    import re

    command = _installed_search()
    env = {**os.environ, "SEARCH_INDEX_DIR": str(tmp_path / "index"), "NO_COLOR": "1", "COLUMNS": "100"}
    env.pop("SEARCH_DEBUG", None)

    def both(*words):
        outputs = []
        for args in ([command, "query", *words], [command, "query", "--", *words],
                     [sys.executable, "-m", "searcher", "query", *words]):
            done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
            timeless = re.sub(r"match \(\d+ ms\)", "match (_ ms)", done.stdout)
            outputs.append((done.returncode, timeless, done.stderr))
        assert outputs[2] == outputs[0]
        return outputs[:2]

    fast, through_click = both("pakta", "pertahanan")  # no index yet
    assert fast == through_click and fast[0] == 2 and "search: error:" in fast[2]
    assert subprocess.run([command, "index"], env=env, capture_output=True).returncode == 0
    for words in (["pakta", "pertahanan"], ["Putin", "Kim"], ['"kerja sama"'], ["pakta", "tanggal:2024"],
                  ["pertahanna"], ["zzzqx"]):
        fast, through_click = both(*words)
        assert fast == through_click, words
        assert fast[1] or fast[0] == 1
    env["PYTHONIOENCODING"] = "ascii"  # Click writes UTF-8 all the same ("…" in a title)
    fast, through_click = both("pakta", "pertahanan")
    assert fast == through_click and fast[0] == 0
    del env["PYTHONIOENCODING"]
    [toc] = (tmp_path / "index").glob("_paragraphs_*.toc")
    toc.write_bytes(toc.read_bytes()[:-40])
    fast, through_click = both("pakta")
    assert fast == through_click and fast[0] == 2 and toc.name in fast[2]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux) to stand for a full disk")
def test_output_to_a_full_disk_is_one_line_about_the_output_not_the_index(tmp_path):
    command = _installed_search()
    env = {**os.environ, "SEARCH_INDEX_DIR": str(tmp_path / "index")}
    env.pop("SEARCH_DEBUG", None)
    subprocess.run([command, "index"], env=env, capture_output=True, check=True)
    for args in (["query", "pakta"], ["query", "--", "pakta"], ["show", "000_8e71dce4d88c4be3"], ["stats"]):
        with open("/dev/full", "w") as full:
            done = subprocess.run([command, *args], env=env, stdout=full, stderr=subprocess.PIPE, text=True)
        assert done.returncode == 2, args
        assert done.stderr == ("search: error: cannot write the output (No space left on device); "
                               "free some space and run the command again\n"), args


@pytest.mark.skipif(not os.path.isdir("/sys/kernel"), reason="needs /sys (Linux): folders no one may write in, root included")
def test_an_index_folder_one_may_not_write_in_is_one_line_saying_so(run, tmp_path):
    folder = write(tmp_path / "berita" / "a.txt", "Banjir\n\nBanjir melanda Bekasi.").parent
    # (Permission denied, Operation not permitted, or a read-only /sys's "Read-only file system")
    for index_dir, path in (("/sys/kernel", "/sys/kernel/searcher_RUNLOCK"), ("/sys/searcher-index", "/sys/searcher-index")):
        result = run("index", str(folder), "--index-dir", index_dir)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith(f"search: error: cannot write the index ({path}: "), result.stderr
        assert result.stderr.endswith("); what was indexed before is intact\n") and result.stderr.count("\n") == 1


def test_a_closed_output_is_one_line_and_nothing_is_done(tmp_path):
    command = _installed_search()
    env = {**os.environ, "SEARCH_INDEX_DIR": str(tmp_path / "index")}
    env.pop("SEARCH_DEBUG", None)
    for args in (["query", "pakta"], ["query", "--json", "pakta"], ["index"]):
        done = subprocess.run([command, *args], env=env, stderr=subprocess.PIPE, text=True,
                              preexec_fn=lambda: os.close(1))  # search ... >&-
        assert done.returncode == 2, args
        assert done.stderr == "search: error: cannot write the output: standard output is closed\n", args
    assert not (tmp_path / "index").exists()


def test_the_fast_lane_gives_the_garbage_collector_back_to_a_program_that_calls_it(tmp_path, monkeypatch, capsys):
    """The lane runs a plain query with Python's garbage collector off; a
    program calling searcher.cli.main in its own process gets it back."""
    import gc

    from searcher.cli import main as launcher
    from searcher.cli import querying

    seen = []
    run_query = querying.run_query
    monkeypatch.setattr(querying, "run_query", lambda *args: (seen.append(gc.isenabled()), run_query(*args)))
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "no-index"))
    with pytest.raises(SystemExit) as done:
        launcher(["query", "pakta"])
    assert done.value.code == 2 and "search: error:" in capsys.readouterr().err
    assert seen == [False]  # the lane ran the query, with the collector off
    assert gc.isenabled()
