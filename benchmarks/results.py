"""Benchmark results saved as JSON beside the documentation, and drawn as its charts.

Each benchmark that the site shows as a picture calls :func:`save` with the figures it printed;
the JSON goes to ``docs/pages/benchmarks/NAME.json`` and :func:`draw` renders
``docs/pages/img/charts/NAME.png`` from it (matplotlib, ``ruen[docs]``), so a chart is never
drawn by hand and always shows the last run's own numbers. ``python benchmarks/results.py``
redraws every chart from the saved JSON.
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "pages" / "benchmarks"
CHARTS = ROOT / "docs" / "pages" / "img" / "charts"


def installed_version(package: str) -> str:
    """A package's version for a signature, or "not installed" (an optional one)."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def save(
    name: str,
    title: str,
    columns: list[str],
    rows: list[list[Any]],
    *,
    signature: str,
    command: str,
    **about: Any,
) -> Path:
    """Write one result table as JSON, with what reproduces it (``signature``: the data,
    settings and versions; ``command``: the command line that ran it) and anything else the
    run knows (``chart``, headline figures...), then draw its chart. The site shows the table
    from this file (``<!-- ruen: results NAME -->``), and README's headline figures are read
    from these files (``benchmarks/headline.py``)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {"name": name, "title": title, "measured": date.today().isoformat(),
            "signature": signature, "command": command, "columns": columns, "rows": rows,
            **about}  # fmt: skip
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    draw(path)
    return path


def draw(path: Path, out: Path = CHARTS) -> Path | None:
    """A bar chart of the JSON's ``chart``: ``x`` (a column of labels) against one or more
    ``y`` columns (numbers), with the axis label ``ylabel``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    chart = data.get("chart")
    if not chart:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    columns = data["columns"]
    labels = [str(row[columns.index(chart["x"])]) for row in data["rows"]]
    series = chart["y"] if isinstance(chart["y"], list) else [chart["y"]]
    figure, axes = pyplot.subplots(
        figsize=(7, 0.5 * len(labels) + 1.6), dpi=110, layout="constrained"
    )
    height = 0.8 / len(series)
    for k, column in enumerate(series):
        values = [row[columns.index(column)] for row in data["rows"]]
        positions = [i + k * height for i in range(len(labels))]
        bars = axes.barh(positions, values, height=height, label=column)
        axes.bar_label(bars, fmt=chart.get("format", "%.1f"), padding=3, fontsize=8)
    axes.set_yticks([i + height * (len(series) - 1) / 2 for i in range(len(labels))], labels)
    axes.invert_yaxis()
    axes.set_xlabel(chart["ylabel"])
    axes.set_title(data["title"], fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(x=0.15)
    if len(series) > 1:  # below the axes, where it covers no bar
        figure.legend(loc="outside lower center", ncols=len(series), fontsize=8, frameon=False)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{data['name']}.png"
    figure.savefig(target, metadata={"Software": None})
    pyplot.close(figure)
    return target


if __name__ == "__main__":
    for found in sorted(RESULTS.glob("*.json")):
        print(draw(found, Path(sys.argv[1]) if len(sys.argv) > 1 else CHARTS))
