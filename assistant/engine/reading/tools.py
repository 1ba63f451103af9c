"""Tools the agent invokes, one component each: identifiers, keyed lists and action verbs.

"It can reserve tables, sends reminders and opens tickets" is three tools; `calls:
[payments_api.transfer]` is one. Tools named by their nouns ("the carrier API") are read in
`nouns`. Reading its own store, documents or inbox is a flow or an entry, not a tool.
"""

from __future__ import annotations

import re

from assistant.engine.reading import actions as act
from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.agents import AGENT_ROLE
from assistant.engine.reading.doer import agent_does
from assistant.engine.reading.scope import scope
from assistant.engine.reading.state import (
    Clause,
    Reading,
    compiled,
    negated_at,
    sentence_span,
    sentence_text,
    slug,
)
from assistant.engine.reading.text import normalise
from assistant.engine.vocabulary import TERMS
from assistant.schema import Component, Effect, Layer

_IDENTIFIER = re.compile(
    r"(?<![\w.])[A-Za-z][A-Za-z0-9]*(?:(?:_|\.)[A-Za-z0-9]+)+(?![\w])|(?<![\w.])[a-z]+(?:[A-Z][a-z0-9]+)+(?![\w])|"
    # A single word set as code: `geocode`, or called: reroute(drone, points).
    r"(?<=`)[a-z][a-z0-9]+(?=`|\(|$)|(?<![\w.`])[a-z][a-z0-9]+(?=\([\w ,.=]*\))"
)
# After an identifier, a value that makes it a setting or a permission scope, not a tool.
_SETTING = re.compile(
    r"\s*(?:[:=]\s*(?:true|false|on|off|yes|no|enabled|disabled|\d+)\b|:(?:read|write|admin)\b)",
    re.IGNORECASE,
)
# Code formatting marks a name the user copied from their code: `issue_key`, refund(order_id).
_CODE = re.compile(r"`[^`\n]*$")
_TOOL_CONTEXT = lx.rx(
    r"tools?|actions?|functions?|calls?|capabilities|integrations?|apis?|commands?|skills?|permissions?|can|allowed|endpoints?|operations?|"
    # "uses set_thermostat and toggle_plug", "exposes reroute_truck": code names it is given.
    r"uses?|exposes?|invokes?|(?:has|have|with|gets?) access to|is given|equipped with|relies on"
)
_STORE_WORD = lx.rx(
    r"memory|store|db|database|cache|index|redis|table|bucket|queue|log|history|notes|journal"
)
# Keys of a tool's own record: one names it, the others describe it.
_NAMING_KEY = lx.rx(lx.NAMING_KEY)
_ATTRIBUTE_KEY = lx.rx(
    r"access|autonomy|approval|approvals|scope|scopes|description|desc|target|targets|"
    r"permissions?|type|kind|mode|risk|limits?|notes?|effect|args|arguments|params|"
    r"parameters|inputs?|outputs?|returns|auth|owner|rate|rate limit|timeout|endpoint|url|"
    r"method|requires|needs|when|condition|trigger|review|oversight|human|confirmation|writes|reads"
)
# An agent noun right after a code name, or an agent's role in apposition before it.
_AGENT_NEXT = re.compile(
    r"`?\s+(?:agents?|bots?)\b(?!\s+(?:to|can|may|will|with)\b)", re.IGNORECASE
)
# A role noun of a crew (not "agent" or "bot" alone, which also name who a tool is given to).
_CREW_ROLE = AGENT_ROLE.pattern.replace("|agent|bot|assistant)", ")")
_AGENT_BEFORE = re.compile(rf"\bthe {_CREW_ROLE},\s+`?$", re.IGNORECASE)
_AGENT_ID = re.compile(rf"[a-z][a-z0-9]*(?:_[a-z0-9]+)*_{AGENT_ROLE.pattern}")
_NOT_TOOL_ID = lx.rx(r"model|llm|gpt|claude|temperature|version|config|prompt|name|id|type|env")


