"""Geometry of the overview's two charts, drawn as SVG by the templates (no script, no style)."""

from dataclasses import dataclass

from course.timeutil import format_short_date

# Okabe-Ito hues darkened to at least 3:1 against white; dashes tell the second round apart.
PALETTE = [
    ("#0072b2", ""), ("#c24f00", ""), ("#007a5a", ""), ("#b0558b", ""), ("#8a5d00", ""),
    ("#5e4fa2", ""), ("#1b1b1b", ""), ("#0072b2", "6 3"), ("#c24f00", "6 3"),
    ("#007a5a", "6 3"), ("#b0558b", "6 3"), ("#8a5d00", "6 3"), ("#5e4fa2", "6 3"),
]  # fmt: skip


@dataclass
class Bar:
    """One theme's row in the ranking chart."""

    y: float
    label: str
    text: str
    width: float
    shown: bool


def _people(n):
    """'1 person', '7 people'."""
    return f"{n} {'person' if n == 1 else 'people'}"


def ranking_chart(overview, width=720, label_width=350, row_height=28):
    """Horizontal bars for the themes, in the overview's order; hidden figures get no bar."""
    k = overview.k
    figures = [(row.theme, overview.ranking_figure(row)) for row in overview.rows]
    largest = max((f.count for _, f in figures if f.shown), default=0)
    area = width - label_width - 90
    bars = [
        Bar(
            y=10 + i * row_height,
            label=theme.label,
            text=_people(f.count) if f.shown else f.as_text(k),
            width=round(area * f.count / largest, 1) if f.shown else 0,
            shown=f.shown,
        )
        for i, (theme, f) in enumerate(figures)
    ]
    parts = [f"{theme.label}: {f.as_text(k)}" for theme, f in figures]
    return {
        "width": width,
        "height": 20 + len(bars) * row_height,
        "label_width": label_width,
        "row_height": row_height,
        "bars": bars,
        "summary": "; ".join(parts) + ".",
    }


@dataclass
class PhoneBar:
    """One theme in the phone chart: its name on a line or two, then its bar and figure."""

    label_lines: list
    label_y: float
    bar_y: float
    text: str
    width: float
    shown: bool


def _wrap(text, limit):
    """The words of text in lines of at most limit characters (a longer word stands alone)."""
    lines = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


# The phone chart is drawn 320 wide and shown at the screen's width (about 290 to 360 pixels
# on phones of 320 to 390), so its 15-unit text shows at 13.5 to 17 pixels.
PHONE_WIDTH, PHONE_FONT, PHONE_LINE, PHONE_BAR, PHONE_GAP = 320, 15, 18, 18, 14
PHONE_LABEL_CHARS = 34  # about 300 units of 15-unit text
PHONE_FIGURE_ROOM = 100  # "fewer than 5", "12 people" after the bar


def phone_ranking_chart(overview):
    """The ranking for a phone: each theme's name above its bar, in large type."""
    k = overview.k
    figures = [(row.theme, overview.ranking_figure(row)) for row in overview.rows]
    largest = max((f.count for _, f in figures if f.shown), default=0)
    area = PHONE_WIDTH - PHONE_FIGURE_ROOM
    bars, y = [], 4
    for theme, f in figures:
        lines = _wrap(theme.label, PHONE_LABEL_CHARS)
        label_y = y + PHONE_FONT
        bar_y = y + len(lines) * PHONE_LINE + 4
        bars.append(
            PhoneBar(
                label_lines=[(label_y + i * PHONE_LINE, line) for i, line in enumerate(lines)],
                label_y=label_y,
                bar_y=bar_y,
                text=_people(f.count) if f.shown else f.as_text(k),
                width=round(area * f.count / largest, 1) if f.shown else 0,
                shown=f.shown,
            )
        )
        y = bar_y + PHONE_BAR + PHONE_GAP
    return {
        "width": PHONE_WIDTH,
        "height": y,
        "font": PHONE_FONT,
        "bar_height": PHONE_BAR,
        "bars": bars,
        "summary": "; ".join(f"{theme.label}: {f.as_text(k)}" for theme, f in figures) + ".",
    }


def _nice_ceiling(value, step=5):
    """The top of the scale: the next multiple of step at or above value."""
    return max(step, -(-value // step) * step)


def history_chart(overview, width=720, plot_height=260):
    """Lines of each theme's published figure after each release; hidden points are left out.
    A legend under the plot names each line."""
    left, right, top = 44, 30, 16
    releases = overview.releases
    plot_w = width - left - right
    largest = _nice_ceiling(
        max((f.count for row in overview.rows for f in row.history if f.shown), default=0)
    )

    def x_at(i):
        """Where release i sits across the plot."""
        if len(releases) == 1:
            return round(left + plot_w / 2, 1)
        return round(left + plot_w * i / (len(releases) - 1), 1)

    def y_at(count):
        """Where a count sits up the plot."""
        return round(top + plot_height - plot_height * count / largest, 1)

    lines = []
    for row in overview.rows:
        points = [(x_at(i), y_at(f.count)) for i, f in enumerate(row.history) if f.shown]
        if points:
            colour, dash = PALETTE[row.theme.position % len(PALETTE)]
            n = len(lines)
            lines.append(
                {
                    "label": f"{row.theme.label} ({row.history[-1].count})",
                    "colour": colour,
                    "dash": dash,
                    "points": _steps(points),
                    "dots": points,
                    "key_x": left,
                    "key_y": top + plot_height + 48 + n * 20,
                }
            )
    summary = "; ".join(line["label"] for line in lines)
    return {
        "width": width,
        "height": top + plot_height + 48 + len(lines) * 20,
        "left": left,
        "bottom_y": top + plot_height,
        "right_x": left + plot_w,
        "lines": lines,
        "ticks": [(y_at(v), v) for v in range(0, largest + 1, max(1, largest // 5))],
        "axis": [
            (x_at(i), format_short_date(r), _anchor(i, len(releases)))
            for i, r in enumerate(releases)
        ],
        "summary": (
            f"People who had raised each theme, after each release; latest figures: {summary}."
            if lines
            else "No theme has reached a figure that can be shown."
        ),
    }


def _steps(points):
    """A figure holds until the next release: draw flat, then up, at each release."""
    path = [points[0]]
    for x, y in points[1:]:
        path += [(x, path[-1][1]), (x, y)]
    return " ".join(f"{x},{y}" for x, y in path)


def _anchor(i, count):
    """Keep the first and last date labels inside the chart."""
    if count > 1 and i == 0:
        return "start"
    return "end" if count > 1 and i == count - 1 else "middle"
