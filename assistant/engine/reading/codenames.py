"""Tools named as code: identifiers the agent is given (`send_sms`, `crm.update`, refund(id)).

An identifier names a tool unless it is an agent's code name, a store, a model, a file, a
setting or a collection; it does when it is called, set as code, opens a bullet, is carried
out "with" it, is defined by a relative clause, or stands in a sentence about tools.
"""

from __future__ import annotations

import re

from assistant.engine.reading import actions as act
from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.agents import AGENT_ROLE
from assistant.engine.reading.scope import scope
from assistant.engine.reading.state import (
    Clause,
    Reading,
    compiled,
    negated_at,
    sentence_span,
    sentence_text,
)
from assistant.engine.reading.text import normalise
from assistant.engine.vocabulary import TERMS

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
TOOL_CONTEXT = lx.rx(
    r"tools?|actions?|functions?|calls?|capabilities|integrations?|apis?|commands?|skills?|permissions?|can|allowed|endpoints?|operations?|"
    # "uses set_thermostat and toggle_plug", "exposes reroute_truck": code names it is given.
    r"uses?|exposes?|invokes?|(?:has|have|with|gets?) access to|is given|equipped with|relies on"
)
STORE_WORD = lx.rx(
    r"memory|store|db|database|cache|index|redis|table|bucket|queue|log|history|notes|journal"
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


def code_names(
    reading: Reading, clause: Clause, in_tool_context: bool
) -> list[tuple[str, str, int, int]]:
    """Tools named by identifiers (`send_sms`, `crm.update`, refund(id)) in a clause.

    A clause that opens with the tool it defines marks its sentence in
    `reading.coded_sentences`, so the verbs describing the tool add no more tools.

    Each as (name, its words, start, end in the source).
    """
    raw = reading.source[clause.seg.start : clause.seg.end]
    source = reading.source
    taken: list[tuple[str, str, int, int]] = []
    unsure: list[tuple[str, str, int, int]] = []
    for ident in _IDENTIFIER.finditer(raw):
        name = ident.group(0)
        words = normalise(name).text
        start = clause.seg.start + ident.start()
        end = start + len(name)
        if not _names_a_tool(reading, clause, name, words, end) or negated_at(clause, start):
            continue
        if _DISOWNED.search(rest_of_sentence(reading, clause, end)):
            continue  # "a send_email function exists, but it is not wired into the tools"
        if _SETTING.match(source, end):
            continue  # `auto_reply: true` is a setting, `pull_requests:write` a permission
        coded = bool(_CODE.search(raw, 0, ident.start())) or source.startswith(("`", "("), end)
        if name.isupper() or (" " not in words and not coded):
            continue  # `OPENAI_API_KEY` is a setting; a bare word is a word
        if " " not in words and not (in_tool_context or _called(reading, clause, end)):
            continue  # "we test with `pytest`": a word set as code, not the agent's tool
        if " " not in words and _PLACE_BEFORE.search(raw, 0, ident.start()):
            continue  # "every merge to `main`": a branch, a place, not something it calls
        # Named for what it does (`park_scooter`, `setHeading`), it is a tool when it opens a
        # bullet about it, is what an action is done with, or a relative clause defines it.
        acts = bool(act.ACTION.match(words) or _NAME_VERB.match(words))
        has_verb = (
            bool(act.ACTION.match(words))
            or "." in name
            # Written as code and opening with a verb (`set_price`, `computeTotals`): a
            # function (fields such as `start_date` are left out in `_names_a_tool`).
            or (acts and name[0].islower())
            # A code name of several words opening a bullet on how it is held is a tool
            # whatever its verb: "- raise_work_order: automatic".
            or ((acts or " " in words) and _opens_item(source, start))
            or (
                (acts or _acting_sibling(reading, clause, start, end))
                and _handed_to(reading, clause, start)
            )
            or _defined(source, end)
        )
        # In a sentence about tools, a snake_case or dotted name is one; a camelCase word there
        # is as often a product the tool works in ("writes the markup to iManage").
        listed = ("_" in name or "." in name) and _lists_tools(reading, clause)
        if not (in_tool_context or has_verb or coded or listed):
            unsure.append((name, words, start, end))
            continue
        taken.append((name, words, start, end))
    taken = sorted(taken + _joined(source, unsure, taken), key=lambda found: found[2])
    if taken and not source[clause.seg.start : taken[0][2]].strip(" `-*"):
        # "`refund(id)` - pays back the order": the clause defines the tool it opens with.
        reading.coded_sentences.add(clause.seg.sentence)
    return taken


# Between two code names written as one pair or list: "start_pump / stop_pump", "a + b".
_JOINED = re.compile(r"`?(?:\(\))?\s*(?:[,/+&]|and|or)\s*`?", re.IGNORECASE)


def _joined(
    source: str, unsure: list[tuple[str, str, int, int]], taken: list[tuple[str, str, int, int]]
) -> list[tuple[str, str, int, int]]:
    """The code names joined to a tool's code name: a pair or list of tools is all tools.

    "extendEvent + postNews": `postNews` is named for what it does, so `extendEvent` beside it
    is a tool too. Spreads along the list, both ways.
    """
    found: list[tuple[str, str, int, int]] = []
    known = list(taken)
    grew = True
    while grew:
        grew = False
        for item in unsure:
            if item in found:
                continue
            if any(
                _JOINED.fullmatch(source, item[3], other[2])
                or _JOINED.fullmatch(source, other[3], item[2])
                for other in known
            ):
                found.append(item)
                known.append(item)
                grew = True
    return found


# Code names an action is carried out with, or called by: "steers the rover with setHeading
# and haltRover", "checks stock using `find_stock`", "by calling `void_order`". Not a passive
# ("is deployed via docker_compose").
# The words that hand an action to a named tool, here and in `tools` ("searches flights with
# `search_availability`" is that tool, not a second one).
CARRIED_WITH = r"with|via|using|through|by calling|calling|calls?"
_HANDED_TO = re.compile(
    rf"(?<!\bis )(?<!\bare )(?<!\bwas )\b(?:{CARRIED_WITH})\s+"
    r"(?:`?[\w.]+`?(?:\(\))?,?\s+(?:and\s+|or\s+)?)*`?$",
    re.IGNORECASE,
)
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been)\s+\w+ed\s+\S+\s*`?$", re.IGNORECASE)
_PEOPLE = lx.rx(r"we|i|you|our team")
_PLACE_BEFORE = re.compile(r"\b(?:to|into|from|in|on|onto|at|against)\s+`?$", re.IGNORECASE)


