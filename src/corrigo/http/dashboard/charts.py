"""Bar and line charts drawn as inline SVG on the server.

The dashboard sends no script (its Content-Security-Policy forbids inline
script, and a chart library would be the biggest file on the page), so charts
are markup built here. Labels are often reader-supplied (page titles, URLs):
every piece of text goes through :func:`_text`, which removes control
characters, shortens it and escapes it, so no label can become markup. Colours
are presentation attributes, not ``style`` attributes, so a strict
``style-src`` does not hide them.

Each chart is ``role="img"`` named by its ``<title>`` and described by its
``<desc>``; long labels keep their full text in a ``<title>`` tooltip.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from corrigo.domain.text import clean_stripped

# Colour-blind-safe pair (blue / orange) and a dark grey for text: all reach
# at least 4.5:1 contrast on white.
PALETTE = ("#1d5fa6", "#b35900", "#2f7d32", "#7b3fa0")
INK = "#333333"
GRID = "#d9d9d9"
FONT = 'font-family="system-ui, sans-serif"'
_CHART_ID = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
# Rough width of one character of 12 px text, to space labels and ellipsise them.
CHAR_PX = 7.2
LABEL_CHARS = 60


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a line chart: a name for the legend and one value per x label."""

    name: str
    values: Sequence[float]


def _text(value: object, limit: int = LABEL_CHARS) -> Markup:
    """Reader-safe label text: control characters removed, at most `limit` characters, escaped."""
    cleaned = clean_stripped(str(value))
    if len(cleaned) > limit:
        cleaned = cleaned[: max(limit - 1, 1)] + "…"
    return escape(cleaned)


def _num(value: float) -> str:
    """A coordinate with at most one decimal (keeps the markup short and deterministic)."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def plain_number(value: float) -> str:
    """Default tick and value format: whole numbers with thousands separators, else 1 decimal."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def nice_ticks(maximum: float, target: int = 5) -> list[float]:
    """Evenly spaced axis ticks from 0 past `maximum` at a 1, 2 or 5 × 10ⁿ step."""
    if not math.isfinite(maximum) or maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    count = math.ceil(maximum / step - 1e-9)
    return [i * step for i in range(count + 1)]


def label_stride(count: int, longest: int, room: float) -> int:
    """Show every n-th x label so that labels of `longest` characters do not overlap."""
    if count <= 0:
        return 1
    needed = (longest * CHAR_PX + 8) * count
    return max(1, math.ceil(needed / max(room, 1)))


def _frame(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    if not _CHART_ID.match(chart_id):
        raise ValueError(f"chart id must match {_CHART_ID.pattern}")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-t {chart_id}-d" {FONT} '
        f'font-size="12" fill="{INK}">',
        f'<title id="{chart_id}-t">{_text(title, 200)}</title>',
        f'<desc id="{chart_id}-d">{_text(desc, 1000)}</desc>',
    ]


def _y_axis(
    parts: list[str],
    ticks: list[float],
    left: float,
    right: float,
    top: float,
    bottom: float,
    fmt: Callable[[float], str],
    y_label: str,
) -> Callable[[float], float]:
    """Grid lines, tick labels and the y-axis title; returns value → y coordinate."""
    top_value = ticks[-1] or 1.0

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * (max(value, 0.0) / top_value)

    for tick in ticks:
        y = _num(y_of(tick))
        parts.append(
            f'<line x1="{_num(left)}" x2="{_num(right)}" y1="{y}" y2="{y}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{_num(left - 6)}" y="{y}" text-anchor="end" dominant-baseline="middle">'
            f"{_text(fmt(tick), 20)}</text>"
        )
    parts.append(
        f'<line x1="{_num(left)}" x2="{_num(left)}" y1="{_num(top)}" y2="{_num(bottom)}" '
        f'stroke="{INK}"/>'
    )
    parts.append(
        f'<line x1="{_num(left)}" x2="{_num(right)}" y1="{_num(bottom)}" y2="{_num(bottom)}" '
        f'stroke="{INK}"/>'
    )
    if y_label:
        mid = _num((top + bottom) / 2)
        parts.append(
            f'<text x="12" y="{mid}" text-anchor="middle" transform="rotate(-90 12 {mid})">'
            f"{_text(y_label, 40)}</text>"
        )
    return y_of


def _x_labels(
    parts: list[str], labels: Sequence[str], centres: Sequence[float], bottom: float, room: float
) -> None:
    stride = label_stride(len(labels), max((len(str(label)) for label in labels), default=0), room)
    for index in range(0, len(labels), stride):
        parts.append(
            f'<text x="{_num(centres[index])}" y="{_num(bottom + 16)}" text-anchor="middle">'
            f"{_text(labels[index], 24)}</text>"
        )