def tools(reading: Reading, clause: Clause) -> None:
    """Tools the agent invokes: identifiers, keyed lists and agent-subject action verbs."""
    if clause.scope.hypothetical:
        return
    raw = reading.source[clause.seg.start : clause.seg.end]
    in_tool_context = bool(_TOOL_CONTEXT.search(clause.seg.context))
    taken = _code_names(reading, clause, in_tool_context)
    if clause.seg.sentence in reading.coded_sentences or (taken and in_tool_context):
        return  # the verbs of a tool's definition describe it, they are not more tools
    if in_tool_context and not clause.scope.negated:
        key = clause.seg.key
        key_text = reading.source[key[0] : key[1]] if key else ""
        key_words = normalise(key_text).text
        if key and _NAMING_KEY.fullmatch(key_words):
            # `{"name": "refund lookup", ...}`: the value names the tool.
            add_tool(reading, raw.strip(), clause.text, clause.seg.start, clause.seg.end, clause)
            return
        if key and _ATTRIBUTE_KEY.fullmatch(key_words):
            return  # `"access": "read only"` describes the tool named beside it
        if (
            key
            and not _TOOL_CONTEXT.fullmatch(key_words)
            and not act.ACTION_LABEL.fullmatch(key_words)
        ):
            # `tools:` then `write_setpoint: needs approval`: the key names the tool.
            add_tool(reading, key_text, normalise(key_text).text, key[0], key[1], clause)
            return
        if clause.seg.item and len(clause.text.split()) <= 6:
            # A listed item such as `tools: [refund lookup]`: the item names the tool.
            add_tool(reading, raw.strip(), clause.text, clause.seg.start, clause.seg.end, clause)
            return
    if lx.HUMAN_SUBJECT.match(clause.text):
        return  # something a person does, not the agent
    subject = act.AGENT_SUBJECT.match(clause.text)
    at = subject.end() if subject else 0
    if at == 0 and not agent_does(reading, clause):
        return  # no agent as subject: "messages are traced" is not an action of the agent
    # "can reserve tables, sends reminders and opens tickets": one tool per coordinated verb,
    # tried at the subject's end and after each comma or conjunction.
    starts = [at] + [m.end() for m in _NEXT_VERB.finditer(clause.text, at)]
    for position, following in zip(starts, [*starts[1:], len(clause.text)], strict=True):
        action = act.ACTION.match(clause.text, position)
        if action is None:
            continue
        s, e = clause.norm.source_span(action.start(), action.end("verb"))
        reach = clause.norm.source_span(action.start(), following)[1]
        if any(s < te and ts < e for ts, te in taken):
            continue  # an identifier already named it
        if any(e <= ts < reach and _BY_WAY_OF.search(reading.source, e, ts) for ts, _ in taken):
            continue  # "searches flights with `search_availability`": the identifier is the tool
        _verb_tool(reading, clause, action)


# Words that hand an action to a named tool: "with `x`", "via `x`", "by calling `x`".
_BY_WAY_OF = re.compile(
    r"\b(?:with|via|using|through|by calling|calling|calls?)\s+`?[\w.]*$", re.IGNORECASE
)


def _code_names(reading: Reading, clause: Clause, in_tool_context: bool) -> list[tuple[int, int]]:
    """Tools named by identifiers (`send_sms`, `crm.update`, refund(id)); their source spans."""
    raw = reading.source[clause.seg.start : clause.seg.end]
    source = reading.source
    taken: list[tuple[int, int]] = []
    for ident in _IDENTIFIER.finditer(raw):
        name = ident.group(0)
        words = normalise(name).text
        start = clause.seg.start + ident.start()
        end = start + len(name)
        if not _names_a_tool(reading, clause, name, words, end) or negated_at(clause, start):
            continue
        if _DISOWNED.search(_rest_of_sentence(reading, clause, end)):
            continue  # "a send_email function exists, but it is not wired into the tools"
        if _SETTING.match(source, end):
            continue  # `auto_reply: true` is a setting, `pull_requests:write` a permission
        coded = bool(_CODE.search(raw, 0, ident.start())) or source.startswith(("`", "("), end)
        if name.isupper() or (" " not in words and not coded):
            continue  # `OPENAI_API_KEY` is a setting; a bare word is a word
        if " " not in words and not (in_tool_context or _called(reading, clause, end)):
            continue  # "we test with `pytest`": a word set as code, not the agent's tool
        has_verb = bool(act.ACTION.match(words)) or "." in name
        # In a sentence about tools, a snake_case or dotted name is one; a camelCase word there
        # is as often a product the tool works in ("writes the markup to iManage").
        listed = ("_" in name or "." in name) and _lists_tools(reading, clause)
        if not (in_tool_context or has_verb or coded or listed):
            continue
        add_tool(reading, name, words, start, end, clause)
        taken.append((start, end))
        if not raw[: ident.start()].strip(" `-*"):
            # "`refund(id)` - pays back the order": the clause defines the tool it opens with.
            reading.coded_sentences.add(clause.seg.sentence)
    return taken