def _handed_to(reading: Reading, clause: Clause, start: int) -> bool:
    """Whether the agent does something with the code name: not people ("we test with ...")."""
    before = reading.source[clause.seg.start : start]
    return (
        bool(_HANDED_TO.search(before))
        and not _PASSIVE_BEFORE.search(before)
        and not (_PEOPLE.match(clause.text) or lx.HUMAN_SUBJECT.match(clause.text))
    )


_LIST_GOES_ON = re.compile(r"(?:`?(?:\(\))?,?\s+(?:and\s+|or\s+)?`?[A-Za-z][\w.]*)*")


def _acting_sibling(reading: Reading, clause: Clause, start: int, end: int) -> bool:
    """Whether a code name stands in a list beside one named for what it does.

    "steers with setSpeed, panTilt and stopCrawler": `panTilt` is handed the steering too.
    """
    handed = _HANDED_TO.search(reading.source, clause.seg.start, start)
    if handed is None:
        return False
    goes_on = _LIST_GOES_ON.match(reading.source, end)
    listed = reading.source[handed.start() : goes_on.end() if goes_on else end]
    return any(
        ident.start() != start - handed.start()
        and (act.ACTION.match(w := normalise(ident.group(0)).text) or _NAME_VERB.match(w))
        for ident in _IDENTIFIER.finditer(listed)
    )


# A code name a relative clause defines by what it does: "next_station, which moves the arm
# on, ..." (not "which is entered by the customer" or "which varies by country").
_DEFINED = re.compile(r"`?(?:\(\))?,?\s+(?:which|that)\s+(?:\w+ly\s+)?(?P<verb>[a-z]+s)\b")


