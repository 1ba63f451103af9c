"""Agents named in the description ("intake agent", `intake_agent`, a bot called "Ava")."""

from __future__ import annotations

import re

from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.doer import lead_in
from assistant.engine.reading.state import Clause, Reading, clause_evidence, heading_key, slug
from assistant.schema import AgenticFactor, Component, Evidence, Layer

# Not "robot": a harvest robot or a mobile robot is a machine the agent drives (physical
# actuation), not an agent of its own.
_NAMED_AGENT = re.compile(
    # Not the "s" of a possessive: "the marina's assistant" names no "s assistant".
    r"(?<![\w'\u2019-])((?:[a-z][\w-]* )?[a-z][\w-]*) "
    r"(agent|bot|chatbot|assistant|copilot|worker)s?(?![\w-])"
)
# A name given to the agent: `a bot called "Ava"`, `assistant "Kit"`.
_AGENT_NOUNS = "agent|bot|chatbot|assistant|copilot"
_AGENT_NOUN = rf"(?:{_AGENT_NOUNS})"
_QUOTE_OPEN = r"[\"\u201c'`]"
_QUOTE_CLOSE = r"[\"\u201d'`]"
# A name given to the agent, on normalised text (punctuation stands apart): `a bot called
# "ava"`, `a bot for it , " kit "`, `kit , an agent that ...`, `" kit " is our assistant`.
# What a named agent may be called when its name is introduced: "Marlowe is the homework helper".
_ROLE_NOUN = rf"(?:{_AGENT_NOUNS}|helper|tutor|companion|concierge|clerk|butler|sidekick|aide)"
_GIVEN_NAME = re.compile(
    rf"{_AGENT_NOUN}s?(?: for [\w ]{{1,20}}?)?(?: ,)? {_QUOTE_OPEN} ([a-z][\w-]{{1,30}})"
    rf"(?= {_QUOTE_CLOSE}| ,| \.|$)|"
    rf"{_AGENT_NOUN}s?(?: for [\w ]{{1,20}}?)?(?: ,)? (?:called|named|nicknamed|dubbed) "
    rf"(?:{_QUOTE_OPEN} )?([a-z][\w-]{{1,30}})|"
    rf"(?:^|, )(?:{_QUOTE_OPEN} )?([a-z][\w-]{{2,30}})(?: {_QUOTE_CLOSE})? (?:,|is) "
    rf"(?:an?|our|the) (?:[\w-]+ ){{0,3}}{_ROLE_NOUN}\b|"
    rf"(?:call|named) (?:it|him|her) (?:{_QUOTE_OPEN} )?([a-z][\w-]{{1,30}})|"
    # "an intake bot we call the sorter": a name given after the agent noun.
    rf"{_AGENT_NOUN}s? (?:that |which )?(?:we|they|i|everyone|staff) call (?:it |the )?"
    rf"(?:{_QUOTE_OPEN} )?([a-z][\w-]{{1,30}})|"
    # '"crate buddy", an assistant for ...': a quoted name of a few words.
    rf"{_QUOTE_OPEN} ([a-z][\w-]*(?: [a-z][\w-]*){{0,2}}) {_QUOTE_CLOSE} ,? (?:an?|our|the) "
    rf"(?:[\w-]+ ){{0,3}}{_ROLE_NOUN}\b"
)
_NOT_GIVEN = lx.rx(r"it|this|that|which|who|one|the|a|an|our|them|there|here|we|i|and|or|so")
_NOT_A_NAME = lx.rx(
    r"a|an|the|this|that|our|its|their|each|every|one|single|ai|llm|other|another|multi|sub|peer|"
    r"same|main|autonomous|agentic|user|software|no|any|which|new|first|second|third|rogue|"
    r"malicious|of|internal|all|external|human|two|three|four|five|several|multiple|many|more|"
    r"and|or|is|as|by|to|with|for|from|at|on|in|via|into|about|through|coding|virtual|smart|"
    r"helpful|simple|small|personal|digital|both|either|neither|these|those|"
    r"intelligent|chat|support|an ai|conversational|generative|gen|llm-based|ai-powered"
)
_GENERIC_AGENT_NAMES = {"support", "chat", "coding", "virtual", "personal", "digital"}
# An agent named by what it is built with ("a LangChain agent") is the agent named elsewhere,
# not a second one.
_BUILT_WITH = {"langchain", "langgraph", "crewai", "autogen", "llamaindex", "smolagents", "react"}


