"""Which tools an approval holds, when its words do not name one as written.

Approval sentences seldom name a tool the way the description introduced it ("bookings need
the owner's OK" for `book_appointment`, "held invoices go to a controller" for the ERP call
that pays invoices). Three ways, in the order `held_tools` tries them: a shared
content word or stem (`sharing`); the tool whose own sentence acts on what the approval's
subject names (`acting_on_the_same`); and the one acting tool of the sentence before, when the
approval points back to it with a pronoun (`one_acting_before`).
"""

from __future__ import annotations

import re

from assistant.engine.reading import actions as act
from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.state import (
    Clause,
    Reading,
    compiled,
    record_name,
    sentence_text,
    slug,
)
from assistant.engine.reading.text import normalise
from assistant.schema import Control, ControlKind, Effect

_STOP = {
    *("the", "a", "an", "to", "of", "and", "or", "any", "all", "every", "each", "for", "in"),
    *("on", "by", "it", "its", "is", "are"),
    # Light verbs that open tool names (`set_coding`, `get_orders`, `run_report`): sharing one
    # says nothing about which action a sentence means.
    *("set", "get", "run", "do", "make", "put", "use"),
}


def sharing(reading: Reading, words: set[str], live: list[str]) -> list[str]:
    """The tools that share a content word with the control's sentence.

    Approval gates what an action does: where a tool with an effect matches, a read-only one
    that only shares a word ("reviews the patient instructions", "read every patient") is not
    what is held.
    """
    shared = sorted(t for t in live if _shares(words, reading.tool_words[t]))
    acting = [t for t in shared if reading.components[t].effect != Effect.READS_DATA]
    return acting or shared


def _shares(words: set[str], tool_words: set[str]) -> bool:
    """Whether a clause and a tool share a content word, or its stem ("bookings", "book")."""
    content = {w for w in tool_words - _STOP if len(w) > 2}
    stems = {_stem(w) for w in content} - {""}
    # A plural in the clause of a short word in the tool ("keys", `issue_key`): its stem is
    # too short to compare, the singular is not.
    singular = {w[:-1] for w in words if w.endswith("s") and len(w) >= 4}
    return bool(content & (words | singular)) or any(_stem(w) in stems for w in words - _STOP)


# Where the subject of an approval clause ends: its verb, or a relative clause.
_SUBJECT_ENDS = lx.rx(
    r"go|goes|are|is|wait|waits|need|needs|must|require|requires|get|gets|sit|sits|stay|stays|"
    r"can|cannot|will|that|which|who"
)
_QUANTITY = lx.rx(
    r"any|all|every|each|new|over|above|below|under|and|or|anything|everything|"
    r"agents?|systems?|tools?|actions?|things?"
)
# Parts an action can go through: a shared word belongs to the nearest of them.
_ACTING_KINDS = {"tool", "external-api"}


def acting_on_the_same(reading: Reading, clause: Clause, live: list[str]) -> list[str]:
    """Acting tools introduced in a sentence about what an approval clause's subject names.

    "Approved invoices go to the finance bot, which settles them through the ERP. Disputed
    invoices wait for a controller": the held invoices are settled through the ERP, though
    the approval names no tool. A clause whose subject is a person ("a nurse reviews every
    match") names what is reviewed, not an action, and holds no tool this way. In a sentence
    that names several parts, the shared word goes to the part nearest to it.
    """
    subject = _subject(clause.text)
    if not subject or lx.HUMAN.search(subject) or lx.APPROVAL.search(subject):
        return []
    held = _content(subject)
    found = set()
    for t in live:
        if reading.components[t].effect == Effect.READS_DATA:
            continue  # a look-up is not what a person holds back
        for n in reading.tool_sentences[t]:
            if n in reading.sentence_spans and _nearest(reading, held, n) == t:
                found.add(t)
    return sorted(found)


