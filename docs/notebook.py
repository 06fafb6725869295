"""examples/quickstart.ipynb stored with its outputs, so that a reader on GitHub or in the docs
sees the report, the tables and the summary a run gives before running anything.

Executed in a real kernel from examples/, as a new user's first run without a model: the
notebook builds the tests' tiny random MarianMT itself (the English is noise, and its first cell
says so). The machine-specific folder of that model is written as `<temporary folder>` in the
stored outputs. `tests/test_notebook.py` checks that every code cell has its outputs and none is
an error.

    python docs/notebook.py      # rewrites examples/quickstart.ipynb with fresh outputs
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"


def main() -> None:
    import nbclient
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    os.environ.pop("RUEN_MODEL", None)
    os.environ["HF_HUB_OFFLINE"] = "1"
    with tempfile.TemporaryDirectory() as work:
        os.environ["HF_HOME"] = str(Path(work) / "hf")
        client = nbclient.NotebookClient(
            notebook, timeout=600, kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        )  # fmt: skip
        client.execute()
    temporary = re.compile(re.escape(tempfile.gettempdir()) + r"/[^\s'\"<>]*?(?=/tiny-marian)")
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            for key, value in list(output.get("data", {}).items()):
                if isinstance(value, str):
                    output["data"][key] = temporary.sub("<temporary folder>", value)
            if isinstance(output.get("text"), str):
                output["text"] = temporary.sub("<temporary folder>", output["text"])
    nbformat.write(notebook, NOTEBOOK)
    print(f"{NOTEBOOK.relative_to(ROOT)}: {len(notebook.cells)} cells, outputs stored")


if __name__ == "__main__":
    main()
