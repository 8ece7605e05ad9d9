"""Reports and press releases as PDF and DOCX: their paragraphs and title
are indexed; an encrypted, image-only or damaged file is skipped with one
line naming it, and the rest of the folder is indexed."""

import io

import pytest
from conftest import json_hits, write

from searcher.sources.articles import UnreadableFile, read_articles

RELEASE = [  # pages of paragraphs of lines, as a PDF lays them out
    [["Siaran Pers Kementerian Kesehatan"],
     ["Jakarta - Kementerian Kesehatan hari ini mengumumkan", "program vaksinasi nasional untuk anak-",
      "anak sekolah dasar yang dimulai pekan depan."],
     ["Program ini menyasar 26 juta anak di seluruh", "provinsi di Indonesia."],
     ["1"]],
    [["Informasi lebih lanjut hubungi humas kementerian."], ["Halaman 2 dari 2"]],
]
RELEASE_PARAGRAPHS = [
    "Siaran Pers Kementerian Kesehatan",
    "Jakarta - Kementerian Kesehatan hari ini mengumumkan program vaksinasi nasional untuk "
    "anak-anak sekolah dasar yang dimulai pekan depan.",
    "Program ini menyasar 26 juta anak di seluruh provinsi di Indonesia.",
    "Informasi lebih lanjut hubungi humas kementerian.",
]


