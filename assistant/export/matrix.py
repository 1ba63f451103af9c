"""The risk matrix (likelihood x impact with finding counts), for reports and for the chat.

Rows run from very-likely at the top to unlikely at the bottom, as on a heat map; each cell shows
how many findings sit there and the risk level the fixed matrix (docs/RISK.md) gives that cell.
Rejected findings are not counted: a reviewer has ruled them out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from assistant.export.common import live_findings
from assistant.schema import Finding, Impact, Likelihood, risk_level

ROWS: tuple[Likelihood, ...] = tuple(reversed(Likelihood))
COLUMNS: tuple[Impact, ...] = tuple(Impact)
CORNER = "likelihood \\ impact"


def matrix_counts(findings: Iterable[Finding]) -> dict[tuple[Likelihood, Impact], int]:
    """How many findings (rejected ones excluded) fall in each likelihood x impact cell."""
    counts = Counter((f.likelihood, f.impact) for f in live_findings(findings))
    return {(row, col): counts[(row, col)] for row in ROWS for col in COLUMNS}


def risk_matrix_markdown(findings: Iterable[Finding]) -> str:
    """The matrix as a GitHub-flavoured Markdown table (no trailing newline).

    A cell reads `2 (high)`: two findings, in a cell whose risk level is high; non-zero counts
    are bold so they stand out both rendered and in a pager.
    """
    counts = matrix_counts(findings)
    lines = [
        f"| {CORNER} | " + " | ".join(c.value for c in COLUMNS) + " |",
        "|---|" + "---|" * len(COLUMNS),
    ]
    for row in ROWS:
        cells = []
        for col in COLUMNS:
            n = counts[(row, col)]
            number = f"**{n}**" if n else "0"
            cells.append(f"{number} ({risk_level(row, col).value})")
        lines.append(f"| **{row.value}** | " + " | ".join(cells) + " |")
    return "\n".join(lines)
