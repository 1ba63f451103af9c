"""Controls: human approval per action (who approves, for which tools), and the others.

Sandboxing, allowlists, rate limits, audit logging, authentication, authorisation and
guardrails are read per clause; approvals are read once tools are known, so each approval can
name the tools it applies to.
"""

from __future__ import annotations

import re

from assistant.engine.reading import actions as act
from assistant.engine.reading import lexicon as lx
from assistant.engine.reading import safeguards as sg
from assistant.engine.reading.approvers import approver, deciding_subject
from assistant.engine.reading.held import held_tools, subject_act
from assistant.engine.reading.scope import governs
from assistant.engine.reading.state import (
    MAX_QUOTE,
    Clause,
    Reading,
    clause_evidence,
    compiled,
    heading_key,
    sentence_span,
    sentence_text,
    slug,
)
from assistant.engine.reading.tools import add_tool
from assistant.schema import AgenticFactor, Control, ControlKind


def other_controls(reading: Reading, clause: Clause) -> None:
    """Controls other than approval, present unless the clause negates them.

    Sandboxing, allowlists, rate limits, audit logging, authentication, authorisation and
    guardrails ("not in a sandbox" records a sandbox as absent).
    """
    if clause.scope.hypothetical:
        return
    for kind, pattern in sg.CONTROLS:
        match = compiled(pattern).search(clause.text)
        by_key = (
            match is None
            and bool(clause.seg.context)
            and bool(sg.CONTROL_KEYS[kind].search(clause.seg.context))
        )
        if match is None and not by_key:
            continue
        span = match.span() if match else (0, len(clause.text))
        present = not (clause.scope.covers(*span) or (by_key and clause.scope.negative_value))
        if match and match.group(0).startswith("no "):
            present = True  # "no network access" is the isolation itself, not its absence
        if any(c.kind == kind and c.present == present for c in reading.controls):
            continue
        reading.controls.append(
            Control(
                id=f"{kind.value}-{len(reading.controls) + 1}",
                kind=kind,
                present=present,
                scope=reading.source[clause.seg.start : clause.seg.end][:MAX_QUOTE],
                evidence=[clause_evidence(reading, clause, *span)],
            )
        )


def approvals(reading: Reading, clause: Clause) -> None:
    """Human approval (or its stated absence) for the actions a clause names.

    The words of the value decide first; a key decides only a value that says nothing of
    approval itself (`auto_send: [reminders]`, `approval: none`, `approval: the shift lead`).
    """
    if clause.scope.hypothetical:
        return
    key = clause.seg.key
    if heading_key(reading, clause):
        return  # `human_approval:` over its own list: the entries below say what is approved
    if _stated(reading, clause) or not clause.seg.context:
        return
    # Only the clause that opens a value names the approver; a later one ("none, but the
    # caller confirms by SMS") is a remark about the action.
    # In a table row the cells before it are other values, not an earlier part of this one.
    between = reading.source[key[1] : clause.seg.start].rsplit("|", 1)[-1] if key else ""
    first = not between.strip(" \t\"':")
    context, whole = clause.seg.context, re.match(r".*", clause.text)
    if _NOT_THE_AGENTS_ACT.search(context):
        return  # `approved tools:` lists what it may use
    assert whole is not None  # ".*" matches any string
    negative = clause.scope.negative_value or clause.scope.opens_negative
    if lx.APPROVAL_KEY.search(context) and negative:
        _control(reading, clause, whole, False, "")  # `approval: none (below 50 EUR)`
    elif lx.AUTOMATIC_KEY.search(context) and not clause.scope.negated:
        _control(reading, clause, whole, False, "")
    elif lx.APPROVAL_KEY.search(context) and not clause.scope.negated and first:
        actor = approver(reading, clause, lx.HUMAN.search(clause.text))
        _control(reading, clause, whole, True, actor)


