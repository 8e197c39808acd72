"""Time the renderer on every pathological shape at every stored field's longest: `make bench`.

Prints the slowest shapes and fails (exit 1) if any text takes longer than BUDGET to render:
a generous bound, far above the linear renderer's times and far below the minutes that
Python-Markdown took on some of these shapes.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2]))
sys.path.insert(0, str(Path(__file__).parents[1]))

from text_shapes import FIELD_LIMITS, shapes  # noqa: E402

from course.text import plain_excerpt, render_markdown  # noqa: E402

BUDGET = 1.0  # seconds for one text, render and excerpt together
ROUNDS = 3


def best_of(function, source):
    """The fastest of a few runs, in seconds of this process's CPU: the machine is shared."""
    times = []
    for _ in range(ROUNDS):
        start = time.process_time()
        function(source)
        times.append(time.process_time() - start)
    return min(times)


def main():
    """Time every shape at every limit; print the slowest; fail over budget."""
    rows = []
    for limit in sorted(set(FIELD_LIMITS.values())):
        for name, source in shapes(limit).items():
            rows.append(
                (best_of(render_markdown, source), best_of(plain_excerpt, source), limit, name)
            )
    rows.sort(reverse=True)
    print(f"{'shape':<28}{'length':>8}{'render ms':>11}{'excerpt ms':>12}")
    for render, excerpt, limit, name in rows[:15]:
        print(f"{name:<28}{limit:>8}{render * 1000:>11.1f}{excerpt * 1000:>12.2f}")
    median = sorted(r[0] for r in rows if r[2] == max(FIELD_LIMITS.values()))
    print(
        f"median render at {max(FIELD_LIMITS.values()):,}: {median[len(median) // 2] * 1000:.1f} ms"
    )
    over = [r for r in rows if r[0] + r[1] > BUDGET]
    for render, excerpt, limit, name in over:
        print(f"OVER BUDGET: {name} at {limit}: {render + excerpt:.2f} s")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
