"""The docs' notebook (docs/examples/negsim.ipynb) runs from top to bottom in a real Jupyter kernel.

Executed with nbclient, as Jupyter runs it, from the repository's root; every cell must run
without error, the displays must be the rich ones (HTML tables, SVG pictures), and the notebook
is kept without outputs in the repository (so its diff shows code, not renderings).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "examples" / "negsim.ipynb"


def test_the_notebook_is_kept_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def test_the_notebook_runs_and_shows_rich_displays() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if o.output_type == "execute_result" and "text/html" in o["data"]]
    assert any("requires philadelphi &gt;= reduced" in page for page in html)  # the scenario's red lines
    assert any("rejected by hamas" in page for page in html)  # the evaluation
    assert sum("image/svg+xml" in o.get("data", {}) for o in outputs) == 2  # the utility space and the dance
    assert any("40 replications of gaza-2024-08-israel-accepts-monitoring" in page and "red lines that blocked" in page
               for page in html)  # many runs, summed up as negsim sweep sums them
