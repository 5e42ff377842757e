"""Charts as inline SVG, built on the server: no script, no CDN, nothing the page's Content
Security Policy would refuse (presentation attributes only, never ``style``).

A chart is a list of (label, value) points drawn as a line (a trend over time) or as bars (a
few values side by side), with the largest value and zero on the y axis, the first, middle and
last labels on the x axis, and a ``<title>`` per point that reads out its exact value on hover.
Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 32
INK, MUTED, LINE, ACCENT = "#1d232a", "#6b7280", "#e3e6ea", "#2563eb"

Point = tuple[str, Decimal | int]


def _frame(title: str, body: list[str], top_label: str) -> SafeString:
    plot_bottom = HEIGHT - BOTTOM
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" width="100%" height="{HEIGHT}" '
        f'preserveAspectRatio="xMidYMid meet" font-family="system-ui, sans-serif" '
        f'font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{TOP}" x2="{WIDTH - RIGHT}" y2="{TOP}" stroke="{LINE}"/>',
        f'<line x1="{LEFT}" y1="{plot_bottom}" x2="{WIDTH - RIGHT}" y2="{plot_bottom}" '
        f'stroke="{MUTED}"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" fill="{MUTED}">'
        f"{escape(top_label)}</text>",
        f'<text x="{LEFT - 6}" y="{plot_bottom + 4}" text-anchor="end" fill="{MUTED}">0</text>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _scale(points: Sequence[Point]) -> Decimal:
    top = max((Decimal(value) for _, value in points), default=Decimal(0))
    return top if top > 0 else Decimal(1)


def _x_labels(xs: list[float], points: Sequence[Point]) -> list[str]:
    """The first, middle and last labels (all of them when there are few)."""
    n = len(points)
    shown = range(n) if n <= 7 else sorted({0, n // 2, n - 1})
    y = HEIGHT - BOTTOM + 18
    return [
        f'<text x="{xs[i]:.1f}" y="{y}" text-anchor="middle" fill="{MUTED}">'
        f"{escape(points[i][0])}</text>"
        for i in shown
    ]


def _y(value: Decimal | int, top: Decimal) -> float:
    height = HEIGHT - TOP - BOTTOM
    return float(HEIGHT - BOTTOM - Decimal(value) / top * height)


def line_chart(title: str, points: Sequence[Point], *, value_format: str = "{}") -> SafeString:
    """A polyline of ``points`` (oldest first), each with a dot and its value on hover."""
    top = _scale(points)
    span = WIDTH - LEFT - RIGHT
    step = span / (len(points) - 1) if len(points) > 1 else 0
    xs = [LEFT + (i * step if len(points) > 1 else span / 2) for i in range(len(points))]
    coords = [(x, _y(value, top)) for x, (_, value) in zip(xs, points, strict=True)]
    body = []
    if coords:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    for (x, y), (label, value) in zip(coords, points, strict=True):
        text = escape(f"{label}: {value_format.format(value)}")
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{ACCENT}"><title>{text}</title>'
            "</circle>"
        )
    body.extend(_x_labels(xs, points))
    return _frame(title, body, value_format.format(top) if points else "")


def bar_chart(title: str, points: Sequence[Point], *, value_format: str = "{}") -> SafeString:
    """A bar per point, its value above it."""
    top = _scale(points)
    span = WIDTH - LEFT - RIGHT
    slot = span / max(len(points), 1)
    width = max(slot * 0.7, 1)
    xs = [LEFT + slot * (i + 0.5) for i in range(len(points))]
    body = []
    for x, (label, value) in zip(xs, points, strict=True):
        y = _y(value, top)
        text = escape(f"{label}: {value_format.format(value)}")
        body.append(
            f'<rect x="{x - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
            f'height="{HEIGHT - BOTTOM - y:.1f}" fill="{ACCENT}"><title>{text}</title></rect>'
        )
        if len(points) <= 12:
            body.append(
                f'<text x="{x:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="{INK}">'
                f"{escape(value_format.format(value))}</text>"
            )
    body.extend(_x_labels(xs, points))
    return _frame(title, body, value_format.format(top) if points else "")


SPARK_WIDTH, SPARK_HEIGHT = 300, 48


def sparkline(title: str, points: Sequence[Point], *, value_format: str = "{}") -> SafeString:
    """A compact bar per point (a dashboard card's trend): no axes and no labels, only the
    ``title`` (which should say what the figures add up to) and each bar's value on hover.

    It stretches to the card's width (``preserveAspectRatio="none"``), so it never overflows a
    narrow screen; zero is a baseline, a day without sales a gap in the bars."""
    top = _scale(points)
    slot = SPARK_WIDTH / max(len(points), 1)
    width = max(slot * 0.7, 1)
    body = [
        f'<line x1="0" y1="{SPARK_HEIGHT}" x2="{SPARK_WIDTH}" y2="{SPARK_HEIGHT}" '
        f'stroke="{MUTED}" stroke-width="2"/>'
    ]
    for i, (label, value) in enumerate(points):
        height = float(Decimal(value) / top * (SPARK_HEIGHT - 2))
        text = escape(f"{label}: {value_format.format(value)}")
        body.append(
            f'<rect x="{slot * i + (slot - width) / 2:.1f}" y="{SPARK_HEIGHT - height:.1f}" '
            f'width="{width:.1f}" height="{height:.1f}" fill="{ACCENT}"><title>{text}</title>'
            "</rect>"
        )
    parts = [
        f'<svg class="chart sparkline" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'width="100%" height="{SPARK_HEIGHT}" preserveAspectRatio="none">',
        f"<title>{escape(title)}</title>",
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