def one_acting_before(reading: Reading, clause: Clause, live: list[str]) -> list[str]:
    """The one acting tool the previous sentence introduced, when an approval points back to it.

    "It publishes the build with `push_build`. It must be approved by the producer first": a
    pronoun subject points back. "Nothing happens until an engineer approves" holds the whole
    system, not the last tool named; with two acting tools there, or none, it holds neither.
    """
    if not (
        _POINTS_BACK.fullmatch(_subject(clause.text).strip()) or _OPENS_POINTING.match(clause.text)
    ):
        return []
    return _one_acting(reading, clause.seg.sentence - 1, live)


def _one_acting(reading: Reading, sentence: int, live: list[str]) -> list[str]:
    """The one acting tool a sentence introduces, or none when it has none or several."""
    acting = [
        t
        for t in live
        if sentence in reading.tool_sentences[t]
        and reading.components[t].effect not in (None, Effect.READS_DATA)
    ]
    if len(acting) > 1:
        # "books people in: it calls the bookings API with `bk.create`": one act said three
        # ways; the code name is the one the user copied from their system.
        acting = [t for t in acting if _CODE_NAME.search(reading.components[t].name)]
    return acting if len(acting) == 1 else []


_CODE_NAME = re.compile(r"\w[._]\w|[a-z][A-Z]")
_POINTS_BACK = lx.rx(r"it|this|that|these|those|they|each one|each of them|both")
# "That just goes through": a pronoun that opens the clause as its subject, not a relative one.
_OPENS_POINTING = re.compile(
    r"(?:that|this|it) (?:just |simply |also |then )?(?:goes|happens|runs|is|gets)\b|"
    r"(?:no one|no-one|nobody|noone) (?:\w+ ){1,2}(?:it|them)\b"
)


def _subject(text: str) -> str:
    """The words of a clause before its verb (or a relative pronoun); "" if it opens with one."""
    end = _SUBJECT_ENDS.search(text)
    return text[: end.start()] if end else ""


# Where the act a subject names stops: at its limit, its owner or a clause.
_ACT_ENDS = lx.rx(
    r"above|over|under|below|beyond|up|of|worth|larger|bigger|more|less|from|to|for|in|on|at|"
    r"with|by|that|which|who|where|when|and|or"
)
_ACT_OPENS = re.compile(r"(?:every|each|any|all|the|our|their|its|a|an|new|outgoing|large|big) ")


def subject_act(text: str) -> tuple[int, int] | None:
    """Where the subject of an approval clause names an act: "every refund above 200 EUR".

    "Deleting records is gated", "wire transfers over 10k need two signers": the act the
    approval holds, though no tool was read for it. Not a person ("a nurse approves") or
    nothing in particular ("nothing happens until ...").
    """
    subject = _subject(text)
    start = 0
    while opener := _ACT_OPENS.match(subject, start):
        start = opener.end()
    end = _ACT_ENDS.search(subject, start)
    words = subject[start : end.start() if end else len(subject)].strip()
    if not words or len(words.split()) > 3 or lx.HUMAN.match(words) or lx.AGENT_WORD.match(words):
        return None
    # A single act ("refund"), one named by its gerund ("deleting records") or by its head
    # noun ("password resets", "outbound payments"); not a noun an act word only qualifies
    # ("refund policy documents").
    split = words.split()
    head = act.ACTION.fullmatch(split[-1]) is not None
    gerund = act.ACTION.fullmatch(words) is not None and split[0].endswith("ing")
    if not (head or gerund):
        return None
    stop = start + len(words)
    # A bare act takes what it is done to: "any change to the fertigation recipe".
    target = _ACT_TARGET.match(subject, stop) if " " not in words else None
    return start, target.end() if target else stop


_ACT_TARGET = re.compile(
    r" (?:to|of) (?:the |our |a |an )?(?:(?!(?:above|over|under|below)\b)[a-z][\w-]* ?){1,3}"
)


def _content(words: str) -> set[str]:
    """The words that name something: not short, not a quantity or a generic part."""
    return {w for w in words.split() if len(w) > 3 and not _QUANTITY.fullmatch(w)}


