"""Negation scope and modality within one clause (normalised text).

A negation cue ("no", "never", "without", "nobody", "can't") reaches from the cue to the end of
its clause, so coordination is covered: in "no memory and no tools" and "never stores or runs
code" everything after the cue is ruled out. A cue after its subject ("code execution is not
allowed", `memory: none`) reaches back to the start of the clause. Pseudo-negations ("not only",
"no more than $200") are not cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.engine.reading.actions import ACTION
from assistant.engine.reading.lexicon import rx
from assistant.engine.reading.text import Segment, normalise

# A cue whose scope runs to the end of its clause: "no memory and no tools", "never runs code".
NEGATION_CUE = rx(
    r"no|not|never|without|cannot|can ?not|nobody|no-one|no one|noone|nothing|none of|neither|nor|"
    r"zero|\w+n't|\w+n\u2019t|lacks?|free of|instead of|rather than|"
    r"doesnt|dont|cant|wont|isnt|arent|didnt|hasnt|havent|"
    r"left out|leaves? out|removed|disabled|turned off|switched off|excluded|stripped out|"
    r"opted out of|omit\w*|dropped|no longer"
)
# Cues that do not negate what follows them.
PSEUDO_NEGATION = rx(
    r"not only|not just|no matter|whether or not|if not|no more than|no less than|not exceed\w*|"
    r"no later than|nothing but|not until|no sooner"
)
# A cue after its subject: "code execution is not allowed", "email: disabled".
POST_NEGATION = rx(
    r"(?:is|are|was|were|be|been|being|gets?|stays?|remains?)(?: currently)? (?:not|never)|"
    r"isn't|aren't|wasn't|weren't|isn\u2019t|aren\u2019t|isnt|arent|"
    r"(?:is|are) (?:currently |now |still )?(?:disabled|turned off|switched off|removed|unavailable|out of scope|deprecated)|"
    r"\( ?(?:disabled|removed|deprecated|off|not (?:connected|live|used|enabled)) ?\)|"
    # Taken away since: "the Jira integration has been disabled", "that was removed in March".
    r"(?:has|have) been (?:disabled|removed|turned off|switched off|retired|deprecated|dropped)|"
    r"(?:was|were) (?:disabled|removed|turned off|switched off|retired|dropped|deprecated)"
)
NEGATIVE_VALUE = re.compile(
    r"(?:^|\s)(?:none|no|false|disabled|off|n/a|n / a|null|nil|not used|not allowed|not enabled|"
    r"not available|not supported|never|nope|nothing|-|\u274c|\u2717|\u2718|\u00d7|\U0001f6ab|\u26d4)\s*$"
)
# A value that opens with a negative: `approval: none for catalogue packages`, `refunds: not
# handled, ...`.
OPENS_NEGATIVE = rx(
    r"(?:none|no|never|nobody|no one|not (?:needed|required|handled|used|done)|n/a)\b"
)
# Hypothetical, future or former: facts in such a clause are not settled either way.
HYPOTHETICAL = rx(
    r"plan(?:s|ned|ning)? to|will (?:later|soon|eventually)|in (?:the )?future|on the roadmap|"
    r"roadmap|might|could|would like|eventually|next (?:release|version)|"
    # "next quarter" is a plan only with a future marker ("the same way next quarter" recurs).
    r"(?:will|'ll|going to|plan\w* to|want to|hope to|by|from|starting|in) (?:\w+ ){0,4}?next (?:quarter|year|month)|"
    r"considering|thinking about|may (?:later|soon|eventually) |hope to|want to add|wish|"
    r"(?:is|are) planned|not (?:built|live|available|ready) yet|coming soon|"
    # What it did before, not what it does: "we used to have it post to Slack".
    r"used to (?:have|let|be|run|use|send|post|call)"
)


@dataclass(frozen=True)
class Scope:
    """What is negated in a clause, and whether the clause states facts at all.

    Attributes:
        negated: Spans of the normalised clause under negation (start, end).
        hypothetical: The clause speaks of plans or possibilities, not of the system as it is.
    """

    negated: tuple[tuple[int, int], ...]
    hypothetical: bool
    negative_value: bool = False
    """The clause is a keyed value that is itself a negative (`knowledge_base: none`)."""
    opens_negative: bool = False
    """The clause opens with a negative (`none for catalogue packages`, `not handled`)."""

    def covers(self, start: int, end: int) -> bool:
        """Whether the span `start:end` of the clause is negated (its start is in a scope)."""
        return any(s <= start < e for s, e in self.negated)


_COMMENT = re.compile(r"\s+#\s")
_CONDITION = re.compile(r" (?:until|unless|till) ")
_LIST_GO_ON = {"no", "nor", "or", "and", "not", "never", "neither", "without", "nothing", "none"}
# A new subject and its verb after the cue: "when it cannot solve it, it escalates to a human".
# Not an object pronoun before its own object ("give it the ability").
_NEW_SUBJECT = re.compile(
    r"(?<= )(?:it|they|we|he|she|which|who) "
    r"(?!not\b|never\b|n't|the\b|a\b|an\b|its\b|their\b|our\b|this\b|that\b|to\b|access\b)[a-z]+s?\b"
)


# "without" inside a subject ("anyone without a pass is turned away"): the phrase up to the
# subject's own verb.
_WITHOUT_IN_SUBJECT = re.compile(
    r"without((?: (?!(?:is|are|was|were|gets?|get|will|must|can|cannot)\b)[\w'-]+){1,6}) "
    r"(?:is|are|was|were|gets?|will be|must be|can't|cannot)\b"
)
# A short noun phrase opening the clause: "anyone", "orders", "any driver".
_SUBJECT_NOUN_BEFORE = re.compile(r"^(?:[\w-]+ ){1,3}$")


def _scope_end(clause: str, cue: int) -> int:
    """Where a negation that starts at `cue` stops: the end of its clause, or earlier.

    It stops at a comma that starts something else (not a list going on: "no memory, no tools"
    or "no memory, tools, or code" keep it), and before a new subject with its own verb.
    """
    end = len(clause)
    until = _CONDITION.search(clause, cue)
    if until:
        end = until.start()  # "nothing ships until a lead signs off": the sign-off holds
    bracket = clause.find(" )", cue)
    if bracket != -1 and "(" in clause[:cue]:
        end = min(end, bracket)  # "(free, no account needed) and upload": the brackets end it
    subject = _NEW_SUBJECT.search(clause, cue + 1, end)
    if subject and len(clause[cue : subject.start()].split()) > 2:
        end = subject.start()
    in_subject = _WITHOUT_IN_SUBJECT.match(clause, cue)
    if in_subject and _SUBJECT_NOUN_BEFORE.match(clause[:cue]):
        # "anyone without a pass is turned away": the lack is the subject's; the verb after
        # it is not negated.
        end = min(end, in_subject.end(1))
    start = cue
    for comma in re.finditer(r",", clause[:end]):
        if comma.start() < cue:
            continue
        after = clause[comma.end() :].split()
        before = clause[start : comma.start()].split()
        following = _next_item(after)
        if after and after[0] in _LIST_GO_ON and not _new_clause(after):
            start = comma.end()
            continue
        if len(before) <= 4 and len(following) <= 3:
            start = comma.end()
            continue
        return comma.start()
    return end


def _next_item(after: list[str]) -> list[str]:
    """The words of the next item after a comma, past a joining "and" or "or"."""
    words = after[1:] if after[:1] in (["and"], ["or"]) else after
    return re.split(r",| and | or ", " ".join(words), maxsplit=1)[0].split()


def _new_clause(after: list[str]) -> bool:
    """Whether ", and ..." opens a clause of its own rather than the next item of a list.

    "no memory, and no tools" and "no e-mail, and web pages" go on; "not reachable from
    outside, and only staff signed in through SSO can use it" and "no memory, and sends
    refunds through Stripe" (a verb of the agent's) start something else.
    """
    if after[0] not in ("and", "or") or len(after) < 2 or after[1] in _LIST_GO_ON:
        return False
    item = _next_item(after)
    verb = (
        len(item) >= 2
        and bool(_THIRD_PERSON.fullmatch(item[0]))
        and bool(ACTION.match(" ".join(item)))
    )
    return len(item) > 4 or verb


# A verb with its agent's ending ("sends", "emails"), not a plural noun ("payments").
_THIRD_PERSON = re.compile(r"[a-z]+(?<!ment)(?<!tion)(?<!ing)(?<!ness)(?<!ss)s")


# A negative opening with the verb inverted after it negates the whole clause.
_INVERTED = rx(
    r"(?:at no (?:time|point|stage)|in no (?:case|way)|under no circumstances|on no account|"
    r"not once|nowhere|never) (?:does|do|did|will|would|can|could|is|are|has|have|may)"
)
_NEGATIVE_OBJECT = {"no", "nothing", "zero", "none of"}
_OBJECT_OF = re.compile(r"(?:^|(?<= ))([a-z][\w-]*) $")
# Words before "no" that are not the negated action: "has no tools", "with no memory".
_NOT_A_VERB = rx(
    r"has|have|had|is|are|was|were|be|with|and|or|but|there|of|for|to|in|on|at|by|it|they|"
    r"we|uses?|needs?|requires?|gets?|takes?|makes?|means?|says?|sees?|does|do|did"
)


def governs(between: str) -> bool:
    """Whether a negative still governs across `between`: no comma, "and" or "but" in it.

    "won't pay invoices without approval" is one condition; in "doesn't need a ticket and
    restarts services without asking" the negative stops at "and".
    """
    return not re.search(r",| and | but ", between)


def scope(clause: str, keyed: bool = False) -> Scope:
    """The negation scopes and modality of one normalised clause.

    `keyed`: the clause is a value read under a key (`memory: none`), where a trailing
    negative value negates it; in prose "signs off" is no such value.
    """
    pseudo = [(m.start(), m.end()) for m in PSEUDO_NEGATION.finditer(clause)]
    cues = [
        c for c in NEGATION_CUE.finditer(clause) if not any(s <= c.start() < e for s, e in pseudo)
    ]
    spans: list[tuple[int, int]] = []
    # Repeated cues are coordination ("no memory and no tools") and keep the scope going; a
    # "without" that another cue governs cancels it ("nothing goes out without approval": it
    # goes out, and approval is required), until the next cue.
    # A scope that stopped early (at a comma or a new subject) leaves later cues to open their
    # own: "do not use MCP, there is no registry, and no plugins are loaded".
    opened: int | None = None
    closes = len(clause)
    for cue in cues:
        if opened is not None and cue.start() >= closes:
            spans.append((opened, closes))
            opened = None
        if opened is None:
            opened = cue.start()
            closes = _scope_end(clause, opened)
            if _CONDITION.match(clause, closes) and governs(clause[opened:closes]):
                opened = None  # "nothing ships until a lead signs off": it ships, once signed
        elif cue.group(0) == "without":
            # A double negative is a condition: "won't book a deputy without asking" books one,
            # once someone is asked. Not when another verb comes between ("doesn't need a
            # ticket and restarts services without asking"): the first cue keeps its scope.
            if not governs(clause[opened : cue.start()]):
                spans.append((opened, cue.start()))
            opened = None
    if opened is not None:
        spans.append((opened, closes))
    for cue in cues:
        # A negative object negates its verb: "remembers nothing", "retrieves no documents".
        verb = (
            _OBJECT_OF.search(clause, 0, cue.start()) if cue.group(0) in _NEGATIVE_OBJECT else None
        )
        if verb and not _NOT_A_VERB.fullmatch(verb.group(1)):
            spans.append((verb.start(1), cue.start()))
    if _INVERTED.match(clause):
        spans.append((0, len(clause)))  # "at no time does it call the payments api"
    post = POST_NEGATION.search(clause)
    if post:
        spans.append((0, post.start()))
    # A trailing comment is not the value: `merge: false  # cannot merge` is `false`.
    value = NEGATIVE_VALUE.search(_COMMENT.split(clause, maxsplit=1)[0]) if keyed else None
    if value and value.start() > 0:
        spans.append((0, value.start() + 1))
    whole = bool(value and value.start() == 0)
    opens = bool(OPENS_NEGATIVE.match(clause))
    return Scope(tuple(spans), bool(HYPOTHETICAL.search(clause)), whole, opens)


def clause_scope(source: str, seg: Segment, text: str) -> Scope:
    """The clause's scope: under a negative label (`Out of scope:`, `not_supported:`), all of it."""
    found = scope(text, keyed=bool(seg.context))
    return replace(found, negated=((0, len(text)),)) if negative_label(source, seg) else found


def negative_label(source: str, seg: Segment) -> bool:
    """Whether a value sits under a label of what the system does not have or do."""
    if seg.key is None:
        # An item listed under one (`never:` then `- run scripts`).
        return seg.item and bool(_NEGATIVE_LABEL.search(seg.context))
    return bool(_NEGATIVE_LABEL.search(normalise(source, *seg.key).text))


# Labels whose values are what the system does not have or do.
_NEGATIVE_LABEL = rx(
    r"not (?:included|supported|used|in scope|allowed|available|enabled|done)|out of scope|"
    r"excluded|exclusions|non-goals?|not done|limitations|what it (?:can't|cannot|doesn't|does not|won't) do|"
    r"disabled|forbidden|prohibited|no-go|never|not possible|n/a|n / a|none"
)
