import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher.cli.commands import main

SAMPLES = Path(__file__).resolve().parent.parent / "searcher" / "samples"
SINGLE_NEWLINE_SAMPLE = SAMPLES / "000_8e71dce4d88c4be3.txt"
BLANK_LINE_SAMPLE = SAMPLES / "003_f179d598420859a7.txt"


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run the CLI in-process against an index in a temporary folder."""
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def sample_index(run):
    """An index of the built-in sample articles, made by a bare `search index`."""
    result = run("index")
    assert result.exit_code == 0, result.output
    return run


def json_hits(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def long_term_folder(tmp_path: Path) -> Path:
    """The samples, and an article with a word in 300 paragraphs: enough for
    its postings to fill several 128-posting blocks."""
    folder = tmp_path / "berita"
    for sample in SAMPLES.glob("*.txt"):
        write(folder / sample.name, sample.read_text(encoding="utf-8"))
    paragraphs = "\n\n".join(f"Banjir ke-{n} melanda Jakarta dan warga mengungsi." for n in range(300))
    write(folder / "banjir.txt", "Banjir Jakarta\n\n" + paragraphs)
    return folder


def index_as_made_before(run, monkeypatch, change_schema, *args):
    """Run ``search index ARGS`` as an older version of searcher made its
    indexes: with the fields ``change_schema(schema)`` leaves.  Later runs
    keep the index's schema, as they keep an older index's."""
    from searcher.storage import store

    made_now = store.make_schema

    def made_then():
        schema = made_now()
        change_schema(schema)
        return schema

    monkeypatch.setattr(store, "make_schema", made_then)
    try:
        return run("index", *args)
    finally:
        monkeypatch.setattr(store, "make_schema", made_now)