def _nearest(reading: Reading, held: set[str], sentence: int) -> str:
    """The acting part of a sentence nearest to a word it shares with ``held``; "" if none."""
    start, end = reading.sentence_spans[sentence]
    parts = [
        (at, ident)
        for ident, at in reading.positions.items()
        if start <= at < end
        and ident in reading.components
        and reading.components[ident].kind in _ACTING_KINDS
    ]
    words = normalise(reading.source, start, end)
    shared = [i for i, w in enumerate(words.text.split()) if _shares(held, {w})]
    if not parts or not shared:
        return ""
    offsets = [m.start() for m in re.finditer(r"\S+", words.text)]
    places = [words.origin[offsets[i]] for i in shared]
    return min(parts, key=lambda p: min(abs(p[0] - at) for at in places))[1]


_SUFFIX = re.compile(r"(?:ings|ing|ations|ation|ments|ment|es|ed|s)$")


def _stem(word: str) -> str:
    """The word without an inflection, cut to five letters; "" when too short to compare.

    Four letters at least: "news" is not "new", "uses" not "us".
    """
    bare = _SUFFIX.sub("", word)
    return bare[:5] if len(bare) >= 4 else ""


# Words that point back to the actions of the sentence before.
# Not a bare "them": "bookings need a nurse to approve them" points inside its own sentence.
_BACK = lx.rx(r"those|these|both|(?:all|each|both|either|any) of (?:them|those|these)")


def held_tools(reading: Reading, clause: Clause, present: bool) -> list[str]:
    """The tools an approval (or its absence) in a clause covers; [] for the whole system.

    From the most to the least explicit: the record, key or table row it is written under
    (with the tools named beside it there), a tool whose own key it sits under, tools named as
    written, the one tool its own sentence introduces, tools sharing a word, tools of its own
    sentence, "those" of the sentence before, the tool acting on what its subject names
    (`acting_on_the_same`); then what a limit freed just before (or the one act the limit was
    set on, or, in one sentence, a freed case right before a held one), and last the one acting
    tool a pronoun points back to (`one_acting_before`). A message that asks the approver is
    never what is held. When none applies, the caller may make a tool of the act the clause's
    subject names (`subject_act`).
    """
    # A keyed value is read with its keys (`send_refund: needs a lead's approval`), a clause
    # with the rest of its sentence ("over EUR 80 or final sale: a lead approves").
    context = set(clause.seg.context.split())
    sentence = sentence_text(reading, clause)
    words = set(sentence.split()) | context
    live = [
        t
        for t in reading.tool_words
        if t in reading.components and not _asks_for_it(reading, t, clause.seg.sentence)
    ]
    key = clause.seg.key
    # `approval:` beside `- name: restart_service` in one record covers that tool.
    keyed = record_name(reading, clause) or (slug(reading.source[key[0] : key[1]]) if key else "")
    if keyed in live:
        # With the tools named beside it on its line or table row: "| start chillers |
        # chillerCommand | an engineer approves |".
        beside = [t for t in live if clause.seg.sentence in reading.tool_sentences[t]]
        return sorted({keyed, *beside})
    # Under a tool's own key (`create_user:` then `approval: IT admin`): that tool.
    under = [
        t for t in live if _says(clause.seg.context, normalise(reading.components[t].name).text)
    ]
    if len(under) == 1 and key:
        return under
    applies = _said_here(reading, clause, live, sentence, words)
    if not applies:
        # "It can issue refunds: above $200 a lead approves": the action is in the sentence.
        applies = sorted(t for t in live if clause.seg.sentence in reading.tool_sentences[t])
    if not applies and _BACK.search(clause.text):
        # "It mutes and hides messages. All automatic, nobody signs off on those."
        before = clause.seg.sentence - 1
        applies = sorted(t for t in live if before in reading.tool_sentences[t])
    applies = applies or acting_on_the_same(reading, clause, live)
    if present and _THE_REST.match(sentence):
        # "Refunds under 50 EUR run straight away. Anything above waits for a lead": what the
        # last automatic rule freed below a limit is held above it; with no rule freeing it
        # ("It orders up to $100. Over that it asks me"), the one act the limit was set on.
        applies = sorted({*applies, *_freed_last(reading)}) or _one_acting(
            reading, clause.seg.sentence - 1, live
        )
    if present and not applies:
        # "Desktops are patched at once; domain controllers wait for the on-call lead": in one
        # sentence, a held case after a freed one is the same action's other case.
        applies = _freed_last(reading, near=clause.seg.sentence)
    return applies or one_acting_before(reading, clause, live)