def agents(reading: Reading, clauses: list[Clause]) -> None:
    """Named agents ("intake agent", `intake_agent`), and the primary agent."""
    named: list[tuple[str, Evidence]] = []
    first_agentish: Evidence | None = None
    for clause in clauses:
        if clause.scope.hypothetical:
            continue
        _count(reading, clause)
        for name, evidence in _names(reading, clause):
            first_agentish = first_agentish or evidence
            if name and all(name != n for n, _ in named):
                named.append((name, evidence))
        if first_agentish is None:
            word = lx.AGENT_WORD.search(clause.text)
            if word and not clause.scope.covers(*word.span()):
                first_agentish = clause_evidence(reading, clause, *word.span())
    # "Clinic scheduling assistant" (a heading) and "scheduling assistant" are one agent.
    merged: list[tuple[str, Evidence]] = []
    for name, evidence in sorted(named, key=lambda n: len(n[0])):
        if not any(name.endswith(" " + m) or name == m for m, _ in merged):
            merged.append((name, evidence))
    named = sorted(merged, key=lambda n: n[1].start or 0)
    if any(n.split()[0] not in _BUILT_WITH for n, _ in named):
        named = [(n, e) for n, e in named if n.split()[0] not in _BUILT_WITH]
    for name, evidence in named:
        reading.add(
            Component(
                id=slug(name), name=name, kind="agent", layers=[Layer.L3], evidence=[evidence]
            )
        )
    distinct = [n for n, _ in named if n.split()[0] not in _GENERIC_AGENT_NAMES | _BUILT_WITH]
    if len(distinct) >= 2:
        reading.settle("multi-agent", True, named[1][1], True)
        if AgenticFactor.AGENT_TO_AGENT not in reading.factors:
            reading.factors.append(AgenticFactor.AGENT_TO_AGENT)
    agents = [c for c in reading.components.values() if c.kind == "agent"]
    if first_agentish is not None and not any(c.id != "peer-agents" for c in agents):
        reading.add(
            Component(
                id="agent",
                name="the agent",
                kind="agent",
                layers=[Layer.L3],
                evidence=[first_agentish],
            )
        )


# The writer saying what they do: "I'm an executive assistant", "I work as a research assistant".
# The noun after it is a person's job, not an agent.
_SELF_ROLE = re.compile(r"\b(?:i'?m|i am|we'?re|we are|i work as|we work as)(?: an?)? $")


def _names(reading: Reading, clause: Clause) -> list[tuple[str, Evidence]]:
    """Agent nouns in a clause with the name they carry ("" for a bare "the agent")."""
    nouns: list[tuple[str, Evidence, tuple[int, int]]] = []
    for match in _NAMED_AGENT.finditer(clause.text):
        if clause.scope.covers(match.start(2), match.end(2)):
            continue  # "there is no agent loop": the noun is negated
        if _SELF_ROLE.search(clause.text, 0, match.start()):
            continue
        words, noun = match.group(1).split(), match.group(2)
        # Keep qualifiers from the noun backwards until one is no part of a name.
        kept: list[str] = []
        for word in reversed(words):
            if _NOT_A_NAME.fullmatch(word) and word not in _GENERIC_AGENT_NAMES:
                break
            kept.insert(0, word)
        if kept and kept[-1] in lx.TRADES and noun == "agent":
            continue  # "e-mails from shipping agents": people in a trade, not software
        name = f"{' '.join(kept)} {noun}" if kept else ""
        nouns.append((name, clause_evidence(reading, clause, *match.span()), match.span()))
    given_names: list[tuple[str, Evidence]] = []
    for given in _GIVEN_NAME.finditer(clause.text):
        if clause.scope.covers(*given.span()):
            continue
        # "Meridian is a research assistant", 'triage agent "Kestrel"': the role noun beside
        # the name is the named agent itself.
        nouns = [n for n in nouns if not (n[2][0] < given.end() and given.start() < n[2][1])]
        group = next((i for i, g in enumerate(given.groups(), 1) if g), 0)
        name = given.group(group).strip() if group else ""
        # Not "call it through their API": a preposition is no name.
        if name and not (
            _NOT_GIVEN.fullmatch(name)
            or lx.AGENT_WORD.fullmatch(name)
            or _NOT_A_NAME.fullmatch(name)
        ):
            # The name as the user spelt it ("Quillon", not "quillon").
            s, e = clause.norm.source_span(given.start(group), given.end(group))
            given_names.append(
                (reading.source[s:e], clause_evidence(reading, clause, *given.span()))
            )
    found = [(name, evidence) for name, evidence, _ in nouns]
    listed = _listed_agent(reading, clause)
    if listed and not found:
        found.append(listed)
    role = _ROLE_ID.match(reading.source, clause.seg.start, clause.seg.end)
    if role:
        # "- `churn_analyst` reads the board ...": a crew member named by its code name.
        s, e = role.span("name")
        found.append((reading.source[s:e], reading.quote(clause.seg.start, clause.seg.end, (s, e))))
    return found + given_names


