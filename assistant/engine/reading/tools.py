"""Tools the agent invokes, one component each: identifiers, keyed lists and action verbs.

"It can reserve tables, sends reminders and opens tickets" is three tools; `calls:
[payments_api.transfer]` is one. Tools named by their nouns ("the carrier API") are read in
`nouns`. Reading its own store, documents or inbox is a flow or an entry, not a tool.
"""

from __future__ import annotations

import re

from assistant.engine.reading import actions as act
from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.codenames import (
    CARRIED_WITH,
    TOOL_CONTEXT,
    code_names,
    rest_of_sentence,
)
from assistant.engine.reading.doer import agent_does
from assistant.engine.reading.products import product_act
from assistant.engine.reading.state import (
    Clause,
    Reading,
    record_name,
    slug,
)
from assistant.engine.reading.text import normalise
from assistant.engine.vocabulary import TERMS
from assistant.schema import Component, Effect, Layer

# Keys of a tool's own record: one names it, the others describe it.
_NAMING_KEY = lx.rx(lx.NAMING_KEY)
_ATTRIBUTE_KEY = lx.rx(
    r"access|autonomy|approval|approvals|scope|scopes|description|desc|does|purpose|summary|target|targets|"
    r"permissions?|type|kind|mode|risk|limits?|notes?|effect|args|arguments|params|"
    r"parameters|inputs?|outputs?|returns|auth|owner|rate|rate limit|timeout|endpoint|url|"
    r"method|requires|needs|when|condition|trigger|review|oversight|human|confirmation|writes|reads"
)


