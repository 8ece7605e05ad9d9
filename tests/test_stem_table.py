"""The roots an index keeps for its queries (searcher.analysis.stem_table)."""

import sys
import zlib

import pytest

from conftest import json_hits, write
from searcher import analysis
from searcher.analysis.stem_table import STEM_TABLE, StemTable, write_stem_table

STEMS = {
    "makan": "makan",
    "makanan": "makan",
    "makan-makan": "makan",
    "dimakan": "makan",
    "ekonomi": "ekonomi",
    "perekonomian": "ekonomi",
    "françois": "françois",
    "0,5": "0,5",
    "zona": "zona",
}


@pytest.fixture
def table(tmp_path):
    write_stem_table(tmp_path / STEM_TABLE, STEMS, "test-stemmer")
    return StemTable.read(tmp_path / STEM_TABLE, "test-stemmer")


def test_every_form_written_is_found_with_its_root(table):
    assert len(table) == len(STEMS)
    assert {form: table.get(form) for form in STEMS} == STEMS
    assert dict(table.items()) == STEMS


@pytest.mark.parametrize("form", ["maka", "makanannya", "makan-", "a", "zonasi", "ékonomi", ""])
def test_a_form_not_written_is_not_found(table, form):
    assert table.get(form) is None


def test_a_table_made_by_another_stemmer_or_cut_short_is_not_used(tmp_path):
    path = tmp_path / STEM_TABLE
    write_stem_table(path, STEMS, "old-stemmer")
    assert StemTable.read(path, "new-stemmer").get("makanan") is None
    path.write_bytes(path.read_bytes()[:-3])  # not ending in a whole line
    assert StemTable.read(path, "old-stemmer").get("makanan") is None
    assert StemTable.read(tmp_path / "missing.txt", "old-stemmer").get("makanan") is None


@pytest.fixture
def large_table(tmp_path):
    """A table of many blocks: 3,000 made-up forms and their roots."""
    stems = {f"{word}{ending}": word for word in (f"kata{n:04d}" for n in range(1000)) for ending in ("", "nya", "kan")}
    stems["kata0007kan+"] = "kata0007 kan"  # (a decision)
    write_stem_table(tmp_path / STEM_TABLE, stems, "test-stemmer")
    return tmp_path / STEM_TABLE, stems


def test_a_table_of_many_blocks_finds_every_form_and_prefix(large_table):
    path, stems = large_table
    assert path.stat().st_size > 10 * 4096  # (many blocks)
    table = StemTable.read(path, "test-stemmer")
    assert len(table) == len(stems) and dict(table.items()) == stems
    assert {form: table.get(form) for form in stems} == stems
    for missing in ("kata", "kata0007ka", "kata1000", "aaa", "zzz", "kata0999kann"):
        assert table.get(missing) is None
    for prefix in ("kata00", "kata0512", "kata09", "kata0007k", "kata", "x"):
        expected = sorted(form for form in stems if form.startswith(prefix) and not form.endswith("+"))
        assert table.forms_starting_with(prefix) == expected, prefix


def test_a_flipped_bit_costs_only_its_block(large_table):
    """A query still takes the roots of the undamaged blocks from the table
    (the damaged block's forms are stemmed again); checking the whole
    table, as 'search check' and 'search index' do, names the damage."""
    path, stems = large_table
    data = path.read_bytes()
    at = data.index(b"kata0500nya\t")
    path.write_bytes(data[:at] + b"kata0500nyb" + data[at + 11 :])
    table = StemTable.read(path, "test-stemmer")
    assert table.get("kata0500nya") is None and table.get("kata0500nyb") is None
    found = {form for form in stems if table.get(form) == stems[form]}
    assert "kata0001" in found and "kata0999kan" in found and len(stems) - 400 < len(found) < len(stems)
    _, problem = StemTable.load(path, "test-stemmer")
    assert problem == "damaged (a block does not match its checksum)"
    path.write_bytes(data[: len(data) - 1])  # cut short
    assert StemTable.load(path, "test-stemmer")[1] == "damaged (not the size it was written)"


