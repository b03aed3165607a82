"""No import circle among the modules of ``src/extensor``, counting every import: at module
level, inside functions, under ``TYPE_CHECKING`` and ``importlib.import_module("...")`` with a
literal name. import-linter (``scripts/check``) enforces the layers; this test catches what it
cannot see (an ``importlib`` string) and any circle inside one package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules(src: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` under ``src/extensor``."""
    found = {}
    for path in sorted((src / "extensor").rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _resolve(name: str, known: Iterable[str]) -> str | None:
    """The longest known module that ``name`` is or lies in (``a.b.C`` -> ``a.b``)."""
    known = set(known)
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    """module -> the extensor modules it imports anywhere in its body."""
    modules = _modules(src)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(filter(None, (_resolve(a.name, modules) for a in node.names)))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    origin = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    origin = node.module or ""
                for alias in node.names:
                    # `from pkg import sub` imports the submodule pkg.sub when there is one
                    target = _resolve(f"{origin}.{alias.name}", modules)
                    if target is not None:
                        targets.add(target)
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                target = _resolve(node.args[0].value, modules)
                if target is not None:
                    targets.add(target)
        targets.discard(name)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_cycle_finder_sees_lazy_and_importlib_imports(tmp_path: Path) -> None:
    """The finder itself: a circle closed by an in-function import and one closed by an
    ``importlib.import_module`` string are both reported; a one-way chain is not."""
    pkg = tmp_path / "extensor"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from extensor import b\n")
    (pkg / "b.py").write_text("def f():\n    from extensor.a import x\n")
    (pkg / "sub" / "__init__.py").write_text("from extensor.sub._c import y\n")
    (pkg / "sub" / "_c.py").write_text(
        "import importlib\n\ndef g():\n    return importlib.import_module('extensor.sub')\n"
    )
    (pkg / "d.py").write_text("from extensor.a import x\n")
    assert cycles(import_graph(tmp_path)) == [
        ["extensor.a", "extensor.b"],
        ["extensor.sub", "extensor.sub._c"],
    ]


def test_there_is_no_import_circle() -> None:
    """Every import counted, the modules of src/extensor form no circle."""
    assert cycles(import_graph()) == []


@pytest.mark.parametrize(
    ("low", "high"),
    [("extensor.io", "extensor.video"), ("extensor.video", "extensor._analysis")],
)
def test_lower_layers_do_not_reach_up_by_any_import(low: str, high: str) -> None:
    """io never reaches video (not even by an importlib string) and video never the analysis
    glue: the two circles of issue 10 stay open."""
    graph = import_graph()
    seen, todo = set(), [m for m in graph if m == low or m.startswith(low + ".")]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        todo += [t for t in graph[m] if t.startswith(low)]
    reached = {t for m in seen for t in graph[m]}
    assert not {t for t in reached if t == high or t.startswith(high + ".")}
