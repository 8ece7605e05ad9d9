"""The search page in a real browser: Debian's chromium, driven by
Playwright, against ``search serve`` run as a process.  Each test leaves a
screenshot of what a user saw in its temporary folder.

Skipped, saying why, where /usr/bin/chromium or Playwright is missing;
never in CI, which installs chromium and sets SEARCH_BROWSER_TESTS=required
(Playwright's own browser download is never used).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES, write

import searcher

CHROMIUM = Path("/usr/bin/chromium")
if os.environ.get("SEARCH_BROWSER_TESTS") == "required":
    from playwright import sync_api

    assert CHROMIUM.exists(), "SEARCH_BROWSER_TESTS=required, but there is no /usr/bin/chromium"
else:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install '.[test]')")
    pytestmark = pytest.mark.skipif(
        not CHROMIUM.exists(), reason="no /usr/bin/chromium (Debian: apt-get install chromium) for the browser tests"
    )
# As root and with no network but loopback: no sandbox, and none of the
# background connections that the closed network would refuse.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]
HOSTILE_TITLE = "<script>alert(1)</script> Banjir Bandung"
HOSTILE_TEXT = '"><img src=x onerror=alert(1)> Banjir melanda Bandung <b>pagi</b> ini.'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``search serve`` on the samples and an article made of markup."""
    folder = tmp_path_factory.mktemp("berita")
    for sample in SAMPLES.glob("*.txt"):
        write(folder / sample.name, sample.read_text(encoding="utf-8"))
    write(folder / "hostile.txt", f"{HOSTILE_TITLE}\n\n{HOSTILE_TEXT}\n\nWarga mengungsi ke masjid.")
    records = [
        {"id": "ant-1", "title": "Harga beras naik", "text": "Pemerintah menaikkan harga beras medium.",
         "date": "2024-05-02", "site": "ANTARA", "url": "https://antaranews.example/1", "author": "Budi"},
        {"id": "bad-1", "title": "Harga cabai", "text": "Harga cabai rawit melonjak di pasar.",
         "site": "Abal", "url": "javascript:alert(1)"},
    ]
    write(folder / "kabar.jsonl", "\n".join(json.dumps(record) for record in records))
    syndicated = "Pemerintah menaikkan tarif ojek daring di seluruh provinsi mulai pekan depan setelah rapat koordinasi."
    write(folder / "kompas-ojek.txt", f"Tarif ojek naik\n\n{syndicated}")
    write(folder / "antara-ojek.txt", f"Tarif ojek daring naik\n\nJakarta (ANTARA) - {syndicated}")
    index_dir = tmp_path_factory.mktemp("index")
    with searcher.Index(index_dir) as ix:
        ix.update([folder])
    process = subprocess.Popen(
        [sys.executable, "-m", "searcher", "serve", "--port", "0", "--index-dir", str(index_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = process.stdout.readline()
    assert line.startswith("Serving"), process.stderr.read() if process.poll() is not None else line
    yield line.split(" at ", 1)[1].split()[0].rstrip("/")
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path, request):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.problems = problems = []  # a test that expects one removes it
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    yield page
    page.screenshot(path=str(tmp_path / f"{request.node.name}.png"), full_page=True)
    page.close()
    assert problems == []


def settled(page):
    """Wait for the page's last search (or article) to be shown."""
    page.wait_for_selector("body[data-ready][data-state=done]")


def results(page, url):
    """Open ``url`` and wait until its hits are shown."""
    page.goto(url)
    page.wait_for_selector("#hits li")
    settled(page)


def test_typing_searches_enter_opens_the_first_hit_and_escape_comes_back(page, server):
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready]")
    page.click("footer")  # away from the box: "/" brings focus back to it
    page.keyboard.press("/")
    page.keyboard.type("pakta pertahanan")  # no Enter: searching as one types
    page.wait_for_selector("#hits li")
    settled(page)
    assert page.text_content("#status").startswith("2 paragraphs in 1 article match")
    assert page.url == server + "/?q=pakta+pertahanan"
    first = page.locator("#hits li").first
    assert [m.lower() for m in first.locator("mark").all_text_contents()][:2] == ["pakta", "pertahanan"]
    assert "paragraph 4" in first.locator(".source").text_content()

    page.keyboard.press("Enter")  # results shown for what is typed: open the first
    page.wait_for_selector("#reader:not([hidden]) p.focus")
    settled(page)
    focus = page.locator("#article-paragraphs p.focus")
    assert focus.get_attribute("id") == "p4" and focus.text_content().startswith("4Pakta pertahanan bersama")
    assert focus.locator("mark").all_text_contents() == ["Pakta", "pertahanan", "pakta", "pertahanan", "Pakta"]
    assert page.locator("#article-paragraphs p").count() > 3  # the neighbours are there too
    box = focus.bounding_box()
    assert 0 <= box["y"] < 900  # scrolled into view
    assert "article=000_8e71dce4d88c4be3" in page.url and "paragraph=4" in page.url

    page.keyboard.press("Escape")
    page.wait_for_selector("#results:not([hidden]) #hits li")
    assert page.url == server + "/?q=pakta+pertahanan"
    page.go_back()  # the browser's back button: the article again
    page.wait_for_selector("#reader:not([hidden]) p.focus")


def test_a_shared_url_reloads_the_same_page_of_results(page, server):
    results(page, server + "/?q=korea+utara&page=2")
    assert page.input_value("#q") == "korea utara"
    ranks = page.eval_on_selector_all("#hits li", "items => items.map(item => item.value)")
    assert ranks[0] == 11 and "showing 11-" in page.text_content("#status")
    page.click("#previous")
    page.wait_for_selector("#hits li[value='1']")
    assert page.url == server + "/?q=korea+utara"
    page.select_option("#per-article", "1")
    page.wait_for_selector("#hits li:nth-child(2)")
    settled(page)
    sources = page.locator("#hits .source").all_text_contents()
    assert len(sources) == 2 and len(set(sources)) == 2
    assert "per_article=1" in page.url


def test_did_you_mean_is_a_link_to_the_corrected_query(page, server):
    page.goto(server + "/?q=pakta+pertahann")
    page.wait_for_selector("#suggestion:not([hidden])")
    assert page.text_content("#suggestion-link") == "pakta pertahanan"
    page.click("#suggestion-link")
    page.wait_for_url(server + "/?q=pakta+pertahanan")
    settled(page)
    assert page.input_value("#q") == "pakta pertahanan"


def test_markup_in_an_article_shows_as_text_and_never_runs(page, server):
    results(page, server + "/?q=banjir+bandung")
    hit = page.locator("#hits li").first
    assert hit.locator("a.title").text_content() == HOSTILE_TITLE
    assert hit.locator(".snippet").text_content().startswith('"><img src=x onerror=alert(1)> Banjir')
    assert page.locator("#hits img, #hits script, #hits b").count() == 0
    hit.locator("a.title").click()
    page.wait_for_selector("#reader:not([hidden])")
    settled(page)
    assert page.text_content("#article-title") == HOSTILE_TITLE
    assert page.locator("#reader img, #reader b").count() == 0
    # The page fixture fails the test on any alert() dialog or script error.


def test_a_hostile_query_in_the_url_is_text_too(page, server):
    page.goto(server + "/?q=" + "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    settled(page)
    assert page.locator("img").count() == 0
    assert page.title() == "<img src=x onerror=alert(1)> - searcher"


def test_an_error_from_the_api_is_shown_as_its_message(page, server):
    page.goto(server + "/?q=" + "x" * 1001)
    settled(page)
    assert page.text_content("#status") == "the query is 1,001 characters long; at most 1,000 are searched"
    assert page.get_attribute("#status", "class") == "error"
    page.problems.remove("console: Failed to load resource: the server responded with a status of 400 (Bad Request)")


def test_the_page_fits_a_phone(browser, server, tmp_path):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    results(page, server + "/?q=kunjungan+vladimir+putin")
    page.screenshot(path=str(tmp_path / "phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    assert page.locator("#q").bounding_box()["width"] > 200
    page.close()


def test_where_and_when_an_article_was_published_is_shown_and_only_web_addresses_are_links(page, server):
    results(page, server + "/?q=harga+beras")
    first = page.locator("#hits li").first
    assert first.locator(".source").text_content().startswith("ANTARA, 2024-05-02 · ")
    first.locator("a.title").click()
    page.wait_for_selector("#reader:not([hidden])")
    settled(page)
    assert page.locator("#article-source a").get_attribute("href") == "https://antaranews.example/1"
    assert "ANTARA · 2024-05-02 · by Budi" in page.text_content("#article-source")

    results(page, server + "/?q=harga+cabai+rawit")
    page.locator("#hits li a.title").first.click()
    page.wait_for_selector("#reader:not([hidden])")
    settled(page)
    assert "javascript:alert(1)" in page.text_content("#article-source")
    assert page.locator("#article-source a").count() == 0


def test_sorting_and_filters_narrow_the_hits_and_stay_in_the_url(page, server):
    page.goto(server + "/?q=harga")
    page.wait_for_selector("#hits li")
    page.wait_for_selector(".narrow:not([hidden])")  # the index keeps dates and sites
    settled(page)
    assert page.locator("#hits li").count() == 2  # ANTARA's beras (dated), Abal's cabai (undated)
    assert sorted(page.eval_on_selector_all("#sites option", "options => options.map(o => o.value)")) == ["ANTARA", "Abal"]

    page.select_option("#sort", "date")
    page.wait_for_url("**sort=date**")
    settled(page)
    assert page.locator("#hits li .source").first.text_content().startswith("ANTARA, 2024-05-02")

    page.fill("#since", "2024-05-01")
    page.dispatch_event("#since", "change")
    page.wait_for_url("**since=2024-05-01**")
    settled(page)
    assert page.locator("#hits li").count() == 1  # the undated article is outside any range
    assert page.text_content("#status").startswith("1 paragraph in 1 article match")

    page.fill("#since", "")
    page.dispatch_event("#since", "change")
    page.fill("#site", "abal")
    page.dispatch_event("#site", "change")
    page.wait_for_url("**site=abal**")
    settled(page)
    assert [t.split(" · ")[0] for t in page.locator("#hits li .source").all_text_contents()] == ["Abal"]
    page.reload()  # the URL holds it all
    page.wait_for_selector("#hits li")
    settled(page)
    assert page.input_value("#site") == "abal" and page.input_value("#sort") == "date"
    assert page.locator("#hits li").count() == 1


def test_a_syndicated_paragraph_is_shown_once_with_where_else_it_is(page, server):
    results(page, server + "/?q=tarif+ojek+daring")
    assert page.locator("#hits li").count() == 1
    copies = page.locator("#hits li .duplicates")
    assert copies.text_content().startswith("also in 1 other article: ")
    copies.locator("a").click()  # the copy opens like a hit
    page.wait_for_selector("#reader:not([hidden]) p.focus")
    settled(page)
    assert page.text_content("#article-paragraphs p.focus").endswith("setelah rapat koordinasi.")
