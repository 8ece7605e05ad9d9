"""Reading articles: layouts, titles, boilerplate, JSONL."""

from pathlib import Path

from conftest import BLANK_LINE_SAMPLE, SINGLE_NEWLINE_SAMPLE, write

from searcher.sources.articles import find_files, read_articles, split_paragraphs


def read(path: Path, article_id="a", warnings=None):
    return list(read_articles(path, article_id, (warnings if warnings is not None else []).append))


def test_single_newline_layout_gives_one_paragraph_per_line():
    [article] = read(SINGLE_NEWLINE_SAMPLE)
    assert article.title.startswith("Vladimir Putin dan Kim Jong Un Tandatangani")
    assert len(article.paragraphs) == 8
    assert article.paragraphs[3].startswith("Pakta pertahanan bersama")
    assert article.paragraphs[-1].endswith("kawasan Asia Timur. (*)")


def test_blank_line_layout_drops_repeated_title_and_boilerplate():
    [article] = read(BLANK_LINE_SAMPLE)
    assert article.title == "Kunjungan Vladimir Putin ke Korea Utara Demi Penandatanganan Perjanjian Kemitraan"
    assert article.paragraphs[0].startswith("Presiden Rusia Vladimir Putin akan melakukan perjalanan")
    assert article.paragraphs[-1].startswith("Secara keseluruhan, kunjungan Presiden Vladimir Putin")
    assert len(article.paragraphs) == 6
    text = " ".join(article.paragraphs)
    for line in ("Leave a Comment", "Tinggalkan Balasan", "Alamat email Anda", "Ruas yang wajib"):
        assert line not in text


def test_lines_inside_a_blank_line_paragraph_are_joined(tmp_path):
    path = write(tmp_path / "a.txt", "Judul\n\nBaris satu\nbaris dua.\n\nParagraf kedua.\n")
    [article] = read(path)
    assert article.paragraphs == ["Baris satu baris dua.", "Paragraf kedua."]


def test_a_word_broken_at_a_wrapped_line_s_end_is_joined_again(tmp_path):
    """Text wrapped at a fixed width (a PDF converted to text, an e-mail)
    breaks words at lines' ends; hyphenation's hyphen goes, a word's own stays."""
    path = write(tmp_path / "a.txt", "Judul\n\nKerja sama perta-\nhanan bagi anak-  \nanak di ibu-\nkota,\n"
                                      "Jawa-\nBali, 2019-\n2020 dan pem-\nbangunan - \nitu.\n\nParagraf kedua.\n")
    [article] = read(path)
    assert article.paragraphs == [
        "Kerja sama pertahanan bagi anak-anak di ibu-kota, Jawa-Bali, 2019-2020 dan pembangunan - itu.",
        "Paragraf kedua.",
    ]


def test_quoted_boilerplate_inside_a_real_paragraph_is_kept():
    text = "Ia menulis: Tinggalkan Balasan adalah judul bukunya yang terbit tahun lalu."
    assert split_paragraphs(text) == [text]


def test_markdown_title_loses_its_heading_marks(tmp_path):
    path = write(tmp_path / "catatan.md", "# Rapat Kabinet\n\nPresiden memimpin rapat.\n")
    [article] = read(path)
    assert article.title == "Rapat Kabinet"
    assert article.paragraphs == ["Presiden memimpin rapat."]


def test_jsonl_records_keep_their_ids_verbatim(tmp_path):
    path = write(
        tmp_path / "dump.jsonl",
        '{"id": "Berita/001", "title": "Banjir Jakarta", "text": "Banjir melanda.\\n\\nWarga mengungsi."}\n'
        '{"_id": 42, "content": "Gempa di Palu.\\nSekolah ditutup."}\n',
    )
    first, second = read(path)
    assert (first.id, first.title, first.paragraphs) == ("Berita/001", "Banjir Jakarta", ["Banjir melanda.", "Warga mengungsi."])
    assert (second.id, second.title, second.paragraphs) == ("42", "", ["Gempa di Palu.", "Sekolah ditutup."])


def test_bad_jsonl_lines_are_warned_about_and_skipped(tmp_path):
    path = write(
        tmp_path / "dump.jsonl",
        '{"id": "ok", "text": "Teks yang baik."}\n{broken\n{"id": "kosong"}\n[1, 2]\n',
    )
    warnings = []
    articles = read(path, warnings=warnings)
    assert [a.id for a in articles] == ["ok"]
    assert len(warnings) == 3
    assert all(str(path) in w for w in warnings)
    assert any(":2:" in w and "malformed JSON" in w for w in warnings)
    assert any(":3:" in w and "no 'text'" in w for w in warnings)


