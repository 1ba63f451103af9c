"""SARIF 2.1.0: a threat model as code-scanning results, for CI and code-hosting dashboards.

One rule per catalogue threat the model cites (its name, summary and description as help, its
crosswalks as tags) and one result per finding, with a level from the finding's risk. Findings
point at the file that grounds them: a system file line (`maestro.yaml:12`) or an MCP config
value (`.mcp.json:5#/mcpServers/docs/url`, whose JSON pointer becomes a logical location). A
finding reviewed as `accepted` or `rejected` carries a suppression, so a dashboard shows it as
decided rather than open. Output validates against the official OASIS schema (tests check it).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from assistant.export.common import canonical_id, ordered_findings
from assistant.schema import EvidenceKind, FindingStatus, RiskLevel

if TYPE_CHECKING:
    from assistant.knowledge import Catalogue
    from assistant.knowledge.model import ThreatEntry
    from assistant.schema import Evidence, Finding, ThreatModel

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# critical and high block a merge in most dashboards (error); medium warns; low is a note.
LEVELS = {
    RiskLevel.CRITICAL: "error",
    RiskLevel.HIGH: "error",
    RiskLevel.MEDIUM: "warning",
    RiskLevel.LOW: "note",
}
# GitHub code scanning reads a CVSS-like number from `security-severity` to rank alerts.
SECURITY_SEVERITY = {
    RiskLevel.CRITICAL: "9.5",
    RiskLevel.HIGH: "8.0",
    RiskLevel.MEDIUM: "5.5",
    RiskLevel.LOW: "3.0",
}
_DECIDED = {
    FindingStatus.ACCEPTED: "accepted in review: the threat applies and is being handled",
    FindingStatus.REJECTED: "rejected in review: the threat does not apply to this system",
}
# `file`, `file:12`, `file#/json/pointer` or `file:12#/json/pointer`.
_LOCATION = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+))?(?:#(?P<pointer>/.*))?$")


def sarif_document(model: ThreatModel, cat: Catalogue) -> dict[str, Any]:
    """The SARIF log of `model`: one run, rules first seen first, results in report order."""
    findings = ordered_findings(model.findings)
    rule_ids: list[str] = []
    for f in findings:
        cid = canonical_id(cat, f.threat_id)
        if cid not in rule_ids:
            rule_ids.append(cid)
    rules = [
        _rule(cid, cat, [f for f in findings if canonical_id(cat, f.threat_id) == cid])
        for cid in rule_ids
    ]
    results = [_result(f, rule_ids.index(canonical_id(cat, f.threat_id)), cat) for f in findings]
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "maestro-tm",
                        "fullName": "MAESTRO Assistant threat model",
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"maestro-tm/{model.id}"},
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {
                    "threatModelId": model.id,
                    "title": model.title,
                    "catalogueVersion": model.catalogue_version,
                    "created": model.created.isoformat(),
                },
            }
        ],
    }


def _rule(cid: str, cat: Catalogue, findings: list[Finding]) -> dict[str, Any]:
    entry = cat.threat(cid)
    worst = max((f.risk for f in findings), key=list(RiskLevel).index)
    rule: dict[str, Any] = {
        "id": cid,
        "name": _pascal(entry.name if entry else cid),
        "shortDescription": {"text": entry.name if entry else cid},
        "defaultConfiguration": {"level": LEVELS[worst]},
        "properties": {
            "tags": _tags(entry, findings),
            "security-severity": SECURITY_SEVERITY[worst],
            "precision": "medium",
            "problem.severity": "error" if LEVELS[worst] == "error" else "warning",
        },
    }
    if entry is not None:
        rule["fullDescription"] = {"text": entry.summary}
        rule["help"] = _help(entry, cat)
    return rule


def _help(entry: ThreatEntry, cat: Catalogue) -> dict[str, str]:
    mitigations = [cat.get(m) for m in entry.mitigations]
    named = [f"{m.id} {m.name}" for m in mitigations if m is not None]
    text = entry.description or entry.summary
    if named:
        text += "\n\nMitigations: " + "; ".join(named) + "."
    return {"text": text}


def _tags(entry: ThreatEntry | None, findings: list[Finding]) -> list[str]:
    tags = ["security", "threat-model", "maestro"]
    tags += sorted({f"maestro-layer:{f.layer.value}" for f in findings})
    if entry is not None:
        tags += [*entry.asi_top10, *entry.llm_top10, *entry.cwe]
        tags += [f"stride:{s}" for s in entry.stride]
    return list(dict.fromkeys(tags))


def _result(f: Finding, index: int, cat: Catalogue) -> dict[str, Any]:
    cid = canonical_id(cat, f.threat_id)
    result: dict[str, Any] = {
        "ruleId": cid,
        "ruleIndex": index,
        "level": LEVELS[f.risk],
        "message": {
            "text": f"{_plain(f.title)} ({f.layer.value}, risk {f.risk.value}). {_plain(f.scenario)}"
        },
        "partialFingerprints": {"maestroFinding/v1": _fingerprint(cid, f)},
        "properties": {
            "findingId": f.id,
            "layer": f.layer.value,
            "risk": f.risk.value,
            "likelihood": f.likelihood.value,
            "impact": f.impact.value,
            "reviewStatus": f.status.value,
            "components": list(f.components),
            "variants": list(f.variants),
        },
    }
    locations = [loc for e in f.grounding if (loc := _location(e)) is not None]
    if locations:
        result["locations"] = locations[:1]
        if len(locations) > 1:
            result["relatedLocations"] = [
                {"id": i, **loc} for i, loc in enumerate(locations[1:], 1)
            ]
    if f.status in _DECIDED:
        justification = _DECIDED[f.status] + (f"; {f.reviewer_note}" if f.reviewer_note else "")
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": _plain(justification)}
        ]
    return result


def _location(evidence: Evidence) -> dict[str, Any] | None:
    """A SARIF location for file evidence; None for quotes, answers and assumptions."""
    if evidence.kind != EvidenceKind.FILE:
        return None
    match = _LOCATION.match(evidence.location)
    if match is None:  # pragma: no cover - the pattern matches any non-empty text
        return None
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": quote(match["file"].replace("\\", "/"), safe="/~:._-")}
    }
    if match["line"] and int(match["line"]) > 0:
        physical["region"] = {"startLine": int(match["line"])}
    location: dict[str, Any] = {"physicalLocation": physical}
    if match["pointer"]:
        location["logicalLocations"] = [{"fullyQualifiedName": match["pointer"], "kind": "value"}]
    if evidence.quote:
        location["message"] = {"text": _plain(evidence.quote)}
    return location


def _fingerprint(cid: str, f: Finding) -> str:
    """Stable across runs: the same (threat, layer, components) key `diff` matches on."""
    key = "|".join([cid, f.layer.value, *sorted(f.components)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _pascal(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", name)) or "Threat"


def _plain(text: str) -> str:
    """One line of plain text (dashboards render messages as text or Markdown)."""
    return " ".join(text.split())


def sarif_json(model: ThreatModel, cat: Catalogue) -> str:
    """The SARIF log as JSON text: 2-space indent, UTF-8, a final newline; byte-stable."""
    return json.dumps(sarif_document(model, cat), indent=2, ensure_ascii=False) + "\n"