def _finish(parts: list[str]) -> Markup:
    """Close the chart. Every text piece in `parts` went through :func:`_text` and every
    number was formatted here, so the joined markup is safe to embed as it is."""
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built only from escaped text and numbers


def _empty(parts: list[str], width: int, height: int, message: str) -> Markup:
    parts.append(
        f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle" font-size="14">'
        f"{_text(message, 80)}</text>"
    )
    return _finish(parts)


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    y_label: str = "",
    empty: str = "No data",
    fmt: Callable[[float], str] = plain_number,
    width: int = 640,
    height: int = 260,
) -> Markup:
    """Vertical bars, one per label, with a value axis; each bar's tooltip gives its value."""
    if len(labels) != len(values):
        raise ValueError("one value per label")
    parts = _frame(chart_id, title, desc, width, height)
    if not values or max(values) <= 0:
        return _empty(parts, width, height, empty)
    left, right, top, bottom = 56.0, width - 12.0, 12.0, height - 28.0
    y_of = _y_axis(parts, nice_ticks(max(values)), left, right, top, bottom, fmt, y_label)
    slot = (right - left) / len(values)
    gap = min(slot * 0.2, 6.0)
    centres = [left + slot * (i + 0.5) for i in range(len(values))]
    for label, value, centre in zip(labels, values, centres, strict=True):
        y = y_of(value)
        parts.append(
            f'<rect x="{_num(centre - slot / 2 + gap / 2)}" y="{_num(y)}" '
            f'width="{_num(max(slot - gap, 0.5))}" height="{_num(bottom - y)}" fill="{PALETTE[0]}">'
            f"<title>{_text(label)}: {_text(fmt(value), 20)}</title></rect>"
        )
    _x_labels(parts, labels, centres, bottom, right - left)
    return _finish(parts)


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    y_label: str = "",
    empty: str = "No data",
    fmt: Callable[[float], str] = plain_number,
    width: int = 640,
    height: int = 280,
) -> Markup:
    """One polyline per series over shared x labels, with a legend above the plot."""
    if any(len(line.values) != len(labels) for line in series):
        raise ValueError("every series needs one value per label")
    if len(series) > len(PALETTE):
        raise ValueError(f"at most {len(PALETTE)} series")
    parts = _frame(chart_id, title, desc, width, height)
    peak = max((max(line.values, default=0) for line in series), default=0)
    if not labels or peak <= 0:
        return _empty(parts, width, height, empty)
    left, right, top, bottom = 56.0, width - 12.0, 30.0, height - 28.0
    y_of = _y_axis(parts, nice_ticks(peak), left, right, top, bottom, fmt, y_label)
    step = (right - left) / max(len(labels) - 1, 1)
    xs = [left + step * i for i in range(len(labels))] if len(labels) > 1 else [(left + right) / 2]
    legend_x = left
    for line, colour in zip(series, PALETTE, strict=False):
        points = " ".join(
            f"{_num(x)},{_num(y_of(v))}" for x, v in zip(xs, line.values, strict=True)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-linejoin="round"><title>{_text(line.name)}</title></polyline>'
        )
        parts.append(
            f'<rect x="{_num(legend_x)}" y="8" width="12" height="12" fill="{colour}"/>'
            f'<text x="{_num(legend_x + 16)}" y="18">{_text(line.name, 30)}</text>'
        )
        legend_x += 16 + min(len(line.name), 30) * CHAR_PX + 24
    _x_labels(parts, labels, xs, bottom, right - left)
    return _finish(parts)


def hbar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    empty: str = "No data",
    fmt: Callable[[float], str] = plain_number,
    width: int = 640,
    label_chars: int = 36,
) -> Markup:
    """Horizontal bars for ranked, long labels (pages, sections); the height grows with rows."""
    if len(labels) != len(values):
        raise ValueError("one value per label")
    row = 22
    height = max(row * len(values) + 16, 60)
    parts = _frame(chart_id, title, desc, width, height)
    if not values or max(values) <= 0:
        return _empty(parts, width, height, empty)
    left = label_chars * CHAR_PX + 12
    right = width - 60.0
    top_value = max(values)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 8 + row * index
        length = (right - left) * (max(value, 0) / top_value)
        parts.append(
            f'<text x="{_num(left - 6)}" y="{y + 11}" text-anchor="end" '
            f'dominant-baseline="middle"><title>{_text(label, 400)}</title>'
            f"{_text(label, label_chars)}</text>"
        )
        parts.append(
            f'<rect x="{_num(left)}" y="{y + 3}" width="{_num(max(length, 1))}" height="16" '
            f'fill="{PALETTE[0]}"/>'
        )
        parts.append(
            f'<text x="{_num(left + length + 6)}" y="{y + 11}" dominant-baseline="middle">'
            f"{_text(fmt(value), 20)}</text>"
        )
    return _finish(parts)