def _about_tools(reading: Reading, clause: Clause) -> bool:
    """Whether the clause's sentence is about tools: "two tools: refund_order and ..."."""
    return bool(_TOOL_CONTEXT.search(sentence_text(reading, clause)))


# What is said next of a name takes it back: "..., but it's not wired in", "(disabled)".
_DISOWNED = re.compile(
    r"^[^.;]{0,60}?\b(?:but|though|although|however|which|that)?,? ?(?:it|this|that|which)"
    r"(?:'s|\u2019s|s| is| was| has| isn't| wasn't)? ?(?:not|never|no longer|n't)\b ?(?:\w+ ){0,2}?"
    r"(?:wired|registered|enabled|exposed|used|connected|available|hooked|given|deployed|"
    r"installed|called|part of|in the|on the|loaded|turned on|active)",
    re.IGNORECASE,
)


def _rest_of_sentence(reading: Reading, clause: Clause, end: int) -> str:
    return reading.source[end : sentence_span(reading, clause)[1]]


def _lists_tools(reading: Reading, clause: Clause) -> bool:
    """Whether the clause's sentence says it lists tools ("has two tools: a_b and c_d").

    Not "a send_email function that is not in the tools list": a negated mention of tools.
    """
    text = sentence_text(reading, clause)
    negated = scope(text)
    return any(not negated.covers(*m.span()) for m in _TOOL_CONTEXT.finditer(text))


def _called(reading: Reading, clause: Clause, end: int) -> bool:
    """Whether a one-word code name is called: `name(...)`, a sentence about tools, the agent's."""
    if reading.source.startswith("(", end):
        return True
    by_agent = act.AGENT_SUBJECT.match(clause.text)
    if by_agent and by_agent.end():
        return True
    return _about_tools(reading, clause)


def _names_a_tool(reading: Reading, clause: Clause, name: str, words: str, end: int) -> bool:
    """Whether an identifier can name a tool at all: not an agent, store, model, file or setting."""
    if lx.AGENT_WORD.search(words) or _STORE_WORD.search(words) or _NOT_TOOL_ID.search(words):
        return False
    if _AGENT_ID.fullmatch(name) and not reading.source.startswith("(", end):
        return False  # `route_planner`: an agent's code name (see agents)
    if _AGENT_NEXT.match(reading.source, end) or _AGENT_BEFORE.search(
        reading.source, 0, end - len(name)
    ):
        return False  # "the `summariser` agents", "the planner, `route_lead`": agents' names
    if any(compiled(t.pattern).search(words) for t in TERMS if t.kind in ("llm", "model-server")):
        return False  # a model's name with a version ("Qwen2.5"), not a tool
    after = reading.source[end : clause.seg.end].strip("`( ")
    if " " not in words and _STORE_WORD.match(after):
        return False  # the `orders` table is a store
    if _ABBREVIATION.fullmatch(name) or _FILE_NAME.fullmatch(name):
        return False
    # `refund_requests`, `mcp_servers`: a collection of things, not something the agent does,
    # unless it is called (`daily_reports(date)`) or named by what it does (`fetch_orders`).
    last = words.split()[-1]
    plural = (
        last.endswith("s") and not last.endswith(("ss", "us", "is")) and last not in _NOT_PLURAL
    )
    method = normalise(name.rsplit(".", 1)[-1]).text  # `nordpool.submit_bids`: its method
    verb = bool(act.ACTION.match(method)) or bool(_NAME_VERB.match(method))
    return not plural or verb or reading.source.startswith("(", end)


