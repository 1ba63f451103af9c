"""Read a description, clause by clause, into a grounded system-model delta.

Every fact carries the words it came from (quote and offsets into the text read). The order:
1. segment the text into clauses (prose) or keyed values (structure);
2. per clause: negation scope and modality, then the vocabulary (components, capabilities),
   actions the agent takes (one tool each), approvals and automatic actions, entry points and
   asset classes;
3. across clauses: agents, approvals linked to the tools they name, flows and boundaries
   derived from the facts, and contradictions turned into open questions.

A negated mention never creates a component; a hypothetical clause ("we plan to add memory")
settles nothing.
"""

from __future__ import annotations

import re

from assistant.engine.negations import NEGATIONS
from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.agents import agents
from assistant.engine.reading.controls import approvals, other_controls
from assistant.engine.reading.mentions import assets, entries, people, stated_flows
from assistant.engine.reading.nouns import named_nouns
from assistant.engine.reading.passive import passive_actions
from assistant.engine.reading.resolve import delta
from assistant.engine.reading.scope import NEGATION_CUE, clause_scope, negative_label
from assistant.engine.reading.state import (
    Clause,
    Reading,
    clause_evidence,
    compiled,
    heading_key,
    sentence_text,
    slug,
)
from assistant.engine.reading.tables import all_segments
from assistant.engine.reading.text import normalise
from assistant.engine.reading.tools import record_tool, tidy_tools, tools
from assistant.engine.term import Term
from assistant.engine.vocabulary import TERMS
from assistant.schema import Component, Evidence, Layer, SystemDelta

__all__ = ["read", "slug"]

# Component kinds whose negated mention rules out the capability it defines ("no vector store",
# "no plugins"); a negated product ("we don't use Pinecone") rules out only itself.
RULES_OUT_KINDS = {
    "code-runner",
    "plugin",
    "mcp-server",
    "agent-protocol",
    "agent",
    "registry",
    "blockchain",
    "model-server",
    "human-reviewer",
    "security-agent",
}


def read(text: str) -> SystemDelta:
    """Read a description or an answer into a system-model delta with evidence.

    Offsets in the evidence are offsets into `text`.
    """
    reading = Reading(text)
    clauses = [
        Clause(seg, norm, clause_scope(text, seg, norm.text))
        for seg in all_segments(text)
        if (norm := normalise(text, seg.start, seg.end)).text
    ]
    for clause in clauses:
        n = clause.seg.sentence
        s, e = reading.sentence_spans.get(n, (clause.seg.start, clause.seg.end))
        reading.sentence_spans[n] = (min(s, clause.seg.start), max(e, clause.seg.end))
    ruled_out = _under_negative_values(text, clauses)
    for clause in clauses:
        if clause.scope.hypothetical and not clause.scope.negated:
            continue
        opening, remark = ruled_out.get(id(clause), (False, False))
        if not remark:
            _terms(reading, clause)
        _phrase_negations(reading, clause)
        # A bare key over a list (`mcp_servers:`) names what follows, not a part of its own.
        if not (opening or remark or heading_key(reading, clause)):
            named_nouns(reading, clause)
            tools(reading, clause)
            passive_actions(reading, clause)
        elif heading_key(reading, clause):
            record_tool(reading, clause)
        entries(reading, clause)
        assets(reading, clause)
        people(reading, clause)
        other_controls(reading, clause)
        plain = lx.NON_AGENTIC.search(clause.text)
        if plain and reading.non_agentic is None:
            reading.non_agentic = clause_evidence(reading, clause, *plain.span())
    agents(reading, clauses)
    tidy_tools(reading)
    for clause in clauses:
        stated_flows(reading, clause)
    for clause in clauses:
        approvals(reading, clause)
    return delta(reading)


