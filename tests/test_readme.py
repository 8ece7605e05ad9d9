"""The README's examples, run as written: every ``$ search ...`` in its
console blocks whose output the README shows is run, and its output
compared with the README's, timings, scores and where the package is
installed aside.

A block with a ``$ search index`` runs in a new folder of its own; a
block without one goes on where the block before it left off (reading
the index it made).  A ``$ cat FILE`` makes FILE from the text the README
shows, so the README gives every file its examples need.
``search serve`` and its ``curl`` examples are checked in test_web.py.

``python tests/test_readme.py`` prints what each command prints now, to
paste when the README needs new figures.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher.cli.commands import main

README = Path(__file__).resolve().parent.parent / "README.md"


def console_blocks() -> list[list[tuple[str, list[str]]]]:
    """Each console block's commands, with the lines the README shows after each."""
    blocks = re.findall(r"^```console\n(.*?)^```", README.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
    parsed = []
    for block in blocks:
        commands: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif commands:
                commands[-1][1].append(line)
        if not any(command.startswith(("curl", "search serve")) for command, _ in commands):
            parsed.append(commands)
    return parsed


def _normalised(text: str) -> list[str]:
    """Lines with what varies by run and machine set aside."""
    lines = []
    for line in text.rstrip("\n").splitlines():
        line = re.sub(r"\(\d+ ms\)", "(T ms)", line)
        line = re.sub(r"; \d+\.\d s$", "; T s", line)
        line = re.sub(r"\S*searcher/samples", "SAMPLES", line)  # a checkout, or site-packages after 'pip install .'
        line = re.sub(r"/\S*/([^/\s]+\.(?:jsonl|txt))\b", r"\1", line)  # the folder the example ran in
        line = re.sub(r"^(size: +)[\d.]+ MB$", r"\1N MB", line)
        line = re.sub(r"^(last update: +)\S+$", r"\1T", line)
        # A score's width moves where a long title is cut: keep the start of the title.
        title = re.match(r"^(\d+\. )(.*)  \[\d+\.\d\d\]$", line)
        if title:
            line = f"{title.group(1)}{title.group(2)[:40]}  [S]"
        lines.append(line.rstrip())
    return lines


def _indexes(commands) -> bool:
    return any(command.startswith("search index") for command, _ in commands)


def replay(number: int, folder: Path, monkeypatch) -> list[tuple[str, list[str], str]]:
    """Run block ``number`` in ``folder``, after the blocks before it that
    it goes on from: (command, lines shown, output now) for its commands."""
    blocks = console_blocks()
    first = max((n for n in range(number + 1) if _indexes(blocks[n])), default=number)
    monkeypatch.chdir(folder)
    monkeypatch.delenv("SEARCH_INDEX_DIR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "data"))
    (folder / "index").mkdir()  # the examples' ./index
    for earlier in range(first, number):
        _run(blocks[earlier], folder)
    return _run(blocks[number], folder)


def _run(commands, folder: Path) -> list[tuple[str, list[str], str]]:
    runner = CliRunner()
    results = []
    for command, shown in commands:
        if command.startswith("cat "):
            (folder / command.split()[1]).write_text("\n".join(shown) + "\n", encoding="utf-8")
            continue
        if not shown:  # an illustration, with no output to compare
            continue
        words, _, pipe = command.partition("|")
        args = shlex.split(words, comments=True)
        assert args[0] == "search", command
        output = runner.invoke(main, args[1:]).output
        if pipe.strip().startswith("tail"):
            output = "\n".join(output.rstrip("\n").splitlines()[-int(pipe.split()[1].lstrip("-")):]) + "\n"
        results.append((command, shown, output))
    return results


@pytest.mark.parametrize("number", range(len(console_blocks())))
def test_the_readme_examples_print_what_the_readme_shows(number, tmp_path, monkeypatch):
    for command, shown, output in replay(number, tmp_path, monkeypatch):
        expected = _normalised("\n".join(shown))
        if "..." in expected:  # the README cut the output short
            expected = expected[: expected.index("...")]
        assert _normalised(output)[: len(expected)] == expected, command


if __name__ == "__main__":
    import tempfile

    class _Patch:
        def chdir(self, path):
            import os

            os.chdir(path)

        def delenv(self, name, raising=True):
            import os

            os.environ.pop(name, None)

        def setenv(self, name, value):
            import os

            os.environ[name] = value

    for number in range(len(console_blocks())):
        for command, _, output in replay(number, Path(tempfile.mkdtemp()), _Patch()):
            print(f"$ {command}\n{output}", end="")
        print("-" * 40)
