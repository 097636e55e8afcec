"""Printing a large listing as a table: the display-width measure and the table itself, on a pipe and a terminal.

    python benchmarks/tables.py                 # 200,000 rows like the demands of a million triples
    python benchmarks/tables.py --rows 20000 --repeat 5

The rows are made here (ids, ASCII labels, a Chinese label on every tenth row), so that what is
timed is the renderer alone, not a lookup. Printed: the median seconds of ``width`` over every
cell, of the per-character count ``width`` falls back to for non-ASCII text (what every cell cost
before its ASCII fast path), and of ``to_table`` with fixed widths (a pipe) and fitted to a
120-column terminal. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from scograph.render import char_width, field, to_table, width


def rows(count: int) -> list[dict]:
    random.seed(7)
    words = ["security", "cooperation", "SCO", "Afghanistan", "trade", "transport", "energy", "the", "of", "and"]
    made = []
    for n in range(count):
        label = " ".join(random.choice(words) for _ in range(random.randint(4, 14)))
        if n % 10 == 0:
            label = "迫切需要落实塔方提出的在杜尚别设立上合组织禁毒中心的建议"
        made.append({"id": f"exp-synth-{n:07d}", "country": "TJ", "domain": "security", "label": label,
                     "date": "2019-04-26"})
    return made


def median_seconds(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    records = rows(options.rows)
    columns = [field("id"), field("country", max_width=12), field("domain"), field("label", max_width=60, flex=True),
               field("date")]
    cells = [str(record[c.header]) for record in records for c in columns]
    figures = {
        "width, every cell": lambda: [width(cell) for cell in cells],
        "per-character count, every cell": lambda: [sum(map(char_width, cell)) for cell in cells],
        "to_table, pipe (fixed widths)": lambda: to_table(records, columns),
        "to_table, 120-column terminal": lambda: to_table(records, columns, terminal=120),
    }
    print(f"{options.rows:,} rows, {len(cells):,} cells, median of {options.repeat}:")
    for name, work in figures.items():
        print(f"  {name:<34} {median_seconds(work, options.repeat):.3f} s")


if __name__ == "__main__":
    main()