def _under_negative_values(source: str, clauses: list[Clause]) -> dict[int, tuple[bool, bool]]:
    """Clauses of keyed values that open with a negative, by `id`: (opening, remark).

    `merge: false` rules the key out, so it names no tool; in `payments: not handled, the
    finance team's ERP` the rest of the value only says where the thing lives instead, so
    nothing named there is part of this system. Controls and approvals still read these
    clauses: `approval: none, but the lead can veto` names who steps in.
    """
    found: dict[int, tuple[bool, bool]] = {}
    negative_keys: set[tuple[int, int]] = set()
    last_end: dict[tuple[int, int], int] = {}
    for clause in clauses:
        key = clause.seg.key
        if key is None:
            continue
        if key not in last_end:
            # Only a value that is wholly a negative: `tools: none but search` names one.
            short = len(clause.text.split()) <= 3
            if clause.scope.negative_value or (short and clause.scope.opens_negative):
                negative_keys.add(key)
                found[id(clause)] = (True, False)
        elif key in negative_keys:
            # The words that joined it to the value may sit between the clauses ("except").
            joined = source[last_end[key] : clause.seg.start].strip(" ,;:-") + " " + clause.text
            if not _EXCEPTION.match(joined.lower().strip()):
                found[id(clause)] = (False, True)
        last_end[key] = clause.seg.end
    return found


# A remark after a negative value that names what *is* there: `tools: none, except search`.
_EXCEPTION = lx.rx(r"but|except|only|apart from|other than|save for|besides|however")


def _terms(reading: Reading, clause: Clause) -> None:
    claimed: list[tuple[int, int]] = []
    text = clause.text
    context = clause.seg.context
    for term in TERMS:
        pattern = compiled(term.pattern)
        matches = [m for m in pattern.finditer(text)]
        if not matches and context and pattern.search(context):
            # A structured value read under its key: `memory: redis` names the memory store.
            matches = [re.match(r".*", text)]  # type: ignore[list-item]
            matches = [m for m in matches if m]
        by_key = bool(matches) and not pattern.search(text)
        if by_key and negative_label(reading.source, clause.seg):
            continue  # `excluded tools: a, b` rules out a and b, not tools at large
        for match in matches:
            overlaps = [(s, e) for s, e in claimed if match.start() < e and s < match.end()]
            # A phrase around a product another term named ("keeps a history in Elasticsearch
            # and checks it") still says what the agent does; only a clash of words is skipped.
            around = bool(overlaps) and all(
                match.start() <= s and e <= match.end() and e - s < match.end() - match.start()
                for s, e in overlaps
            )
            if overlaps and not around:
                continue
            negated = clause.scope.covers(match.start(), match.end())
            if by_key:
                # `memory: none` or `memory: not kept` rule memory out; `- no second check`, a
                # list item under `tools:`, says something about one tool, not about tools;
                # and `merge: false` under `permissions:` (or `stop: not available` under
                # `tools:`) rules out merging (or that tool), not permissions (or tools).
                negated = clause.scope.negative_value or (negated and not clause.seg.item)
                if negated and not _own_key(reading, clause, pattern):
                    continue  # about one part under the key: neither rules it out nor names it
            evidence = clause_evidence(reading, clause, match.start(), match.end())
            if negated:
                if term.capabilities and _rules_out(reading, term, clause, match, by_key):
                    reading.settle(term.capabilities[0], False, evidence, True)
                continue
            if clause.scope.hypothetical:
                continue
            people_only = (term.kind == "external-api" and _people_act(clause.text)) or (
                "planning" in term.capabilities and bool(_TEAM_SUBJECT.match(text))
            )
            for capability in term.capabilities:
                if people_only and capability in ("tools", "planning"):
                    # "the manager pastes it into Hootsuite", "the lead drafts a plan": a
                    # person's tool or plan, not the agent's.
                    continue
                reading.settle(capability, True, evidence, not term.generic)
            reading.factors += [f for f in term.factors if f not in reading.factors]
            if not by_key and len(match.group(0).split()) <= _LONGEST_CLAIM:
                # Only words claim their span: a value named by its key (`model: GPT-4.1` under
                # `llm:`) leaves its words free for other terms (`role: re-plans hourly`), and a
                # long behaviour phrase ("the model, fine-tuned by us, is served from a box in
                # our office") leaves the words inside it to other terms.
                claimed.append((match.start(), match.end()))
            if term.kind and not around and not (term.generic and term.kind in reading.kinds_named):
                _component(reading, term, clause, match, evidence)
            if term.generic or term.kind in ("", "llm"):
                break  # one generic component per term per clause
            # Products are named one by one: "tickets in Zendesk and accounts in Salesforce".


# The most words a match claims against other terms.
_LONGEST_CLAIM = 6


