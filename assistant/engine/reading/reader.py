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
from dataclasses import dataclass, field

from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.derive import boundaries, flows
from assistant.engine.reading.scope import Scope, scope
from assistant.engine.reading.text import Norm, Segment, normalise, segments
from assistant.engine.vocabulary import NEGATIONS, TERMS, Term
from assistant.schema import (
    AgenticFactor,
    Asset,
    Component,
    Control,
    ControlKind,
    Effect,
    EntryKind,
    EntryPoint,
    Evidence,
    EvidenceKind,
    Layer,
    SystemDelta,
    distinct,
)

# Quotes longer than this are cut to the words around the match.
MAX_QUOTE = 160
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
# Capabilities that a tool the agent invokes establishes.
TOOL_KINDS = {"tool", "external-api", "database", "code-runner", "mcp-server", "plugin"}
_COMPILED: dict[str, re.Pattern[str]] = {}


def _term(pattern: str) -> re.Pattern[str]:
    if pattern not in _COMPILED:
        _COMPILED[pattern] = lx.rx(pattern)
    return _COMPILED[pattern]


def slug(text: str) -> str:
    """A component id from a name: lower case, dashes, at most 40 characters."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-") or "component"


@dataclass
class _Clause:
    seg: Segment
    norm: Norm
    scope: Scope

    @property
    def text(self) -> str:
        return self.norm.text


@dataclass
class _Reading:
    """What has been read so far (the delta under construction)."""

    source: str
    components: dict[str, Component] = field(default_factory=dict)
    capabilities: dict[str, list[tuple[bool, Evidence, bool]]] = field(default_factory=dict)
    controls: list[Control] = field(default_factory=list)
    entries: dict[str, EntryPoint] = field(default_factory=dict)
    assets: dict[str, Asset] = field(default_factory=dict)
    factors: list[AgenticFactor] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    kinds_named: set[str] = field(default_factory=set)
    tool_words: dict[str, set[str]] = field(default_factory=dict)
    tool_sentences: dict[str, set[int]] = field(default_factory=dict)
    non_agentic: Evidence | None = None
    sentence_spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    stated_flows: list[tuple[str, str, Evidence]] = field(default_factory=list)

    def quote(self, start: int, end: int, around: tuple[int, int] | None = None) -> Evidence:
        """Evidence for `source[start:end]`, cut to the words around `around` if too long."""
        if end - start > MAX_QUOTE and around is not None:
            start, end = _window(self.source, start, end, around)
        return Evidence(kind=EvidenceKind.QUOTE, quote=self.source[start:end], start=start, end=end)

    def settle(self, capability: str, value: bool, evidence: Evidence, explicit: bool) -> None:
        """Record one reading of a capability (resolved in `delta`)."""
        self.capabilities.setdefault(capability, []).append((value, evidence, explicit))

    def add(self, component: Component) -> Component:
        """Add a component, or add evidence to the one with its id."""
        if component.evidence and component.evidence[0].start is not None:
            self.positions.setdefault(component.id, component.evidence[0].start)
        old = self.components.get(component.id)
        if old is None:
            self.components[component.id] = component
            return component
        merged = old.model_copy(
            update={
                "evidence": old.evidence + [e for e in component.evidence if e not in old.evidence]
            }
        )
        self.components[component.id] = merged
        return merged


def _window(source: str, start: int, end: int, around: tuple[int, int]) -> tuple[int, int]:
    half = (MAX_QUOTE - (around[1] - around[0])) // 2
    lo = max(start, around[0] - max(half, 0))
    hi = min(end, around[1] + max(half, 0))
    # Whole words only: move inwards to the nearest space.
    if lo > start:
        space = source.find(" ", lo, around[0])
        lo = space + 1 if space != -1 else lo
    if hi < end:
        space = source.rfind(" ", around[1], hi)
        hi = space if space != -1 else hi
    return lo, hi


def read(text: str) -> SystemDelta:
    """Read a description or an answer into a system-model delta with evidence.

    Offsets in the evidence are offsets into `text`.
    """
    reading = _Reading(text)
    clauses = [
        _Clause(seg, norm, scope(norm.text, keyed=bool(seg.context)))
        for seg in segments(text)
        if (norm := normalise(text, seg.start, seg.end)).text
    ]
    for clause in clauses:
        n = clause.seg.sentence
        s, e = reading.sentence_spans.get(n, (clause.seg.start, clause.seg.end))
        reading.sentence_spans[n] = (min(s, clause.seg.start), max(e, clause.seg.end))
    for clause in clauses:
        if clause.scope.hypothetical and not clause.scope.negated:
            continue
        _terms(reading, clause)
        _phrase_negations(reading, clause)
        _named_nouns(reading, clause)
        _tools(reading, clause)
        _entries(reading, clause)
        _assets(reading, clause)
        _other_controls(reading, clause)
        plain = lx.NON_AGENTIC.search(clause.text)
        if plain and reading.non_agentic is None:
            reading.non_agentic = _evidence(reading, clause, *plain.span())
    _agents(reading, clauses)
    _tidy_tools(reading)
    for clause in clauses:
        _stated_flows(reading, clause)
    for clause in clauses:
        _approvals(reading, clause)
    return _delta(reading)


# --- per clause ----------------------------------------------------------------------------


def _evidence(reading: _Reading, clause: _Clause, start: int, end: int) -> Evidence:
    """The clause as evidence for a match at `start:end` of its normalised text."""
    around = clause.norm.source_span(start, end)
    return reading.quote(clause.seg.start, clause.seg.end, around)


def _terms(reading: _Reading, clause: _Clause) -> None:
    claimed: list[tuple[int, int]] = []
    text = clause.text
    context = clause.seg.context
    for term in TERMS:
        pattern = _term(term.pattern)
        matches = [m for m in pattern.finditer(text)]
        if not matches and context and pattern.search(context):
            # A structured value read under its key: `memory: redis` names the memory store.
            matches = [re.match(r".*", text)]  # type: ignore[list-item]
            matches = [m for m in matches if m]
        by_key = bool(matches) and not pattern.search(text)
        for match in matches:
            if any(match.start() < e and s < match.end() for s, e in claimed):
                continue
            negated = clause.scope.covers(match.start(), match.end()) or (
                by_key and clause.scope.negative_value
            )
            evidence = _evidence(reading, clause, match.start(), match.end())
            if negated:
                # Capability-only words ("payments", "customers") are too broad to rule a
                # capability out when negated ("can't make payments"); generic component words
                # ("no vector store") and defining kinds ("no plugins") are not.
                rules_out = term.generic or term.kind in RULES_OUT_KINDS
                if rules_out and term.capabilities:
                    reading.settle(term.capabilities[0], False, evidence, True)
                continue
            if clause.scope.hypothetical:
                continue
            people_only = term.kind == "external-api" and _people_act(clause.text)
            for capability in term.capabilities:
                if people_only and capability == "tools":
                    continue  # "the manager pastes it into Hootsuite": a person's tool
                reading.settle(capability, True, evidence, not term.generic)
            reading.factors += [f for f in term.factors if f not in reading.factors]
            claimed.append((match.start(), match.end()))
            if term.kind and not (term.generic and term.kind in reading.kinds_named):
                _component(reading, term, clause, match, evidence)
            break  # one component per term per clause


def _people_act(text: str) -> bool:
    """A clause where a person, not the agent, does the acting."""
    return (
        bool(lx.HUMAN.search(text))
        and not lx.AGENT_WORD.search(text)
        and not re.match(r"(?:it|they)\b", text)
    )


def _component(
    reading: _Reading, term: Term, clause: _Clause, match: re.Match[str], evidence: Evidence
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
        hosting=_hosting(clause.text) if term.kind in ("llm", "model-server") else "",
        evidence=[evidence],
    )
    reading.add(component)
    reading.kinds_named.add(term.kind)


_SELF_HOSTED = lx.rx(
    r"self-hosted|on-?prem\w*|our own (?:gpus?|servers?|hardware)|ollama|vllm|locally|on device|on-device|in-house"
)
_TENANT = lx.rx(r"our (?:own )?(?:subscription|tenant|account|vpc|azure|aws|gcp|cloud account)")
_PROVIDER = lx.rx(r"api|hosted|through|via|cloud|provider|service|endpoint")


def _hosting(text: str) -> str:
    if _SELF_HOSTED.search(text):
        return "self-hosted"
    if _TENANT.search(text):
        return "provider service in own cloud tenant"
    if _PROVIDER.search(text):
        return "provider API"
    return ""


def _phrase_negations(reading: _Reading, clause: _Clause) -> None:
    for pattern, capability in NEGATIONS:
        match = _term(pattern).search(clause.text)
        if match:
            reading.settle(capability, False, _evidence(reading, clause, *match.span()), True)


_IDENTIFIER = re.compile(
    r"(?<![\w.])[A-Za-z][A-Za-z0-9]*(?:(?:_|\.)[A-Za-z0-9]+)+(?![\w])|(?<![\w.])[a-z]+(?:[A-Z][a-z0-9]+)+(?![\w])"
)
_TOOL_CONTEXT = lx.rx(
    r"tools?|actions?|functions?|calls?|capabilities|integrations?|apis?|commands?|skills?|permissions?|can|allowed|endpoints?|operations?"
)
_STORE_WORD = lx.rx(
    r"memory|store|db|database|cache|index|redis|table|bucket|queue|log|history|notes|journal"
)
_NOT_A_TOOL_OBJECT = lx.rx(
    r"memory|notes|history|blackboard|registry|knowledge(?: base)?|wiki|documents?|docs|"
    r"documentation|index|passages?|articles?|policies|polic(?:y|ies)|context|prompt|"
    r"instructions|playbook|guidelines|corpus|embeddings?|vectors?|chunks?|messages|logs?|"
    r"inbox|mailbox|e-?mails?|mail|msgs?|chats?|questions?|requests?|tickets? (?:that|as) (?:arrive|come)"
)
_NOT_TOOL_ID = lx.rx(r"model|llm|gpt|claude|temperature|version|config|prompt|name|id|type|env")


def _tools(reading: _Reading, clause: _Clause) -> None:
    """Tools the agent invokes: identifiers, keyed lists and agent-subject action verbs."""
    if clause.scope.hypothetical:
        return
    raw = reading.source[clause.seg.start : clause.seg.end]
    in_tool_context = bool(_TOOL_CONTEXT.search(clause.seg.context))
    taken: list[tuple[int, int]] = []
    for ident in _IDENTIFIER.finditer(raw):
        words = normalise(ident.group(0)).text
        if lx.AGENT_WORD.search(words) or _STORE_WORD.search(words) or _NOT_TOOL_ID.search(words):
            continue
        if any(_term(t.pattern).search(words) for t in TERMS if t.kind in ("llm", "model-server")):
            continue  # a model's name with a version ("Qwen2.5"), not a tool
        if _FILE_NAME.fullmatch(ident.group(0)):
            continue
        has_verb = bool(lx.ACTION.match(words)) or "." in ident.group(0)
        if not (in_tool_context or has_verb or _TOOL_CONTEXT.search(clause.text)):
            continue
        start = clause.seg.start + ident.start()
        if _negated_at(clause, start):
            continue
        end = start + len(ident.group(0))
        _add_tool(reading, ident.group(0), words, start, end, clause)
        taken.append((start, end))
    if in_tool_context and taken:
        return
    if in_tool_context and not clause.scope.negated:
        key = clause.seg.key
        key_text = reading.source[key[0] : key[1]] if key else ""
        if key and not _TOOL_CONTEXT.fullmatch(normalise(key_text).text):
            # `tools:` then `write_setpoint: needs approval`: the key names the tool.
            _add_tool(reading, key_text, normalise(key_text).text, key[0], key[1], clause)
            return
        if clause.seg.item and len(clause.text.split()) <= 6:
            # A listed item such as `tools: [refund lookup]`: the item names the tool.
            _add_tool(reading, raw.strip(), clause.text, clause.seg.start, clause.seg.end, clause)
            return
    if lx.HUMAN_SUBJECT.match(clause.text):
        return  # something a person does, not the agent
    subject = lx.AGENT_SUBJECT.match(clause.text)
    at = subject.end() if subject else 0
    if at == 0 and not _bullet_verb(reading, clause):
        return  # no agent as subject: "messages are traced" is not an action of the agent
    # "can reserve tables, sends reminders and opens tickets": one tool per coordinated verb,
    # tried at the subject's end and after each comma or conjunction.
    starts = [at] + [m.end() for m in _NEXT_VERB.finditer(clause.text, at)]
    for position in starts:
        action = lx.ACTION.match(clause.text, position)
        if action is None:
            continue
        s, e = clause.norm.source_span(action.start(), action.end("verb"))
        if not any(s < te and ts < e for ts, te in taken):  # an identifier already named it
            _verb_tool(reading, clause, action)


_NEXT_VERB = re.compile(r"(?:,| and| or| also| then)(?: (?:can|may|will|also|then|it))* (?=\w)")
_FILE_NAME = re.compile(r"[\w.]+\.(?:com|org|io|net|ai|dev|md|json|yaml|yml|py|txt|csv|pdf)")


def _verb_tool(reading: _Reading, clause: _Clause, action: re.Match[str]) -> None:
    if clause.scope.covers(action.start(), action.end()):
        return
    rest = action.group("rest")
    shared = re.match(r" (?:or|and|and/or|/) (\w+)", rest)
    if shared and lx.ACTION.match(shared.group(1)):
        # "book or cancel slots": each verb takes the object the last one names.
        following = lx.ACTION.match(
            clause.text, action.end("verb") + len(shared.group(0)) - len(shared.group(1))
        )
        rest = following.group("rest") if following else rest
    obj = _object(rest)
    if not obj:
        return
    verb = action.group("verb")
    effect = _effect(verb)
    if effect == Effect.READS_DATA and _NOT_A_TOOL_OBJECT.search(obj):
        return  # reading its own store, documents or inbox is a flow or an entry, not a tool
    if effect in (Effect.READS_DATA, Effect.WRITES_DATA) and _names_a_store(
        reading, clause.text[action.end("verb") :]
    ):
        return  # "writes leads to the lead table": a flow to a store, not a tool
    obj_at = clause.text.find(obj, action.end("verb"))
    s, e = clause.norm.source_span(action.start(), obj_at + len(obj))
    name = reading.source[s:e]
    if shared:
        # Name it verb + object ("book slots"); the quote still spans the user's words.
        vs, ve = clause.norm.source_span(action.start(), action.end("verb"))
        os_, oe = clause.norm.source_span(obj_at, obj_at + len(obj))
        name = f"{reading.source[vs:ve]} {reading.source[os_:oe]}"
    _absorb_products(reading, clause, obj)
    _add_tool(reading, name, f"{verb} {obj}", s, e, clause)


def _absorb_products(reading: _Reading, clause: _Clause, obj: str) -> None:
    """A product named only as the object of the tool ("reads the clinic calendar") is the tool.

    Without this the product and the tool would both be components of one action.
    """
    for component in list(reading.components.values()):
        only_here = all(e.start == clause.seg.start for e in component.evidence)
        if component.kind == "external-api" and only_here and normalise(component.name).text in obj:
            del reading.components[component.id]


def _bullet_verb(reading: _Reading, clause: _Clause) -> bool:
    """A list item that opens with a third-person verb, such as "- looks up orders"."""
    line_start = reading.source.rfind("\n", 0, clause.seg.start) + 1
    if not _BULLET.match(reading.source, line_start) and not clause.seg.context:
        return False
    text = clause.text
    first, _, rest = text.partition(" ")
    return (
        first.endswith("s")
        and not first.endswith("ss")
        and bool(lx.ACTION.match(text))
        and not re.match(r"(?:and|are|is|were|was|of|from|to)\b", rest)
    )


_BULLET = re.compile(r"[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]")


def _names_a_store(reading: _Reading, text: str) -> bool:
    stores = [c for c in reading.components.values() if c.kind in _STORE_KINDS]
    return any(normalise(c.name).text in text for c in stores)


_STORE_KINDS = {"database", "memory", "vector-store", "knowledge-base", "shared-memory"}


def _negated_at(clause: _Clause, source_offset: int) -> bool:
    origin = clause.norm.origin
    for i, o in enumerate(origin):
        if o >= source_offset:
            return clause.scope.covers(i, i + 1)
    return False


def _object(rest: str) -> str:
    """The object noun phrase after a verb, up to a preposition or conjunction."""
    words: list[str] = []
    for word in rest.split():
        if lx.OBJECT_STOP.fullmatch(word):
            if words:
                break
            continue  # "looks up orders": skip a leading particle
        words.append(word)
    while words and lx.VAGUE_OBJECT.fullmatch(words[0]):
        words.pop(0)
    return " ".join(words[:3])


def _effect(words: str) -> Effect | None:
    """The effect of the first word that is an action verb (the verb decides, not its object)."""
    split = words.split()
    for n in range(len(split)):
        rest = " ".join(split[n:])
        for pattern, effect in lx.ACTION_VERBS:
            if re.match(rf"(?:{pattern})", rest):
                return effect
    return None


def _add_tool(
    reading: _Reading, name: str, words: str, start: int, end: int, clause: _Clause
) -> None:
    evidence = reading.quote(clause.seg.start, clause.seg.end, (start, end))
    component = Component(
        id=slug(name),
        name=name,
        kind="tool",
        layers=[Layer.L3],
        effect=_effect(words),
        evidence=[evidence],
    )
    added = reading.add(component)
    reading.tool_words[added.id] = set(words.split())
    reading.tool_sentences.setdefault(added.id, set()).add(clause.seg.sentence)
    reading.settle("tools", True, evidence, True)
    if component.effect == Effect.EXECUTES_CODE:
        reading.settle("code-execution", True, evidence, True)


def _entries(reading: _Reading, clause: _Clause) -> None:
    if clause.scope.hypothetical:
        return
    for kind, pattern in lx.ENTRY_POINTS:
        match = _term(pattern).search(clause.text)
        if match is None or clause.scope.covers(*match.span()) or kind.value in reading.entries:
            continue
        if kind in lx.NEEDS_INBOUND and not lx.INBOUND.search(clause.text):
            continue  # "a lead approves in Slack" is a channel, not a way in
        evidence = _evidence(reading, clause, *match.span())
        s, e = clause.norm.source_span(*match.span())
        label = kind.value.replace("-", " ").replace("email", "e-mail")
        words = reading.source[s:e]
        reading.entries[kind.value] = EntryPoint(
            id=f"entry-{kind.value}",
            name=label if words.lower() == label else f"{label} ({words})",
            kind=kind,
            untrusted=kind not in lx.TRUSTED_ENTRIES,
            evidence=[evidence],
        )


def _assets(reading: _Reading, clause: _Clause) -> None:
    if clause.scope.hypothetical:
        return
    for data_class, pattern in lx.ASSETS:
        match = _term(pattern).search(clause.text)
        if match is None or clause.scope.covers(*match.span()):
            continue
        if data_class.value in reading.assets:
            continue
        s, e = clause.norm.source_span(*match.span())
        reading.assets[data_class.value] = Asset(
            id=f"asset-{data_class.value}",
            name=reading.source[s:e],
            data_class=data_class,
            evidence=[_evidence(reading, clause, *match.span())],
        )


# "the carrier API", "a git MCP server", "the payments integration": a tool named by its noun.
_TOOL_NOUN = re.compile(
    r"(?<![\w-])((?:[a-z][\w-]* ){0,2}?[a-z][\w-]*) "
    r"(apis?|integrations?|mcp servers?|(?<=mcp )servers?|connectors?|webhooks?|plugins?)(?![\w-])"
)
# "an order database", "the shift log", "a Postgres blackboard": a store named by its noun.
_STORE_NOUN = re.compile(
    r"(?<![\w-])((?:[a-z][\w-]* ){0,2}?[a-z][\w-]*) "
    r"(database|db|table|ledger|registry|blackboard|log|logs|bucket|cache|store|archive|"
    r"repository|datastore|data store|warehouse)(?![\w-])"
)
_MODEL_PROVIDER = lx.rx(
    r"openai|anthropic|azure openai|bedrock|vertex|gemini|claude|gpt[\w.-]*|model|llm|"
    r"language model|completions?|chat completions?|embeddings?|inference|ai"
)
_NOT_A_QUALIFIER = lx.rx(
    r"a|an|the|our|its|their|this|that|each|every|any|some|one|public|rest|graphql|external|"
    r"internal|own|same|no|and|or|of|to|in|on|via|through|with|by|for|from|into|new|custom|"
    r"local|remote|official|third-party|simple|single|central|shared|main|is|are|it|uses?|"
    r"calls?|reads?|writes?|keeps?|has|have|using|called"
)


def _qualified(words: str) -> str:
    """The qualifying words before a noun, from the noun backwards, or "" if there are none."""
    kept: list[str] = []
    for word in reversed(words.split()):
        if _NOT_A_QUALIFIER.fullmatch(word):
            break
        kept.insert(0, word)
    return " ".join(kept)


def _named_nouns(reading: _Reading, clause: _Clause) -> None:
    """Tools and stores the text names by their nouns rather than by a verb."""
    if clause.scope.hypothetical:
        return
    for pattern, kind in ((_TOOL_NOUN, "tool"), (_STORE_NOUN, "database")):
        for match in pattern.finditer(clause.text):
            if clause.scope.covers(match.start(2), match.end(2)):
                continue
            qualifier = _qualified(match.group(1))
            if not qualifier or _MODEL_PROVIDER.search(qualifier):
                continue  # "the OpenAI API" is the model; "an API" names nothing
            if kind == "database" and re.match(
                r" (?:in|into|on|out|off)\b", clause.text[match.end() :]
            ):
                continue  # "staff log in": a verb, not a store
            phrase = f"{qualifier} {match.group(2)}"
            known = any(
                normalise(c.name).text in phrase.split()
                or qualifier.startswith(normalise(c.name).text)
                for c in reading.components.values()
            )
            if kind == "database" and (known or _VOCABULARY_STORE.search(phrase)):
                continue  # "the Chroma DB", "a Pinecone vector store": the store already read
            q_start = match.end(1) - len(qualifier)
            s, e = clause.norm.source_span(q_start, match.end(2))
            name = reading.source[s:e]
            if kind == "database" and _STORE_IS_MEMORY.search(match.group(0)):
                kind = "memory"
            elif kind == "database" and match.group(2) in ("log", "logs"):
                kind = "log-store"
            if kind == "tool":
                _add_tool(reading, name, f"{qualifier} {match.group(2)}", s, e, clause)
            else:
                reading.add(
                    Component(
                        id=slug(name),
                        name=name,
                        kind=kind,
                        layers=[Layer.L5] if kind == "log-store" else [Layer.L2],
                        evidence=[reading.quote(clause.seg.start, clause.seg.end, (s, e))],
                    )
                )


_VOCABULARY_STORE = lx.rx(
    r"vector (?:store|database|db|index)|knowledge base|document store|memory store|"
    r"embeddings? (?:store|index)"
)
_STORE_IS_MEMORY = lx.rx(r"memory|history|notes|scratchpad|blackboard|journal")


def _other_controls(reading: _Reading, clause: _Clause) -> None:
    """Controls other than approval, present unless the clause negates them.

    Sandboxing, allowlists, rate limits, audit logging, authentication, authorisation and
    guardrails ("not in a sandbox" records a sandbox as absent).
    """
    if clause.scope.hypothetical:
        return
    for kind, pattern in lx.CONTROLS:
        match = _term(pattern).search(clause.text)
        by_key = (
            match is None
            and bool(clause.seg.context)
            and bool(lx.CONTROL_KEYS[kind].search(clause.seg.context))
        )
        if match is None and not by_key:
            continue
        span = match.span() if match else (0, len(clause.text))
        present = not (clause.scope.covers(*span) or (by_key and clause.scope.negative_value))
        if any(c.kind == kind and c.present == present for c in reading.controls):
            continue
        reading.controls.append(
            Control(
                id=f"{kind.value}-{len(reading.controls) + 1}",
                kind=kind,
                present=present,
                scope=reading.source[clause.seg.start : clause.seg.end][:MAX_QUOTE],
                evidence=[_evidence(reading, clause, *span)],
            )
        )


# --- across clauses --------------------------------------------------------------------------

_NAMED_AGENT = re.compile(
    r"(?<![\w-])((?:[a-z][\w-]* )?[a-z][\w-]*) "
    r"(agent|bot|chatbot|robot|assistant|copilot|worker)s?(?![\w-])"
)
# A name given to the agent: `a bot called "Ava"`, `assistant "Kit"`.
_AGENT_NOUN = r"(?:agent|bot|chatbot|robot|assistant|copilot)"
_QUOTE_OPEN = r"[\"\u201c'`]"
_QUOTE_CLOSE = r"[\"\u201d'`]"
# A name given to the agent, on normalised text (punctuation stands apart): `a bot called
# "ava"`, `a bot for it , " kit "`, `kit , an agent that ...`, `" kit " is our assistant`.
_GIVEN_NAME = re.compile(
    rf"{_AGENT_NOUN}s?(?: for [\w ]{{1,20}}?)?(?: ,)? (?:(?:called|named|nicknamed|dubbed) "
    rf"(?:{_QUOTE_OPEN} )?|{_QUOTE_OPEN} )([a-z][\w-]{{1,30}})(?= {_QUOTE_CLOSE}| ,| \.|$)|"
    rf"(?:^|, )(?:{_QUOTE_OPEN} )?([a-z][\w-]{{2,30}})(?: {_QUOTE_CLOSE})? (?:,|is) "
    rf"(?:an?|our|the) (?:[\w-]+ ){{0,3}}{_AGENT_NOUN}\b|"
    rf"(?:call|named) (?:it|him|her) (?:{_QUOTE_OPEN} )?([a-z][\w-]{{1,30}})"
)
_NOT_GIVEN = lx.rx(r"it|this|that|which|who|one|the|a|an|our|them|there|here|we|i|and|or|so")
_NOT_A_NAME = lx.rx(
    r"a|an|the|this|that|our|its|their|each|every|one|single|ai|llm|other|another|multi|sub|peer|"
    r"same|main|autonomous|agentic|user|software|no|any|which|new|first|second|third|rogue|"
    r"malicious|of|internal|all|external|human|two|three|four|five|several|multiple|many|more|"
    r"and|or|is|as|by|to|with|for|coding|virtual|smart|helpful|simple|small|personal|digital|"
    r"intelligent|chat|support|an ai|conversational|generative|gen|llm-based|ai-powered"
)
_GENERIC_AGENT_NAMES = {"support", "chat", "coding", "virtual", "personal", "digital"}


def _agents(reading: _Reading, clauses: list[_Clause]) -> None:
    """Named agents ("intake agent", `intake_agent`), and the primary agent."""
    named: list[tuple[str, Evidence]] = []
    first_agentish: Evidence | None = None
    for clause in clauses:
        if clause.scope.hypothetical:
            continue
        for match in _NAMED_AGENT.finditer(clause.text):
            if clause.scope.covers(match.start(2), match.end(2)):
                continue  # "there is no agent loop": the noun is negated
            words, noun = match.group(1).split(), match.group(2)
            # Keep qualifiers from the noun backwards until one is no part of a name.
            kept: list[str] = []
            for word in reversed(words):
                if _NOT_A_NAME.fullmatch(word) and word not in _GENERIC_AGENT_NAMES:
                    break
                kept.insert(0, word)
            evidence = _evidence(reading, clause, *match.span())
            if first_agentish is None:
                first_agentish = evidence
            if not kept:
                continue
            name = f"{' '.join(kept)} {noun}"
            if all(name != n for n, _ in named):
                named.append((name, evidence))
        for given in _GIVEN_NAME.finditer(clause.text):
            if clause.scope.covers(*given.span()):
                continue
            name = next((g for g in given.groups() if g), "").strip()
            if _NOT_GIVEN.fullmatch(name) or lx.AGENT_WORD.fullmatch(name):
                continue
            if name and all(name != n for n, _ in named):
                named.append((name, _evidence(reading, clause, *given.span())))
        if first_agentish is None:
            word = lx.AGENT_WORD.search(clause.text)
            if word and not clause.scope.covers(*word.span()):
                first_agentish = _evidence(reading, clause, *word.span())
    # "Clinic scheduling assistant" (a heading) and "scheduling assistant" are one agent.
    merged: list[tuple[str, Evidence]] = []
    for name, evidence in sorted(named, key=lambda n: len(n[0])):
        if not any(name.endswith(" " + m) or name == m for m, _ in merged):
            merged.append((name, evidence))
    named = sorted(merged, key=lambda n: n[1].start or 0)
    for name, evidence in named:
        reading.add(
            Component(
                id=slug(name), name=name, kind="agent", layers=[Layer.L3], evidence=[evidence]
            )
        )
    distinct = [n for n, _ in named if n.split()[0] not in _GENERIC_AGENT_NAMES]
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


_TRANSFER = lx.rx(
    r"hands?(?: off)?|handed|passes|passed|sends?|sent|forwards?|delegates?|routes?|writes?|"
    r"posts?|pushes?|publishes?|stores?|saves?|puts?|reports?|returns?|escalates?|feeds?|"
    r"reads?|retrieves?|pulls?|fetches|queries|loads?|gets?|receives?|looks? up|consults?"
)
_INTO = lx.rx(r"to|into|in|onto|on")
_FROM = lx.rx(r"from|in|out of")
_READS = lx.rx(
    r"reads?|retrieves?|pulls?|fetches|queries|loads?|gets?|receives?|looks? up|consults?"
)


def _stated_flows(reading: _Reading, clause: _Clause) -> None:
    """Flows a clause states between components it names.

    "The planner hands plans to the executor", "the scout writes to the blackboard", "it reads
    from the registry".
    """
    if clause.scope.hypothetical or clause.scope.negated:
        return
    text = clause.text
    verb = _TRANSFER.search(text)
    if verb is None:
        return
    mentions = _mentions(reading, text)
    before = [m for m in mentions if m[1] <= verb.start()]
    after = [m for m in mentions if m[1] >= verb.end()]
    # The subject is the agent (or store) named first, not whatever stands nearest the verb:
    # in "the agent uses GPT-4o, reads receipts from email" the agent reads, not the model.
    kinds = {c.id: c.kind for c in reading.components.values()}
    actors = [m for m in before if kinds.get(m[0]) != "llm"]
    agents = [m for m in actors if kinds.get(m[0]) == "agent"]
    pronoun = re.match(r"(?:it|they|then|and)\b", text)
    subject = (agents or actors)[0][0] if actors else (_primary(reading) if pronoun else "")
    if not subject or not after:
        return
    other = after[0][0]
    if other == subject:
        return
    reads = bool(_READS.fullmatch(verb.group(0)))
    source, target = (other, subject) if reads else (subject, other)
    evidence = _evidence(reading, clause, verb.start(), verb.end())
    reading.stated_flows.append((source, target, evidence))


_FLOW_ENDS = {
    "agent",
    "database",
    "memory",
    "vector-store",
    "knowledge-base",
    "shared-memory",
    "registry",
    "external-api",
    "log-store",
    "llm",
}


def _mentions(reading: _Reading, text: str) -> list[tuple[str, int]]:
    """Components whose name (or its main word) occurs in a normalised clause, by position."""
    found: list[tuple[str, int]] = []
    for component in reading.components.values():
        # Tools are left out: their flows are derived from who uses them, and a tool's name
        # often holds the very verb a flow would be read from.
        if component.kind not in _FLOW_ENDS:
            continue
        name = normalise(component.name).text
        at = text.find(name)
        if at == -1 and " " in name and component.kind == "agent":
            at = text.find(name.split()[0] + " ")
        if at != -1:
            found.append((component.id, at))
    return sorted(found, key=lambda m: m[1])


def _primary(reading: _Reading) -> str:
    return next((c.id for c in reading.components.values() if c.kind == "agent"), "")


def _tidy_tools(reading: _Reading) -> None:
    """Drop the generic "tools" component once tools are named one by one."""
    named = [c for c in reading.components.values() if c.kind == "tool" and c.id != "tools"]
    if named:
        reading.components.pop("tools", None)


def _approvals(reading: _Reading, clause: _Clause) -> None:
    """Human approval (or its stated absence) for the actions a clause names."""
    text = clause.text
    if clause.scope.hypothetical:
        return
    context = clause.seg.context
    if context and lx.AUTOMATIC_KEY.search(context) and not clause.scope.negated:
        _control(reading, clause, re.match(r".*", text), False, "")  # type: ignore[arg-type]
        return
    if context and lx.APPROVAL_KEY.search(context) and not clause.scope.negated:
        human = lx.HUMAN.search(text)
        actor = _actor(reading, clause, human)
        _control(reading, clause, re.match(r".*", text), True, actor)  # type: ignore[arg-type]
        return
    approval = lx.APPROVAL.search(text)
    automatic = lx.AUTOMATIC.search(text)
    if automatic and not clause.scope.covers(*automatic.span()):
        _control(reading, clause, automatic, False, "")
    if approval and not lx.AGENT_REVIEWER.search(text):
        human = lx.HUMAN.search(text)
        stem = approval.group(0).split()[0][:5]
        passive = re.search(
            r"(?:be|is|are|been|being|gets?|needs?|requires?|require|must|pending|awaiting|"
            rf"until|before|without|no) (?:\w+ )?{re.escape(stem)}",
            text,
        )
        named_gate = approval.group(0).startswith(
            ("human", "hitl", "manual", "multi", "four", "two", "has to", "have to", "need", "must")
        )
        if human or passive or named_gate:
            present = not clause.scope.covers(*approval.span())
            actor = _actor(reading, clause, human)
            _control(reading, clause, approval, present, actor)


_POSSESSIVE_ACTOR = re.compile(
    r"((?:[a-z][\w-]* )?[a-z][\w-]*) ['\u2019]s (?:approval|sign-?off|ok|okay|review|go-ahead|consent|confirmation)"
    r"|(?:approved|reviewed|signed off|confirmed|authori[sz]ed) by (?:a |an |the |our |one of our )?((?:[a-z][\w-]* )?[a-z][\w-]*)"
)


def _actor(reading: _Reading, clause: _Clause, human: re.Match[str] | None) -> str:
    """Who approves: "a receptionist's approval", "approved by the duty manager", a role."""
    named = _POSSESSIVE_ACTOR.search(clause.text)
    if named:
        words = [w for w in (named.group(1) or named.group(2)).split() if not _ARTICLE.fullmatch(w)]
        if words:
            return " ".join(words)
    if human is None:
        return ""
    return _role(reading, clause, human)


_ARTICLE = lx.rx(r"a|an|the|our|their|its|one|needs?|requires?|with|without|after|until")


def _role(reading: _Reading, clause: _Clause, human: re.Match[str]) -> str:
    """The role that approves, with the word before it when that qualifies it ("team lead")."""
    s, e = clause.norm.source_span(*human.span())
    before = reading.source[max(clause.seg.start, s - 20) : s].split()
    word = before[-1] if before else ""
    qualifies = (
        word.isalpha()
        and not _ARTICLE.fullmatch(word.lower())
        and not (_NOT_QUALIFIER.fullmatch(word.lower()))
    )
    return f"{word if qualifies else ''} {reading.source[s:e]}".strip()


# Words that stand before a role without qualifying it ("must the physician", "by a nurse").
_NOT_QUALIFIER = lx.rx(
    r"by|and|or|of|to|from|for|in|on|at|with|must|has|have|will|who|that|then|when|if|any|"
    r"every|each|all|some|no|is|are|was|were|be|only|also|still|always|can|may|should"
)


def _control(
    reading: _Reading, clause: _Clause, match: re.Match[str], present: bool, actor: str
) -> None:
    # A keyed value is read with its keys (`send_refund: needs a lead's approval`), a clause
    # with the rest of its sentence ("over EUR 80 or final sale: a lead approves").
    start, end = reading.sentence_spans.get(clause.seg.sentence, (clause.seg.start, clause.seg.end))
    words = set(normalise(reading.source, start, end).text.split()) | set(
        clause.seg.context.split()
    )
    live = [t for t in reading.tool_words if t in reading.components]
    key = clause.seg.key
    keyed = slug(reading.source[key[0] : key[1]]) if key else ""
    applies = (
        [keyed]
        if keyed in live
        else sorted(t for t in live if _shares(words, reading.tool_words[t]))
    )
    if not applies:
        # "It can issue refunds: above $200 a lead approves": the action is in the sentence.
        applies = sorted(t for t in live if clause.seg.sentence in reading.tool_sentences[t])
    evidence = _evidence(reading, clause, *match.span())
    reading.controls.append(
        Control(
            id=f"approval-{len(reading.controls) + 1}",
            kind=ControlKind.HUMAN_APPROVAL,
            present=present,
            applies_to=applies,
            scope=_scope(reading, clause, start, end),
            actor=actor if present else "",
            evidence=[evidence],
        )
    )
    reading.settle("human-in-loop", present, evidence, present)
    if not present and AgenticFactor.AUTONOMY not in reading.factors:
        reading.factors.append(AgenticFactor.AUTONOMY)


def _scope(reading: _Reading, clause: _Clause, start: int, end: int) -> str:
    """The words that say which actions a control covers: its sentence, with its keys."""
    text = reading.source[start:end] if end - start <= MAX_QUOTE else ""
    text = text or reading.source[clause.seg.start : clause.seg.end]
    if clause.seg.key:
        text = f"{reading.source[clause.seg.key[0] : clause.seg.key[1]]}: {text}"
    return text[:MAX_QUOTE]


_STOP = {
    "the",
    "a",
    "an",
    "to",
    "of",
    "and",
    "or",
    "any",
    "all",
    "every",
    "each",
    "for",
    "in",
    "on",
    "by",
    "it",
    "its",
    "is",
    "are",
}


def _shares(words: set[str], tool_words: set[str]) -> bool:
    """Whether a clause and a tool share a content word (stems of five letters count)."""
    content = {w for w in tool_words - _STOP if len(w) > 2}
    stems = {w[:5] for w in content if len(w) >= 5}
    return bool(content & words) or any(w[:5] in stems for w in words if len(w) >= 5)


# --- the delta -------------------------------------------------------------------------------


def _delta(reading: _Reading) -> SystemDelta:
    capabilities: dict[str, bool] = {}
    evidence: dict[str, list[Evidence]] = {}
    unknowns = list(reading.unknowns)
    for name, readings in reading.capabilities.items():
        if name == "human-in-loop" and any(r[0] for r in readings):
            # One approval is enough for humans to be in the loop, however many actions run
            # automatically beside it.
            readings = [r for r in readings if r[0]]
        negative = [r for r in readings if r[0] is False]
        explicit_positive = [r for r in readings if r[0] is True and r[2]]
        if negative:
            # A statement that rules a capability out beats a mention; two explicit statements
            # that disagree are a question for the user, kept false until answered (safer for
            # the findings that need it: they stay out rather than appear on a guess).
            capabilities[name] = False
            evidence[name] = distinct([r[1] for r in negative])[:3]
            if explicit_positive and not _same_clause(negative, explicit_positive):
                quotes = " / ".join(f'"{r[1].quote}"' for r in (negative[0], explicit_positive[0]))
                unknowns.append(
                    f"The description seems to say both yes and no about {name}: {quotes}. Which is it?"
                )
        else:
            capabilities[name] = True
            evidence[name] = distinct([r[1] for r in readings])[:3]
    _implied(reading, capabilities, evidence)
    components = _fold_providers(list(reading.components.values()))
    if capabilities.get("multi-agent") is False:
        components = [c for c in components if c.id != "peer-agents"]
    for kind in ("tools", "rag", "memory", "code-execution", "mcp", "plugins"):
        if capabilities.get(kind) is False:
            components = [c for c in components if not _defines(c, kind)]
    entries = list(reading.entries.values())
    primary = next((c.id for c in components if c.kind == "agent"), "")
    entries = [e.model_copy(update={"target": primary}) for e in entries]
    return SystemDelta(
        components=components,
        capabilities=capabilities,
        capability_evidence=evidence,
        controls=reading.controls,
        entry_points=entries,
        assets=list(reading.assets.values()),
        data_flows=flows(components, entries, reading.stated_flows, _sentences(reading)),
        trust_boundaries=boundaries(components, entries),
        agentic_factors=reading.factors,
        unknowns=unknowns,
        assumptions=reading.assumptions,
    )


_PROVIDER_NAME = lx.rx(r"(?:amazon )?bedrock|azure openai|vertex ai|openai|anthropic|google")


def _fold_providers(components: list[Component]) -> list[Component]:
    """A model named with its provider is one model: the provider becomes part of its hosting."""
    models = [c for c in components if c.kind == "llm" and c.evidence]
    drop: set[str] = set()
    for provider in models:
        if not _PROVIDER_NAME.fullmatch(provider.name.lower()):
            continue
        same = [
            m
            for m in models
            if m is not provider
            and m.id not in drop
            and not _PROVIDER_NAME.fullmatch(m.name.lower())
            and m.evidence[0].start == provider.evidence[0].start
        ]
        if same:
            drop.add(provider.id)
    out: list[Component] = []
    for c in components:
        if c.id in drop:
            continue
        providers = [
            p.name
            for p in models
            if p.id in drop
            and c.kind == "llm"
            and p.evidence[0].start == (c.evidence[0].start if c.evidence else -1)
        ]
        if providers:
            hosting = ", ".join([f"via {providers[0]}", *([c.hosting] if c.hosting else [])])
            c = c.model_copy(update={"hosting": hosting})
        out.append(c)
    return out


# Entry points through which people or systems outside the organisation reach the system.
_OUTSIDE = {EntryKind.PUBLIC_USERS, EntryKind.OTHER_AGENTS}


def _implied(
    reading: _Reading, capabilities: dict[str, bool], evidence: dict[str, list[Evidence]]
) -> None:
    """Capabilities that follow from others, each with the evidence it follows from.

    Only what a reviewer would write down without asking: no other agents and no MCP means no
    inter-agent protocol; no tools means no MCP servers or plugins; a model used through a
    provider's API is not self-hosted; a plain application that calls a model once neither
    plans, calls tools nor runs code.
    """

    def imply(name: str, value: bool, because: str) -> None:
        if name not in capabilities and because in evidence:
            capabilities[name] = value
            evidence[name] = evidence[because][:1]

    outside = [e for e in reading.entries.values() if e.kind in _OUTSIDE]
    if outside and "external-facing" not in capabilities:
        capabilities["external-facing"] = True
        evidence["external-facing"] = outside[0].evidence[:1]
    if capabilities.get("multi-agent") is False and capabilities.get("mcp") is not True:
        imply("agent-protocol", False, "multi-agent")
    if capabilities.get("tools") is False:
        imply("mcp", False, "tools")
        imply("plugins", False, "tools")
    if capabilities.get("memory") is False and capabilities.get("rag") is False:
        imply("shared-knowledge", False, "memory")
    models = [c for c in reading.components.values() if c.kind == "llm" and c.evidence]
    if "self-hosted-model" not in capabilities and models:
        hosted = [m for m in models if m.hosting.startswith("provider")]
        if hosted and not any(m.hosting == "self-hosted" for m in models):
            capabilities["self-hosted-model"] = False
            evidence["self-hosted-model"] = hosted[0].evidence[:1]
        elif any(m.hosting == "self-hosted" for m in models):
            capabilities["self-hosted-model"] = True
            evidence["self-hosted-model"] = [
                m.evidence[0] for m in models if m.hosting == "self-hosted"
            ][:1]
    if reading.non_agentic is not None and not any(
        c.kind == "agent" for c in reading.components.values()
    ):
        for name in ("planning", "tools", "code-execution", "mcp", "multi-agent", "agent-protocol"):
            if name not in capabilities:
                capabilities[name] = False
                evidence[name] = [reading.non_agentic]


def _sentences(reading: _Reading) -> dict[str, int]:
    """The sentence each component was first named in (for owner agents of tools)."""
    from assistant.engine.reading.text import sentences

    spans = sentences(reading.source)
    found: dict[str, int] = {}
    for ident, at in reading.positions.items():
        found[ident] = next((n for n, (s, e) in enumerate(spans) if s <= at < e), -1)
    return found


def _same_clause(
    a: list[tuple[bool, Evidence, bool]], b: list[tuple[bool, Evidence, bool]]
) -> bool:
    return any(x[1].start == y[1].start for x in a for y in b)


_DEFINING_KINDS = {
    "tools": {"tool"},
    "rag": {"vector-store", "knowledge-base"},
    "memory": {"memory", "shared-memory"},
    "code-execution": {"code-runner"},
    "mcp": {"mcp-server"},
    "plugins": {"plugin"},
}


def _defines(component: Component, capability: str) -> bool:
    """Whether a component exists only because of a capability the user ruled out."""
    if capability == "tools":
        return component.kind == "tool" and component.id == "tools"
    return component.kind in _DEFINING_KINDS[capability]