def test_a_table_written_before_blocks_is_read_and_the_next_index_writes_it_anew(run, tmp_path, monkeypatch):
    folder = tmp_path / "berita"
    write(folder / "a.txt", "Kabar\n\nPerekonomian desa tumbuh pesat berkat pertanian warga.")
    assert run("index", str(folder)).exit_code == 0
    path = tmp_path / "index" / STEM_TABLE
    written = dict(StemTable.read(path, analysis.STEMMER).items())
    _write_as_before_blocks(path)
    assert dict(StemTable.read(path, analysis.STEMMER).items()) == written
    with monkeypatch.context() as fresh:
        _forget_roots_and_hide_sastrawi(fresh)
        assert len(json_hits(run("query", "--json", "perekonomian").output)) == 1
    result = run("index", str(folder))
    assert result.exit_code == 0 and "1 unchanged" in result.stdout and not result.stderr
    assert path.read_bytes().startswith(b"searcher stems 3 ")
    assert dict(StemTable.read(path, analysis.STEMMER).items()) == written


def _write_as_before_blocks(path) -> None:
    """Write the table at ``path`` as versions before blocks did: its lines
    under one CRC-32."""
    stems = dict(StemTable.read(path, analysis.STEMMER).items())
    lines = sorted(f"{form}\t{root if root != form else ''}".encode() for form, root in stems.items())
    body = b"".join(line + b"\n" for line in lines)
    path.write_bytes(b"searcher stems 2 " + analysis.STEMMER.encode() + b" %08x\n" % zlib.crc32(body) + body)


def _forget_roots_and_hide_sastrawi(monkeypatch):
    """Stemming as in a fresh query process, where loading Sastrawi would fail."""
    monkeypatch.setattr(analysis, "_stems", {})
    monkeypatch.setattr(analysis, "_compounds", {})  # nor which forms are closed compounds
    monkeypatch.setattr(analysis, "_whole", set())
    monkeypatch.setattr(analysis, "_tables", ())  # nor any other index's table
    monkeypatch.setattr(analysis, "_stemmer", None)
    monkeypatch.setitem(sys.modules, "Sastrawi", None)  # importing it raises ImportError
    monkeypatch.setitem(sys.modules, "Sastrawi.Stemmer.StemmerFactory", None)


def test_queries_on_indexed_words_find_their_roots_without_sastrawi(run, tmp_path, monkeypatch):
    folder = tmp_path / "berita"
    text = "Kabar pagi\n\nPerekonomian Indonesia tumbuh.\n\nWarga boleh makan bersama oleh karena itu."
    write(folder / "a.txt", text)
    for word in analysis.words(text):  # known to this process already: still written to the table
        if word.form not in analysis.STOPWORDS:
            analysis.stem(word.form)
    analysis.known_stems().pop("oleh", None)
    assert run("index", str(folder)).exit_code == 0
    assert (tmp_path / "index" / STEM_TABLE).is_file()
    _forget_roots_and_hide_sastrawi(monkeypatch)
    hits = json_hits(run("query", "--json", "perekonomian").output)
    assert [hit["text"] for hit in hits] == ["Perekonomian Indonesia tumbuh."]
    # "oleh" holds "boleh" but for its first letter, so it may be related;
    # as a stopword it is in no table, and needs no root.
    hits = json_hits(run("query", "--json", "boleh").output)
    assert [hit["text"] for hit in hits] == ["Warga boleh makan bersama oleh karena itu."]



def test_queries_know_the_index_s_closed_compounds_without_sastrawi(run, tmp_path, monkeypatch):
    """Whether "antikorupsi" is "anti" + "korupsi" takes Sastrawi's
    dictionary to tell; the index's table tells a query instead."""
    folder = tmp_path / "berita"
    write(folder / "a.txt", "Kabar\n\nGerakan antikorupsi warga desa.\n\nProvinsi itu menggelar seminar anti-korupsi.")
    assert run("index", str(folder)).exit_code == 0
    _forget_roots_and_hide_sastrawi(monkeypatch)
    for query in ("antikorupsi", "anti-korupsi", "anti korupsi", "korupsi"):
        hits = json_hits(run("query", "--json", query).output)
        assert len(hits) == 2, query
    hits = json_hits(run("query", "--json", "provinsi").output)  # decided whole: known without Sastrawi too
    assert [hit["text"] for hit in hits] == ["Provinsi itu menggelar seminar anti-korupsi."]
    assert analysis._stemmer is None


