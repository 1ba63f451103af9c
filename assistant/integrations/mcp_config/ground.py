"""Point findings about an MCP setup at the config facts that make them concrete.

The rules engine grounds a finding in the facts that meet its preconditions. Some threats have
none (a supply-chain compromise applies to every agent), and others are met by a general fact
(`mcp`, `tools`), so their grounding is the server or client entry. For an MCP setup the concrete
facts are sharper: an unpinned `npx` package or an image without a digest for supply-chain
threats, a token written into `env` for credential threats, a remote server for protocol and
cross-client threats, an auto-approved tool for misuse. Those facts are already in the system
model with their file evidence; this puts them first in the grounding of the findings they
concern. Nothing is added that the model does not hold, and the validator runs after.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.knowledge import Catalogue
from assistant.schema import (
    ControlKind,
    DataClass,
    EntryKind,
    Evidence,
    SystemModel,
    ThreatModel,
    distinct,
)

MAX_GROUNDING = 6
MAX_CITED = 3


def _launches(system: SystemModel) -> list[Evidence]:
    return [
        e
        for entry in system.entry_points
        if entry.kind == EntryKind.THIRD_PARTY_EXTENSIONS and entry.untrusted
        for e in entry.evidence[:1]
    ]


def _credentials(system: SystemModel) -> list[Evidence]:
    return [
        e for a in system.assets if a.data_class == DataClass.CREDENTIALS for e in a.evidence[:2]
    ]


def _remote(system: SystemModel) -> list[Evidence]:
    return [e for b in system.trust_boundaries for e in b.evidence]


def _unapproved(system: SystemModel) -> list[Evidence]:
    return [
        e
        for c in system.controls
        if c.kind == ControlKind.HUMAN_APPROVAL and not c.present
        for e in c.evidence[:1]
    ]


Source = Callable[[SystemModel], list[Evidence]]
THREAT_FACTS: dict[str, Source] = {
    **dict.fromkeys(
        [
            "T17",
            "MAS-ROGUE-MCP-SERVER",
            "MAS-PLUGIN-VULNERABILITY",
            "BV-3",
            "CSA-L3-SUPPLY-CHAIN-ATTACKS",
            "CSA-CL-SUPPLY-CHAIN-ATTACKS",
        ],
        _launches,
    ),
    **dict.fromkeys(
        ["T3", "T9", "BV-11", "MAS-CL-PRIVILEGE-COMPROMISE", "CSA-L7-AGENT-IDENTITY-ATTACK"],
        _credentials,
    ),
    **dict.fromkeys(
        [
            "MAS-CROSS-CLIENT-INTERFERENCE",
            "MAS-MCP-NETWORK-EXPOSURE",
            "MAS-INSECURE-AGENT-PROTOCOL",
        ],
        _remote,
    ),
    **dict.fromkeys(
        ["T2", "T11", "MAS-UNINTENDED-WORKFLOW-EXECUTION", "MAS-INSUFFICIENT-ACTION-ISOLATION"],
        _unapproved,
    ),
}


def cite_config_facts(model: ThreatModel, catalogue: Catalogue) -> ThreatModel:
    """`model` with each finding's most specific config facts first in its grounding."""
    findings = []
    for f in model.findings:
        source = THREAT_FACTS.get(catalogue.resolve(f.threat_id) or f.threat_id)
        facts = source(model.system)[:MAX_CITED] if source else []
        if facts:
            f = f.model_copy(update={"grounding": distinct([*facts, *f.grounding])[:MAX_GROUNDING]})
        findings.append(f)
    return model.model_copy(update={"findings": findings})
