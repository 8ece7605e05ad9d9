"""News pages saved as HTML: the article's own paragraphs are indexed, with
its title and what the page says of it; the page's furniture is not."""

import json
from pathlib import Path

from conftest import json_hits, write

from searcher.sources.articles import read_articles

NEWS_PAGE = """<!doctype html>
<html lang="id"><head>
<meta charset="utf-8">
<title>Banjir Rendam Ribuan Rumah di Jakarta Timur - Kabar Nusantara</title>
<meta property="og:title" content="Banjir Rendam Ribuan Rumah di Jakarta Timur">
<meta property="og:site_name" content="Kabar Nusantara">
<meta property="article:published_time" content="2024-06-18T09:30:00+07:00">
<meta name="author" content="Siti Rahmawati">
<link rel="canonical" href="https://kabarnusantara.example/nasional/2024/06/18/banjir-rendam-ribuan-rumah">
</head><body>
<header><nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a> <a href="/ekonomi">Ekonomi</a></nav></header>
<main><article>
<h1>Banjir Rendam Ribuan Rumah di Jakarta Timur</h1>
<div class="byline">Oleh <span>Siti Rahmawati</span> <time datetime="2024-06-18T09:30:00+07:00">Selasa, 18 Juni 2024</time></div>
<div class="share"><a href="#">Bagikan</a> <a href="#">Facebook</a> <a href="#">Twitter</a></div>
<p>Jakarta - Hujan deras yang mengguyur Jakarta sejak Senin malam membuat ribuan rumah di Jakarta Timur terendam banjir setinggi satu meter.</p>
<p>Badan Penanggulangan Bencana Daerah mencatat sedikitnya 3.200 warga mengungsi ke masjid dan sekolah terdekat.</p>
<div class="baca-juga"><strong>Baca juga:</strong><ul>
<li><a href="/a">Warga Kampung Melayu Mengungsi ke Masjid</a></li>
<li><a href="/b">Pintu Air Manggarai Siaga Satu</a></li></ul></div>
<p>Gubernur meminta warga tetap waspada karena hujan diperkirakan masih turun hingga akhir pekan.</p>
</article>
<section class="comments"><h3>Tinggalkan Komentar</h3><form><textarea></textarea><button>Kirim Komentar</button></form></section>
</main>
<footer><p>Hak cipta dilindungi. Kabar Nusantara 2024.</p><a href="/redaksi">Redaksi</a> <a href="/pedoman">Pedoman Media Siber</a></footer>
</body></html>
"""
ARTICLE_PARAGRAPHS = [
    "Jakarta - Hujan deras yang mengguyur Jakarta sejak Senin malam membuat ribuan rumah di Jakarta Timur "
    "terendam banjir setinggi satu meter.",
    "Badan Penanggulangan Bencana Daerah mencatat sedikitnya 3.200 warga mengungsi ke masjid dan sekolah terdekat.",
    "Gubernur meminta warga tetap waspada karena hujan diperkirakan masih turun hingga akhir pekan.",
]

UNDATED_LATIN1_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Kafe Baru di Bandung</title></head><body>
<div id="menu"><a href="/">Beranda</a> | <a href="/kuliner">Kuliner</a></div>
<div class="content"><h2>Kafe Baru di Bandung</h2>
<p>Sebuah kafe bernama Caf\xe9 Priang\xe9r dibuka di Jalan Braga dan langsung ramai dikunjungi warga sejak pagi hari.</p>
<p>Pemiliknya mengatakan menu andalan mereka adalah kopi tubruk dan roti bakar dengan selai srikaya buatan sendiri.</p>
</div></body></html>
"""

NO_ARTICLE_PAGE = """<html><head><title>Indeks Berita</title></head><body>
<nav><a href="/1">Berita 1</a> <a href="/2">Berita 2</a></nav></body></html>
"""


def _articles(path: Path):
    warnings = []
    return list(read_articles(path, path.stem, warnings.append)), warnings


def test_a_news_page_gives_its_article_and_not_the_page_around_it(tmp_path):
    page = write(tmp_path / "banjir.html", NEWS_PAGE)
    (article,), warnings = _articles(page)
    assert warnings == []
    assert article.title == "Banjir Rendam Ribuan Rumah di Jakarta Timur"
    assert article.paragraphs == ARTICLE_PARAGRAPHS  # no menu, share buttons, "Baca juga", comments or footer
    assert (article.date, article.site, article.author) == ("2024-06-18", "Kabar Nusantara", "Siti Rahmawati")
    assert article.url == "https://kabarnusantara.example/nasional/2024/06/18/banjir-rendam-ribuan-rumah"


def test_a_page_in_its_declared_charset_without_a_date_stays_undated(tmp_path):
    page = tmp_path / "kafe.htm"
    page.write_bytes(UNDATED_LATIN1_PAGE.encode("latin-1"))
    (article,), warnings = _articles(page)
    assert warnings == []
    assert article.title == "Kafe Baru di Bandung"
    assert "Café Priangér" in article.paragraphs[0] and len(article.paragraphs) == 2
    assert article.date is None and article.author is None


def test_a_page_with_no_article_is_skipped_with_one_line(tmp_path):
    page = write(tmp_path / "indeks.html", NO_ARTICLE_PAGE)
    articles, warnings = _articles(page)
    assert articles == [] and warnings == [f"{page}: no article text found in the page, skipped"]


def test_a_folder_of_pages_is_indexed_and_searched(run, tmp_path):
    folder = tmp_path / "scraped"
    write(folder / "nasional" / "banjir.html", NEWS_PAGE)
    (folder / "kuliner").mkdir()
    (folder / "kuliner" / "kafe.htm").write_bytes(UNDATED_LATIN1_PAGE.encode("latin-1"))
    write(folder / "indeks.html", NO_ARTICLE_PAGE)
    result = run("index", str(folder))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("2 new, 0 changed, 0 removed, 0 unchanged articles; 5 paragraphs indexed") for line in lines)
    assert f"search: warning: {folder / 'indeks.html'}: no article text found in the page, skipped" in lines

    hits = json_hits(run("query", "--json", "warga mengungsi").output)
    assert hits[0]["article"] == "nasional/banjir" and hits[0]["title"] == "Banjir Rendam Ribuan Rumah di Jakarta Timur"
    assert hits[0]["text"] == ARTICLE_PARAGRAPHS[1]
    assert run("query", "manggarai").exit_code == 1  # only in the "Baca juga" links, which were dropped
    shown = json.loads(run("show", "--json", "kuliner/kafe").output)
    assert [p["paragraph"] for p in shown["paragraphs"]] == [1, 2]