def test_an_index_made_before_compounds_split_is_searched_as_it_was_cut_without_sastrawi(run, tmp_path, monkeypatch):
    """Its table holds "antikorupsi" and "provinsi" but no decision: both
    were indexed whole, and a query (which would otherwise ask Sastrawi's
    dictionary about every such word of the paragraphs it ranks) takes them so."""
    folder = tmp_path / "berita"
    write(folder / "a.txt", "Kabar\n\nGerakan antikorupsi di provinsi itu.\n\nSeminar internasional dibuka.")
    with monkeypatch.context() as before:  # (forked indexing workers see it too)
        before.setattr(analysis, "BOUND_FORMS", ())
        for decided in ("_stems", "_compounds", "_terms_cache"):  # what this process worked out before
            before.setattr(analysis, decided, {})
        before.setattr(analysis, "_whole", set())
        assert run("index", str(folder)).exit_code == 0
    _write_as_before_blocks(tmp_path / "index" / STEM_TABLE)  # (tables were written so then)
    assert b"+\t" not in (tmp_path / "index" / STEM_TABLE).read_bytes()
    _forget_roots_and_hide_sastrawi(monkeypatch)
    for query in ("antikorupsi", "provinsi", "internasional"):
        hits = json_hits(run("query", "--json", query).output)
        assert len(hits) == 1, query
    assert analysis._stemmer is None


def test_numbers_are_found_without_sastrawi_and_take_no_room_in_the_table(run, tmp_path, monkeypatch):
    """A number is its own root: nothing to keep for it."""
    folder = tmp_path / "berita"
    write(folder / "a.txt", "Harga\n\nHarga cabai naik menjadi Rp45.000 per kilogram pada 2024, atau 3,5 persen.")
    assert run("index", str(folder)).exit_code == 0
    table = (tmp_path / "index" / STEM_TABLE).read_bytes()
    assert b"harga\t" in table and not any(number in table for number in (b"45.000", b"2024", b"3,5"))
    _forget_roots_and_hide_sastrawi(monkeypatch)
    for query in ("45.000", "2024", "3,5 persen"):
        assert len(json_hits(run("query", "--json", query).output)) == 1, query


def test_an_update_keeps_the_roots_of_the_table_past_the_cache_s_bound(run, tmp_path, monkeypatch):
    """The roots a process knows are a bounded cache (200,000 forms); a
    run that went past it kept only what it knew last, and the index's
    queries on its other words loaded Sastrawi.  Here the bound is 12."""
    for known in ("_stems", "_terms_cache"):  # as in a new process
        monkeypatch.setattr(analysis, known, {})
    folder = tmp_path / "berita"
    write(folder / "a.txt", "Kabar\n\nPerekonomian desa tumbuh pesat berkat pertanian dan perikanan warga.")
    assert run("index", str(folder)).exit_code == 0
    first = dict(StemTable.read(tmp_path / "index" / STEM_TABLE, analysis.STEMMER).items())
    assert first["perekonomian"] == "ekonomi"
    monkeypatch.setattr(analysis, "_STEMS_CACHE_SIZE", 12)  # (forked indexing workers see it too)
    write(folder / "b.txt", "Cuaca\n\nHujan deras mengguyur kota sepanjang malam hingga menjelang pagi hari ini.")
    assert run("index", str(folder)).exit_code == 0
    kept = dict(StemTable.read(tmp_path / "index" / STEM_TABLE, analysis.STEMMER).items())
    assert first.items() < kept.items()  # (and some of the new file's)
    _forget_roots_and_hide_sastrawi(monkeypatch)
    assert len(json_hits(run("query", "--json", "perekonomian pertanian").output)) == 1


