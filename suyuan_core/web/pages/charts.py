"""Server-rendered SVG charts: no JavaScript, no external library, printable."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape


def _num(value: float | int | None) -> float:
    return float(value or 0)


def bar_chart(labels: Sequence[str], values: Sequence[float | int | None],
              links: Sequence[str | None] | None = None, *, title: str, unit: str = "",
              width: int = 560, height: int = 220) -> Markup:
    """Vertical bars (a trend over periods); each bar links to the cases it counts."""
    n = max(len(values), 1)
    top = max([_num(v) for v in values] + [1.0])
    pad_l, pad_b, pad_t = 36, 40, 16
    bw = (width - pad_l - 8) / n
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{width - 4}" y2="{height - pad_b}" '
             'stroke="#888"/>',
             f'<text x="4" y="{pad_t}" font-size="11">{escape(f"{top:g}{unit}")}</text>']
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        h = (height - pad_b - pad_t) * _num(value) / top
        x = pad_l + i * bw + 2
        y = height - pad_b - h
        bar = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bw - 4, 1):.1f}" height="{h:.1f}" '
               f'fill="#b5322a"><title>{escape(label)}: {escape(value if value is not None else "—")}'
               f'{escape(unit)}</title></rect>')
        link = links[i] if links else None
        parts.append(f'<a href="{escape(link)}">{bar}</a>' if link else bar)
        parts.append(f'<text x="{x + bw / 2 - 2:.1f}" y="{height - pad_b + 14}" font-size="10" '
                     f'text-anchor="middle">{escape(label[-5:])}</text>')
        if value:
            parts.append(f'<text x="{x + bw / 2 - 2:.1f}" y="{y - 3:.1f}" font-size="10" '
                         f'text-anchor="middle">{escape(f"{_num(value):g}")}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def hbar_chart(labels: Sequence[str], values: Sequence[float | int | None],
               links: Sequence[str | None] | None = None, *, title: str,
               width: int = 560) -> Markup:
    """Horizontal bars (a breakdown by category)."""
    row = 22
    height = max(row * len(values) + 10, 40)
    top = max([_num(v) for v in values] + [1.0])
    pad_l = 150
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        y = 5 + i * row
        w = (width - pad_l - 50) * _num(value) / top
        bar = (f'<rect x="{pad_l}" y="{y}" width="{max(w, 1):.1f}" height="{row - 6}" '
               f'fill="#1f4f8f"><title>{escape(label)}: {escape(value)}</title></rect>')
        link = links[i] if links else None
        parts.append(f'<text x="{pad_l - 6}" y="{y + 12}" font-size="11" text-anchor="end">'
                     f'{escape(label[:14])}</text>')
        parts.append(f'<a href="{escape(link)}">{bar}</a>' if link else bar)
        parts.append(f'<text x="{pad_l + w + 4:.1f}" y="{y + 12}" font-size="11">'
                     f'{escape(f"{_num(value):g}")}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