def test_a_jsonl_text_given_as_a_list_is_one_paragraph_a_string(tmp_path):
    path = write(
        tmp_path / "dump.jsonl",
        '{"id": "a", "title": "Banjir", "text": ["Banjir melanda Jakarta.", "  Warga\\nmengungsi. ", ""]}\n'
        '{"id": "b", "text": null, "content": ["Gempa di Palu."]}\n'
        '{"id": "c", "text": [{"p": "Teks"}]}\n'
        '{"id": "d", "text": 12}\n'
        '{"id": "e", "text": []}\n',
    )
    warnings = []
    first, second = read(path, warnings=warnings)
    assert first.paragraphs == ["Banjir melanda Jakarta.", "Warga mengungsi."]  # (its lines joined, as in text)
    assert second.paragraphs == ["Gempa di Palu."]
    assert [w.split(": ", 1)[1] for w in warnings] == [
        "record c has a 'text' that is neither text nor a list of texts, skipped",
        "record d has a 'text' that is neither text nor a list of texts, skipped",
        "record e has no 'text' or 'content', skipped",
    ]


def test_a_jsonl_line_that_is_not_utf8_is_read_as_cp1252_and_the_others_stay_utf8(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_bytes(
        '{"id": "a", "text": "Kafé di Bandung."}\n'.encode("utf-8")
        + '{"id": "b", "text": "Kafé di Bogor."}\n'.encode("cp1252")
        + '{"id": "c", "text": "Kafé di Depok."}\n'.encode("cp1252")
    )
    warnings = []
    assert [a.paragraphs for a in read(path, warnings=warnings)] == [
        ["Kafé di Bandung."], ["Kafé di Bogor."], ["Kafé di Depok."]
    ]
    assert warnings == [f"{path}:2: not valid UTF-8 (byte 24 of the line); read as cp1252, as is any other such line"]


def test_a_later_jsonl_record_without_text_does_not_replace_the_one_with_text(tmp_path):
    path = write(
        tmp_path / "dump.jsonl",
        '{"id": "a", "title": "Banjir", "text": "Banjir melanda Jakarta."}\n'
        '{"id": "b", "text": "Gempa di Palu."}\n'
        '{"id": "a", "title": "Banjir", "text": ""}\n'
        '{"id": "b", "title": "Gempa", "text": "Gempa"}\n',  # a text that is its title: the title is the text
    )
    warnings = []
    articles = read(path, warnings=warnings)
    assert [(a.id, a.paragraphs) for a in articles] == [("a", ["Banjir melanda Jakarta."]), ("b", ["Gempa"])]
    assert [w.split(": ", 1)[1] for w in warnings] == [
        "record a has no 'text' or 'content', skipped",
        "id 'b' also on line 2; keeping this later record",
    ]


def test_folder_walk_gives_relative_ids_and_skips_other_files(tmp_path):
    write(tmp_path / "politik" / "a.txt", "A\nisi")
    write(tmp_path / "b.md", "B\nisi")
    write(tmp_path / "gambar.png", "x")
    write(tmp_path / ".hidden" / "c.txt", "C\nisi")
    found = list(find_files(tmp_path, [].append))
    assert [f.article_id for f in found] == ["b", "politik/a"]


def test_markdown_is_read_as_plain_paragraphs(tmp_path):
    from searcher.sources.articles import read_articles

    page = tmp_path / "beras.md"
    page.write_text(
        "# Harga **beras** naik\n\n## Latar belakang\n\nPemerintah **menaikkan** harga [beras](https://x.id/a)\n"
        "medium di seluruh provinsi.\n\n- satu *butir*\n- dua butir\n\n> kutipan pejabat: `harga` naik\n",
        encoding="utf-8",
    )
    (article,) = read_articles(page, "beras", print)
    assert article.title == "Harga beras naik"
    assert article.paragraphs == [
        "Latar belakang",
        "Pemerintah menaikkan harga beras medium di seluruh provinsi.",
        "satu butir dua butir",
        "kutipan pejabat: harga naik",
    ]
    lines = tmp_path / "baris.md"
    lines.write_text("Judul\n**Satu** paragraf.\nDua paragraf.\n", encoding="utf-8")  # no blank line: one a line
    assert next(read_articles(lines, "baris", print)).paragraphs == ["Satu paragraf.", "Dua paragraf."]
