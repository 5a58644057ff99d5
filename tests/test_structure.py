"""The package's import structure: no import loop inside a layer, and the
shared conventions (``summitcast._common``) import no layer.

Every ``import``/``from … import`` of a summitcast module is counted, at
module level or inside a function (a deferred import is still a
dependency), except those under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

import summitcast

PACKAGE = Path(summitcast.__file__).parent


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("summitcast"):
                found.add(target)
                for alias in node.names:  # "from . import x" may name a submodule
                    found.add(f"{target}.{alias.name}")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("summitcast"))
    return found


@functools.lru_cache(maxsize=1)
def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {t for t in imports_of(path) if t in modules and t != name} for name, path in modules.items()}


def cycles_within(prefix: str, edges: dict[str, set[str]]) -> list[list[str]]:
    nodes = {n for n in edges if n == prefix or n.startswith(prefix + ".")}
    found, stack, state = [], [], {}

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for m in sorted(edges[n] & nodes):
            if m == prefix:  # a module importing its package's __init__ (for its public names) is not a loop of modules
                continue
            if state.get(m) == 1:
                found.append(stack[stack.index(m):] + [m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(nodes):
        if n not in state:
            visit(n)
    return found


LAYERS = ["summitcast.statespace", "summitcast.counts", "summitcast.events", "summitcast.bayes",
          "summitcast.datasets", "summitcast.io", "summitcast.evaluate", "summitcast.forecaster", "summitcast._common"]


@pytest.mark.parametrize("layer", LAYERS)
def test_no_import_loop_inside_a_layer(layer):
    assert cycles_within(layer, graph()) == []


def test_the_shared_conventions_import_no_layer():
    edges = graph()
    for name, targets in edges.items():
        if name.startswith("summitcast._common"):
            layers = {t for t in targets if not t.startswith("summitcast._common") and t != "summitcast._core"
                      and t != "summitcast"}
            assert not layers, f"{name} imports {sorted(layers)}"


def test_the_cycle_finder_finds_a_cycle():
    edges = {"p": set(), "p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a"}}
    assert cycles_within("p", edges) == [["p.a", "p.b", "p.c", "p.a"]]
