"""Does a catalogue threat apply to this system? One check, shared by every part that asks.

A threat's preconditions (docs/CATALOGUE.md, "Threat preconditions") are read against the
system model's grounded facts and give one of three answers:

- `Applies`: every precondition holds; the facts that show it come with their evidence.
- `RuledOut`: a precondition is contradicted by a fact the user gave (a capability stated absent,
  or a control stated present that defeats the threat); the fact comes with its evidence.
- `Unknown`: nothing rules it out, but something it needs is not settled; the question from the
  catalogue's question bank whose answer would settle it comes with it.

How the preconditions combine:

1. every capability in `requires` is present;
2. when `requires_any` is given, at least one of its capabilities is present. When all of them
   are stated absent it is ruled out; while they are unsaid, a present `possible_with`
   capability is a fact that points to it (`Unknown` with that fact);
3. when `requires_signs` is given, at least one of its facts (a component of a kind or with an
   effect, an untrusted entry point, a control stated present) is in the system model; while
   none is, the threat is open (`Unknown`), not ruled out;
4. no control in `absent_controls` is stated present, without a limiting scope, over every
   acting component (agents and tools); and where human approval defeats the threat, an
   action a person approves is no sign of it (rule 3 counts only the others).

A capability is present when its flag says so, or, when no flag is set, when one of the
threat's `shown_by` signs is in the system model (a component of a kind or with an effect, an
untrusted entry point, a control stated present). A stated flag decides: the user's words ("it
cannot call any tools") beat a component kind read from a noun (an "external API" that is only
a data source); where a system file's own components contradict a capability it rules out, the
file loader records the contradiction as an open question. Nothing is ruled out by its absence
from a list, only by a capability stated absent: a system model is a record of what was said,
not a complete inventory. A control with a scope ("refunds above $200") is read as partial,
because its scope is the user's words and cannot be checked, so it never rules a threat out;
nor does a control that leaves an acting component uncovered.

Pure functions over the catalogue and the system model: no I/O, same inputs, same answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import ComponentNeed, QuestionEntry, Signs, ThreatEntry
from assistant.schema import Component, ControlKind, Evidence, SystemModel

# Components that act: a control that defeats a threat must cover every one of them.
ACTING_KINDS = frozenset({"agent", "tool", "external-api", "code-runner", "mcp-server", "plugin"})


@dataclass(frozen=True)
class Fact:
    """One fact of the system model, as a check relied on it.

    Attributes:
        statement: The fact in one phrase, e.g. `capability code-execution is false`.
        evidence: Why the system model holds it (may be empty in a hand-made model).
    """

    statement: str
    evidence: tuple[Evidence, ...] = ()

    def cited(self) -> str:
        """The fact with its first piece of evidence, e.g. `... is false ("no scripts")`."""
        if not self.evidence:
            return f"{self.statement} (no evidence recorded)"
        return f"{self.statement} ({self.evidence[0].label()})"


@dataclass(frozen=True)
class Applies:
    """Every precondition holds.

    Attributes:
        threat_id: The threat checked.
        facts: The facts that meet its preconditions (empty for a threat with none).
    """

    threat_id: str
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class RuledOut:
    """A precondition is contradicted by the system model.

    Attributes:
        threat_id: The threat checked.
        need: The precondition that fails, e.g. `code-execution` or `no sandbox`.
        facts: The facts that rule it out, with their evidence (at least one).
    """

    threat_id: str
    need: str
    facts: tuple[Fact, ...]

    @property
    def fact(self) -> Fact:
        """The first ruling fact."""
        return self.facts[0]


@dataclass(frozen=True)
class Unknown:
    """Nothing rules the threat out, but something it needs is not settled.

    Attributes:
        threat_id: The threat checked.
        open: What is not settled, most relevant first: capability names, or
            `<capability> via <capability>` where a `possible_with` capability keeps a ruled-out
            alternative open (`code-execution via tools`).
        question: The question whose answer would settle it.
        question_id: The question-bank id it comes from, if any (e.g. `Q-ARCHITECTURE-6`).
        facts: Facts that point to it: other preconditions met, or a `possible_with`
            capability present.
        absent: Alternatives the system model states absent (the user described this part of
            the system and left the rest unsaid).
    """

    threat_id: str
    open: tuple[str, ...]
    question: str
    question_id: str = ""
    facts: tuple[Fact, ...] = ()
    absent: tuple[Fact, ...] = ()


Precondition = Applies | RuledOut | Unknown
"""The answer of `check`."""


def check(threat: ThreatEntry, system: SystemModel, catalogue: Catalogue) -> Precondition:
    """Evaluate a threat's preconditions against a system model.

    Args:
        threat: The catalogue threat.
        system: The system model, with its evidence.
        catalogue: The catalogue (for the question bank and capability vocabulary).

    Returns:
        `RuledOut` if any precondition is contradicted, else `Unknown` if any is not settled,
        else `Applies`.
    """
    held: list[Fact] = []
    absent: list[Fact] = []
    ruled: list[RuledOut] = []
    # What is open, and the capability whose question settles it.
    unsettled: list[tuple[str, str]] = []
    for capability in threat.requires:
        state, facts = _capability(threat, capability, system)
        if state is True:
            held += facts
        elif state is False:
            ruled.append(RuledOut(threat.id, capability, facts))
        else:
            unsettled.append((capability, capability))
    if threat.requires_any:
        states = {c: _capability(threat, c, system) for c in threat.requires_any}
        present = [f for state, facts in states.values() if state is True for f in facts]
        denied = [f for state, facts in states.values() if state is False for f in facts]
        if present:
            held += present
        elif len(denied) == len(states):
            # Stated absent is ruled out, whatever else is present: "it cannot run code" rules
            # out T11 even in an agent with tools (a `possible_with` capability only points to
            # the threat while the user has not said).
            ruled.append(RuledOut(threat.id, " or ".join(threat.requires_any), tuple(denied)))
        else:
            held += _pointers(threat, system)
            absent += denied
            unsettled += [(c, c) for c, (state, _) in states.items() if state is None]
    if threat.requires_signs is not None:
        shown = signs_in(threat.requires_signs, _unheld(threat, system))
        if shown:
            held += shown
        else:
            unsettled.append((threat.requires_signs.label(), ""))
    for kind in threat.absent_controls:
        defeating = _defeating_controls(system, kind)
        if defeating:
            ruled.append(RuledOut(threat.id, f"no {kind.value}", defeating))
    if ruled:
        first_ruling = ruled[0]
        return RuledOut(threat.id, first_ruling.need, tuple(f for r in ruled for f in r.facts))
    if unsettled:
        label, capability = unsettled[0]
        question_id, question = (
            settling_question(capability, catalogue)
            if capability
            else ("", f"Does the system have {label}?")
        )
        return Unknown(
            threat.id,
            tuple(label for label, _ in unsettled),
            question,
            question_id,
            tuple(held),
            tuple(absent),
        )
    return Applies(threat.id, tuple(held))


def _unheld(threat: ThreatEntry, system: SystemModel) -> SystemModel:
    """The system without the actions a person approves, for a threat approval defeats.

    A runaway loop cannot repeat an action that waits for a nurse each time: that action is
    no sign of it, though an unattended one elsewhere may be. Only an approval that names the
    action, with no case of it stated to run unattended ("up to $50 it refunds on its own"),
    takes it out; an approval over the whole system is rule 4's to judge.
    """
    if ControlKind.HUMAN_APPROVAL not in threat.absent_controls:
        return system

    def held(component: Component) -> bool:
        deciding = system.approvals_for(component.id)
        named = any(component.id in c.applies_to for c in deciding)
        return named and all(c.present for c in deciding)

    kept = [c for c in system.components if not held(c)]
    return system.model_copy(update={"components": kept})


def could_rule_out(threat: ThreatEntry, fact: str, system: SystemModel) -> bool:
    """Whether a fact of the system (a capability or a control, by id) can rule the threat out.

    A capability it needs, stated absent: one of several alternatives only when every other
    is stated absent too ("no other agents" leaves T5 standing in an agent with memory). A
    control of a kind that defeats it, stated present.
    """
    if fact in system.capabilities:
        if system.capabilities[fact] is not False:
            return False
        others = [c for c in threat.requires_any if c != fact]
        alone = all(system.capabilities.get(c) is False for c in others)
        return fact in threat.requires or (fact in threat.requires_any and alone)
    return any(
        c.id == fact and c.present and c.kind in threat.absent_controls for c in system.controls
    )


def settling_question(capability: str, catalogue: Catalogue) -> tuple[str, str]:
    """The question-bank id and text that settle a capability.

    A question that asks about this capability alone is preferred to one that covers several;
    among equals the catalogue's order decides. A capability no question asks about gets a
    question built from its meaning in the vocabulary (id "").
    """
    asking = [q for q in catalogue.of_type(QuestionEntry) if capability in q.capabilities]
    if asking:
        best = min(asking, key=lambda q: len(q.capabilities))
        return best.id, best.question
    meaning = catalogue.capabilities.get(capability, capability).rstrip(".")
    return "", f"Is this so here: {meaning[:1].lower()}{meaning[1:]}?"


def _pointers(threat: ThreatEntry, system: SystemModel) -> list[Fact]:
    """The facts that point to the threat while `requires_any` is unsaid.

    Each present `possible_with` capability, or the parts `possible_via` names if it is set.
    """
    possible = [c for c in threat.possible_with if system.capabilities.get(c) is True]
    if threat.possible_via is not None and possible:
        return signs_in(threat.possible_via, system)
    return [_flag(system, c) for c in possible]


def _flag(system: SystemModel, capability: str) -> Fact:
    value = system.capabilities.get(capability)
    state = "unknown" if value is None else str(value).lower()
    return Fact(
        f"capability {capability} is {state}",
        tuple(system.capability_evidence.get(capability, [])),
    )


def _capability(
    threat: ThreatEntry, capability: str, system: SystemModel
) -> tuple[bool | None, tuple[Fact, ...]]:
    """Whether the system has a capability, and the facts that say so.

    The flag decides when it is set; otherwise the threat's `shown_by` signs may show it.
    """
    value = system.capabilities.get(capability)
    if value is not None:
        return value, (_flag(system, capability),)
    signs = threat.shown_by.get(capability)
    shown = signs_in(signs, system) if signs is not None else []
    return (True, tuple(shown)) if shown else (None, ())


def signs_in(signs: Signs, system: SystemModel) -> list[Fact]:
    """The facts of the system model that match a set of signs (none: an empty list)."""
    facts: list[Fact] = []
    for need in signs.components:
        matching = [c for c in system.components if _matches(c, need)]
        if len(matching) >= need.count:
            facts.append(
                Fact(
                    f"{', '.join(c.id for c in matching)}: {need.label()}",
                    tuple(e for c in matching for e in c.evidence),
                )
            )
    for entry in system.entry_points:
        if entry.untrusted and entry.kind in signs.entry_points:
            facts.append(
                Fact(
                    f"untrusted entry point {entry.id} ({entry.kind.value})", tuple(entry.evidence)
                )
            )
    for capability in signs.capabilities:
        if system.capabilities.get(capability) is True:
            facts.append(_flag(system, capability))
    for control in system.controls:
        if control.present and control.kind in signs.controls:
            facts.append(
                Fact(
                    f"control {control.id} ({control.kind.value}) is present",
                    tuple(control.evidence),
                )
            )
    return facts


def components_shown(signs: Signs, system: SystemModel) -> list[Component]:
    """The components of the system model that match any of the signs' component needs."""
    return [c for c in system.components if any(_matches(c, n) for n in signs.components)]


