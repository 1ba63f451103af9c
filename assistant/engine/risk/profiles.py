"""How each threat the rules engine proposes is exposed, what it harms and what controls it.

A threat's profile decides which system facts move its rating (docs/RISK.md):

- `exposure`: how outsiders get to it. `INPUT` threats are carried by content the agent reads
  (prompt injection and its cousins): untrusted content reaching the agent raises them most.
  `REACH` threats need only a way in (flooding, spoofing, talking to an exposed service).
  `SUPPLY` threats arrive with third-party code (extensions, plugins, registries). `INSIDE`
  threats come from the system's own behaviour or its insiders; exposure does not move them.
- `harms`: what is lost when the threat is realised; impact is the worst of them.
- `controls`: the control kinds that make it harder, and so lower likelihood when present.
  Detective controls (audit logging) count only against threats whose harm is going untraced:
  a log does not make a misaligned agent less likely to act.

The table is explicit rather than derived from catalogue text so that every rating can be
explained; a test checks that every threat the rules engine can propose has a profile, so a new
catalogue threat needs a decision here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from assistant.schema import ControlKind


class Exposure(StrEnum):
    """How an outsider gets to a threat."""

    INPUT = "input"
    REACH = "reach"
    SUPPLY = "supply"
    INSIDE = "inside"


class Harm(StrEnum):
    """What is lost when a threat is realised."""

    ACTIONS = "actions"
    """The agent's actions: what its tools do to the world (money, actuation, messages...)."""
    CODE = "code"
    """Code run by the agent or its framework."""
    DATA = "data"
    """Data disclosed or corrupted: the most sensitive asset it can reach."""
    OVERSIGHT = "oversight"
    """Human approval defeated: the approved actions go through unexamined."""
    ACCOUNTABILITY = "accountability"
    """Nobody can tell who did what: one step below the actions left untraced."""
    AVAILABILITY = "availability"
    """Service disruption or runaway cost: reversible."""


@dataclass(frozen=True)
class Profile:
    """A threat's exposure, harms and the controls that address it."""

    exposure: Exposure
    harms: tuple[Harm, ...]
    controls: tuple[ControlKind, ...] = ()


IN, R, S, N = Exposure.INPUT, Exposure.REACH, Exposure.SUPPLY, Exposure.INSIDE
ACT, CODE, DATA = Harm.ACTIONS, Harm.CODE, Harm.DATA
OVERSIGHT, TRACE, AVAIL = Harm.OVERSIGHT, Harm.ACCOUNTABILITY, Harm.AVAILABILITY
SANDBOX, ALLOW, AUTHN = ControlKind.SANDBOX, ControlKind.ALLOWLIST, ControlKind.AUTHENTICATION
AUTHZ, RATE, AUDIT = ControlKind.AUTHORISATION, ControlKind.RATE_LIMIT, ControlKind.AUDIT_LOGGING
GUARD = ControlKind.GUARDRAIL