def _rules_out(
    reading: Reading, term: Term, clause: Clause, match: re.Match[str], by_key: bool
) -> bool:
    """Whether a negated mention of a term rules its capability out.

    Capability-only words ("payments", "customers") are too broad to rule a capability out when
    negated ("can't make payments"); generic component words ("no vector store") and defining
    kinds ("no plugins") are not. A key that is itself the term (`fine_tuned: false`) is as
    explicit as it gets; a key that names one product (`email: never`) rules out that product
    only.
    """
    if term.kind == "tool" and _qualified_tool(clause.text, match.start()):
        return False  # "no refund tool" rules out one tool, not tools
    if _narrowed(reading, clause, match.end()):
        return False  # "no tools other than get_quote", "no code except through run_sql"
    if term.kind == "access-control" and not _absent_sign_in(clause, match):
        return False
    return term.generic or term.kind in RULES_OUT_KINDS or (by_key and term.kind != "external-api")


# What follows a negated word and narrows it: "no tools that modify accounts", "no code
# execution except in the sandbox", "no tools other than get_quote".
_EXCEPTED = re.compile(
    r" (?:[\w-]+ ){0,2}?(?:that|which|other than|except|besides|apart from|save for)\b"
)


def _narrowed(reading: Reading, clause: Clause, end: int) -> bool:
    """Whether what follows a negated word, in its clause or the rest of its sentence, narrows it."""
    _, sentence_end = reading.sentence_spans.get(clause.seg.sentence, (0, clause.seg.end))
    rest = normalise(reading.source, clause.seg.end, max(clause.seg.end, sentence_end)).text
    return bool(_EXCEPTED.match(f"{clause.text[end:]} {rest}".rstrip()))


def _own_key(reading: Reading, clause: Clause, pattern: re.Pattern[str]) -> bool:
    """Whether the term is in the value's own key, not only in a key above it."""
    key = clause.seg.key
    return key is None or bool(pattern.search(normalise(reading.source, *key).text))


# Words between a negation and "tools" that leave the tools unqualified: "no tools", "does not
# use any external APIs", "cannot call other tools".
_UNQUALIFIED = lx.rx(
    r"no|not|n't|never|without|any|other|external|outside|further|extra|additional|use|uses|"
    r"have|has|call|calls|access|to|or|and|nor|zero|neither|real|actual"
)


def _qualified_tool(text: str, start: int) -> bool:
    """Whether a negated tool word names one kind of tool, not tools at large.

    "No refund tool" and "not visible through the billing integration" leave other tools open.
    """
    before = text[:start].split()
    return bool(before) and not _UNQUALIFIED.fullmatch(before[-1])


def _absent_sign_in(clause: Clause, match: re.Match[str]) -> bool:
    """Whether a negated sign-in word says there is no sign-in, not that it is left alone.

    "No login", "without authentication" and "authentication is not required" rule it out;
    "never resets anyone's MFA" (the negation is of the action on it) and "without delete
    permission" (a limit on what is allowed, itself a control) do not.
    """
    if match.group().startswith("permission"):
        return False
    cues = [s for s, e in clause.scope.negated if s <= match.start() < e]
    # No cue in the clause: a keyed value that is itself negative (`sso: none`) says so outright.
    return not cues or len(clause.text[cues[0] : match.start()].split()) <= 2


# People, plainly not an agent, as a clause's subject: "our team drafts a plan". Not role words
# ("the dispatcher re-plans"), which often name the agent itself.
_TEAM_SUBJECT = lx.rx(
    r"we|(?:our|the|a|my) (?:[\w-]+ )?(?:team|staff|people|humans?|managers?|board|committee)"
)


def _people_act(text: str) -> bool:
    """A clause where a person, not the agent, does the acting.

    "Our team tracks the agent's bugs in Jira": the agent named as a possessive does nothing;
    "we built the agent in VS Code": the team making it, not the agent acting.
    """
    named = [not _POSSESSIVE.match(text, m.end()) for m in lx.AGENT_WORD.finditer(text)]
    acting = any(named)
    # "we keep records in Salesforce" may be what the agent reads; "we track the agent's
    # bugs in Jira" is not.
    ours = bool(_TEAM_SUBJECT.match(text)) and bool(named) and not acting
    return (
        bool(_MAKING_IT.match(text))
        or ours
        or (bool(lx.HUMAN.search(text)) and not acting and not re.match(r"(?:it|they)\b", text))
    )


