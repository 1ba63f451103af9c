"""Who approves: the person, role or team an approval names, not the agent or the software.

"approved by the duty manager", "the head grower's approval", "Procurement reviews every
order": the actor of a human-approval control, as the user wrote it.
"""

from __future__ import annotations

import re

from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.state import Clause, Reading
from assistant.engine.reading.text import normalise

# An approval verb in the third person, as said of whoever does it: "procurement reviews".
_DECIDES = re.compile(
    r"(?:approves|reviews|confirms|vets|okays|signs off|countersigns|authori[sz]es|green-?lights)"
)
_SUBJECT = re.compile(
    r"(?:^|[,;:]\s*|\b(?:and|but|then|once|after|until|before|when|unless|while|so)\s+)"
    r"(?:(?:a|an|the|our|their|its|each|every|any|one|two)\s+)?((?:[\w'-]+\s+){0,2}?[\w'-]+)\s+"
    r"(?:(?:then|also|always|first|still|usually|personally)\s+)?$"
)
# Subjects that are the software, not a person: "the system confirms", "it reviews".
_NOT_A_PERSON = lx.rx(
    r"it|this|that|which|they|he|she|system|service|app|application|pipeline|workflow|tool|"
    r"api|model|llm|server|script|job|platform|engine|function|code|check|test|rule|policy"
)


def deciding_subject(reading: Reading, text: str, approval: re.Match[str]) -> str:
    """Whoever does an approval verb, when that is not the agent or the software: the actor.

    "Procurement reviews every order": a department, a role or a person named as the subject
    of "approves", "reviews", "confirms" or "signs off" is a person deciding.
    """
    if not _DECIDES.fullmatch(approval.group(0)):
        return ""
    found = _SUBJECT.search(text, 0, approval.start())
    if found is None:
        return ""
    words = found.group(1)
    agents = {normalise(c.name).text for c in reading.components.values() if c.kind == "agent"}
    last = words.split()[-1]
    if lx.AGENT_WORD.search(words) or _NOT_A_PERSON.fullmatch(last) or words in agents:
        return ""
    return words


_POSSESSIVE_ACTOR = re.compile(
    r"((?:[a-z][\w-]* )?[a-z][\w-]*) ?['\u2019]s (?:approval|sign-?off|ok|okay|review|go-ahead|consent|"
    r"confirmation|say-so|nod|thumbs-up|blessing)"
    r"|(?:approved|reviewed|signed off|confirmed|authori[sz]ed|approval|sign-?off|go-ahead|thumbs-up|ok) "
    r"(?:by|from) (?:a |an |the |our |their |one of our )?(?:[a-z][\w-]*['\u2019]s )?"
    r"((?:[a-z][\w-]* )?[a-z][\w-]*)"
    r"|requires? (?:the |a |an |their |our )?((?:[a-z][\w-]* )?[a-z][\w-]*) to "
    r"(?:confirm|approve|sign off|ok|okay|accept|authori[sz]e)"
    # "goes to the quartermaster for sign-off": whoever the work is sent to.
    r"|to (?:the |a |an |their |our )?((?:[a-z][\w-]* )?[a-z][\w-]*) for (?:\w+ )?"
    r"(?:approval|sign-?off|review|confirmation|go-ahead|ok)"
    # "only once the on-call signaller agrees", "unless a duty lead has signed it".
    rf"|(?:{lx.CONDITION}) (?:a |an |the |our |my |their |"
    r"one of (?:the |our )?)?((?:[a-z][\w-]* ){0,2}?(?!(?:has|have|first)\b)[a-z][\w-]*) (?:has |have |first )?"
    r"(?:approves|agrees|confirms|signs|countersigns|okays|accepts|sanctions|read|checked|watched|"
    r"reviewed|signed|ticked|released|approved|seen|okayed)\b"
)
# Words after the approver that are no part of its name: "reviewed by a supervisor first".
_AFTER_ACTOR = lx.rx(
    r"first|also|then|too|always|personally|manually|before|afterwards|again|each|every"
)


def approver(reading: Reading, clause: Clause, human: re.Match[str] | None) -> str:
    """Who approves: "a receptionist's approval", "approved by the duty manager", a role."""
    named = _POSSESSIVE_ACTOR.search(clause.text)
    if named:
        words = [
            w
            for w in next(g for g in named.groups() if g).split()
            if not (_ARTICLE.fullmatch(w) or _AFTER_ACTOR.fullmatch(w))
        ]
        if words:
            return " ".join(words)
    if human is None:
        return ""
    return _role(reading, clause, human)


_ARTICLE = lx.rx(r"a|an|the|our|their|its|one|needs?|requires?|with|without|after|until")


def _role(reading: Reading, clause: Clause, human: re.Match[str]) -> str:
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
    r"every|each|all|some|no|is|are|was|were|be|only|also|still|always|can|may|should|"
    r"once|until|unless|after|before|till"
)