def _defined(source: str, end: int) -> bool:
    found = _DEFINED.match(source, end)
    return found is not None and act.ACTION.match(found.group("verb")) is not None


def _opens_item(source: str, start: int) -> bool:
    """Whether a code name opens a bullet that says what it does or how it is held.

    "- park_scooter to end a trip", "- void_order: needs a lead's approval"; not a bullet of a
    list of fields ("- date_of_birth").
    """
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    rest = normalise(source[start : len(source) if line_end == -1 else line_end]).text
    return bool(re.fullmatch(r"\s*[-*+\u2022]\s*`?", source[line_start:start])) and bool(
        re.match(r"\S+ to [a-z]+\b", rest) or lx.APPROVAL.search(rest) or lx.AUTOMATIC.search(rest)
    )


def _about_tools(reading: Reading, clause: Clause) -> bool:
    """Whether the clause's sentence is about tools: "two tools: refund_order and ..."."""
    return bool(TOOL_CONTEXT.search(sentence_text(reading, clause)))


# What is said next of a name takes it back: "..., but it's not wired in", "(disabled)".
_DISOWNED = re.compile(
    r"^[^.;]{0,60}?\b(?:but|though|although|however|which|that)?,? ?(?:it|this|that|which)"
    r"(?:'s|\u2019s|s| is| was| has| isn't| wasn't)? ?(?:not|never|no longer|n't)\b ?(?:\w+ ){0,2}?"
    r"(?:wired|registered|enabled|exposed|used|connected|available|hooked|given|deployed|"
    r"installed|called|part of|in the|on the|loaded|turned on|active)",
    re.IGNORECASE,
)


def rest_of_sentence(reading: Reading, clause: Clause, end: int) -> str:
    """The source from `end` to the end of the clause's sentence."""
    return reading.source[end : sentence_span(reading, clause)[1]]


def _lists_tools(reading: Reading, clause: Clause) -> bool:
    """Whether the clause's sentence says it lists tools ("has two tools: a_b and c_d").

    Not "a send_email function that is not in the tools list": a negated mention of tools.
    """
    text = sentence_text(reading, clause)
    negated = scope(text)
    return any(not negated.covers(*m.span()) for m in TOOL_CONTEXT.finditer(text))


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
    # A store word names a store only when no verb opens the name: `queue_refill` is a tool.
    opens_verb = bool(act.ACTION.match(words) or _NAME_VERB.match(words))
    if lx.AGENT_WORD.search(words) or _NOT_TOOL_ID.search(words):
        return False
    if _PARTICIPLE.fullmatch(words.split()[0]) and not reading.source.startswith("(", end):
        return False  # `created_at`, `updated_by`: a field that records an act
    last_a_store = bool(STORE_WORD.search(words.split()[-1]))
    if (last_a_store and not _NAME_VERB.match(words)) or (
        STORE_WORD.search(words) and not opens_verb
    ):
        return False  # `order_queue`, `ticket_history`; but `setClaimQueue` sets one
    if _AGENT_ID.fullmatch(name) and not reading.source.startswith("(", end):
        return False  # `route_planner`: an agent's code name (see agents)
    if _AGENT_NEXT.match(reading.source, end) or _AGENT_BEFORE.search(
        reading.source, 0, end - len(name)
    ):
        return False  # "the `summariser` agents", "the planner, `route_lead`": agents' names
    if any(compiled(t.pattern).search(words) for t in TERMS if t.kind in ("llm", "model-server")):
        return False  # a model's name with a version ("Qwen2.5"), not a tool
    after = reading.source[end : clause.seg.end].strip("`( ")
    if " " not in words and STORE_WORD.match(after):
        return False  # the `orders` table is a store
    if _ABBREVIATION.fullmatch(name) or _FILE_NAME.fullmatch(name):
        return False
    key = clause.seg.key
    if key and lx.APPROVAL_KEY.search(normalise(reading.source, *key).text):
        return False  # `approver: duty_pharmacist`: who approves, not something it calls
    if _ROLE_AS_CODE.fullmatch(words) and lx.HUMAN.fullmatch(words.split()[-1]):
        return False  # `facilities_engineer`, `duty_vet`: a person's role written as code
    first = words.split()[0]
    verb_first = bool(
        act.ACTION.match(words) or _NAME_VERB.match(words)
    ) and not _NOUN_FIRST.fullmatch(first)
    if _A_FIELD.fullmatch(words) and not verb_first and not reading.source.startswith("(", end):
        return False  # `start_date`, `list_price`: a field whose first word is also a verb
    # `refund_requests`, `mcp_servers`: a collection of things, not something the agent does,
    # unless it is called (`daily_reports(date)`) or named by what it does (`fetch_orders`).
    last = words.split()[-1]
    plural = (
        last.endswith("s") and not last.endswith(("ss", "us", "is")) and last not in _NOT_PLURAL
    )
    method = normalise(name.rsplit(".", 1)[-1]).text  # `nordpool.submit_bids`: its method
    verb = bool(act.ACTION.match(method)) or bool(_NAME_VERB.match(method))
    return not plural or verb or reading.source.startswith("(", end)


