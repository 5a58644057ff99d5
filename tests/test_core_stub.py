"""The typed surface: _core.pyi lists exactly what the compiled module exports."""

from __future__ import annotations

import ast
from pathlib import Path

import summitcast
from summitcast import _core


def stub_names() -> set[str]:
    stub = Path(summitcast.__file__).with_name("_core.pyi")
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
    return names


def test_stub_matches_module():
    exported = {name for name in dir(_core) if not name.startswith("_")}
    assert stub_names() == exported


def test_py_typed_marker_ships():
    assert Path(summitcast.__file__).with_name("py.typed").exists()
