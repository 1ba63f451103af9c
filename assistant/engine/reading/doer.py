"""Whether the agent does a clause's verb when the clause names no subject.

A bullet under a list of what the agent does ("- looks up orders"), a value after a label
("It can: reserve tables, ..."), or a second verb whose subject opens the sentence ("The bot
answers the caller, and then books a slot").
"""

from __future__ import annotations

import re

from assistant.engine.reading import actions as act
from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.state import Clause, Reading, sentence_span
from assistant.engine.reading.text import normalise


def agent_does(reading: Reading, clause: Clause) -> bool:
    """Whether a clause with no subject of its own states something the agent does."""
    return (
        _bullet_verb(reading, clause)
        or _after_action_label(reading, clause)
        or _subject_carried(reading, clause)
    )


# What joins a second verb to the first: "..., and then books", "... and books".
_JOINED = re.compile(r"(?:,|\band|\bthen)\s*(?:then\s*)?$")


def _subject_carried(reading: Reading, clause: Clause) -> bool:
    """A clause opening with a verb whose subject, the agent, opens the sentence.

    "The bot answers the caller, and then books a slot": the second verb is the bot's too.
    """
    start, _ = sentence_span(reading, clause)
    if start >= clause.seg.start or not act.ACTION.match(clause.text) or clause.seg.key:
        return False  # `agents: triage_agent, billing_agent`: values of a key, not verbs
    opening = normalise(reading.source, start, clause.seg.start).text
    if not _JOINED.search(opening):
        return False  # ", which writes ...": a relative clause says what a thing named does
    subject = act.AGENT_SUBJECT.match(opening)
    return bool(subject and subject.end() and not lx.HUMAN_SUBJECT.match(opening))


def _after_action_label(reading: Reading, clause: Clause) -> bool:
    """A value after a label saying the agent does it: "It can: reserve tables, send ...".

    The label may be a key of its own or the words before a colon in the same sentence ("what
    it does on its own: hide a message, ...").
    """
    key = clause.seg.key
    label = reading.source[key[0] : key[1]] if key else ""
    if not label:
        start, _ = reading.sentence_spans.get(clause.seg.sentence, (clause.seg.start, 0))
        before = reading.source[start : clause.seg.start].rstrip()
        label = before[:-1] if before.endswith(":") else ""
    if not label and on_list_item(reading, clause):
        label = lead_in(reading.source, clause.seg.start)
    return bool(label) and bool(act.ACTION_LABEL.fullmatch(normalise(label).text))


def lead_in(source: str, at: int) -> str:
    """The line that opens the list an item at `at` is in, if it ends with a colon.

    "when someone is being toxic it can:" then "- delete the msg": the line leads the list in.
    """
    line_start = source.rfind("\n", 0, at) + 1
    while line_start > 0:
        previous = source.rfind("\n", 0, line_start - 1) + 1
        line = source[previous : line_start - 1]
        if not _BULLET.match(line) and not line.startswith((" ", "\t")):
            # Its last sentence: "... sees that too). when someone is toxic it can:".
            last = re.split(r"(?<=[.!?])\)?\s+", line.rstrip())[-1]
            return last[:-1] if last.endswith(":") else ""
        line_start = previous
    return ""


def on_list_item(reading: Reading, clause: Clause) -> bool:
    """Whether a clause is on a bulleted or numbered line, or is a keyed value of a sheet."""
    line_start = reading.source.rfind("\n", 0, clause.seg.start) + 1
    return bool(_BULLET.match(reading.source, line_start) or clause.seg.context)


def _bullet_verb(reading: Reading, clause: Clause) -> bool:
    """A list item that opens with a third-person verb, such as "- looks up orders"."""
    if not on_list_item(reading, clause):
        return False
    text = clause.text
    first, _, rest = text.partition(" ")
    return (
        first.endswith("s")
        and not first.endswith("ss")
        and bool(act.ACTION.match(text))
        and not re.match(r"(?:and|are|is|were|was|of|from|to)\b", rest)
        and not _PASSIVE.match(text)
    )


# "- SMS replies are matched to a patient": a plural noun and a passive, not an action.
_PASSIVE = re.compile(r"(?:\S+ ){1,5}(?:is|are|was|were|gets?|get) [\w-]+(?:ed|en)\b")


_BULLET = re.compile(r"[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]")
