"""What the senior managers' figures may show, so that nobody who raised a barrier stands out.

Every published figure is a count of distinct people (a barrier logged aloud, without a name,
is one person) for one cell: a theme, or a theme in one stage of the programme. Three rules
keep a count under K from being shown or worked out:

1. A cell under K shows as "fewer than K", whatever its value, zero included.
2. A figure moves only in steps of at least K: after a release, a cell shows its new count only
   if that is at least K more than what it showed before, otherwise it keeps its old figure. So
   comparing the page before and after a release never isolates fewer than K people. (A shown
   figure can therefore be up to K - 1 below the exact count.)
3. A theme's stage breakdown is shown only when the stage figures it shows add up to at least
   the theme's figure, and none of them is above it. Then the theme's figure minus the shown
   stages is zero or less, so a hidden stage cannot be bounded from below by subtraction, and no
   stage tells more about the theme's count than its own figure does. Otherwise the whole
   breakdown of that theme is withheld, its large cells too, and withheld cells say nothing
   about their size.

Filters only choose which of these figures to display: a figure is computed once, the same under
every filter and in every export, so no filter or combination of them gives a new number.

This module is pure: it works on counts already aggregated by overview.py.
"""

from dataclasses import dataclass, field
from datetime import datetime

from course.modules.barriers.themes import STAGES, Theme

SHOWN, FEWER, WITHHELD = "shown", "fewer", "withheld"


@dataclass(frozen=True)
class Figure:
    """One published figure: a count, 'fewer than K', or withheld."""

    state: str
    count: int | None = None

    @property
    def shown(self):
        """Whether the figure is a number."""
        return self.state == SHOWN

    def as_text(self, k):
        """'12', 'fewer than 5' or 'withheld'."""
        if self.state == SHOWN:
            return str(self.count)
        return f"fewer than {k}" if self.state == FEWER else "withheld"


FEWER_FIGURE = Figure(FEWER)
WITHHELD_FIGURE = Figure(WITHHELD)


def shown(count):
    """A figure showing a count."""
    return Figure(SHOWN, count)


def stepped_counts(new_per_release, k):
    """The published count after each release, given how many new people each release added.

    None until the cumulative count reaches k; after that it moves only by k or more.
    """
    published, cumulative, history = None, 0, []
    for added in new_per_release:
        cumulative += added
        if cumulative >= (k if published is None else published + k):
            published = cumulative
        history.append(published)
    return history


def _latest(history):
    """The count published after the last release, or None."""
    return history[-1] if history else None


def _figure(count):
    """A stepped count as a Figure: None is 'fewer than K'."""
    return FEWER_FIGURE if count is None else shown(count)


@dataclass(frozen=True)
class ThemeFigures:
    """Everything published about one theme."""

    theme: Theme
    total: Figure
    stages: dict  # stage number -> Figure
    history: list  # one Figure per release, oldest first
    last_step_at: datetime | None  # the release at which the total last moved

    @property
    def breakdown_withheld(self):
        """Whether the stage breakdown is withheld for this theme."""
        return any(f.state == WITHHELD for f in self.stages.values())


def theme_figures(theme, releases, new_in_theme, new_in_stage, k):
    """Publish one theme's figures from the new people each release added (rules 1 to 3).

    new_in_theme: {release: count}; new_in_stage: {(stage, release): count}.
    """
    history = stepped_counts([new_in_theme.get(r, 0) for r in releases], k)
    total = _latest(history)
    stage_counts = {
        stage: _latest(stepped_counts([new_in_stage.get((stage, r), 0) for r in releases], k))
        for stage in STAGES
    }
    shown = [c for c in stage_counts.values() if c is not None]
    # A stage shown above the theme's (stepped, so possibly stale) total would bound the total
    # from below, and with it what the last release added: withhold the breakdown then too.
    if total is not None and (sum(shown) < total or max(shown, default=0) > total):
        stages = {stage: WITHHELD_FIGURE for stage in STAGES}
    else:
        stages = {stage: _figure(count) for stage, count in stage_counts.items()}
    last_step_at, previous = None, None
    for release, count in zip(releases, history, strict=True):
        if count != previous:
            last_step_at, previous = release, count
    return ThemeFigures(
        theme=theme,
        total=_figure(total),
        stages=stages,
        history=[_figure(c) for c in history],
        last_step_at=last_step_at,
    )


def _rank_key(figure, theme):
    """Shown figures, largest first; every other theme after them in the taxonomy's order."""
    return (0, -figure.count, theme.position) if figure.shown else (1, 0, theme.position)


@dataclass
class Overview:
    """The senior managers' figures under one choice of filters."""

    k: int
    releases: list
    themes: list  # ThemeFigures for every theme, in taxonomy order
    stage: int | None = None
    theme: Theme | None = None
    rows: list = field(init=False)

    def __post_init__(self):
        rows = [t for t in self.themes if self.theme is None or t.theme == self.theme]
        self.rows = sorted(rows, key=lambda t: _rank_key(self.ranking_figure(t), t.theme))

    def ranking_figure(self, row):
        """The figure the rows are ranked by: the stage's, or the theme's over all sessions."""
        return row.stages[self.stage] if self.stage else row.total

    @property
    def shows_history(self):
        """The figures over time belong to the whole programme, not to one stage."""
        return self.stage is None

    def figures(self):
        """(key, Figure) for every figure displayed under these filters, for pages and exports."""
        for row in self.rows:
            if self.stage is None:
                yield ("total", row.theme.value, None, None), row.total
            for stage, figure in row.stages.items():
                if self.stage in (None, stage):
                    yield ("stage", row.theme.value, stage, None), figure
            if self.shows_history:
                for release, figure in zip(self.releases, row.history, strict=True):
                    yield ("history", row.theme.value, None, release), figure


def suppressed_theme_counts(releases, new_in_theme, new_in_stage, k, stage=None, theme=None):
    """The overview for one choice of filters, from the counts overview.py aggregates.

    new_in_theme: {(theme, release): new people}; new_in_stage: {(theme, stage, release): ...}.
    """
    themes = [
        theme_figures(
            t,
            releases,
            {r: n for (th, r), n in new_in_theme.items() if th == t},
            {(s, r): n for (th, s, r), n in new_in_stage.items() if th == t},
            k,
        )
        for t in Theme
    ]
    return Overview(k=k, releases=list(releases), themes=themes, stage=stage, theme=theme)