_ABBREVIATION = re.compile(r"(?i)(?:[a-z]\.){1,3}[a-z]?|etc|vs")
# Verbs code names open with that are not actions by themselves in prose: `run_linters`.
_NAME_VERB = lx.rx(
    r"run|get|list|find|set|add|sync|submit|check|lookup|scan|do|make|build|"
    # Verbs of cloud and device APIs: `ec2.stop_instances`, `describe_pods`.
    r"stop|start|terminate|describe|enable|disable|attach|detach|reboot|resize|snapshot"
)
_NOT_PLURAL = {"apis", "news", "sms", "aws", "ops", "devops", "analytics", "status"}


_NEXT_VERB = re.compile(
    r"(?:,(?: and| or| then)?| and| or| also| then)(?: (?:can|may|will|also|then|it|to))* (?=\w)"
)
_FILE_NAME = re.compile(
    r"[\w.-]+\.(?:com|org|io|net|ai|dev|co|uk|md|json|yaml|yml|py|txt|csv|pdf|mod|sum|toml|lock|"
    r"cfg|ini|xml|html?|sh|js|ts|go|rs|rb|java|ipynb|sql|env|log|tf|conf|xlsx?|docx?)"
)


def _verb_tool(reading: Reading, clause: Clause, action: re.Match[str]) -> None:
    if clause.scope.covers(action.start(), action.end()):
        return
    rest = action.group("rest")
    after = action.end("verb")
    if re.match(r" (?:are|is|was|were|get|gets|got|go|goes|need|needs)\b", rest):
        return  # "refunds are issued by staff": the word is a noun, the subject of another verb
    if re.match(r"writ\w* up\b", action.group("verb") + rest):
        return  # "writes up its findings": composing its answer, not a write through a tool
    shared = re.match(r" (?:or|and|and/or|/) (\w+)", rest)
    # "book or cancel slots": each verb takes the object the last one names.
    following = shared and act.ACTION.match(clause.text, after + shared.end() - len(shared[1]))
    if following:
        rest, after = following.group("rest"), following.end("verb")
    # The whole object, past the few words `rest` holds (and past "team's"), for its head.
    phrase = _object(clause.text[after:])
    obj = " ".join(_object(rest).split()[:3])  # a tool is named by its object's first words
    if not obj:
        return
    verb = action.group("verb")
    effect = act.first_effect(verb)
    if effect == Effect.READS_DATA and act.NOT_A_TOOL_OBJECT.search(phrase):
        return  # reading its own store, documents or inbox is a flow or an entry, not a tool
    if (
        effect == Effect.READS_DATA
        and act.ITS_OWN_PAST.match(phrase)
        and not act.FROM_ELSEWHERE.search(clause.text, after)
    ):
        return  # "looks up earlier verdicts": reading back what it kept is memory
    if effect == Effect.SENDS_MESSAGES and act.TO_THE_MODEL.match(
        _rest_of_sentence(
            reading, clause, clause.norm.source_span(0, action.end("verb"))[1]
        ).lower()
    ):
        return  # "passes the form text to Claude": the model call, not a message to anyone
    if effect in (Effect.READS_DATA, Effect.WRITES_DATA) and _names_a_store(
        reading, clause.text[action.end("verb") :]
    ):
        return  # "writes leads to the lead table": a flow to a store, not a tool
    obj_at = clause.text.find(obj, action.end("verb"))
    if clause.scope.covers(obj_at, obj_at + len(obj)):
        return  # "sends no e-mails", "stores nothing about the user": no such action
    s, e = clause.norm.source_span(action.start(), obj_at + len(obj))
    name = reading.source[s:e]
    if shared:
        # Name it verb + object ("book slots"); the quote still spans the user's words.
        vs, ve = clause.norm.source_span(action.start(), action.end("verb"))
        os_, oe = clause.norm.source_span(obj_at, obj_at + len(obj))
        name = f"{reading.source[vs:ve]} {reading.source[os_:oe]}"
    absorb_products(reading, clause, obj)
    add_tool(reading, name, f"{verb} {obj}", s, e, clause)


