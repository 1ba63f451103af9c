"""Likelihood: exposure on the path to the finding, the controls in the way, agentic factors.

Every finding starts at `possible`. Its profile's exposure decides what entry points do:

- `input` threats: untrusted content the agent reads (inbound e-mail or messages, web pages,
  uploaded files, other agents, third-party extensions) raises them two steps; any other
  untrusted entry point (public users, API clients, devices, retrieved documents, tool output)
  one step; only trusted entry points (employees) lower them one step.
- `reach` threats: an untrusted way in (users, clients, mail, messages, files, devices, other
  agents) raises them one step; only trusted ways in lower them one step.
- `supply` threats: a third-party extension on the path raises them one step.
- `inside` threats: exposure does not move them.

With no entry point on the path, the `external-facing` capability stands in (raises one step
when true, lowers one when false), and when that is unknown too the rationale says so. A control
of a kind that addresses the threat lowers it one step when present on the finding's components
(or system-wide) and raises it one step when stated absent; human approval is weighed on impact,
not here. Autonomy or non-determinism, when the system shows it and the catalogue lists it for
the threat, raises it one step. The result is clamped to the scale.
"""

from __future__ import annotations

from assistant.engine.risk.model import Axis, FactKind, Factor, Move
from assistant.engine.risk.profiles import Exposure, Profile
from assistant.engine.risk.scope import Reach, Scope
from assistant.knowledge.model import ThreatEntry
from assistant.schema import (
    AgenticFactor,
    ControlKind,
    EntryKind,
    EntryPoint,
    Evidence,
    Likelihood,
    SystemModel,
)

LEVELS = list(Likelihood)
BASELINE = Likelihood.POSSIBLE

# Untrusted content the agent itself reads: the classic carriers of indirect prompt injection.
CONTENT = {
    EntryKind.INBOUND_EMAIL,
    EntryKind.INBOUND_MESSAGES,
    EntryKind.WEB_CONTENT,
    EntryKind.UPLOADED_FILES,
    EntryKind.OTHER_AGENTS,
    EntryKind.THIRD_PARTY_EXTENSIONS,
}
# Ways in: someone outside can send something to the system (rather than it fetching content).
DIRECT = {
    EntryKind.PUBLIC_USERS,
    EntryKind.INTERNAL_USERS,
    EntryKind.API_CLIENTS,
    EntryKind.INBOUND_EMAIL,
    EntryKind.INBOUND_MESSAGES,
    EntryKind.UPLOADED_FILES,
    EntryKind.DEVICES,
    EntryKind.OTHER_AGENTS,
}
KIND_WORDS = {
    EntryKind.PUBLIC_USERS: "public users",
    EntryKind.INTERNAL_USERS: "internal users",
    EntryKind.INBOUND_EMAIL: "inbound e-mail",
    EntryKind.INBOUND_MESSAGES: "inbound messages",
    EntryKind.WEB_CONTENT: "web content",
    EntryKind.UPLOADED_FILES: "uploaded files",
    EntryKind.RETRIEVED_DOCUMENTS: "retrieved documents",
    EntryKind.TOOL_OUTPUT: "tool output",
    EntryKind.OTHER_AGENTS: "other agents",
    EntryKind.THIRD_PARTY_EXTENSIONS: "third-party extensions",
    EntryKind.DEVICES: "devices",
    EntryKind.API_CLIENTS: "API clients",
}
AMPLIFIERS = (AgenticFactor.AUTONOMY, AgenticFactor.NON_DETERMINISM)
CONTROL_WORDS = {
    ControlKind.SANDBOX: "sandbox",
    ControlKind.ALLOWLIST: "allowlist",
    ControlKind.AUTHENTICATION: "authentication",
    ControlKind.AUTHORISATION: "authorisation",
    ControlKind.RATE_LIMIT: "rate limit",
    ControlKind.AUDIT_LOGGING: "audit logging",
    ControlKind.GUARDRAIL: "guardrail",
}