# A named service's API ("the TMS API", "carrier's API"): the agent sends it requests, it does not
# run what the agent writes. An API that runs code is read as a code runner, with its effect.
_SERVICE_API = re.compile(r"\bapis?\b", re.IGNORECASE)


def _matches(component: Component, need: ComponentNeed) -> bool:
    if need.untyped:
        return (
            component.kind in need.kinds
            and component.effect is None
            and not _SERVICE_API.search(component.name)
        )
    return component.kind in need.kinds or (
        component.effect is not None and component.effect in need.effects
    )


def _acting(components: Sequence[Component]) -> set[str]:
    return {c.id for c in components if c.kind in ACTING_KINDS or c.effect is not None}


def _defeating_controls(system: SystemModel, kind: ControlKind) -> tuple[Fact, ...]:
    """Controls of `kind` stated present, unscoped, that together cover every acting component."""
    full = [c for c in system.controls if c.kind == kind and c.present and not c.scope.strip()]
    if not full:
        return ()
    if all(c.applies_to for c in full):
        acting = _acting(system.components)
        covered = {i for c in full for i in c.applies_to}
        if not acting or not acting <= covered:
            return ()
    return tuple(
        Fact(
            f"control {c.id} ({c.kind.value}) is present"
            + (f" over {', '.join(c.applies_to)}" if c.applies_to else " over the whole system"),
            tuple(c.evidence),
        )
        for c in full
    )
