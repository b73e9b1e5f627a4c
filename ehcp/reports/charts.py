"""Inline SVG charts for the dashboard, drawn in Python: no JavaScript, no fonts or files to fetch.

Every bar carries ``data-figure`` (a stable name) and ``data-value`` (the number it shows), so a test
or a screen reader can read the figures without reading pixels. Sizes are in SVG units of a
``WIDTH``-wide view box; text is large for a projector.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 660
FONT = 20
COLOURS = {"blue": "#1d70b8", "green": "#00703c", "red": "#d4351c", "orange": "#f47738",
           "purple": "#4c2c92", "grey": "#505a5f", "light": "#b1b4b6", "pink": "#d53880", "turquoise": "#28a197"}
SERIES = ("blue", "turquoise", "purple", "orange", "pink", "grey", "green")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    figure: str
    colour: str = "blue"
    note: str = ""  # small text under or after the bar (e.g. "n=12")
    marker: float | None = None  # a second value drawn as a tick (e.g. the 90th percentile)
    sublabel: str = ""  # a second, smaller line under the label


def attr(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def fmt(value: float | int | None, unit: str = "") -> str:
    """1,042 / 46.0% (rates keep one decimal) / 42.5 / 40; a missing value is a dash."""
    if value is None:
        return "-"
    if unit == "%" or (isinstance(value, float) and not value.is_integer()):
        return f"{value:,.1f}{unit}"
    return f"{value:,.0f}{unit}"


def compact(n: int) -> str:
    """A count in at most four characters: 950, 7.7k, 12k, 1.2M."""
    if n < 1000:
        return str(n)
    if n < 10_000:
        return f"{n / 1000:.1f}k"
    if n < 1_000_000:
        return f"{n // 1000}k"
    return f"{n / 1_000_000:.1f}M"


def _svg(height: int, body: list[str], label: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
            f'aria-label="{attr(label)}" xmlns="http://www.w3.org/2000/svg" '
            f'font-family="Arial, Helvetica, sans-serif" font-size="{FONT}">' + "".join(body) + "</svg>")


def empty(message: str, height: int = 120) -> str:
    text = (f'<text x="{WIDTH / 2}" y="{height / 2}" text-anchor="middle" fill="{COLOURS["grey"]}">'
            f'{escape(message)}</text>')
    return _svg(height, [text], message)


def column_chart(bars: list[Bar], *, label: str, unit: str = "%", top: float = 100.0,
                 reference: tuple[float, str] | None = None, height: int = 330) -> str:
    """Vertical bars (e.g. one per month) on a 0..top scale with an optional dashed reference line."""
    if not bars:
        return empty("No data")
    left, right, head, foot = 56, 12, 40, 64
    plot_h, plot_w = height - head - foot, WIDTH - left - right
    step = plot_w / len(bars)

    def y(v: float) -> float:
        return head + plot_h * (1 - min(v, top) / top)

    body = []
    for tick in (0, top / 2, top):
        body.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                    f'stroke="{COLOURS["light"]}" stroke-width="1"/>'
                    f'<text x="{left - 6}" y="{y(tick) + 7:.1f}" text-anchor="end" font-size="18">'
                    f'{fmt(tick)}{escape(unit)}</text>')
    for i, bar in enumerate(bars):
        x = left + i * step + step * 0.12
        w = step * 0.76
        cx = x + w / 2
        if bar.value is not None:
            body.append(f'<rect x="{x:.1f}" y="{y(bar.value):.1f}" width="{w:.1f}" '
                        f'height="{head + plot_h - y(bar.value):.1f}" fill="{COLOURS[bar.colour]}" '
                        f'data-figure="{attr(bar.figure)}" data-value="{attr(bar.value)}"/>')
            inside = head + plot_h - y(bar.value) > 34  # value at the foot of the bar, clear of the line
            body.append(f'<text x="{cx:.1f}" y="{head + plot_h - 10 if inside else y(bar.value) - 6:.1f}" '
                        f'text-anchor="middle" font-size="17" font-weight="bold" '
                        f'fill="{"#ffffff" if inside else "#0b0c0c"}">{fmt(bar.value)}</text>')
        else:
            body.append(f'<g data-figure="{attr(bar.figure)}" data-value=""></g>')
        body.append(f'<text x="{cx:.1f}" y="{head + plot_h + 24}" text-anchor="middle" font-size="18">'
                    f'{escape(bar.label)}</text>')
        if bar.note:
            body.append(f'<text x="{cx:.1f}" y="{head + plot_h + 48}" text-anchor="middle" font-size="15" '
                        f'fill="{COLOURS["grey"]}">{escape(bar.note)}</text>')
    if reference is not None:
        value, text = reference
        body.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                    f'stroke="#0b0c0c" stroke-width="3" stroke-dasharray="10 6" data-figure="national" '
                    f'data-value="{attr(value)}"/>'
                    f'<text x="{WIDTH - right}" y="{head - 12}" text-anchor="end" font-size="18" '
                    f'font-weight="bold">- - {escape(text)}</text>')
    return _svg(height, body, label)


def hbar_chart(bars: list[Bar], *, label: str, unit: str = "", reference: tuple[float, str] | None = None,
               label_width: int = 250, row: int = 40) -> str:
    """Horizontal bars, one per row, largest scale from the data (and the reference line if any)."""
    if not bars:
        return empty("None")
    two_lines = any(b.sublabel for b in bars)
    row = max(row, 54) if two_lines else row
    head, foot = 36 if reference else 8, 8
    height = head + foot + row * len(bars)
    top = max([b.value or 0 for b in bars] + [b.marker or 0 for b in bars] + [reference[0] if reference else 0]) or 1
    left = label_width
    right = 16 + max(11 * len(fmt(b.value, unit)) + 9 * len(b.note) for b in bars)
    scale = (WIDTH - left - right) / top
    body = []
    for i, bar in enumerate(bars):
        y0 = head + i * row
        if two_lines:
            body.append(f'<text x="{left - 10}" y="{y0 + row * 0.46:.1f}" text-anchor="end">'
                        f'{escape(_clip(bar.label, label_width))}</text>'
                        f'<text x="{left - 10}" y="{y0 + row * 0.84:.1f}" text-anchor="end" font-size="16" '
                        f'fill="{COLOURS["grey"]}">{escape(bar.sublabel)}</text>')
        else:
            body.append(f'<text x="{left - 10}" y="{y0 + row * 0.64:.1f}" text-anchor="end">'
                        f'{escape(_clip(bar.label, label_width))}</text>')
        w = (bar.value or 0) * scale
        body.append(f'<rect x="{left}" y="{y0 + 6}" width="{w:.1f}" height="{row - 12}" '
                    f'fill="{COLOURS[bar.colour]}" data-figure="{attr(bar.figure)}" data-value="{attr(bar.value)}"/>')
        end = left + w
        if bar.marker is not None:
            mx = left + bar.marker * scale
            body.append(f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{y0 + 2}" y2="{y0 + row - 2}" stroke="#0b0c0c" '
                        f'stroke-width="4"/>')
            end = max(end, mx)
        text = fmt(bar.value, unit)
        body.append(f'<text x="{end + 8:.1f}" y="{y0 + row * 0.64:.1f}" font-weight="bold">{escape(text)}'
                    + (f'<tspan font-weight="normal" font-size="16" fill="{COLOURS["grey"]}"> {escape(bar.note)}'
                       f'</tspan>' if bar.note else "") + '</text>')
    if reference is not None:
        value, text = reference
        x = left + value * scale
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{head - 6}" y2="{height - foot}" stroke="#0b0c0c" '
                    f'stroke-width="3" stroke-dasharray="8 6"/>'
                    f'<text x="{x:.1f}" y="{head - 12}" text-anchor="middle" font-size="18">{escape(text)}</text>')
    return _svg(height, body, label)


def stacked_chart(rows: list[tuple[str, list[tuple[str, int]], str]], *, label: str, label_width: int = 200,
                  row: int = 38) -> str:
    """Horizontal stacked bars: ``rows`` = (label, [(series, value)], figure prefix); a legend on top."""
    if not rows:
        return empty("No open cases")
    series = [name for name, _ in rows[0][1]]
    colour = {name: COLOURS[SERIES[i % len(SERIES)]] for i, name in enumerate(series)}
    head = 44
    height = head + row * len(rows) + 8
    top = max(sum(v for _, v in parts) for _, parts, _ in rows) or 1
    left, right = label_width, 16 + 12 * len(f"{top:,}")
    scale = (WIDTH - left - right) / top
    body, x = [], 0.0
    for name in series:
        body.append(f'<rect x="{x:.1f}" y="6" width="18" height="18" fill="{colour[name]}"/>'
                    f'<text x="{x + 24:.1f}" y="22" font-size="18">{escape(name)}</text>')
        x += 34 + 11 * len(name)
    for i, (text, parts, figure) in enumerate(rows):
        y0 = head + i * row
        body.append(f'<text x="{left - 10}" y="{y0 + row * 0.62:.1f}" text-anchor="end">'
                    f'{escape(_clip(text, label_width))}</text>')
        x = float(left)
        for name, value in parts:
            w = value * scale
            if value:
                body.append(f'<rect x="{x:.1f}" y="{y0 + 6}" width="{w:.1f}" height="{row - 12}" '
                            f'fill="{colour[name]}" data-figure="{attr(figure)}.{attr(name)}" data-value="{value}"/>')
            x += w
        total = sum(v for _, v in parts)
        body.append(f'<text x="{x + 8:.1f}" y="{y0 + row * 0.62:.1f}" font-weight="bold" '
                    f'data-figure="{attr(figure)}.total" data-value="{total}">{total:,}</text>')
    return _svg(height, body, label)


def _clip(text: str, width: int) -> str:
    """Shorten a label to fit about ``width`` units at the chart font size."""
    limit = max(6, int(width / (FONT * 0.55)))
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
