"""The house's layout (issue 10): no import cycle between the runtime modules, no demo or benchmark
code inside the runtime apps, no runtime module over 600 lines."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
NOT_RUNTIME = {"tests", "bench", "demo", "scripts"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in ROOT.iterdir():
        if not (package / "__init__.py").exists() or package.name in NOT_RUNTIME:
            continue
        for path in package.rglob("*.py"):
            # Templates are no modules: makemessages (a test running beside this one) writes
            # a passing `templates/…/x.html.py` while it reads a template's strings.
            if "migrations" in path.parts or "templates" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the runtime modules it imports at import time (imports inside functions are how a
    module reaches one that imports it back, and do not count)."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        wanted = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                wanted |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                wanted |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        graph[name] = {m for m in wanted if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, done, path = [], set(), []

    def visit(name: str) -> None:
        path.append(name)
        for other in sorted(graph[name]):
            if other in path:
                found.append([*path[path.index(other) :], other])
            elif other not in done:
                visit(other)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        if name not in done:
            visit(name)
    return found


def test_no_import_cycle_between_runtime_modules():
    graph = import_graph()
    assert len(graph) > 50  # the walk found the apps
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]


def test_no_runtime_module_imports_the_demo_or_the_benchmarks():
    demo_or_bench = ("from demo", "import demo", "from bench", "import bench")
    offenders = sorted(
        name
        for name, path in _modules().items()
        if any(
            line.lstrip().startswith(demo_or_bench) for line in path.read_text(encoding="utf-8").splitlines()
        )
    )
    assert offenders == []


def test_no_runtime_module_is_over_600_lines():
    """Issue 10: a module a newcomer reads at one sitting. Split along its seams when it grows."""
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules().values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}
