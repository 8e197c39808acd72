"""Diverging stacked bars for rated statements, drawn as SVG by the templates (no script).

Disagreement runs left of the centre line, agreement right, and the neutral answers straddle
it. Each segment wide enough carries its percentage; the table beside the chart has every figure.
"""

from dataclasses import dataclass

from course.modules.evaluation.models import LIKERT_LABELS

# A colour-blind-safe diverging palette; segment edges are white so neighbours stay apart.
COLOURS = ("#b2182b", "#e48066", "#8c8c8c", "#5e9fd0", "#1f5a99")
TEXT_COLOURS = ("#ffffff", "#1b1b1b", "#ffffff", "#1b1b1b", "#ffffff")


@dataclass
class Segment:
    """One answer's share of a bar."""

    x: float
    width: float
    colour: str
    text_colour: str
    label: str
    percent: str


def _percent(part, whole):
    return f"{round(100 * part / whole)}%"


def diverging_chart(rows, width=720, label_width=60, row_height=34):
    """rows: [(label, [5 counts] or None)]; None draws 'fewer than K' instead of a bar."""
    area = width - label_width - 20
    centre = label_width + area / 2
    bars = []
    for i, (label, counts) in enumerate(rows):
        y = 30 + i * row_height
        if not counts:
            bars.append({"y": y, "label": label, "segments": [], "hidden": True})
            continue
        total = sum(counts)
        shares = [c / total for c in counts]
        start = centre - (shares[0] + shares[1] + shares[2] / 2) * area / 2
        segments, x = [], start
        for value, share in enumerate(shares):
            w = share * area / 2
            if w > 0:
                segments.append(
                    Segment(
                        round(x, 1), round(w, 1), COLOURS[value], TEXT_COLOURS[value],
                        LIKERT_LABELS[value], _percent(counts[value], total),
                    )
                )  # fmt: skip
            x += w
        bars.append({"y": y, "label": label, "segments": segments, "hidden": False})
    summary = "; ".join(
        f"{label}: "
        + (
            ", ".join(
                f"{LIKERT_LABELS[v]} {_percent(c, sum(counts))}" for v, c in enumerate(counts)
            )
            if counts
            else "too few answers to show"
        )
        for label, counts in rows
    )
    return {
        "width": width,
        "height": 40 + len(rows) * row_height,
        "label_width": label_width,
        "centre": round(centre, 1),
        "row_height": row_height,
        "bars": bars,
        "legend": list(zip(COLOURS, LIKERT_LABELS, strict=True)),
        "summary": summary + ".",
    }


def share_chart(rows, width=720, label_width=330, row_height=26):
    """Horizontal bars for shares (0 to 1): rows [(label, share)]; each bar carries its percent."""
    area = width - label_width - 60
    bars = []
    for i, (label, share) in enumerate(rows):
        y = 10 + i * row_height
        bars.append(
            {
                "y": y,
                "label": label if len(label) <= 48 else label[:46] + "…",
                "width": round(max(0.0, min(1.0, share)) * area, 1),
                "percent": _percent(share, 1),
            }
        )
    return {
        "width": width,
        "height": 20 + len(rows) * row_height,
        "label_width": label_width,
        "row_height": row_height,
        "bars": bars,
        "summary": "; ".join(f"{label}: {_percent(share, 1)}" for label, share in rows) + ".",
    }