def _stated(reading: Reading, clause: Clause) -> bool:
    """Approval or automatic action stated in the words of a clause; whether any was."""
    text = clause.text
    approval = _approval_word(text)
    if approval and _ONLY_EXPLAINS.search(sentence_text(reading, clause)):
        approval = None  # "leave requests need the manager; the bot only looks up balances"
    automatic = lx.AUTOMATIC.search(text)
    found = False
    if automatic and _ONE_AT_A_TIME.search(text, 0, automatic.start()):
        automatic = None  # "every enquiry is read on its own": one at a time, not unattended
    if automatic and _governs(lx.NEGATIVE, text, automatic.start()):
        if _ASKED.match(text, automatic.start()):
            # "it won't order parts without asking the foreman": someone is asked first.
            actor = approver(reading, clause, lx.HUMAN.search(text))
            _control(reading, clause, automatic, True, actor)
            found, approval = True, None
        automatic = None  # "no refund goes out without review": review is required
    if automatic and not clause.scope.covers(*automatic.span()):
        # "an autonomous treasury agent": said of the agent, so of everything it does.
        whole = bool(_OF_THE_AGENT.match(text, automatic.end()))
        _control(reading, clause, automatic, False, "", system_wide=whole)
        found = True
    passed = (
        (_PASSED_ABOVE.search(text) or _NEEDS_SOMEONE.search(text)) if approval is None else None
    )
    if passed and not clause.scope.covers(*passed.span()):
        # "anything bigger waits for a support supervisor": what a limit holds back goes to a
        # person, who decides it.
        _control(reading, clause, passed, True, approver(reading, clause, lx.HUMAN.search(text)))
        found = True
    if approval and not lx.AGENT_REVIEWER.search(text):
        # A person named inside the act held ("deleting customer records") is not its approver.
        act_at = subject_act(text)
        human = next(
            (h for h in lx.HUMAN.finditer(text) if not act_at or h.start() >= act_at[1]), None
        )
        subject = deciding_subject(reading, text, approval)
        if human or subject or _a_gate(text, approval):
            present = not clause.scope.covers(*approval.span())
            actor = approver(reading, clause, human) or subject
            _control(reading, clause, approval, present, actor)
            found = True
    return found


def _approval_word(text: str) -> re.Match[str] | None:
    """The approval word of a clause, unless it is about something other than a gate."""
    approval = lx.APPROVAL.search(text)
    if approval is None:
        return None
    notice = _NOTICE.search(text)
    if (
        # "one of our approved repairers": a list someone keeps, not a step
        (_LISTED.search(text, 0, approval.start()) and approval.group(0).endswith("ed"))
        # "a manager reviews the weekly summary": monitoring, not a gate (unless a condition
        # says it comes first: "only after a linguist has watched the spot-check reel")
        or (_AFTER_THE_FACT.search(text) and not approval.group(0).startswith(_BEFORE_IT))
        # "reviews written by customers", "the user verifies with MFA"
        or _CONTENT_REVIEW.search(text)
        or _SELF_CHECK.search(text)
        # "changes to the agent's repo are reviewed", "signed off the project plan"
        or _NOT_THE_AGENTS_ACT.search(text)
        # "no access to contracts or performance reviews": data it may not read
        or _ACCESS_TO.search(text, 0, approval.start())
        # "an e-mail confirming the order": a notice, not a decision
        or (notice and notice.start() < approval.start() < notice.end())
        # "escalates to a human through a review screen": the case moves on
        or (approval.group(0).startswith("review") and _HANDOVER.search(text))
    ):
        return None
    return approval


def _a_gate(text: str, approval: re.Match[str]) -> bool:
    """Whether an approval word with no person beside it still states a person's gate."""
    stem = approval.group(0).split()[0][:5]
    passive = re.search(
        r"(?:(?:be|is|are|been|being|gets?|needs?|requires?|require|must|pending|awaiting|"
        rf"without|no|subject to) (?:\w+ )?|(?:until|before) (?:a|an|the|our|their|one|two|any|some|"
        rf"each|every|all) (?:[\w-]+ ){{0,3}}){re.escape(stem)}",
        text,
    )
    noun = approval.group(0).startswith(_NOUN_FORMS)
    # "goes to the duty manager for sign-off": sent for a noun of approval, not "for approved
    # suppliers"; and not sent to a model, an agent or a channel for it.
    sent_for = noun and bool(_SENT_FOR.search(text, 0, approval.start()))
    named_gate = approval.group(0).startswith(_GATES) and not (
        approval.group(0).startswith(_PRESSES) and _pressed_by_the_agent(text, approval.start())
    )
    # "needs the head grower's approval": whoever's approval it is, if not software's.
    owned = noun and bool(_POSSESSOR.search(text, 0, approval.start()))
    # "..., who approves in the portal": the relative pronoun stands for a person.
    relative = re.match(rf"who (?:\w+ )?{re.escape(stem)}", text)
    # "wait for the harbour master to approve": someone, not software, is waited for.
    waited = _WAITS_FOR.search(text, 0, approval.start())
    # "unless I approve the draft": the writer decides, as a condition on the act.
    mine = re.search(
        r"\b(?:unless|until|till|before|once|after) (?:i|we) (?:\w+ )?(?:approve|ok|okay|sign off|say)",
        text,
    )
    return bool(passive or sent_for or named_gate or owned or relative or waited or mine)