PROFILES: dict[str, Profile] = {
    # OWASP Agentic threats T1-T17.
    "T1": Profile(IN, (ACT, DATA), (GUARD, AUTHZ)),  # planted memory steers later actions
    "T2": Profile(IN, (ACT, DATA), (ALLOW, AUTHZ, GUARD)),
    "T3": Profile(R, (ACT, DATA), (AUTHZ, AUTHN)),
    "T4": Profile(R, (AVAIL,), (RATE,)),
    "T5": Profile(IN, (ACT,), (GUARD,)),
    "T6": Profile(IN, (ACT, DATA), (GUARD,)),
    "T7": Profile(N, (ACT,), (GUARD,)),
    "T8": Profile(N, (TRACE,), (AUDIT,)),
    "T9": Profile(R, (ACT, DATA), (AUTHN,)),
    "T10": Profile(R, (OVERSIGHT,), (RATE,)),  # attackers flood the queue so approvals lapse
    "T11": Profile(IN, (CODE,), (SANDBOX, ALLOW)),
    "T12": Profile(IN, (ACT,), (AUTHN,)),
    "T13": Profile(N, (ACT, DATA), (AUTHN,)),
    "T14": Profile(R, (ACT,), (AUTHN, AUTHZ)),
    "T15": Profile(IN, (DATA,), (GUARD,)),  # users talked into handing over data or money
    "T16": Profile(IN, (ACT,), (AUTHN, ALLOW)),
    "T17": Profile(S, (ACT, DATA), (ALLOW,)),
    # OWASP MAS guide, extended threats.
    "MAS-MODEL-INCONSISTENCY": Profile(N, (ACT,), (GUARD,)),
    "MAS-SEMANTIC-DRIFT": Profile(N, (ACT,), (GUARD,)),
    # The attacker is whoever can send a query (the querier steers or extracts): `reach`. A
    # poisoner must get content into the corpus instead: `input`.
    "MAS-RAG-INPUT-MANIPULATION": Profile(R, (ACT, DATA), (GUARD, ALLOW)),
    "MAS-UNINTENDED-WORKFLOW-EXECUTION": Profile(IN, (ACT,), (ALLOW, AUTHZ)),
    "MAS-FRAMEWORK-CODE-INJECTION": Profile(IN, (CODE,), (SANDBOX,)),
    "MAS-INCONSISTENT-WORKFLOW-STATE": Profile(N, (ACT,)),
    "MAS-SERVICE-ACCOUNT-EXPOSURE": Profile(R, (DATA, ACT), (AUTHZ,)),
    "MAS-SELECTIVE-LOG-MANIPULATION": Profile(N, (TRACE,), (AUDIT,)),
    "MAS-DYNAMIC-POLICY-ENFORCEMENT-FAILURE": Profile(N, (ACT,), (AUTHZ, GUARD)),
    "MAS-WORKFLOW-DEPENDENCY-DISRUPTION": Profile(R, (AVAIL,), (RATE,)),
    "MAS-MODEL-INSTABILITY": Profile(N, (ACT,), (GUARD,)),
    "MAS-VECTOR-DB-POISONING": Profile(IN, (ACT, DATA), (AUTHZ,)),
    "MAS-RAG-DATA-EXFILTRATION": Profile(R, (DATA,), (AUTHZ,)),
    "MAS-PLUGIN-VULNERABILITY": Profile(S, (ACT, DATA), (ALLOW, SANDBOX)),
    "MAS-INSECURE-AGENT-PROTOCOL": Profile(R, (ACT,), (AUTHN,)),
    "MAS-INSUFFICIENT-ACTION-ISOLATION": Profile(N, (ACT,), (SANDBOX, AUTHZ)),
    "MAS-RUNAWAY-AGENT": Profile(N, (ACT,), (RATE,)),
    "MAS-BLOCKCHAIN-REORG": Profile(N, (ACT,)),
    "MAS-WALLET-KEY-COMPROMISE": Profile(R, (DATA, ACT), (AUTHZ,)),  # the key signs anything
    "MAS-POSP-MANIPULATION": Profile(N, (ACT,)),
    "MAS-SMART-CONTRACT-IMPERSONATION": Profile(R, (ACT,), (AUTHN,)),
    "MAS-CROSS-CHAIN-BRIDGE-ATTACK": Profile(R, (ACT,), (ALLOW,)),
    "MAS-EMERGENT-COLLUSION": Profile(N, (ACT,)),
    "MAS-MCP-RESOURCE-CONSUMPTION": Profile(R, (AVAIL,), (RATE,)),
    "MAS-MCP-CLIENT-IMPERSONATION": Profile(R, (ACT, DATA), (AUTHN,)),
    "MAS-SCHEMA-MISMATCH": Profile(N, (ACT,), (GUARD,)),
    "MAS-CROSS-CLIENT-INTERFERENCE": Profile(R, (DATA,), (AUTHZ,)),
    "MAS-MCP-NETWORK-EXPOSURE": Profile(R, (ACT, DATA), (AUTHN, ALLOW)),
    "MAS-INSUFFICIENT-LOGGING": Profile(N, (TRACE,), (AUDIT,)),
    "MAS-MCP-PERMISSION-ISOLATION": Profile(N, (ACT, DATA), (AUTHZ, SANDBOX)),
    "MAS-DATA-RESIDENCY-VIOLATION": Profile(N, (DATA,)),
    "MAS-ROGUE-MCP-SERVER": Profile(S, (ACT, DATA), (ALLOW,)),
    # CSA per-layer threats the rules engine proposes (security agents, agent registries).
    "CSA-L6-SECURITY-AGENT-DATA-POISONING": Profile(IN, (ACT,), (AUTHZ,)),
    "CSA-L6-EVASION-OF-SECURITY-AI-AGENTS": Profile(R, (ACT,), (GUARD,)),
    "CSA-L6-COMPROMISED-SECURITY-AI-AGENTS": Profile(R, (ACT, DATA), (AUTHN, AUTHZ)),
    "CSA-L6-REGULATORY-NON-COMPLIANCE": Profile(N, (TRACE,), (AUDIT,)),
    "CSA-L6-BIAS-IN-SECURITY-AI-AGENTS": Profile(N, (ACT,)),
    "CSA-L6-LACK-OF-EXPLAINABILITY": Profile(N, (TRACE,), (AUDIT,)),
    "CSA-L6-MODEL-EXTRACTION-OF-AI-SECURITY-AGENTS": Profile(R, (DATA,), (RATE, AUTHN)),
    "CSA-L7-MARKETPLACE-MANIPULATION": Profile(S, (ACT,), (ALLOW,)),
    "CSA-L7-COMPROMISED-AGENT-REGISTRY": Profile(S, (ACT,), (AUTHN, ALLOW)),
    "CSA-L7-MALICIOUS-AGENT-DISCOVERY": Profile(S, (ACT,), (ALLOW, AUTHN)),
    "CSA-L7-AGENT-PRICING-MODEL-MANIPULATION": Profile(R, (ACT,), (RATE,)),
}

DEFAULT = Profile(R, (ACT, DATA))
"""For a threat with no profile (a catalogue added later): exposed to anyone who can reach the
system, harming its actions and data, no control assumed to address it."""


def profile(threat_id: str) -> Profile:
    """The profile of a threat (`DEFAULT` for one not in the table)."""
    return PROFILES.get(threat_id, DEFAULT)
