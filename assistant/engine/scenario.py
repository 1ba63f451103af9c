"""Scenarios written for this system: the threat's pattern told with its own parts and path.

Each threat has a short pattern in our own words with slots for the parts of the path (where
the attack comes in, the agent, the component where it does harm, what approval it meets, what
is at stake). The pattern is filled from the system model only; a slot the model cannot fill is
worded generically rather than invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.engine.paths import AttackPath
from assistant.engine.reading.actions import ACTION
from assistant.engine.reading.text import normalise
from assistant.schema import Component, ControlKind, SystemModel

# {entry}: where the attack comes in; {agent}; {sink}: where it does harm; {gate}: the approval it
# meets; {stake}: what is at stake. Sentences are ours; the threat names are the catalogue's.
PATTERNS: dict[str, str] = {
    "T1": (
        "Text planted through {entry} is written to {sink} and read back by {agent} in later "
        "sessions, where it passes for something the agent learned itself."
    ),
    "T2": (
        "Instructions hidden in {entry} steer {agent} into using {sink} for something nobody "
        "asked for, {gate}{stake}."
    ),
    "T3": (
        "{agent} acts through {sink} with more rights than a single task needs; a manipulated "
        "or confused request uses them {gate}{stake}."
    ),
    "T4": (
        "Requests or tasks that cost far more than usual ({entry}) keep {agent} and {sink} busy: "
        "the service slows or stops and the model bill grows."
    ),
    "T5": (
        "A wrong answer from {agent} is kept in {sink} and reused as fact, so one hallucination "
        "shapes later decisions."
    ),
    "T6": (
        "Content from {entry} carries instructions that {agent} reads as part of its task; it can "
        "then use {sink} {gate}{stake}."
    ),
    "T7": (
        "{agent} pursues its goal through {sink} in a way its owners would not approve, and "
        "reports success, {gate}{stake}."
    ),
    "T8": (
        "When {agent} uses {sink}, the record does not show who asked, which instruction led to it "
        "or what the agent saw, so a harmful action cannot be traced or disputed."
    ),
    "T9": (
        "A message that claims to come from {agent} or from a user it trusts is accepted without "
        "proof of identity, and acted on."
    ),
    "T10": (
        "{actor} must approve what {agent} does through {sink}; a flood of requests or ones "
        "crafted to look routine gets waved through."
    ),
    "T11": (
        "Text from {entry} leads {agent} to write and run code through {sink}; the code runs "
        "with the agent's rights {gate}."
    ),
    "T12": (
        "A poisoned message passed between {agent} and the other agents changes what they "
        "believe and do next."
    ),
    "T13": (
        "One of the agents ({sink}) is compromised or drifts, and the others keep trusting its "
        "output and requests."
    ),
    "T14": (
        "Someone who can reach {agent} plays the agents against each other, splitting a request "
        "so no single agent sees its full purpose."
    ),
    "T15": (
        "Instructions planted through {entry} make {agent} tell the people who rely on it "
        "something false or pressing (a changed bank account, a link to open, a step to take), "
        "and they act on it because it comes from their own assistant."
    ),
    "T16": (
        "Messages over {sink} between {agent} and its peers are forged, replayed or altered on "
        "the way."
    ),
    "T17": (
        "A component {agent} depends on ({sink}) comes from outside and changes, or is replaced, "
        "without review."
    ),
    "MAS-RAG-INPUT-MANIPULATION": (
        "Documents or queries crafted through {entry} make {sink} return only passages that suit "
        "the attacker, and {agent} answers from them."
    ),
    "MAS-VECTOR-DB-POISONING": (
        "Poisoned documents reach {sink} and are retrieved by {agent} as trusted knowledge."
    ),
    "MAS-RAG-DATA-EXFILTRATION": (
        "Questions through {entry} draw out passages from {sink} that the asker should not see."
    ),
    "MAS-WALLET-KEY-COMPROMISE": (
        "The key {agent} signs with through {sink} is taken or misused, {gate}{stake}."
    ),
}


@dataclass(frozen=True)
class Parts:
    """The names a scenario is told with."""

    entry: str
    agent: str
    sink: str
    gate: str
    stake: str
    actor: str


def parts(system: SystemModel, path: AttackPath | None) -> Parts:
    """The slots for one finding, from its path (or the system's main agent without one)."""
    agent = the(next((c.name for c in system.components if _is_named_agent(c)), "agent"))
    if path is None:
        return Parts("its inputs", agent, "its tools", "", "", "a person")
    sink = path.sink
    entry = path.entry.name if path.entry else "anyone who can reach it"
    stake = next((s.name for s in path.steps if s.id.startswith("asset-")), "")
    return Parts(
        entry=entry,
        agent=the(next((s.name for s in path.steps if _is_agent(system, s.id)), agent)),
        sink=_sink_name(sink) if sink else "its tools",
        gate=_gate(system, sink),
        stake=f"putting {stake} at stake" if stake else "",
        actor=_actor(system, sink),
    )


def the(name: str) -> str:
    """A common-noun name with its article ("the support agent"); proper names as they are."""
    if not name or name[0].isupper() or name.split()[0].lower() in _DETERMINERS:
        return name
    return f"the {name}"


_DETERMINERS = {"the", "a", "an", "its", "our", "their", "your", "anyone", "someone", "public"}


def _sink_name(sink: Component) -> str:
    """A tool named by its verb reads as an action ("its 'book slots' action"), else "the X"."""
    if named_by_verb(sink):
        return f"its \u201c{sink.name}\u201d action"
    return the(sink.name)


def title_name(sink: Component) -> str:
    """How a finding's title names where it does harm: `the "book slots" action`, or the name."""
    return f"the \u201c{sink.name}\u201d action" if named_by_verb(sink) else sink.name


def named_by_verb(component: Component) -> bool:
    """A tool the description named by what it does ("drafts the discharge summary").

    Not one named by its noun, even when the noun's first word is also a verb ("refund API").
    """
    words = normalise(component.name).text
    return component.kind == "tool" and bool(ACTION.match(words)) and not _TOOL_NOUN.search(words)


_TOOL_NOUN = re.compile(
    r"\b(?:api|apis|tool|tools|server|servers|integration|connector|plugin|webhook|service|"
    r"endpoint|gateway|client|sdk)$"
)


def _is_agent(system: SystemModel, ident: str) -> bool:
    component = system.component(ident)
    return component is not None and _is_named_agent(component)


def _is_named_agent(component: Component) -> bool:
    # "peer agents" stands for agents the text counts but does not name: never the protagonist.
    return component.kind == "agent" and component.id != "peer-agents"


def _gate(system: SystemModel, sink: Component | None) -> str:
    if sink is None:
        return ""
    approved = system.approval(sink.id)
    if approved is True:
        return f"although {the(_actor(system, sink))} approves it, "
    if approved is False:
        return "with no human approval, "
    return "and the description does not say whether anyone approves it, "


def _actor(system: SystemModel, sink: Component | None) -> str:
    for control in system.controls:
        approves = control.kind == ControlKind.HUMAN_APPROVAL and control.present
        covers = sink is None or not control.applies_to or sink.id in control.applies_to
        if approves and control.actor and covers:
            return control.actor
    return "a person"


def scenario(threat_id: str, summary: str, system: SystemModel, path: AttackPath | None) -> str:
    """The scenario of one finding, told with this system's parts."""
    p = parts(system, path)
    pattern = PATTERNS.get(threat_id)
    slots = {**p.__dict__, "actor": the(p.actor)}
    if pattern:
        told = pattern.format(**slots)
    elif path is not None and path.sink is not None:
        # No pattern of our own yet: the catalogue's statement, then where it lands here.
        told = (
            f"{_first_sentence(summary)} Here that is {p.agent} acting through {p.sink}, "
            f"{p.gate}{p.stake}"
        )
    else:
        told = _first_sentence(summary)
    # Empty slots leave ", ." or " ." and doubled spaces behind.
    told = re.sub(r",?\s+\.(?=\s|$)|,\.(?=\s|$)", ".", told)
    told = re.sub(r" {2,}", " ", told).replace(" ,", ",").rstrip(", ")
    if not told.endswith("."):
        told += "."
    told = told[0].upper() + told[1:]
    if path is not None and len(path.steps) > 1:
        told += f" Path: {path.render()}."
    return told


def _first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end == -1 else text[: end + 1]