_POSSESSIVE = re.compile(r"(?:'|\u2019)s?\b| s\b")
# The team at work on the agent itself.
_MAKING_IT = re.compile(
    r"(?:we|our (?:[\w-]+ )?(?:team|devs|developers|engineers))(?: also)? "
    r"(?:built|build|builds|deploy|deploys|deployed|develop|develops|developed|test|tests|tested|"
    r"track|tracks|tracked|debug|debugs|debugged|wrote|write|design|designed|version|host the code)\b"
)


def _component(
    reading: Reading, term: Term, clause: Clause, match: re.Match[str], evidence: Evidence
) -> None:
    start, end = clause.norm.source_span(match.start(), match.end())
    matched = reading.source[start:end]
    name = term.name or matched.strip()
    if term.kind == "llm" and not term.generic:
        name = matched.strip()  # the model as the user named it: "GPT-4o", not "OpenAI model"
    elif not term.name:
        name = name if any(ch.isupper() for ch in name) else name.title()
    component = Component(
        id=slug(name),
        name=name,
        kind=term.kind,
        layers=list(term.layers) or [Layer.L3],
        hosting=_hosting(sentence_text(reading, clause), name)
        if term.kind in ("llm", "model-server")
        else "",
        evidence=[evidence],
    )
    reading.add(component)
    reading.kinds_named.add(term.kind)


_SELF_HOSTED = lx.rx(
    r"self-hosted|on-?prem\w*|our own (?:gpus?|servers?|hardware)|ollama|vllm|locally|on device|on-device|in-house|"
    # "our own llama 3 70b on 2 A100s": the model is theirs, on their own accelerators.
    r"on (?:\d+|two|three|four|eight) (?:x )?(?:a100|h100|h200|l4|l40s?|a10g?|rtx ?\d+|4090)s?\b|"
    r"we (?:host|serve|run) (?:it|them)?|hosted by us|host(?:ed|s)? (?:it |them )?ourselves|"
    r"edge (?:servers?|box(?:es)?|devices?|nodes?|gateways?)|"
    # The model run on hardware the organisation runs: "it runs on the institute's own GPU
    # servers", "served from a local GPU box" (not "stores transcripts on our own servers").
    r"(?:runs?|running|ran|hosts?|hosted|serves?|served|deployed|inference) (?:[\w'-]+ ){0,5}?(?:on|from) "
    r"(?:(?:the|a|an|two|three|our|their|its|[\w-]+'s) ){0,2}(?:own |local )(?:[\w-]+ )?(?:gpus?|servers?|hardware|"
    r"machines?|box(?:es)?|clusters?|pcs?|workstations?)|(?:that|which) we (?:manage|operate|maintain) ourselves"
)
_TENANT = lx.rx(
    r"our (?:own |private )?(?:subscription|tenant|account|vpc|azure|aws|gcp|cloud account|"
    r"cluster|kubernetes|data ?cent(?:er|re))"
)
# Open-weights models: in the team's own tenant they are run by the team, not by a provider.
_OPEN_WEIGHTS = lx.rx(
    r"llama[\w.-]*|mistral(?! large)[\w.-]*|mixtral[\w.-]*|qwen[\w.-]*|phi-?\d[\w.-]*|gemma[\w.-]*|"
    r"deepseek[\w.-]*|falcon[\w.-]*|olmo[\w.-]*"
)
_PROVIDER = lx.rx(r"api|hosted|through|via|cloud|provider|service|endpoint")


# Models only their vendor serves: whatever else the sentence runs on its own hardware, these
# come through the vendor or a cloud tenant.
_CLOSED_WEIGHTS = lx.rx(r"(?:gpt|claude|gemini|o1|o3|o4|command)[\w .-]*")


def _hosting(text: str, name: str) -> str:
    if _SELF_HOSTED.search(text) and not _CLOSED_WEIGHTS.match(name.lower()):
        return "self-hosted"
    if _TENANT.search(text):
        return (
            "self-hosted" if _OPEN_WEIGHTS.search(text) else "provider service in own cloud tenant"
        )
    if _PROVIDER.search(text):
        return "provider API"
    return ""


def _phrase_negations(reading: Reading, clause: Clause) -> None:
    for pattern, capability in NEGATIONS:
        match = compiled(pattern).search(clause.text)
        if match is None:
            continue
        # "single agent that ..." is no negation to narrow; "no tools that ..." is.
        if NEGATION_CUE.search(match.group()) and _narrowed(reading, clause, match.end()):
            continue
        reading.settle(capability, False, clause_evidence(reading, clause, *match.span()), True)
