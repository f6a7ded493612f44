"""Year-over-year bar charts as inline SVG, drawn on the server (no script, no chart library, no CDN).

Each series has its own fill pattern as well as its colour and every bar carries its number, so
nothing is told by colour alone; pages show the same figures as a table beside the chart.
"""
from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 16, 16, 16, 64
# (colour, pattern id): solid, diagonal hatch, dots — distinguishable in greyscale and print
STYLES = (("#1f5fa8", None), ("#b35900", "hatch"), ("#2e7d32", "dots"))
_PATTERNS = (
    '<pattern id="{p}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="#b35900"/></pattern>'
    '<pattern id="{p}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#2e7d32"/><circle cx="3" cy="3" r="1.6" fill="#fff"/></pattern>'
)


def _fill(prefix: str, index: int) -> str:
    colour, pattern = STYLES[index % len(STYLES)]
    return f"url(#{prefix}-{pattern})" if pattern else colour


def bar_chart(chart_id: str, title: str, categories: list[str], series: list[tuple[str, list[int]]],
              number=str) -> str:
    """An SVG grouped bar chart: one group per category (year), one bar per series.

    :param chart_id: unique on the page (prefixes the pattern ids).
    :param number: formats a value for its label (the page's locale).
    :returns: SVG markup, every text escaped.
    """
    top = max([v for _, values in series for v in values] + [1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(categories), 1)
    bar_w = min(48.0, group_w * 0.8 / max(len(series), 1))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-labelledby="{chart_id}-title" class="chart"><title id="{chart_id}-title">{escape(title)}</title>',
           f"<defs>{_PATTERNS.format(p=chart_id)}</defs>",
           f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#444"/>']
    for g, category in enumerate(categories):
        x0 = LEFT + g * group_w + (group_w - bar_w * len(series)) / 2
        for s, (_, values) in enumerate(series):
            value = values[g]
            h = plot_h * value / top
            x, y = x0 + s * bar_w, TOP + plot_h - h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                       f'fill="{_fill(chart_id, s)}" stroke="#333" stroke-width="0.5"/>')
            out.append(f'<text x="{x + bar_w / 2 - 1:.1f}" y="{max(y - 3, 11):.1f}" font-size="11" '
                       f'text-anchor="middle" fill="#222">{escape(number(value))}</text>')
        out.append(f'<text x="{LEFT + (g + 0.5) * group_w:.1f}" y="{TOP + plot_h + 16}" font-size="13" '
                   f'text-anchor="middle" fill="#222">{escape(category)}</text>')
    legend_x = LEFT
    for s, (label, _) in enumerate(series):
        out.append(f'<rect x="{legend_x}" y="{HEIGHT - 22}" width="14" height="14" fill="{_fill(chart_id, s)}" '
                   f'stroke="#333" stroke-width="0.5"/><text x="{legend_x + 20}" y="{HEIGHT - 10}" font-size="13" '
                   f'fill="#222">{escape(label)}</text>')
        legend_x += 40 + 14 * len(label)
    out.append("</svg>")
    return "".join(out)