def likelihood(
    threat: ThreatEntry, profile: Profile, scope: Scope, system: SystemModel
) -> tuple[Likelihood, list[Factor]]:
    """The finding's likelihood and the factors that set it (applied in this order)."""
    factors = [
        *_exposure(profile.exposure, scope, system),
        *_controls(profile, scope, system),
        *_amplifiers(threat, system, scope),
    ]
    if not any(f.move in (Move.RAISES, Move.LOWERS, Move.UNKNOWN) for f in factors):
        factors.append(_unstated_controls(profile, scope))
    steps = sum(f.steps if f.move == Move.RAISES else -f.steps for f in factors if f.steps)
    index = min(max(LEVELS.index(BASELINE) + steps, 0), len(LEVELS) - 1)
    return LEVELS[index], factors


def _strength(exposure: Exposure, entry: EntryPoint) -> int:
    """How many steps this entry point raises a threat of this exposure (0: it does not)."""
    if not entry.untrusted:
        return 0
    if exposure == Exposure.INPUT:
        return 2 if entry.kind in CONTENT else 1
    if exposure == Exposure.REACH:
        return 1 if entry.kind in DIRECT else 0
    if exposure == Exposure.SUPPLY:
        return 1 if entry.kind == EntryKind.THIRD_PARTY_EXTENSIONS else 0
    return 0


def _entry_words(entry: EntryPoint) -> str:
    kind = KIND_WORDS[entry.kind]
    trust = "untrusted" if entry.untrusted else "trusted"
    name = " ".join(entry.name.split())

    def plain(text: str) -> str:
        return text.lower().replace("-", " ")

    if not name or plain(name) in plain(kind):
        return f"{kind} ({trust})"
    if plain(name).startswith(plain(kind)):  # the name already says the kind
        return f"{name} ({trust})"
    return f"{name} ({trust} {kind})"


def _exposure(exposure: Exposure, scope: Scope, system: SystemModel) -> list[Factor]:
    if exposure == Exposure.INSIDE:
        return []
    ranked = sorted(scope.entries, key=lambda r: -_strength(exposure, r.entry))
    best = ranked[0] if ranked else None
    if best is not None and _strength(exposure, best.entry) > 0:
        return [_reaches(best, _strength(exposure, best.entry), ranked, exposure)]
    if exposure == Exposure.SUPPLY:
        return [_unknown(f"whether third-party extensions reach {scope.where()}")]
    trusted = [r for r in scope.entries if not r.entry.untrusted and r.entry.kind in DIRECT]
    if trusted:
        first = trusted[0]
        return [
            Factor(
                axis=Axis.LIKELIHOOD,
                move=Move.LOWERS,
                steps=1,
                reason=f"only {_entry_words(first.entry)} reach {first.reaches.name}",
                fact_kind=FactKind.ENTRY_POINT,
                fact_id=first.entry.id,
                evidence=_first(first.entry.evidence),
            )
        ]
    facing = system.capabilities.get("external-facing")
    evidence = _first(system.capability_evidence.get("external-facing", []))
    if facing is None:
        return [_unknown(f"who can reach {scope.where()}")]
    return [
        Factor(
            axis=Axis.LIKELIHOOD,
            move=Move.RAISES if facing else Move.LOWERS,
            steps=1,
            reason=(
                "the system is reachable from outside the organisation"
                if facing
                else "the system is not reachable from outside the organisation"
            ),
            fact_kind=FactKind.CAPABILITY,
            fact_id="external-facing",
            evidence=evidence,
        )
    ]


def _reaches(best: Reach, steps: int, ranked: list[Reach], exposure: Exposure) -> Factor:
    others = [r for r in ranked[1:] if _strength(exposure, r.entry) > 0]
    plural = "s" if len(others) > 1 else ""
    more = f" (and {len(others)} more untrusted entry point{plural})" if others else ""
    what = "content reaches" if best.entry.kind in CONTENT else "reach"
    if best.entry.kind in (EntryKind.PUBLIC_USERS, EntryKind.API_CLIENTS):
        what = "reach"
    return Factor(
        axis=Axis.LIKELIHOOD,
        move=Move.RAISES,
        steps=steps,
        reason=f"{_entry_words(best.entry)} {what} {best.reaches.name}{more}",
        fact_kind=FactKind.ENTRY_POINT,
        fact_id=best.entry.id,
        evidence=_first(best.entry.evidence),
    )