_PARTICIPLE = re.compile(r"[a-z]{3,}ed(?<!eed)(?<!embed)")
_ABBREVIATION = re.compile(r"(?i)(?:[a-z]\.){1,3}[a-z]?|etc|vs")
# Verbs code names open with that are not actions by themselves in prose: `run_linters`.
_NAME_VERB = lx.rx(
    r"run|get|list|find|set|add|sync|submit|check|lookup|scan|do|make|build|"
    # Verbs that name a request or a decision in code: `issueRideCredit`, `confirm_booking`.
    r"issue|confirm|hold|request|reject|approve|decline|bump|flag|mark|void|"
    # Verbs of cloud and device APIs: `ec2.stop_instances`, `describe_pods`.
    r"stop|start|terminate|describe|enable|disable|attach|detach|reboot|resize|snapshot|"
    # Verbs of reckoning and of granting: `compute_estimated_payments`, `denyCard`.
    r"compute|calc|calculate|estimate|score|rank|classify|assign|route|notify|deny|allow|grant|"
    r"revoke|extend|raise|lower|reserve|schedule|fetch|query|generate|render|validate|verify"
)
# The last word of a code name that names a field rather than an act: `start_date`.
_FIELD_TAIL = lx.rx(
    r"date|dates|time|times|at|by|on|id|ids|price|prices|name|names|count|status|type|amount|"
    r"point|points|level|loss|value|values|number|code|flag|url|path|key|total|rate|size|limit|"
    r"duration|reason|dt"
)
# A field: a name ending in a field word (`build_status`), unless a verb opens it
# (`get_status`, `issue_key`); words that are as often nouns open fields (`start_date`).
_A_FIELD = re.compile(rf"(?:\w+ )+{_FIELD_TAIL.pattern}")
_NOUN_FIRST = lx.rx(
    r"start|end|list|check|run|stop|close|open|build|due|sale|cost|order|track|trip|route|"
    r"score|rate|test"
)
# A role noun after the words that qualify roles: `duty_vet`, `on_call_engineer`.
_ROLE_AS_CODE = re.compile(
    r"(?:(?:duty|on|call|oncall|head|senior|junior|lead|chief|principal|facilities|shift|night|day|"
    r"site|ward|charge|deputy|area|regional|store|branch|finance|hr|it|ops|security) )+\w+"
)
_NOT_PLURAL = {"apis", "news", "sms", "aws", "ops", "devops", "analytics", "status"}


_FILE_NAME = re.compile(
    r"[\w.-]+\.(?:com|org|io|net|ai|dev|co|uk|md|json|yaml|yml|py|txt|csv|pdf|mod|sum|toml|lock|"
    r"cfg|ini|xml|html?|sh|js|ts|go|rs|rb|java|ipynb|sql|env|log|tf|conf|xlsx?|docx?)"
)
