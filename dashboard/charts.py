"""Server-side SVG bar charts for the dashboard (pure Python, no Django, no JavaScript).

The service must work with no internet, so charts are drawn here as inline SVG: no library, no
CDN. Each chart carries a <title> and <desc> for screen readers; the pages also print the same
figures as a table beside it (the text alternative). Colours are never the only cue: every
segment of a stacked bar also has its own pattern-free label in the legend and in the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Series:
    """One kind of quantity in a chart (e.g. pages released); `css_class` picks its colour."""

    name: str
    css_class: str


@dataclass(frozen=True)
class Bar:
    """One row of a horizontal bar chart: a label and one value per series (stacked)."""

    label: str
    values: tuple[float, ...]
    note: str = ""  # printed at the end of the bar, e.g. "62%" or "12 days"


LABEL_WIDTH = 190
BAR_HEIGHT = 22
GAP = 10
PLOT_WIDTH = 420
NOTE_WIDTH = 120
LEGEND_HEIGHT = 28


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _clip(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart_svg(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: list[Series],
    bars: list[Bar],
    maximum: float | None = None,
) -> str:
    """A horizontal (stacked when there are several series) bar chart as an SVG string.

    `maximum` fixes the scale (100 for percentages); by default the longest bar fills the plot.
    All text is escaped: labels come from the database.
    """
    total_max = maximum or max((sum(b.values) for b in bars), default=0) or 1
    width = LABEL_WIDTH + PLOT_WIDTH + NOTE_WIDTH
    height = LEGEND_HEIGHT + len(bars) * (BAR_HEIGHT + GAP) + GAP
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
    ]
    # Legend: a swatch and the series name, so colour is backed by words.
    x = LABEL_WIDTH
    for item in series:
        parts.append(
            f'<rect class="{escape(item.css_class)}" x="{x}" y="6" width="14" height="14"/>'
            f'<text class="chart-legend" x="{x + 20}" y="18">{escape(item.name)}</text>'
        )
        x += 28 + 8 * len(item.name)
    for row, bar in enumerate(bars):
        y = LEGEND_HEIGHT + GAP + row * (BAR_HEIGHT + GAP)
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 6}" '
            f'text-anchor="end">{escape(_clip(bar.label))}</text>'
        )
        offset = 0.0
        for item, value in zip(series, bar.values, strict=True):
            if value <= 0:
                continue
            seg = PLOT_WIDTH * value / total_max
            parts.append(
                f'<rect class="{escape(item.css_class)}" x="{LABEL_WIDTH + offset:.1f}" '
                f'y="{y}" width="{seg:.1f}" height="{BAR_HEIGHT}">'
                f"<title>{escape(bar.label)}: {escape(item.name)} {_fmt(value)}</title></rect>"
            )
            offset += seg
        note = bar.note or _fmt(sum(bar.values))
        parts.append(
            f'<text class="chart-note" x="{LABEL_WIDTH + offset + 6:.1f}" '
            f'y="{y + BAR_HEIGHT - 6}">{escape(note)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
