"""Server-drawn SVG charts: well-formed, accessible, and reader text never becomes markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from corrigo.http.dashboard.charts import (
    Series,
    bar_chart,
    hbar_chart,
    label_stride,
    line_chart,
    nice_ticks,
    plain_number,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</text><script>alert(2)</script><text>",
    "' onload='alert(3)",
    "]]><foreignObject><iframe src=javascript:alert(4)></iframe></foreignObject>",
    "&lt;b&gt;already escaped&amp;",
    "\x00\x07\x1bcontrol\u202echaracters",
]


def parse(svg: str) -> ET.Element:
    """Parse as XML: anything unescaped would break it or add elements."""
    return ET.fromstring(svg)


def elements(root: ET.Element) -> set[str]:
    return {element.tag.removeprefix(SVG) for element in root.iter()}


def attributes(root: ET.Element) -> set[str]:
    return {name for element in root.iter() for name in element.attrib}


def all_charts(labels: list[str]) -> list[str]:
    values = [float(i + 1) for i in range(len(labels))]
    return [
        bar_chart("c-bar", labels[0], labels[-1], labels, values, y_label=labels[1]),
        line_chart(
            "c-line", labels[0], labels[1], labels, [Series(labels[2], values), Series("b", values)]
        ),
        hbar_chart("c-hbar", labels[0], labels[1], labels, values),
    ]


@pytest.mark.parametrize("chart", all_charts(HOSTILE))
def test_hostile_labels_stay_text(chart: str) -> None:
    root = parse(chart)
    # Only the shapes the chart draws: no script, img, iframe, foreignObject…
    assert elements(root) <= {"svg", "title", "desc", "rect", "line", "polyline", "text"}
    assert not any(name.lower().startswith("on") for name in attributes(root))
    assert "<script" not in chart and "<img" not in chart and "<iframe" not in chart
    texts = "".join(root.itertext())
    # The reader's characters are still there, as text.
    assert "<script>alert(1)" in texts
    assert "\x00" not in chart and "\x1b" not in chart and "\u202e" not in chart


def test_every_label_is_shown_literally() -> None:
    root = parse(hbar_chart("c", "t", "d", HOSTILE, [1.0] * len(HOSTILE), label_chars=200))
    # A label is a <text> holding a <title> tooltip followed by the visible words.
    tooltips = [text.find(f"{SVG}title") for text in root.iter(f"{SVG}text")]
    shown = [tip.tail for tip in tooltips if tip is not None]
    # Escaped once on the way in, unescaped once by the parser: the reader's exact text
    # (already-escaped entities stay entities), minus invisible control characters.
    assert shown[:6] == HOSTILE[:6]
    assert shown[6] == "controlcharacters"


def test_chart_is_an_accessible_image() -> None:
    root = parse(bar_chart("reports", "Reports per day", "120 reports", ["a", "b"], [1, 2]))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "reports-t reports-d"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == "reports-t"
    assert title.text == "Reports per day"
    assert desc is not None and desc.get("id") == "reports-d" and desc.text == "120 reports"
    # No style attributes: a strict CSP (style-src 'self') would drop them.
    assert "style" not in attributes(root)


@pytest.mark.parametrize("chart_id", ["", "1abc", 'x" onload="alert(1)', "a b", "A", "x" * 60])
def test_chart_ids_are_checked(chart_id: str) -> None:
    with pytest.raises(ValueError, match="chart id"):
        bar_chart(chart_id, "t", "d", ["a"], [1])


def test_bars_scale_to_the_axis() -> None:
    root = parse(bar_chart("c", "t", "d", ["a", "b", "c"], [10, 5, 0], height=260))
    bars = [rect for rect in root.iter(f"{SVG}rect")]
    heights = [float(rect.get("height", "0")) for rect in bars]
    assert heights[0] == pytest.approx(2 * heights[1])
    assert heights[2] == 0
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks == ["0", "2", "4", "6", "8", "10"]
    tooltips = [rect.find(f"{SVG}title").text for rect in bars]  # type: ignore[union-attr]
    assert tooltips == ["a: 10", "b: 5", "c: 0"]


def test_line_chart_draws_one_polyline_per_series_with_a_legend() -> None:
    root = parse(
        line_chart(
            "c",
            "t",
            "d",
            ["1", "2", "3"],
            [Series("Reported", [1, 4, 2]), Series("Fixed", [0, 1, 3])],
        )
    )
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert [len(line.get("points", "").split()) for line in lines] == [3, 3]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Reported" in texts and "Fixed" in texts


def test_long_labels_are_shortened_and_keep_their_full_text_as_tooltip() -> None:
    label = "A very long page title that goes on and on about the budget and the bridge"
    root = parse(hbar_chart("c", "t", "d", [label], [3], label_chars=20))
    text = next(t for t in root.iter(f"{SVG}text") if t.find(f"{SVG}title") is not None)
    assert text.find(f"{SVG}title").text == label  # type: ignore[union-attr]
    assert "".join(text.itertext()).endswith("A very long page ti…")


@pytest.mark.parametrize(
    "draw",
    [
        lambda: bar_chart("c", "t", "d", [], [], empty="Nothing yet"),
        lambda: bar_chart("c", "t", "d", ["a"], [0], empty="Nothing yet"),
        lambda: line_chart("c", "t", "d", ["a", "b"], [Series("s", [0, 0])], empty="Nothing yet"),
        lambda: hbar_chart("c", "t", "d", [], [], empty="Nothing yet"),
    ],
)
def test_empty_data_says_so(draw: object) -> None:
    root = parse(draw())  # type: ignore[operator]
    assert "Nothing yet" in "".join(root.itertext())
    assert not list(root.iter(f"{SVG}polyline"))


def test_mismatched_series_are_refused() -> None:
    with pytest.raises(ValueError):
        bar_chart("c", "t", "d", ["a", "b"], [1])
    with pytest.raises(ValueError):
        line_chart("c", "t", "d", ["a", "b"], [Series("s", [1])])
    with pytest.raises(ValueError):
        hbar_chart("c", "t", "d", ["a"], [1, 2])


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (10, [0, 2, 4, 6, 8, 10]),
        (7, [0, 2, 4, 6, 8]),
        (1, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (1234, [0, 500, 1000, 1500]),
        (0, [0, 1]),
        (float("nan"), [0, 1]),
    ],
)
def test_nice_ticks(maximum: float, ticks: list[float]) -> None:
    assert nice_ticks(maximum) == pytest.approx(ticks)


def test_label_stride_keeps_labels_apart() -> None:
    assert label_stride(7, 6, 600) == 1
    assert label_stride(365, 6, 600) > 1
    assert label_stride(0, 6, 600) == 1


def test_plain_number() -> None:
    assert plain_number(1234567) == "1,234,567"
    assert plain_number(2.25) == "2.2"