def pdf_bytes(pages, title=None, line_gap=14, paragraph_gap=26):
    """A PDF of text pages: each page a list of paragraphs, each a list of lines."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"}
    kids = []
    number = 4
    for paragraphs in pages:
        ops = ["BT", "/F1 11 Tf", "72 760 Td"]
        first = True
        for lines in paragraphs:
            for i, line in enumerate(lines):
                if not first:
                    ops.append(f"0 -{paragraph_gap if i == 0 else line_gap} Td")
                first = False
                text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                ops.append(f"({text}) Tj")
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252")
        objects[number] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        objects[number + 1] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % number)
        kids.append(number + 1)
        number += 2
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join(f"{k} 0 R" for k in kids).encode(), len(kids))
    info = None
    if title:
        info = number
        objects[info] = b"<< /Title (" + title.encode("cp1252") + b") >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objects[n] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += b"%010d 00000 n \n" % offsets[n]
    trailer = b"<< /Size %d /Root 1 0 R" % size + (b" /Info %d 0 R" % info if info else b"") + b" >>"
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def read(path):
    warnings = []
    return list(read_articles(path, path.stem, warnings.append)), warnings


def test_a_pdf_gives_its_title_and_paragraphs_without_page_numbers(tmp_path):
    pdf = tmp_path / "siaran.pdf"
    pdf.write_bytes(pdf_bytes(RELEASE, title="Program Vaksinasi Nasional"))
    (article,), warnings = read(pdf)
    assert warnings == []
    assert article.title == "Program Vaksinasi Nasional"
    assert article.paragraphs == RELEASE_PARAGRAPHS


def test_a_pdf_without_a_title_takes_its_short_first_paragraph(tmp_path):
    for title in (None, "Microsoft Word - siaran.docx"):
        pdf = tmp_path / "siaran.pdf"
        pdf.write_bytes(pdf_bytes(RELEASE, title=title))
        (article,), _ = read(pdf)
        assert article.title == "Siaran Pers Kementerian Kesehatan"
        assert article.paragraphs == RELEASE_PARAGRAPHS[1:]


def _encrypted(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(RELEASE, title="Rahasia"))))
    writer.encrypt(user_password=user_password, owner_password="pemilik", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_locked_only_against_editing_is_read(tmp_path):
    pdf = tmp_path / "terkunci.pdf"
    pdf.write_bytes(_encrypted(""))
    (article,), _ = read(pdf)
    assert article.paragraphs[-1] == RELEASE_PARAGRAPHS[-1]


@pytest.mark.parametrize("name, data, reason", [
    ("rahasia.pdf", lambda: _encrypted("rahasia"), "encrypted PDF (it needs a password)"),
    ("pindaian.pdf", lambda: pdf_bytes([[]]), "no text in the PDF (scanned pages? they need OCR first)"),
    ("rusak.pdf", lambda: b"%PDF-1.4\nthis is not a pdf at all", "not a readable PDF"),
    ("rusak.docx", lambda: b"PK\x03\x04 not a zip", "not a readable DOCX"),
    ("komentar.pdf", lambda: pdf_bytes([[["Tinggalkan Komentar"], ["Bagikan"]]]), "no text in the document"),
])
def test_unreadable_documents_say_why(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data())
    with pytest.raises(UnreadableFile, match=reason.replace("?", r"\?").replace("(", r"\(").replace(")", r"\)")):
        read(path)


def _docx(title: str | None, paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    document.add_heading(paragraphs[0], level=1)
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    document.add_paragraph("")  # empty paragraphs are no paragraphs
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_docx_gives_its_title_and_paragraphs(tmp_path):
    path = tmp_path / "laporan.docx"
    path.write_bytes(_docx("Laporan Tahunan 2024", RELEASE_PARAGRAPHS))
    (article,), _ = read(path)
    assert (article.title, article.paragraphs) == ("Laporan Tahunan 2024", RELEASE_PARAGRAPHS)
    path.write_bytes(_docx(None, RELEASE_PARAGRAPHS))
    (article,), _ = read(path)
    assert (article.title, article.paragraphs) == (RELEASE_PARAGRAPHS[0], RELEASE_PARAGRAPHS[1:])


def test_a_damaged_pdf_is_one_warning_line_naming_it_and_nothing_else(tmp_path):
    """pypdf logs its repairs; a command run in a terminal (no logging set
    up, unlike under pytest) printed them too, naming no file."""
    import os
    import subprocess

    from test_cli import _installed_search

    folder = tmp_path / "dokumen"
    folder.mkdir()
    (folder / "rusak.pdf").write_bytes(b"%PDF-1.4 broken")
    (folder / "siaran.pdf").write_bytes(pdf_bytes(RELEASE, title="Program Vaksinasi Nasional"))
    env = {**os.environ, "SEARCH_INDEX_DIR": str(tmp_path / "index")}
    result = subprocess.run([_installed_search(), "index", str(folder)], env=env, capture_output=True, text=True)
    assert result.returncode == 0
    [line] = result.stderr.splitlines()
    assert line.startswith(f"search: warning: {folder / 'rusak.pdf'}: not a readable PDF (") and line.endswith(", skipped")


def test_a_folder_of_documents_is_indexed_and_the_unreadable_named(run, tmp_path):
    folder = tmp_path / "dokumen"
    folder.mkdir()
    (folder / "siaran.pdf").write_bytes(pdf_bytes(RELEASE, title="Program Vaksinasi Nasional"))
    (folder / "laporan.docx").write_bytes(_docx("Laporan Tahunan", ["Laporan keuangan", "Pendapatan naik 12 persen."]))
    (folder / "rahasia.pdf").write_bytes(_encrypted("rahasia"))
    result = run("index", str(folder))
    assert result.exit_code == 0
    assert f"search: warning: {folder / 'rahasia.pdf'}: encrypted PDF (it needs a password), skipped" in result.output
    assert any(line.startswith("2 new, 0 changed, 0 removed, 0 unchanged articles; 6 paragraphs indexed; 1 file skipped")
               for line in result.output.splitlines())
    hit = json_hits(run("query", "--json", "vaksinasi anak").output)[0]
    assert (hit["article"], hit["title"], hit["paragraph"]) == ("siaran", "Program Vaksinasi Nasional", 2)
    assert json_hits(run("query", "--json", "pendapatan").output)[0]["title"] == "Laporan Tahunan"


def test_a_word_hyphenation_broke_at_a_line_s_end_is_whole_again_and_found(tmp_path, run):
    """A justified PDF cuts words at lines' ends ("perta-" / "hanan"): joined
    without the hyphen, they are found; a word written with one keeps it."""
    pdf = tmp_path / "berita" / "laporan.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(pdf_bytes([[["Laporan Tahunan"], [
        "Kerja sama perta-", "hanan dan pem-", "bangunan sosial-", "ekonomi bagi anak-", "anak di ibu-", "kota."]]]))
    (article,), warnings = read(pdf)
    assert warnings == []
    assert article.paragraphs == ["Kerja sama pertahanan dan pembangunan sosial-ekonomi bagi anak-anak di ibu-kota."]
    run("index", str(pdf.parent))
    for query in ("pertahanan", "pembangunan", "sosial ekonomi", "ibukota"):
        assert [hit["article"] for hit in json_hits(run("query", "--json", query).stdout)] == ["laporan"], query
