"""`reportgen new`: a small project with two audiences and one override, which builds as it is."""

from __future__ import annotations

from pathlib import Path

from .errors import ReportgenError

FILES: dict[str, str] = {
    "content/report.yaml": """\
title: Quarterly review
subtitle: What happened, what it means, what we do next
date: 2026-01-15
organisation: Example Ltd
authors: [Strategy team]
language: en
keywords: [review, sales]
output_name: quarterly-review
audiences: [board, team]
key_figures: [sales.q4, sales.growth]
sources:
  - id: ledger
    title: Sales ledger, fourth quarter
    publisher: Example Ltd finance
    date: 2026-01-10
""",
    "content/data/sales.csv": """\
key,label,year,value,unit,source,qualifier,derived,note
q1,Q1,2025,120,USD thousand,ledger,,,
q2,Q2,2025,135,USD thousand,ledger,,,
q3,Q3,2025,150,USD thousand,ledger,,,
q4,Q4,2025,180,USD thousand,ledger,,,
growth,Growth Q4 on Q3,2025,,%,ledger,,round((q4 / q3 - 1) * 100),derived from the quarterly figures
""",
    "content/data/by_region.csv": """\
quarter,north,south
Q1,70,50
Q2,75,60
Q3,80,70
Q4,95,85
""",
    "content/data/by_region.yaml": """\
# Describes by_region.csv beside it: a table whose first column is the category and whose
# other columns are series. An empty cell is a gap, not a zero.
title: Sales by region
source: ledger
unit: USD thousand
category: Quarter
columns:
  north: {label: North}
  south: {label: South}
""",
    "content/sections/01-overview.md": """\
---
title: Overview
order: 10
tags: [summary]
summary: Sales rose every quarter and reached {{ data.sales.q4.text }} in Q4.
slide_title: Sales grew every quarter, to {{ data.sales.q4.text }} in Q4
key_points:
  - "Q4 sales: {{ data.sales.q4.text }}"
  - "Up {{ data.sales.growth.text }} on Q3"
---

Sales grew in each quarter of the year and closed at {{ data.sales.q4.text }}
in the fourth, {{ data.sales.growth.text }} more than in the third.[^ledger]

::: audience board
The board is asked to {{ audience.variables.ask }}.
:::

[^ledger]: Example Ltd finance, sales ledger, 10 January 2026.
""",
    "content/sections/02-sales.md": """\
---
title: Sales by quarter
order: 20
tags: [numbers]
summary: Each quarter beat the one before.
slide_title: Each quarter beat the one before
key_points:
  - "Q1 {{ data.sales.q1.text }}, Q4 {{ data.sales.q4.text }}"
  - Growth accelerated in the second half
---

::: chart
data: sales
keys: [q1, q2, q3, q4]
type: column
title: Sales rose every quarter
:::

::: table
data: sales
keys: [q1, q2, q3, q4]
columns: [label, year, value]
title: Sales by quarter
:::

The south grew faster than the north: {{ data.by_region.south["Q4"].text }} in Q4
against {{ data.by_region.south["Q1"].text }} in Q1.

::: chart
data: by_region
type: column
stack: stacked
title: Both regions grew; the south faster
:::

::: callout What next
Keep the Q4 pace through the first half of the year.
:::
""",
    "content/audiences/board.yaml": """\
title: Board
purpose: The decisions the board is asked to take
sections:
  - {tag: summary, depth: full}
  - {tag: numbers, depth: key_points}
deck:
  max_slides: 6
theme:
  accent: "#5B2A86"
variables:
  ask: approve the plan for the next two quarters
""",
    "content/audiences/team.yaml": """\
title: Sales team
purpose: The full picture, quarter by quarter
sections:
  - {tag: "*", depth: full}
deck:
  max_slides: 10
theme:
  accent: "#0B6E4F"
""",
    "templates/board/audience.css": """\
/* An override for the board only: any file here replaces the same-named built-in one.
   audience.css is added after the built-in briefing.css, so a few rules are enough. */
.cover-title { font-size: 40pt; }
""",
    "README.md": """\
# Quarterly review

Build every audience's PDF and deck with `reportgen build`; see `reportgen list` for what each
audience gets. Edit `content/`; override templates per audience in `templates/<audience>/`.
""",
}


def scaffold(target: str | Path) -> Path:
    """Write a new project into *target* (which must not exist or be empty); return it."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ReportgenError("folder exists and is not empty; choose a new folder", target)
    try:
        for name, text in FILES.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        (target / ".gitignore").write_text("build/\n", encoding="utf-8")
    except OSError as error:
        raise ReportgenError(f"cannot write: {error.strerror}", error.filename or target) from None
    return target
