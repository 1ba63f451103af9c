"""CSV export: one row per finding, for spreadsheet review and issue-tracker import."""

from __future__ import annotations

import csv
import io

from assistant.export.common import canonical_id, ordered_findings, threat_name
from assistant.export.escape import csv_cell
from assistant.knowledge import Catalogue
from assistant.schema import Finding, ThreatModel

COLUMNS: tuple[str, ...] = (
    "id",
    "layer",
    "threat_id",
    "threat_name",
    "title",
    "risk",
    "likelihood",
    "impact",
    "status",
    "components",
    "mitigations",
    "reviewer_note",
    "question",
    "scenario",
    # Last, so spreadsheets built on the earlier columns keep working.
    "variants",
)


def _row(f: Finding, cat: Catalogue) -> list[str]:
    mitigations = []
    for m in f.mitigations:
        entry = cat.mitigation(m.id)
        mitigations.append(f"{entry.id} {entry.name}" if entry else m.id)
    return [
        f.id,
        f.layer.value,
        canonical_id(cat, f.threat_id),
        threat_name(cat, f.threat_id) or "",
        f.title,
        f.risk.value,
        f.likelihood.value,
        f.impact.value,
        f.status.value,
        "; ".join(f.components),
        "; ".join(mitigations),
        f.reviewer_note,
        f.question,
        f.scenario,
        "; ".join(f.variants),
    ]


def csv_document(model: ThreatModel, cat: Catalogue) -> str:
    """The findings as CSV text: a header row, then one row per finding in report order.

    Every cell goes through `escape.csv_cell` (formula injection neutralised); fields are quoted
    only where needed and lines end in LF.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in ordered_findings(model.findings):
        writer.writerow([csv_cell(cell) for cell in _row(f, cat)])
    return out.getvalue()