def absorb_products(reading: Reading, clause: Clause, obj: str) -> None:
    """A product named only as the object of the tool ("reads the clinic calendar") is the tool.

    Without this the product and the tool would both be components of one action.
    """
    for component in list(reading.components.values()):
        only_here = all(e.start == clause.seg.start for e in component.evidence)
        if component.kind == "external-api" and only_here and normalise(component.name).text in obj:
            del reading.components[component.id]


def _names_a_store(reading: Reading, text: str) -> bool:
    stores = [c for c in reading.components.values() if c.kind in STORE_KINDS]
    return any(normalise(c.name).text in text for c in stores)


# Kinds of component that hold data the agent reads and writes.
STORE_KINDS = {"database", "memory", "vector-store", "knowledge-base", "shared-memory"}


def _object(rest: str) -> str:
    """The object noun phrase after a verb, up to a preposition or conjunction ("" if none)."""
    words: list[str] = []
    for word in rest.split():
        if words and _SUBJECT.fullmatch(word):
            break  # "close issues it is confident are spam": a clause about the object begins
        if act.OBJECT_STOP.fullmatch(word):
            if words:
                break
            if _NO_OBJECT.fullmatch(word):
                return ""  # "reads at the end of a shift": when, not what
            continue  # "looks up orders", "posts to a channel": skip a leading particle
        words.append(word)
    if words and _PRONOUN.fullmatch(words[0]):
        return ""  # "opens the gate and closes it": the thing an earlier action named
    while words and act.VAGUE_OBJECT.fullmatch(words[0]):
        words.pop(0)
    if words and _OTHERS.fullmatch(words[0]):
        return ""  # "reads the others'": whatever the other agents wrote
    return " ".join(words)


# After a verb, a word that says when, how often or on what condition: the verb has no object.
_NO_OBJECT = lx.rx(
    # Not "every" or "each": "reads every patient's record" has an object.
    r"at|when|if|before|after|until|unless|while|during|once|twice|daily|nightly|weekly|"
    r"automatically|because|so|as|than|then"
)
_PRONOUN = lx.rx(r"it|them|this|that|these|those|him|her|one")
_SUBJECT = lx.rx(r"it|they|we|he|she|you|i")
# "the others'", "each other's": what other agents wrote, which the text names elsewhere.
_OTHERS = lx.rx(r"others'?|other's|another's|ones")


def add_tool(
    reading: Reading,
    name: str,
    words: str,
    start: int,
    end: int,
    clause: Clause,
    effect: Effect | None = None,
) -> None:
    """Add the tool `name` (its words `words`, quoted at `start:end`) and settle `tools`.

    Its effect is `effect` when given (said of it elsewhere), else that of its own words.
    """
    evidence = reading.quote(clause.seg.start, clause.seg.end, (start, end))
    component = Component(
        id=slug(name),
        name=name,
        kind="tool",
        layers=[Layer.L3],
        effect=effect or act.first_effect(words),
        evidence=[evidence],
    )
    added = reading.add(component)
    # "auto-archive" is also "archive": its parts are words an approval may share.
    reading.tool_words[added.id] = set(words.split()) | set(words.replace("-", " ").split())
    reading.tool_sentences.setdefault(added.id, set()).add(clause.seg.sentence)
    reading.settle("tools", True, evidence, True)
    if component.effect == Effect.EXECUTES_CODE:
        reading.settle("code-execution", True, evidence, True)


def tidy_tools(reading: Reading) -> None:
    """Drop the generic "tools" component once tools are named one by one."""
    named = [c for c in reading.components.values() if c.kind == "tool" and c.id != "tools"]
    if named:
        reading.components.pop("tools", None)
