"""Plain-text and JSON renderings for the CLI (validation results, catalogue overview, schema)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import DecisionStepEntry, LayerEntry, ThreatEntry
from assistant.safe_text import clean
from assistant.schema import SCHEMA_PATH, Issue, Outcome, ThreatModel, Verdict


def threat_model_schema_text() -> str:
    """The JSON Schema of a threat-model file, as committed in docs/schema/."""
    # Serialization mode: the schema describes files as written, computed `risk` included.
    schema = ThreatModel.model_json_schema(by_alias=True, mode="serialization")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_PATH,
        **schema,
    }
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"


def validation_report(
    file: Path, cat: Catalogue, verdicts: list[Verdict], model_issues: list[Issue]
) -> dict[str, Any]:
    """The JSON shape printed by `maestro-tm validate --json`."""
    counts = Counter(v.outcome.value for v in verdicts)
    rejected = counts[Outcome.REJECTED.value] > 0 or any(
        i.severity == "error" for i in model_issues
    )
    return {
        "file": str(file),
        "catalogue_version": cat.version,
        "outcome": "rejected" if rejected else "accepted",
        "counts": {o.value: counts[o.value] for o in Outcome},
        "verdicts": [v.model_dump(mode="json") for v in verdicts],
        "model_issues": [i.model_dump(mode="json") for i in model_issues],
    }


def validation_text(report: dict[str, Any]) -> str:
    """Human-readable rendering of a validation report: one block per finding."""
    lines = []
    for v in report["verdicts"]:
        lines.append(f"{v['finding_id']}: {v['outcome']}")
        lines.extend(f"  {i['severity']}: {i['code']}: {i['message']}" for i in v["issues"])
    for i in report["model_issues"]:
        lines.append(f"model: {i['severity']}: {i['code']}: {i['message']}")
    c = report["counts"]
    lines.append(
        f"{report['file']}: {report['outcome']} ({c['accepted']} accepted, "
        f"{c['accepted-with-warnings']} with warnings, {c['rejected']} rejected; "
        f"catalogue {report['catalogue_version']})"
    )
    # Ids and messages quote the file being validated: no control sequence reaches the terminal.
    return clean("\n".join(lines))


def overview_text(cat: Catalogue) -> str:
    """A one-screen tour of the catalogue: layers, threat counts, decision path."""
    threats = cat.of_type(ThreatEntry)
    lines = [f"MAESTRO Assistant catalogue {cat.version} ({len(cat)} entries, offline)", ""]
    lines.append("Layers (threats allowed at each):")
    for layer in cat.of_type(LayerEntry):
        here = [t for t in threats if layer.layers[0] in t.layers]
        core = sorted((t.id for t in here if t.family.value == "core"), key=lambda i: int(i[1:]))
        lines.append(
            f"  {layer.id:<3} {layer.name:<30} {len(here):>3} threats  core: {' '.join(core) or '-'}"
        )
    lines.append("")
    lines.append("Decision path (each yes brings its threats into scope):")
    for step in cat.of_type(DecisionStepEntry):
        lines.append(f"  {step.step}. {step.question}  -> {' '.join(step.threats)}")
    families = Counter(t.family.value for t in threats)
    lines.append("")
    lines.append("Threats by family: " + ", ".join(f"{n} {f}" for f, n in families.items()))
    lines.append("")
    lines.append(
        "Next: `maestro-tm catalogue show T6`, `maestro-tm validate docs/examples/rpa-threat-model.json`"
    )
    return "\n".join(lines)