@pytest.mark.parametrize("procs", ["1", "2"])
def test_a_first_build_past_the_cache_s_bound_keeps_every_root(run, tmp_path, monkeypatch, procs):
    """A build whose words outnumber the process's bounded cache of roots
    (200,000 forms; 12 here) kept only those it knew last, in the parent
    and in each worker, and queries on the others loaded Sastrawi.  Its
    table is the one a build within the bound writes."""
    monkeypatch.setenv("SEARCH_PROCS", procs)
    monkeypatch.setenv("SEARCH_BATCH_PARAGRAPHS", "3")  # several commits, and new workers, in an update
    folder = tmp_path / "berita"
    texts = [
        "Perekonomian desa tumbuh pesat berkat pertanian dan perikanan warga.",
        "Hujan deras mengguyur kota sepanjang malam hingga menjelang pagi.",
        "Pemerintah menyalurkan bantuan kepada nelayan yang terdampak badai.",
        "Mahasiswa antikorupsi berunjuk rasa di depan gedung dewan perwakilan.",
        "Harga beras melonjak menjelang perayaan hari besar keagamaan.",
    ]
    for n, text in enumerate(texts):
        write(folder / f"{n}.txt", f"Kabar {n}\n\n{text}\n\nWarga {n} menyaksikan pertunjukan kesenian daerah.")

    def table_after_a_first_build(index: str) -> dict[str, str]:
        for known in ("_stems", "_compounds", "_terms_cache"):  # as in a new process
            monkeypatch.setattr(analysis, known, {})
        monkeypatch.setattr(analysis, "_whole", set())
        assert run("index", str(folder), "--index-dir", str(tmp_path / index)).exit_code == 0
        return dict(StemTable.read(tmp_path / index / STEM_TABLE, analysis.STEMMER).items())

    whole = table_after_a_first_build("index-within")
    assert whole["perekonomian"] == "ekonomi" and len(whole) > 40
    monkeypatch.setattr(analysis, "_STEMS_CACHE_SIZE", 12)  # (forked indexing workers see it too)
    assert table_after_a_first_build("index-past") == whole
    _forget_roots_and_hide_sastrawi(monkeypatch)
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "index-past"))
    assert len(json_hits(run("query", "--json", "perekonomian pertanian").output)) == 1
    assert len(json_hits(run("query", "--json", "menyaksikan pertunjukan").output)) == len(texts)


def test_two_indexes_open_in_one_process_each_find_their_roots_without_sastrawi(run, tmp_path, monkeypatch):
    """A server holding two indexes: queries on either stem their words
    through that index's own table, whichever was opened last or closed."""
    import searcher

    texts = {"ekonomi": "Perekonomian Indonesia tumbuh pesat.", "kuliner": "Warga menikmati makanan khas daerah."}
    for name, text in texts.items():
        write(tmp_path / name / "a.txt", f"Kabar\n\n{text}")
        assert run("index", str(tmp_path / name), "--index-dir", str(tmp_path / f"index-{name}")).exit_code == 0
    _forget_roots_and_hide_sastrawi(monkeypatch)
    economy, food = (searcher.Index(tmp_path / f"index-{name}") for name in texts)
    with economy, food:
        assert [hit.text for hit in economy.search("perekonomian").hits] == [texts["ekonomi"]]
        assert [hit.text for hit in food.search("makanan").hits] == [texts["kuliner"]]
        with searcher.Index(tmp_path / "index-ekonomi") as again:  # a third, on the same folder
            assert again.search("indonesia").total == 1
        analysis.known_stems().clear()
        assert [hit.text for hit in economy.search("tumbuh").hits] == [texts["ekonomi"]]
        assert [hit.text for hit in food.search("menikmati").hits] == [texts["kuliner"]]


def _flip_root(index_dir, old: bytes, new: bytes) -> None:
    path = index_dir / STEM_TABLE
    data = path.read_bytes()
    assert b"\t" + old + b"\n" in data
    path.write_bytes(data.replace(b"\t" + old + b"\n", b"\t" + new + b"\n", 1))


@pytest.mark.parametrize("damage", ["a flipped bit in a root", "a byte that is not UTF-8"])
def test_a_damaged_table_is_not_trusted_and_a_rebuild_writes_it_whole(run, tmp_path, damage):
    folder = tmp_path / "berita"
    write(folder / "a.txt", "Pasar loak\n\nWarga menjual barang bekas di pasar.\n\nPerekonomian desa tumbuh.")
    assert run("index", str(folder)).exit_code == 0
    index_dir = tmp_path / "index"
    whole = (index_dir / STEM_TABLE).read_bytes()
    if damage == "a flipped bit in a root":
        _flip_root(index_dir, b"ekonomi", b"ekonomh")  # "perekonomian" -> a root no paragraph has
    else:
        (index_dir / STEM_TABLE).write_bytes(whole.replace(b"ekonomi", b"ek\xffnomi", 1))
    assert json_hits(run("query", "--json", "perekonomian").output)  # found all the same
    result = run("index", str(folder))
    assert result.exit_code == 0 and "1 unchanged" in result.stdout
    [warning] = result.stderr.splitlines()
    assert STEM_TABLE in warning and "dropped" in warning
    assert json_hits(run("query", "--json", "perekonomian").output)
    assert run("index", "--rebuild").exit_code == 0
    assert (index_dir / STEM_TABLE).read_bytes() == whole
