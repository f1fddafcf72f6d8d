"""Small inline SVG charts for the dashboard (no JavaScript, no external assets)."""

from __future__ import annotations

from html import escape

COLOURS = ("#0b6e4f", "#2e90fa", "#f79009", "#b42318", "#7a5af8", "#12b76a", "#667085", "#dd2590")


def bars(items: list[tuple[str, int]], *, width: int = 520, row: int = 24) -> str:
    """Horizontal bars, one per label."""
    if not items:
        return "<p class='muted'>—</p>"
    top = max(value for _, value in items) or 1
    label_width = 190
    height = row * len(items) + 4
    parts = [
        f'<svg role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'style="max-width:100%">'
    ]
    for index, (label, value) in enumerate(items):
        y = index * row + 2
        length = int((width - label_width - 40) * value / top)
        colour = COLOURS[index % len(COLOURS)]
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="13">{escape(label[:28])}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="{row - 8}" '
            f'fill="{colour}" rx="3"/>'
            f'<text x="{label_width + length + 6}" y="{y + 16}" font-size="13">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def columns(items: list[tuple[str, int]], *, width: int = 520, height: int = 180) -> str:
    """Vertical columns over time (labels under each)."""
    if not items:
        return "<p class='muted'>—</p>"
    top = max(value for _, value in items) or 1
    slot = width / len(items)
    every = max(1, -(-len(items) // 10))  # at most ten labels under the columns
    parts = [
        f'<svg role="img" viewBox="0 -18 {width} {height + 54}" width="{width}" '
        f'height="{height + 54}" style="max-width:100%">'
    ]
    tallest = next((i for i, (_, value) in enumerate(items) if value == top), -1)
    for index, (label, value) in enumerate(items):
        bar = int((height - 10) * value / top)
        x = index * slot + slot * 0.15
        parts.append(
            f'<rect x="{x:.0f}" y="{height - bar}" width="{slot * 0.7:.0f}" height="{bar}" '
            f'fill="#0b6e4f" rx="3"><title>{escape(label)}: {value}</title></rect>'
            # many columns: the values would overlap, so only the tallest is written
            + (
                f'<text x="{x:.0f}" y="{height - bar - 4}" font-size="12">{value}</text>'
                if every == 1 or index == tallest
                else ""
            )
            + (
                f'<text x="{x:.0f}" y="{height + 18}" font-size="11">{escape(label)}</text>'
                if index % every == 0
                else ""
            )
        )
    parts.append("</svg>")
    return "".join(parts)


def labelled_bars(
    items: list[tuple[str, float, str]],
    *,
    width: int = 520,
    row: int = 24,
    top: float | None = None,
) -> str:
    """Horizontal bars whose value is shown as written (a percentage, ₹, a score)."""
    if not items:
        return "<p class='muted'>—</p>"
    top = top or max(value for _, value, _ in items) or 1
    label_width = 230
    height = row * len(items) + 4
    parts = [
        f'<svg role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'style="max-width:100%">'
    ]
    for index, (label, value, shown) in enumerate(items):
        y = index * row + 2
        length = max(1, int((width - label_width - 100) * value / top)) if value else 0
        parts.append(
            f"<title>{escape(label)}: {escape(shown)}</title>"
            f'<text x="0" y="{y + 16}" font-size="13">{escape(_short(label))}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="{row - 8}" '
            f'fill="{COLOURS[index % len(COLOURS)]}" rx="3"/>'
            f'<text x="{label_width + length + 6}" y="{y + 16}" font-size="13">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def funnel(items: list[tuple[str, int, int]], *, width: int = 520, row: int = 30) -> str:
    """A form's funnel: per question, the citizens who reached it (green) and, inside that
    bar, those who left there (red)."""
    if not items:
        return "<p class='muted'>—</p>"
    top = max(reached for _, reached, _ in items) or 1
    label_width = 200
    span = width - label_width - 90
    height = row * len(items) + 4
    parts = [
        f'<svg role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'style="max-width:100%">'
    ]
    for index, (label, reached, left) in enumerate(items):
        y = index * row + 2
        bar = max(1, int(span * reached / top)) if reached else 0
        gone = int(span * left / top)
        parts.append(
            f'<text x="0" y="{y + 18}" font-size="13">{escape(_short(label))}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{bar}" height="{row - 10}" '
            'fill="#0b6e4f" rx="3"/>'
            f'<rect x="{label_width + bar - gone}" y="{y + 4}" width="{gone}" height="{row - 10}" '
            'fill="#b42318" rx="3"/>'
            f'<text x="{label_width + bar + 6}" y="{y + 18}" font-size="13">{reached} / −{left}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
