"""The dashboard's charts as PNG images for the weekly report e-mail (matplotlib, Agg canvas).

Localisation (decided for issue 14): matplotlib neither shapes Arabic letters nor lays text right to
left, so the images hold no words at all: only numbers, months written 2025-01, and for charts by
State the position of each bar (1, 2, 3...). The e-mail writes the title, the series' names beside
their colours, and the key from position to State in HTML around the image, in the reader's
language, where the mail client shapes and orders the text. So one image serves every language, and
no font with Arabic glyphs is needed (we do not ship arabic-reshaper or python-bidi).

The values drawn are `Figure.chart_data()`, the dashboard page's: counts below the small-count
threshold are not drawn (a gap or nothing), as on the page. No name, case number or L3 field.
"""

import io
import math
from dataclasses import dataclass
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as PlotFigure

from casework.reports.dashboard.figures import Figure

# The dashboard page's palette (static/js/dashboard.js), so that a series has the same colour in both.
PALETTE = (
    "#0d6efd",
    "#dc3545",
    "#198754",
    "#fd7e14",
    "#6f42c1",
    "#20c997",
    "#ffc107",
    "#6610f2",
    "#d63384",
    "#0dcaf0",
    "#adb5bd",
    "#495057",
    "#6c757d",
)
SIZE_INCHES = (6.4, 3.0)
DPI = 100


def by_month(data: dict[str, Any]) -> bool:
    """A chart over months (its labels, 2025-01, are drawn); else by State (its bars are numbered)."""
    labels = data["labels"]
    return bool(labels) and all(
        len(label) == 7 and label[4] == "-" and label.replace("-", "").isdigit() for label in labels
    )


def ticks(data: dict[str, Any]) -> list[str]:
    """What the image writes under each position: the month, or the position's number."""
    return list(data["labels"]) if by_month(data) else [str(i) for i in range(1, len(data["labels"]) + 1)]


def _values(dataset: dict[str, Any]) -> list[float]:
    return [math.nan if v is None else float(v) for v in dataset["data"]]


def render_png(data: dict[str, Any]) -> bytes:
    """The chart of `Figure.chart_data()` as PNG bytes (no text but numbers and months)."""
    plot = PlotFigure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(plot)
    axes = plot.add_subplot()
    positions = list(range(len(data["labels"])))
    datasets = data["datasets"]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(datasets))]
    if data["type"] == "line" and data["stacked"] and positions:
        # A suppressed count is drawn as nothing (0 in the stack), as the page leaves it out.
        axes.stackplot(
            positions, *[[0 if math.isnan(v) else v for v in _values(d)] for d in datasets], colors=colours, alpha=0.8
        )
    elif data["type"] == "line":
        for dataset, colour in zip(datasets, colours, strict=True):
            axes.plot(positions, _values(dataset), color=colour, marker="o")
    else:
        width = 0.8 / (1 if data["stacked"] else max(1, len(datasets)))
        bottom = [0.0] * len(positions)
        for i, (dataset, colour) in enumerate(zip(datasets, colours, strict=True)):
            values = _values(dataset)
            if data["stacked"]:
                axes.bar(positions, [0 if math.isnan(v) else v for v in values], 0.8, bottom=bottom, color=colour)
                bottom = [b + (0 if math.isnan(v) else v) for b, v in zip(bottom, values, strict=True)]
            else:
                offset = (i - (len(datasets) - 1) / 2) * width
                axes.bar([p + offset for p in positions], values, width, color=colour)
    axes.set_xticks(positions, ticks(data), rotation=45 if by_month(data) else 0, fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(bottom=0)
    axes.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    plot.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


@dataclass(frozen=True)
class Chart:
    """One chart of the e-mail: its figure (labels in the reader's language), its data and image."""

    figure: Figure
    content_id: str
    png: bytes

    @property
    def data(self) -> dict[str, Any]:
        return self.figure.chart_data()

    def legend(self) -> list[tuple[str, str]]:
        """(colour, series name) of each drawn series, for the table under the image."""
        return [(PALETTE[i % len(PALETTE)], d["label"]) for i, d in enumerate(self.data["datasets"])]

    def key(self) -> list[list[Any]]:
        """For a chart by State: each position's number, State and shown values (suppressed); else empty."""
        if by_month(self.data):
            return []
        return [[i, *row] for i, row in enumerate(self.figure.shown_rows(), start=1)]

    def context(self) -> dict[str, Any]:
        """What the e-mail's templates show of the chart, as plain strings and numbers."""
        return {
            "key": self.figure.key,
            "title": str(self.figure.title),
            "cid": self.content_id,
            "legend": self.legend(),
            "columns": ["", *(str(c) for c in self.figure.columns)],
            "rows": self.key(),
        }