def tools(reading: Reading, clause: Clause) -> None:
    """Tools the agent invokes: identifiers, keyed lists and agent-subject action verbs."""
    if clause.scope.hypothetical:
        return
    raw = reading.source[clause.seg.start : clause.seg.end]
    in_tool_context = bool(TOOL_CONTEXT.search(clause.seg.context))
    taken = _add_code_names(reading, clause, in_tool_context)
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
        if key and (
            _ATTRIBUTE_KEY.fullmatch(key_words)
            or lx.APPROVAL_KEY.fullmatch(key_words)
            or lx.AUTOMATIC_KEY.fullmatch(key_words)
        ):
            return  # `"access": "read only"` describes the tool named beside it
        # The key's parent: `tools:` then `write_setpoint:` names a tool, but `bounds:` under
        # `set_climate:` under `actions:` is a field of that tool.
        # A dotted key (`tool.refund:`) is its own parent.
        above = clause.seg.context.removesuffix(key_words).split()
        parent = above[-1:] or key_words.split()[:1]
        # A product grouping tools under the tools key (`tools:` / `stripe:` / `refund:`) is a
        # parent of tools too.
        grouped = bool(parent) and any(TOOL_CONTEXT.fullmatch(w) for w in above[:-1])
        grouped = grouped and any(re.fullmatch(p, parent[0]) for p in _PRODUCTS)
        if (
            key
            and parent
            and not record_name(reading, clause)  # `does:` beside `- name: page_oncall`
            and (TOOL_CONTEXT.fullmatch(parent[0]) or grouped)
            and not TOOL_CONTEXT.fullmatch(key_words)
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
    at = at or _by_its_role(reading, clause)
    if at == 0 and not agent_does(reading, clause):
        return  # no agent as subject: "messages are traced" is not an action of the agent
    _verb_tools(reading, clause, at, taken)


def _verb_tools(reading: Reading, clause: Clause, at: int, taken: list[tuple[int, int]]) -> None:
    """One tool per coordinated verb: "can reserve tables, sends reminders and opens tickets".

    Tried at the subject's end (`at`) and after each comma or conjunction; a verb an
    identifier already names (`taken`) adds none.
    """
    starts = [at] + [m.end() for m in _NEXT_VERB.finditer(clause.text, at)]
    last = ""  # the tool the clause named last, for "... and cancel them"
    ends = [*starts[1:], len(clause.text), len(clause.text)]
    for n, position in enumerate(starts):
        following = ends[n]
        action = act.ACTION.match(clause.text, position)
        if action is None:
            _act_in_product(reading, clause, position, following)
            continue
        s, e = clause.norm.source_span(action.start(), action.end("verb"))
        # "book and cancel slots with `book_slot` and `cancel_slot`": a verb joined to the next
        # shares its object, and the tools named with it, up to the verb after.
        joined = re.fullmatch(r" (?:and|or|and/or|/) ", clause.text[action.end("verb") : following])
        reach = clause.norm.source_span(action.start(), ends[n + 1] if joined else following)[1]
        if any(s < te and ts < e for ts, te in taken):
            continue  # an identifier already named it
        if any(e <= ts < reach and _BY_WAY_OF.search(reading.source, e, ts) for ts, _ in taken):
            continue  # "searches flights with `search_availability`": the identifier is the tool
        if last and _on_the_same(reading, clause, action, last):
            continue
        named = set(reading.components)
        _verb_tool(reading, clause, action)
        last = next((c for c in reading.components if c not in named), last)


def _act_in_product(reading: Reading, clause: Clause, at: int, end: int) -> None:
    """A tool for an act in a product the vocabulary does not know ("files drafts in Arc XP")."""
    span = product_act(reading, clause, at, end)
    if span is not None and not clause.scope.covers(at, at + 1):
        name = reading.source[span[0] : span[1]]
        add_tool(reading, name, normalise(name).text, *span, clause)


# "The writer can publish ...": an agent called by its role alone, its name elsewhere.
_ROLE_SUBJECT = re.compile(r"the ([a-z][\w-]+) (?:(?:can|may|will|also|then|only) )*(?=[a-z])")


def _by_its_role(reading: Reading, clause: Clause) -> int:
    """Where the verb starts, when the subject is an agent named by its role ("the writer")."""
    role = _ROLE_SUBJECT.match(clause.text)
    if role is None:
        return 0
    named = re.search(rf"\b{re.escape(role.group(1))}[ _-](?:agent|bot)s?\b", reading.source, re.I)
    return role.end() if named else 0


def _on_the_same(reading: Reading, clause: Clause, action: re.Match[str], last: str) -> bool:
    """Add a tool for a verb whose object points back to the last tool's: "cancel them".

    "It can reschedule appointments and cancel them": cancelling appointments is a tool of
    its own, named with the object the pronoun stands for.
    """
    pronoun = re.match(r" (?:them|it|those|these)\b", action.group("rest"))
    if pronoun is None or clause.scope.covers(action.start(), action.end()):
        return False
    earlier = reading.components[last].name.split(maxsplit=1)
    if len(earlier) < 2:
        return False
    s, e = clause.norm.source_span(action.start(), action.end("verb") + pronoun.end())
    vs, ve = clause.norm.source_span(action.start(), action.end("verb"))
    verb = action.group("verb")
    add_tool(
        reading,
        f"{reading.source[vs:ve]} {earlier[1]}",
        f"{verb} {earlier[1].lower()}",
        s,
        e,
        clause,
    )
    return True


# Words that hand an action to a named tool: "with `x`", "via `x`", "by calling `x`".
_BY_WAY_OF = re.compile(rf"\b(?:{CARRIED_WITH})\s+`?[\w.]*$", re.IGNORECASE)


_NEXT_VERB = re.compile(
    r"(?:,(?: and| or| then)?| and| or| also| then)(?: (?:can|may|will|also|then|it|to))* (?=\w)"
)


def record_tool(reading: Reading, clause: Clause) -> None:
    """A key over a tool's own record names it: `tools:` then `  create_user:` then its fields."""
    context = clause.seg.context.split()
    if (
        context
        and TOOL_CONTEXT.fullmatch(context[-1])
        and len(clause.text.split()) <= 4
        and not lx.AGENT_WORD.search(clause.text)  # `screener_agent:` groups an agent's tools
    ):
        raw = reading.source[clause.seg.start : clause.seg.end].strip("\"' ")
        add_tool(reading, raw, clause.text, clause.seg.start, clause.seg.end, clause)


def _add_code_names(
    reading: Reading, clause: Clause, in_tool_context: bool
) -> list[tuple[int, int]]:
    """Add a tool for each code name the clause gives the agent; their source spans."""
    found = code_names(reading, clause, in_tool_context)
    for name, words, start, end in found:
        add_tool(reading, name, words, start, end, clause)
    return [(start, end) for _, _, start, end in found]


# After a clause-opening plural, a short phrase and the verb it is the subject of.
_SUBJECT_NOUN = re.compile(
    r"(?: (?:under|over|above|below|up to|from|of|for|with|in)\b(?: [^ ,;]+){1,3})"
    r" (?:go|goes|are|is|need|needs|wait|waits|get|gets|run|runs|require|requires)\b"
)


def _verb_tool(reading: Reading, clause: Clause, action: re.Match[str]) -> None:
    if clause.scope.covers(action.start(), action.end()):
        return
    rest = action.group("rest")
    after = action.end("verb")
    if re.match(r" (?:are|is|was|were|get|gets|got|go|goes|need|needs)\b", rest):
        return  # "refunds are issued by staff": the word is a noun, the subject of another verb
    if action.start() == 0 and _SUBJECT_NOUN.match(clause.text, action.end("verb")):
        return  # "Orders under $500 go through": a noun and its phrase, then the verb
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
    if (
        effect == Effect.READS_DATA
        and act.NOT_A_TOOL_OBJECT.search(phrase)
        and not _FROM_THE_WEB.match(verb)
    ):
        # Reading its own store, documents or inbox is a flow or an entry, not a tool; scraping
        # or crawling messages or documents off the web is.
        return
    if (
        effect == Effect.READS_DATA
        and act.ITS_OWN_PAST.match(phrase)
        and not act.FROM_ELSEWHERE.search(clause.text, after)
    ):
        return  # "looks up earlier verdicts": reading back what it kept is memory
    if effect == Effect.SENDS_MESSAGES and act.TO_THE_MODEL.match(
        rest_of_sentence(reading, clause, clause.norm.source_span(0, action.end("verb"))[1]).lower()
    ):
        return  # "passes the form text to Claude": the model call, not a message to anyone
    if effect in (Effect.READS_DATA, Effect.WRITES_DATA) and _names_a_store(
        reading, clause.text[action.end("verb") :]
    ):
        return  # "writes leads to the lead table": a flow to a store, not a tool
    obj_at = clause.text.find(obj, action.end("verb"))
    if clause.scope.covers(obj_at, obj_at + len(obj)):
        return  # "sends no e-mails", "stores nothing about the user": no such action
    where = _in_product(reading, clause, obj_at + len(obj))
    if where:
        obj = clause.text[obj_at:where]  # "adds events to Google Calendar": where it acts
    s, e = clause.norm.source_span(action.start(), obj_at + len(obj))
    name = reading.source[s:e]
    if shared:
        # Name it verb + object ("book slots"); the quote still spans the user's words.
        vs, ve = clause.norm.source_span(action.start(), action.end("verb"))
        os_, oe = clause.norm.source_span(obj_at, obj_at + len(obj))
        name = f"{reading.source[vs:ve]} {reading.source[os_:oe]}"
    absorb_products(reading, clause, obj)
    add_tool(reading, name, f"{verb} {obj}", s, e, clause)


_FROM_THE_WEB = lx.rx(r"scrap\w*|crawl\w*|brows\w*")
_WHERE = re.compile(r" (?:to|in|into|on|via|through|using) (?:the |our |a |an |their |its )?")


def _in_product(reading: Reading, clause: Clause, at: int) -> int:
    """Where a product named right after an object ends ("files tickets in ServiceNow"); 0.

    The product is one the vocabulary knows, so the tool carries its name.
    """
    where = _WHERE.match(clause.text, at)
    if where is None:
        return 0
    for term in _PRODUCTS:
        named = re.compile(rf"(?:[\w-]+ )??(?:{term})\b").match(clause.text, where.end())
        if named:
            return named.end()
    return 0


_PRODUCTS = [t.pattern for t in TERMS if t.kind == "external-api"]


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
        if words and _SUBJECT.fullmatch(word) and not _ARTICLE.fullmatch(words[-1]):
            # "close issues it is confident are spam": a clause about the object begins (not
            # "an IT ticket", lower-cased: after an article the word is a noun's qualifier).
            break
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
_ARTICLE = lx.rx(r"a|an|the|our|their|its|each|every|any")
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