def _said_here(
    reading: Reading, clause: Clause, live: list[str], sentence: str, words: set[str]
) -> list[str]:
    """The tools an approval clause names in its own sentence, most explicit first."""
    context = set(clause.seg.context.split())
    # A sentence that both holds and frees actions ("unlocking needs the owner's OK, but
    # thermostat changes are automatic"): each clause names its own. Elsewhere the sentence
    # does, since a clause alone may share a word with the wrong tool.
    mixed = bool(lx.APPROVAL.search(sentence) and lx.AUTOMATIC.search(sentence))
    own = sharing(reading, set(clause.text.split()) | context, live) if mixed else []
    # A tool named as written ("`void_order` needs the manager to confirm") is the one held,
    # whatever other tools share a word with the clause.
    named = [t for t in live if _says(clause.text, normalise(reading.components[t].name).text)]
    # The one tool its own sentence introduces ("reset_arm, which sends the arm home, waits
    # for the technician"), before tools elsewhere that only share a word with it.
    here = [t for t in live if clause.seg.sentence in reading.tool_sentences[t]]
    # Several tools in a sentence of prose: the ones the clause itself shares a word with ("it
    # can book_slot and cancel_slot, but it won't cancel anything without asking"), else any.
    # A table row or a record names its own tools.
    prose = len(here) > 1 and not clause.seg.context
    clause_shares = sharing(reading, set(clause.text.split()), live) if prose else []
    return (
        own
        or named
        or (here if len(here) == 1 else [])
        or clause_shares
        or sharing(reading, words, live)
    )


def _asks_for_it(reading: Reading, tool: str, sentence: int) -> bool:
    """Whether a tool is the message that asks a person for the approval in its sentence.

    "it texts the owner and waits till she replies yes": the text is how the owner is asked,
    not the action held.
    """
    component = reading.components[tool]
    return (
        component.effect == Effect.SENDS_MESSAGES
        and reading.tool_sentences[tool] == {sentence}
        and bool(_ASKED_PERSON.search(" ".join(sorted(reading.tool_words[tool]))))
    )


_ASKED_PERSON = lx.rx(rf"{lx.HUMAN_ROLE}|me|us|him|her")


# What is over a limit: "anything above", "larger ones", "above that". Not "the rest" or
# "everything else", which mean the actions the limit did not free.
_THE_REST = lx.rx(
    r"(?:but |and )?(?:(?:anything|any) (?:at or )?(?:above|over|larger|bigger|higher|more)|"
    r"larger ones|bigger ones|(?:above|over|beyond|more than) (?:that|this|it|those))"
)


def _says(text: str, name: str) -> bool:
    """Whether `text` has `name` as whole words ("pay" is not in "payee")."""
    return bool(name) and compiled(re.escape(name)).search(text) is not None


def _freed_last(reading: Reading, near: int | None = None) -> list[str]:
    """The tools of the last rule that lets actions run without approval.

    With `near`, only when that rule is the last approval rule read and stands in that
    sentence (across sentences, "Replies go out automatically. Bans need a moderator" holds
    another action).
    """
    rules = [c for c in reading.controls if c.kind == ControlKind.HUMAN_APPROVAL]
    freed = [c for c in rules if not c.present]
    if not freed:
        return []
    if near is not None and (rules[-1] is not freed[-1] or not _close(reading, freed[-1], near)):
        return []
    return list(freed[-1].applies_to)


def _close(reading: Reading, control: Control, sentence: int) -> bool:
    """Whether a control was read in a given sentence."""
    at = control.evidence[0].start if control.evidence else None
    span = reading.sentence_spans.get(sentence)
    return at is not None and span is not None and span[0] <= at < span[1]
