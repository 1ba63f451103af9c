"""Open Threat Model (OTM 0.2.0) export, for IriusRisk and other tools that import OTM.

Mapping (docs/EXPORTS.md has the full table):

- project: the threat model id and the system's name and description;
- trustZones: one per trust boundary, plus a default zone for components outside every boundary;
- components: one per system component, parented to the first trust zone that lists it, with the
  MAESTRO layers as tags (`maestro-layer:L2`) and attributes;
- dataflows: one per data flow between known components;
- threats: one per finding (id = finding id), categories = MAESTRO layer, catalogue threat id and
  OWASP crosswalks, risk = likelihood and impact on OTM's 0-100 scales;
- mitigations: one per catalogue mitigation cited (id = catalogue id);
- each component carries the threat instances of the findings that name it, each with its
  mitigations.

OTM's `description` and comment fields are CommonMark ("richText"), so user and model text in
them is Markdown-escaped; names, ids and attributes are plain strings.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.export.common import (
    approval_state,
    canonical_id,
    layer_title,
    natural_key,
    ordered_findings,
)
from assistant.export.escape import md, one_line
from assistant.export.evidence import evidence_plain
from assistant.knowledge import Catalogue
from assistant.schema import Finding, FindingStatus, Impact, Likelihood, ThreatModel

OTM_VERSION = "0.2.0"
DEFAULT_ZONE_ID = "maestro-tm-default-zone"

# The rubric's four steps spread over OTM's 0-100 scales at their upper quartile bounds, so the
# top of each rubric is 100 and the order (and the spacing) is preserved.
LIKELIHOOD_SCORE: dict[Likelihood, int] = {
    Likelihood.UNLIKELY: 25,
    Likelihood.POSSIBLE: 50,
    Likelihood.LIKELY: 75,
    Likelihood.VERY_LIKELY: 100,
}
IMPACT_SCORE: dict[Impact, int] = {
    Impact.LOW: 25,
    Impact.MEDIUM: 50,
    Impact.HIGH: 75,
    Impact.CRITICAL: 100,
}
# The schema of record says nothing about how trusted a zone is, so every zone gets the neutral
# middle of OTM's scale; an importer should set real ratings.
TRUST_RATING = 50
# Nobody has estimated how much a mitigation reduces risk. 0 claims no reduction, so a tool that
# computes residual risk from it never understates what is left.
RISK_REDUCTION = 0
# A reviewer who rejects a finding says it does not apply to this system.
THREAT_STATE: dict[FindingStatus, str] = {
    FindingStatus.DRAFT: "exposed",
    FindingStatus.NEEDS_INFO: "exposed",
    FindingStatus.ACCEPTED: "exposed",
    FindingStatus.REJECTED: "not-applicable",
}
MITIGATION_STATE = "recommended"


def _threat(f: Finding, cat: Catalogue) -> dict[str, Any]:
    entry = cat.threat(f.threat_id)
    cid = canonical_id(cat, f.threat_id)
    categories = [f"MAESTRO {layer_title(f.layer)}", cid]
    categories += [f"MAESTRO {layer.value}" for layer in f.chain_layers]
    if entry is not None:
        categories += [*entry.asi_top10, *entry.llm_top10, *entry.stride]
    rationale = md(f.rationale)
    notes = "; ".join(f"{m.id}: {m.text}" for m in f.mitigations if m.text)
    return {
        "id": f.id,
        "name": one_line(f.title),
        "description": md(f.scenario),
        "categories": list(dict.fromkeys(categories)),
        "cwes": list(entry.cwe) if entry is not None else [],
        "risk": {
            "likelihood": LIKELIHOOD_SCORE[f.likelihood],
            "likelihoodComment": f"{f.likelihood.value} on the MAESTRO rubric. {rationale}".strip(),
            "impact": IMPACT_SCORE[f.impact],
            "impactComment": f"{f.impact.value} on the MAESTRO rubric; risk {f.risk.value}.",
        },
        "tags": [
            f"maestro-layer:{f.layer.value}",
            f"risk:{f.risk.value}",
            f"status:{f.status.value}",
        ],
        "attributes": _attributes(
            {
                "maestroLayer": f.layer.value,
                "chainLayers": ",".join(layer.value for layer in f.chain_layers),
                "catalogueThreatId": cid,
                "catalogueThreatName": entry.name if entry is not None else "",
                "likelihood": f.likelihood.value,
                "impact": f.impact.value,
                "risk": f.risk.value,
                "status": f.status.value,
                "reviewerNote": f.reviewer_note,
                "agenticFactors": ",".join(a.value for a in f.agentic_factors),
                "components": ",".join(f.components),
                "evidence": ",".join(f.evidence),
                "mitigationNotes": notes,
                "engine": f.provenance.engine.value,
                "model": f.provenance.model or "",
            }
        ),
    }


def _mitigations(findings: list[Finding], cat: Catalogue) -> list[dict[str, Any]]:
    ids = sorted(
        {canonical_id(cat, m.id) for f in findings for m in f.mitigations}, key=natural_key
    )
    result = []
    for mid in ids:
        entry = cat.mitigation(mid)
        result.append(
            {
                "id": mid,
                "name": entry.name if entry else mid,
                "description": md(entry.summary) if entry else "Not in the catalogue.",
                "riskReduction": RISK_REDUCTION,
                "attributes": {
                    "type": entry.type if entry else "",
                    "layers": ",".join(layer.value for layer in entry.layers) if entry else "",
                    "catalogueVersion": cat.version,
                },
            }
        )
    return result


def otm_document(model: ThreatModel, cat: Catalogue) -> dict[str, Any]:
    """The threat model as an OTM 0.2.0 document (a JSON-ready dict)."""
    system = model.system
    caps = system.capabilities
    findings = ordered_findings(model.findings)
    known = system.component_ids()
    zone_of: dict[str, str] = {}
    for b in system.trust_boundaries:
        for member in b.components:
            zone_of.setdefault(member, b.id)
    zones = [
        {
            "id": b.id,
            "name": one_line(b.name or b.id),
            "type": "trust-boundary",
            "description": md(b.description),
            "risk": {"trustRating": TRUST_RATING},
            "attributes": _attributes({"evidence": evidence_plain(b.evidence)}),
        }
        for b in system.trust_boundaries
    ]
    zones.append(
        {
            "id": DEFAULT_ZONE_ID,
            "name": "Outside any recorded trust boundary",
            "type": "default",
            "description": "Components the system model places in no trust boundary.",
            "risk": {"trustRating": TRUST_RATING},
        }
    )
    instances: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        instance = {
            "threat": f.id,
            "state": THREAT_STATE[f.status],
            "mitigations": [
                {"mitigation": canonical_id(cat, m.id), "state": MITIGATION_STATE}
                for m in f.mitigations
            ],
        }
        for cid in dict.fromkeys(f.components):
            instances.setdefault(cid, []).append(instance)
    components = []
    for c in system.components:
        components.append(
            {
                "id": c.id,
                "name": one_line(c.name),
                "type": one_line(c.kind),
                "description": md(c.description),
                "parent": {"trustZone": zone_of.get(c.id, DEFAULT_ZONE_ID)},
                "tags": [f"maestro-layer:{layer.value}" for layer in c.layers],
                "attributes": _attributes(
                    {
                        "maestroLayers": ",".join(layer.value for layer in c.layers),
                        "maestroLayerNames": ", ".join(layer_title(layer) for layer in c.layers),
                        "effect": c.effect.value if c.effect else "",
                        "hosting": c.hosting,
                        "humanApproval": approval_state(system, c.id),
                        "evidence": evidence_plain(c.evidence),
                    }
                ),
                "threats": instances.get(c.id, []),
            }
        )
    dataflows = [
        {
            "id": f.id,
            "name": one_line(f.description or f"{f.source} to {f.target}"),
            "description": md(f.description),
            "bidirectional": False,
            "source": f.source,
            "destination": f.target,
            "tags": [one_line(f.protocol)] if f.protocol else [],
            "attributes": _attributes(
                {
                    "protocol": f.protocol,
                    "authenticated": _tri(f.authenticated),
                    "encrypted": _tri(f.encrypted),
                    "evidence": evidence_plain(f.evidence),
                }
            ),
        }
        for f in system.data_flows
        if f.source in known and f.target in known
    ]
    return {
        "otmVersion": OTM_VERSION,
        "project": {
            "name": one_line(system.name or model.title or model.id),
            "id": model.id,
            "description": md(system.description),
            "tags": ["maestro-tm"],
            "attributes": _attributes(
                {
                    "title": model.title,
                    "created": model.created.isoformat(),
                    "catalogueVersion": model.catalogue_version,
                    "engine": model.engine.value,
                    "model": model.model or "",
                    "schemaVersion": str(model.schema_version),
                    "capabilities": ",".join(sorted(k for k, v in caps.items() if v)),
                    "capabilitiesRuledOut": ",".join(sorted(k for k, v in caps.items() if not v)),
                    "agenticFactors": ",".join(a.value for a in system.agentic_factors),
                }
            ),
        },
        "trustZones": zones,
        "components": components,
        "dataflows": dataflows,
        "threats": [_threat(f, cat) for f in findings],
        "mitigations": _mitigations(findings, cat),
    }


def _attributes(values: dict[str, str]) -> dict[str, str]:
    # OTM attributes are a flat string map that tools show as-is: one clean line each.
    return {key: one_line(value) for key, value in values.items()}


def _tri(value: bool | None) -> str:
    return "unknown" if value is None else str(value).lower()


def otm_json(model: ThreatModel, cat: Catalogue) -> str:
    """The OTM document as indented JSON text ending in a newline."""
    return json.dumps(otm_document(model, cat), indent=2, ensure_ascii=False) + "\n"