# A key whose entries are the agents: `agents:` then `- researcher`, or a table's "Agent" column.
_AGENTS_KEY = re.compile(r"(?:^|\s)(?:agents?|crew|agent roster)(?: name)?$")


def _listed_agent(reading: Reading, clause: Clause) -> tuple[str, Evidence] | None:
    """An agent named as an entry under a key of agents (`agents:` then `- researcher`).

    In prose, the label of a bullet under a line that leads in a list of agents: "agents (one
    pod each):" then "- quoter: streams quotes".
    """
    if _labels_an_agent_item(reading, clause):
        raw = reading.source[clause.seg.start : clause.seg.end].strip("\"'`*_ ")
        return raw, clause_evidence(reading, clause, 0, len(clause.text))
    if not _AGENTS_KEY.search(clause.seg.context) or clause.scope.negated:
        return None
    entry = clause.seg.item or heading_key(reading, clause) or clause.seg.context.endswith("name")
    if not entry or not 0 < len(clause.text.split()) <= 3 or _NOT_GIVEN.fullmatch(clause.text):
        return None
    raw = reading.source[clause.seg.start : clause.seg.end].strip("\"'` ")
    return raw, clause_evidence(reading, clause, 0, len(clause.text))


# A line that leads in a list of agents: "agents (LangGraph, one pod each):", "The crew:".
_AGENTS_LEAD_IN = re.compile(
    r"(?:the |our |my )?(?:[\w-]+ )?(?:agents|crew|bots|sub-?agents)(?: are| in the (?:crew|swarm))?"
    # Not people called agents: "Agents (human, in the call centre):".
    r"(?: \((?![^()]*\b(?:human|humans|staff|people|contractors?|employees?|persons?)\b)[^()]*\))?",
    re.IGNORECASE,
)


def _labels_an_agent_item(reading: Reading, clause: Clause) -> bool:
    """Whether a clause is the short label ("quoter") of a bullet under an agents lead-in."""
    source = reading.source
    line_start = source.rfind("\n", 0, clause.seg.start) + 1
    opens = re.fullmatch(
        r"[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]*[`*_]*", source[line_start : clause.seg.start]
    )
    labelled = re.match(r"[`*_]*\s*:", source[clause.seg.end : clause.seg.end + 4])
    if not (opens and labelled and 0 < len(clause.text.split()) <= 2):
        return False
    return bool(_AGENTS_LEAD_IN.fullmatch(lead_in(source, clause.seg.start).strip()))


# The last word of an agent's code name in a crew: `churn_analyst`, `route_planner`, `qa_critic`.
AGENT_ROLE = re.compile(
    r"(?:analyst|planner|writer|scout|reviewer|checker|router|triager|coordinator|manager|"
    r"dispatcher|supervisor|critic|researcher|summari[sz]er|classifier|monitor|watcher|"
    r"orchestrator|executor|worker|validator|verifier|negotiator|auditor|specialist|advisor|"
    r"adviser|responder|scheduler|tracker|matcher|screener|drafter|editor|translator|curator|"
    r"collector|crawler|scraper|agent|bot|assistant)"
)
# A code name that ends in a role and opens its clause, followed by what it does.
_ROLE_ID = re.compile(
    rf"[-*\s`]*(?P<name>[a-z][a-z0-9]*(?:_[a-z0-9]+)*_{AGENT_ROLE.pattern})`?(?![\w(])"
)
_COUNT_KEY = re.compile(r"(?:^|\s)(?:agents|agent count|number of agents|n agents)$")


def _count(reading: Reading, clause: Clause) -> None:
    """`agents: 1` is a single agent; `agents: 4` is several."""
    if not (_COUNT_KEY.search(clause.seg.context) and clause.text.isdigit()):
        return
    several = int(clause.text) > 1
    reading.settle(
        "multi-agent", several, clause_evidence(reading, clause, 0, len(clause.text)), True
    )
