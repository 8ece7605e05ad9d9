"""The package's shape: each stage in its subpackage, no module importing one
that imports it back (counting imports inside functions), and the CLI
reaching the rest only through the library."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "searcher"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The searcher modules ``path`` imports, anywhere in it."""
    named = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                named.add(full if full in modules else node.module)
    return {name for name in named if name in modules and name != "searcher"}


def test_no_module_imports_one_that_imports_it_back():
    modules = _modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    cycles = []

    def visit(name, path):
        for imported in graph[name]:
            if imported in path:
                cycles.append(path[path.index(imported):] + [imported])
            else:
                visit(imported, path + [imported])

    for name in graph:
        visit(name, [name])
    assert not cycles, " ; ".join(" -> ".join(cycle) for cycle in cycles[:5])


def test_the_cli_uses_the_library_and_its_own_rendering_only():
    modules = _modules()
    allowed = {"searcher.index", "searcher.errors", "searcher.web.server", "searcher.records"}
    allowed |= {name for name in modules if name.startswith("searcher.cli")}
    for name, path in modules.items():
        if name.startswith("searcher.cli") and name != "searcher.cli.render":
            assert _imports(path, modules) <= allowed, name


def test_the_web_server_uses_the_library_only():
    modules = _modules()
    allowed = {"searcher.index", "searcher.errors"} | {name for name in modules if name.startswith("searcher.web")}
    for name, path in modules.items():
        if name.startswith("searcher.web"):
            assert _imports(path, modules) <= allowed, name


def test_the_w3_package_itself_imports_nothing():
    assert (PACKAGE / "storage" / "w3" / "__init__.py").read_text() == ""
