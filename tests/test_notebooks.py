"""The notebooks run top to bottom (they are part of the documentation).

A notebook that reads the real sample files (``SUMMITCAST_SHARED_DATA`` in
its code: "Bring your own data") gets their folder from the ``shared_data``
fixture, so it skips with a reason where ../shared/data is absent and fails
in CI; opened in Jupyter from notebooks/ it finds ../../shared/data itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ should hold at least the quick start"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path, monkeypatch, request):
    # the kernel inherits the environment: without MPLBACKEND (CI sets Agg) ipykernel's
    # inline backend renders the figures into the notebook, as a reader sees them
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(path, as_version=4)
    if any("SUMMITCAST_SHARED_DATA" in c.source for c in nb.cells if c.cell_type == "code"):
        monkeypatch.setenv("SUMMITCAST_SHARED_DATA", str(request.getfixturevalue("shared_data")))
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: commit notebooks with outputs stripped"
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    draws = any("plot(" in c.source or "subplots(" in c.source for c in nb.cells if c.cell_type == "code")
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert images or not draws, f"{path.name}: figures must render inline"