# An action that needs a person, said of the action: "clearance markdowns need the
# merchandising director". Not "needs a customer account" or "needs the user to log in".
_NEEDS_SOMEONE = re.compile(
    r"\b(?:needs?|requires?) (?:the |a |an |our |their |my )?(?:[\w-]+ ){0,2}?"
    # Not the people it serves: "needs a customer and an order number".
    rf"(?!(?:{lx.SERVED})\b)"
    rf"(?:{lx.HUMAN_ROLE})(?: first| (?:before|to) (?:approve|sign|ok|confirm)\w*|"
    r" before (?:the agent|the bot|it) \w+(?: \w+)?|"
    # Two people: "needs a producer and someone from finance".
    rf" (?:and|&|plus) (?:the |a |an |our |their |my )?(?:[\w-]+ ){{0,2}}?(?:{lx.HUMAN_ROLE})(?: from [\w-]+)?)? ?(?:[.;,)]|$)"
)
# Whose approval it is, right before the noun: "the head grower's approval" (not the agent's,
# the model's or a system's).
_POSSESSOR = re.compile(
    rf"\b(?!(?:[\w-]+ )?(?:{lx.AGENT_WORD.pattern}|models?|llms?|system|classifier|checker|validator)\b)"
    r"(?:[a-z][\w-]* )?[a-z][\w-]*['\u2019]s $"
)
# What a limit holds back, passed to a person: "anything bigger waits for a supervisor", "over
# $3k it goes to the owner". Not "questions go to the front desk": no limit, a hand-over.
_PASSED_ABOVE = re.compile(
    r"\b(?:above|over|more than|larger|bigger|greater|higher|north of|beyond|exceed\w*|the rest)\b"
    r"[^;]{0,60}?\b(?:waits?|waiting|held|queued|parked|goes|go|sent|passed|routed|asks?) "
    r"(?:to|for)? ?(?:the |a |an |our |their |my |its |your )?(?:[\w-]+ ){0,2}?"
    rf"(?:{lx.HUMAN_ROLE}|me|us)\b"
    # "beyond that the front desk manager decides"
    r"|\b(?:above|over|more than|larger|bigger|greater|higher|north of|beyond|exceed\w*|the rest)\b"
    r"[^;]{0,40}?\b(?:the |a |an |our |their |my )(?:[\w-]+ ){0,2}?"
    rf"(?:{lx.HUMAN_ROLE}) (?:decides|has to decide|makes the call)\b"
)
# The agent only tells people about a process they run: an approval there is theirs.
_ONLY_EXPLAINS = lx.rx(
    r"(?:agent|bot|assistant|chatbot|it) (?:only|just) (?:explains|answers|looks up|tracks|tells|describes|"
    r"summari[sz]es|reports)|(?:agent|bot|assistant|chatbot) explains (?:this|the|our) (?:policy|process|rules?)"
)
# An agent noun right after "autonomous" or "unattended": the words describe the agent.
_OF_THE_AGENT = re.compile(r" (?:[\w-]+ ){0,2}?(?:agents?|bots?|assistants?|copilots?|systems?)\b")
# A look at what was already done: a periodic summary or report, a sample, "afterwards".
_AFTER_THE_FACT = lx.rx(
    r"(?:weekly|monthly|daily|quarterly|nightly|periodic) (?:summar(?:y|ies)|reports?|digests?)|"
    r"afterwards|after the fact|retrospectively|spot[- ]checks?|a (?:random )?sample of|"
    # What is kept to be looked at later: "call recordings are archived for a QA review".
    # Looking through what it did, on a schedule: "reviews the agent's logs once a month".
    r"(?:logs?|transcripts?|conversations?|chats?|outputs?|summar(?:y|ies)) (?:once|every|each|twice) "
    r"(?:a |per )?(?:day|week|fortnight|month|quarter|year|friday|monday|sprint)\b|"
    r"(?:weekly|monthly|daily|quarterly|nightly) (?:logs?|transcripts?|conversations?|chats?)|"
    r"(?:logs?|transcripts?|recordings?|conversations?) (?:are |is )?(?:kept|retained|stored|saved|archived)"
    r"(?: [\w-]+){0,6} for (?:\w+ )?review|for (?:later|future|quality) review"
)
# Reviews as content someone wrote, not a check on the agent: "product reviews", "reviews
# left by customers".
_CONTENT_REVIEW = lx.rx(
    r"(?:product|customer|user|app|star|online|book|restaurant|hotel|guest|code) reviews?|"
    r"reviews? (?:written|left|posted|submitted) by|(?:leave|leaves|write|writes|post|posts) (?:a |their )?reviews?|"
    r"reviews? of (?:the |our )?(?:[\w-]+ )?(?:products?|items?|stores?|restaurants?|hotels?|apps?|books?|services?)|(?:replies|responds|answers) to (?:[\w-]+ )?reviews?"
)
# Approvals of something other than what the agent does: work on the agent itself, the
# project, or a detail someone confirms about themselves.
_NOT_THE_AGENTS_ACT = lx.rx(
    r"(?:changes|commits|updates|edits) to (?:the |our )?(?:agent|bot|assistant|copilot)(?:'s| s)? (?:own )?"
    r"(?:repo\w*|code|codebase|source|prompts?|config\w*)|"
    r"(?:signed|signs) off (?:on )?(?:the |our )?(?:project|design|architecture|budget|rollout|launch|dpia|pilot|"
    r"plan|proposal|contract|vendor)\b|"
    r"(?:approved|approves) (?:the |our )?(?:project|design|architecture|budget|rollout|launch|dpia|pilot)\b|"
    r"confirms? (?:their|his|her|your|its) (?:own )?(?:[\w-]+ )?(?:numbers?|names?|address(?:es)?|e-?mails?|"
    r"phone|dates? of birth|birthdays?|details|identity|postcodes?|ids?|references?|appointments?|"
    r"attendance|slots?|appointment times?)\b|"
    # Content the agent reads, reviewed as it is written: "a knowledge base written and
    # reviewed by our documentation team".
    r"(?:written|maintained|curated|authored|edited|kept) and (?:reviewed|approved|vetted) by|"
    r"(?:system )?prompts? (?:was|were|is|are) (?:approved|reviewed|signed off)|"
    r"(?:its|the agent's|the bot's) (?:own )?(?:source )?code (?:is|are|gets) reviewed|"
    r"^approved (?:[\w-]+ )?(?:tools|vendors|suppliers|sources|domains|sites|models|packages|libraries|"
    r"lists?|partners|contractors|repairers)\b"
)
# People proving who they are: a sign-in step, not an approval of what the agent does.
_SELF_CHECK = lx.rx(
    r"verif(?:y|ies|ied) (?:with|via|using|through|by) (?:[\w-]+ ){0,2}?(?:mfa|2fa|otp|codes?|"
    r"one-time codes?|passcodes?|sms|biometrics?|face id|touch id)|"
    r"(?:confirms?|verif(?:y|ies)) (?:their|his|her|your|the user's|its) identity"
)
# A message that confirms something to someone: "an e-mail confirming the booking".
_NOTICE = re.compile(
    r"\b(?:e-?mails?|messages?|texts?|sms|notifications?|receipts?|letters?|notes?) "
    r"(?:confirming|confirms|confirmation)\b"
)
# A case handed to a person to deal with, not an action held for approval.
_HANDOVER = lx.rx(
    r"escalat\w+|hands? (?:it |them |the \w+ )?over|transfers? (?:it |them |the \w+ )?to"
)
# A possessive right before "approved", "vetted": it names a list kept ("our approved
# suppliers"), not an approval of what the agent does.
# Access to a list of data that runs on to the approval word, with no verb of its own between.
_ACCESS_TO = re.compile(
    r"\baccess (?:to|into)\b(?:(?! (?:but|needs?|requires?|must|until|unless|before|only|when|"
    r"once|after|if|is granted)\b)[^;])*$"
)
_LISTED = re.compile(r"\b(?:our|their|its|your|my)\s+$")
# Approval phrases that name the gate itself, with or without a person in the clause.
# Pressing the approve button in a screen is what a person does ("until Dana clicks approve").
_PRESSES = ("click", "hit", "press", "tap")
# A condition that puts the person's act before the agent's.
_BEFORE_IT = ("unless ", "until ", "till ", "only ")
_GATES = (
    *("human", "hitl", "manual", "multi", "four", "two", "has to", "have to", "need", "must"),
    "requir",
    *("gated", "queued", "held", "parked", "wait", "flagged", "set aside"),
    *("has the final", "has the last", "have the final", "have the last", "final say"),
    *("my ", "our "),  # the writer's own say: "waits for my yes"
    *_PRESSES,
    # A condition a person settles: "only once the partner has signed", "unless a lead agrees".
    *_BEFORE_IT,
)
# The agent as the one pressing: "the agent clicks publish" is its own action.
_NOUN_FORMS = ("approval", "sign-off", "signoff", "sign off", "review", "confirmation", "ok")
# Sent to someone for a decision: "routed to the night manager for review".
_SENT_FOR = re.compile(
    rf"\bto (?:the |a |an |our |their )?(?!(?:[\w-]+ ){{0,2}}(?:{lx.AGENT_WORD.pattern}|models?|llms?|"
    r"classifiers?|slack|teams|channels?|queues?)\b)(?:[\w-]+ ){1,3}for (?:\w+ )?$"
)


