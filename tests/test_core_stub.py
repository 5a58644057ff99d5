"""The typed surface: the stubs in _core/ list exactly what the compiled module exports.

The stubs form a package (``_core/__init__.pyi`` and one file per submodule)
beside the extension module; at run time the extension module wins, type
checkers read the stubs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import summitcast
from summitcast import _core

STUBS = Path(summitcast.__file__).with_name("_core")


def stub_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom) and node.module is None:
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def public(module) -> set[str]:
    return {name for name in dir(module) if not name.startswith("_")}


def test_stub_matches_module():
    assert stub_names(STUBS / "__init__.pyi") == public(_core)


def test_submodule_stubs_match():
    for sub in ("bayes", "counts", "events", "score", "statespace"):
        assert stub_names(STUBS / f"{sub}.pyi") == public(getattr(_core, sub))


def test_py_typed_marker_ships():
    assert Path(summitcast.__file__).with_name("py.typed").exists()
