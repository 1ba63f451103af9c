"""Which tools an approval holds: the ones its words name, or the ones acting on what it names.

Approval sentences seldom name a tool the way the description introduced it ("bookings need
the owner's OK" for `book_appointment`, "flagged claims go to a reviewer" for the bank API
that pays claims), so the match is by shared content word or stem, then by the sentence that
introduced the tool.
"""

from __future__ import annotations

import re

from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.state import Clause, Reading
from assistant.engine.reading.text import normalise
from assistant.schema import Effect

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
    return bool(content & words) or any(_stem(w) in stems for w in words - _STOP)


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

    "Claims that pass go to a payment agent, which pays them through our bank's API. Flagged
    claims go to a human reviewer": the held claims are paid through the bank's API, though
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
    """The one acting tool the previous sentence introduced: what an approval after it holds.

    "Delivery is `push_release`, which opens a merge request. Nothing ships until the producer
    clicks approve": an approval follows the action it gates. With two acting tools there, or
    none, or a subject of its own ("new suppliers must be approved"), it holds neither.
    """
    if _content(_subject(clause.text)):
        return []
    before = clause.seg.sentence - 1
    acting = [
        t
        for t in live
        if before in reading.tool_sentences[t]
        and reading.components[t].effect not in (None, Effect.READS_DATA)
    ]
    return acting if len(acting) == 1 else []


def _subject(text: str) -> str:
    """The words of a clause before its verb (or a relative pronoun); "" if it opens with one."""
    end = _SUBJECT_ENDS.search(text)
    return text[: end.start()] if end else ""


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

    Three letters are enough ("keys", "key"); two are not ("uses" leaves "us").
    """
    bare = _SUFFIX.sub("", word)
    return bare[:5] if len(bare) >= 3 else ""