def _controls(profile: Profile, scope: Scope, system: SystemModel) -> list[Factor]:
    in_scope = scope.ids()
    factors: list[Factor] = []
    for kind in profile.controls:
        if kind == ControlKind.HUMAN_APPROVAL:
            continue
        covering = [
            c
            for c in system.controls
            if c.kind == kind and (not c.applies_to or set(c.applies_to) & in_scope)
        ]
        if not covering:
            continue
        # A stated control beats a stated absence, as for approvals: the narrower statement
        # is usually the positive one ("writes go through an allowlist").
        present = [c for c in covering if c.present]
        control = (present or covering)[0]
        where = _covered(control.applies_to, system) or "the system"
        words = CONTROL_WORDS[kind]
        factors.append(
            Factor(
                axis=Axis.LIKELIHOOD,
                move=Move.LOWERS if present else Move.RAISES,
                steps=1,
                reason=f"{words} covers {where}" if present else f"no {words} on {where}",
                fact_kind=FactKind.CONTROL,
                fact_id=control.id,
                evidence=_first(control.evidence),
            )
        )
    return factors


def _unstated_controls(profile: Profile, scope: Scope) -> Factor:
    """What would have moved a threat that nothing moved: the controls that address it."""
    kinds = [CONTROL_WORDS[k] for k in profile.controls if k in CONTROL_WORDS]
    if not kinds:
        return _unknown(f"any control that makes it harder against {scope.where()}")
    listed = " or ".join(kinds) if len(kinds) < 3 else ", ".join(kinds[:-1]) + " or " + kinds[-1]
    return _unknown(f"whether {listed} covers {scope.where()}")


def _covered(ids: list[str], system: SystemModel) -> str:
    names = [c.name for c in system.components if c.id in ids]
    return ", ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2 else "")


def _amplifiers(threat: ThreatEntry, system: SystemModel, scope: Scope) -> list[Factor]:
    shown = [f for f in AMPLIFIERS if f in system.agentic_factors and f.entry_id in threat.factors]
    autonomous = _autonomy_evidence(system, _own_tools(scope) or None)
    elsewhere = autonomous is None and _autonomy_evidence(system) is not None
    if _approved(scope, system) or elsewhere:
        # The system acts on its own elsewhere, but not through these tools: each waits on a
        # person, or only other agents' actions are said to run unattended (an autonomous
        # follow-up agent does not make another agent's actions autonomous).
        shown = [f for f in shown if f != AgenticFactor.AUTONOMY]
    if not shown:
        return []
    words = {
        AgenticFactor.AUTONOMY: "the agent acts on its own, without a person in the loop",
        AgenticFactor.NON_DETERMINISM: "the agent's behaviour is non-deterministic",
    }
    return [
        Factor(
            axis=Axis.LIKELIHOOD,
            move=Move.RAISES,
            steps=1,
            reason=" and ".join(words[f] for f in shown),
            fact_kind=FactKind.AGENTIC_FACTOR,
            fact_id=shown[0].value,
            evidence=autonomous if shown[0] == AgenticFactor.AUTONOMY else None,
        )
    ]


def _own_tools(scope: Scope) -> set[str]:
    """The tools a finding names, else (a manipulated agent, say) its agents' tools."""
    return {c.id for c in scope.concerned if c in scope.tools} or {c.id for c in scope.tools}


def _approved(scope: Scope, system: SystemModel) -> bool:
    """Whether every tool a finding names needs a person's approval (stated present)."""
    tools = _own_tools(scope)
    approved = {
        ident
        for c in system.controls
        if c.kind == ControlKind.HUMAN_APPROVAL and c.present
        for ident in c.applies_to
    }
    return bool(tools) and tools <= approved


def _autonomy_evidence(system: SystemModel, tools: set[str] | None = None) -> Evidence | None:
    """Why actions are autonomous: a stated absence of approval, or of a human in the loop.

    With `tools`, only an absence over one of them, or over the system as a whole, counts.
    """
    for control in system.controls:
        if control.kind == ControlKind.HUMAN_APPROVAL and not control.present:
            if tools is not None and control.applies_to and not tools & set(control.applies_to):
                continue  # another agent's automatic action
            found = _first(control.evidence)
            if found is not None:
                return found
    if system.capabilities.get("human-in-loop") is False:
        return _first(system.capability_evidence.get("human-in-loop", []))
    return None


def _unknown(what: str) -> Factor:
    return Factor(axis=Axis.LIKELIHOOD, move=Move.UNKNOWN, reason=what)


def _first(evidence: list[Evidence]) -> Evidence | None:
    return evidence[0] if evidence else None