_WAITS_FOR = re.compile(
    r"\b(?:waits?|waiting|held|queued|parked) for (?:the |a |an |our |their )"
    rf"(?!(?:[\w-]+ )?(?:{lx.AGENT_WORD.pattern}|scheduler|system|service|job|pipeline|models?|llm|"
    r"checker|validator|classifier|script)\b)(?:[\w-]+ ){1,3}to $"
)


def _pressed_by_the_agent(text: str, at: int) -> bool:
    """Whether the agent, not a person, is who presses the button: "the agent ... clicks approve"."""
    subject = act.AGENT_SUBJECT.match(text)
    return bool(subject and subject.end()) and not lx.HUMAN.search(text, 0, at)


# What "without" names when a person is asked first (not "without checking the budget", the
# agent's own check).
_ASKED = lx.rx(
    r"without (?:asking|checking with|confirmation|review|approval|a human|human|anyone|"
    r"any human|sign-off)"
)
# One item at a time, not unattended: "every enquiry is read on its own".
_ONE_AT_A_TIME = re.compile(r"\b(?:each|every)\s+[\w-]+\s+(?:is|gets|was)\s+[\w-]+\s+$")


def _governs(cue: re.Pattern[str], text: str, at: int) -> bool:
    """Whether a negative cue governs the phrase at `at`: no "and" or comma in between.

    "It won't pay invoices without approval" is one negated act; "it doesn't need a ticket and
    restarts services without asking" negates the first verb only.
    """
    found = list(cue.finditer(text, 0, at))
    return bool(found) and governs(text[found[-1].end() : at])


def _control(
    reading: Reading,
    clause: Clause,
    match: re.Match[str],
    present: bool,
    actor: str,
    *,
    system_wide: bool = False,
) -> None:
    start, end = sentence_span(reading, clause)
    applies = [] if system_wide else held_tools(reading, clause, present)
    named = subject_act(clause.text) if present and not (applies or system_wide) else None
    if named:
        # "Every refund above 200 EUR must be approved": the act is the agent's, held.
        s, e = clause.norm.source_span(*named)
        add_tool(reading, reading.source[s:e], clause.text[named[0] : named[1]], s, e, clause)
        applies = [slug(reading.source[s:e])]
    evidence = clause_evidence(reading, clause, *match.span())
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


def _scope(reading: Reading, clause: Clause, start: int, end: int) -> str:
    """The words that say which actions a control covers: its sentence, with its keys."""
    text = reading.source[start:end] if end - start <= MAX_QUOTE else ""
    text = text or reading.source[clause.seg.start : clause.seg.end]
    if clause.seg.key:
        text = f"{reading.source[clause.seg.key[0] : clause.seg.key[1]]}: {text}"
    return text[:MAX_QUOTE]


# --- the delta -------------------------------------------------------------------------------
