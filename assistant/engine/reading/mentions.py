"""Entry points, asset classes and the flows a clause states between named components."""

from __future__ import annotations

import re

from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.assets import ASSETS
from assistant.engine.reading.state import Clause, Reading, clause_evidence, compiled
from assistant.engine.reading.text import normalise
from assistant.schema import Asset, EntryKind, EntryPoint


def entries(reading: Reading, clause: Clause) -> None:
    """Ways into the system a clause names (a web chat, an inbox, a webhook), once each."""
    if clause.scope.hypothetical:
        return
    for kind, pattern in lx.ENTRY_POINTS:
        match = next(
            (m for m in compiled(pattern).finditer(clause.text) if not _no_way_in(kind, clause, m)),
            None,
        ) or _under_key(reading, clause, pattern)
        if match is None or kind.value in reading.entries:
            continue
        # A pattern may carry its own negation ("no login needed" is a way in for anyone).
        if clause.scope.covers(*match.span()) and not match.group(0).startswith("no "):
            continue
        if kind in lx.NEEDS_INBOUND and not _comes_in(clause.text):
            continue  # "a lead approves in Slack" is a channel, not a way in
        evidence = clause_evidence(reading, clause, *match.span())
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


_AGENT_NOUN_AFTER = re.compile(rf" {lx.AGENT_WORD.pattern}")


# A website or portal the agent reads from: "scrapes the county's website", "checks the
# supplier's client portal" (not "lives on the practice's website").
_READ_FROM = re.compile(
    r"\b(?:from|scrapes?|reads?|visits?|crawls?|checks?|browses?|polls?) "
    r"(?:(?:the|a|an|their|its) )?(?:[\w'-]+ ){0,2}$"
)
# The agent sending: "it texts the on-call engineer by SMS" is a way out.
_SENT_BY_IT = re.compile(r"\b(?:it|they|(?:agent|bot|assistant)s?) $")


def _comes_in(text: str) -> bool:
    """Whether content arrives through the channel a clause names, not only leaves by it."""
    return any(
        not (
            (m.group() in _MESSAGE_WORDS and _SENT_BY_IT.search(text, 0, m.start()))
            # "messages are sent to Slack by the agent": the messages go out
            or (m.group() in _MESSAGE_WORDS and _SENT_OUT.match(text, m.end()))
            # "it sends reminders to patients": the people are where it goes
            or _SENT_TO.search(text, 0, m.start())
            # "the agent sends the customer photos": the agent's own message goes out
            or (m.group() in _MESSAGE_WORDS and _AGENT_SENDS.match(text))
        )
        for m in lx.INBOUND.finditer(text)
    )


_MESSAGE_WORDS = ("texts", "messages", "text", "message", "photos", "photo", "pictures", "picture")
_AGENT_SENDS = re.compile(
    r"(?:the |our )?(?:[\w-]+ )?(?:agent|bot|assistant|it)s? (?:also |then )?"
    r"(?:sends?|texts?|posts?|pushes|shares?|forwards?)\b"
)
_SENT_OUT = re.compile(
    r" (?:are|is|get|gets) (?:\w+ )?(?:sent|posted|pushed|delivered|published)\b"
)
_SENT_TO = re.compile(
    r"\b(?:sends?|sent|posts?|pushes|texts|e-?mails|messages|notifies) (?:[\w'-]+ ){0,4}?to "
    r"(?:the |our |its |their |each |every |all )?(?:[\w-]+ )?$"
)


def _no_way_in(kind: EntryKind, clause: Clause, match: re.Match[str]) -> bool:
    """Whether the words that look like a way in name none.

    A people word that names an agent by its role ("the Analyst agent", "a dispatcher bot"),
    an API the agent calls out to ("fetches prices from the utility's public API"), or a
    website it reads ("scrapes the county's website"); a webhook is always called from
    outside.
    """
    if kind == EntryKind.API_CLIENTS and "api" in match.group():
        return bool(_OUTBOUND.search(clause.text, 0, match.start()))
    if kind == EntryKind.PUBLIC_USERS and match.group().endswith(("website", "portal")):
        return bool(_READ_FROM.search(clause.text, 0, match.start()))
    return kind == EntryKind.INTERNAL_USERS and bool(
        _AGENT_NOUN_AFTER.match(clause.text, match.end())
    )


# Someone else's API the agent reads from or calls; "our API" is one others call into.
_OUTBOUND = re.compile(
    r"\b(?:from|via|through|calls?|queries|using|uses) (?:the |a |an |its |their )?(?!our\b)"
    r"(?:[\w'-]+ ){0,3}$"
)


def _under_key(reading: Reading, clause: Clause, pattern: str) -> re.Match[str] | None:
    """The whole value, when its own key names the entry (`uploads: payslips, leases`)."""
    key = clause.seg.key
    if key is None or clause.scope.negative_value or clause.scope.opens_negative:
        return None
    if not compiled(pattern).fullmatch(normalise(reading.source, *key).text):
        return None
    return re.match(r".+", clause.text)


# What people do with the system or its output: "nurses read the summary", "staff ask it".
_PEOPLE_USE = lx.rx(
    r"reads?|reviews?|uses?|asks?|chats?|talks?|messages?|receives?|gets?|sees?|acts? on|opens?|"
    r"types?|quer(?:y|ies)|checks?|edits?|picks?|accepts?|rejects?|clicks?|requests?|submits?|"
    r"uploads?|texts?|tells?|follows?|relies on|signs? off|confirms?|approves?"
)
_NOBODY = lx.rx(r"(?:nobody|no one|no-one|no human|no person|no staff)\b.*")


def people(reading: Reading, clause: Clause) -> None:
    """People who use the system or act on its output ("nurses read the summary").

    Settled as an implicit reading, so a statement that no one uses it still wins.
    """
    if clause.scope.hypothetical or _NOBODY.fullmatch(clause.text):
        return
    subject = lx.HUMAN_SUBJECT.match(clause.text)
    if subject is None or clause.scope.covers(*subject.span()):
        return
    use = _PEOPLE_USE.search(clause.text, subject.end())
    if use and not clause.scope.covers(*use.span()):
        evidence = clause_evidence(reading, clause, subject.start(), use.end())
        reading.settle("human-users", True, evidence, False)


def assets(reading: Reading, clause: Clause) -> None:
    """Classes of data a clause names (health records, payment data), once each."""
    if clause.scope.hypothetical:
        return
    for data_class, pattern in ASSETS:
        match = compiled(pattern).search(clause.text)
        if match is None or clause.scope.covers(*match.span()):
            continue
        if data_class.value in reading.assets:
            continue
        s, e = clause.norm.source_span(*match.span())
        reading.assets[data_class.value] = Asset(
            id=f"asset-{data_class.value}",
            name=reading.source[s:e],
            data_class=data_class,
            evidence=[clause_evidence(reading, clause, *match.span())],
        )


_READ_VERBS = r"reads?|retrieves?|pulls?|fetches|queries|loads?|gets?|receives?|looks? up|consults?"
_TRANSFER = lx.rx(
    r"hands?(?: off)?|handed|passes|passed|sends?|sent|forwards?|delegates?|routes?|writes?|"
    r"posts?|pushes?|publishes?|stores?|saves?|puts?|reports?|returns?|escalates?|feeds?|"
    + _READ_VERBS
)
_INTO = lx.rx(r"to|into|in|onto|on")
_FROM = lx.rx(r"from|in|out of")
_READS = lx.rx(_READ_VERBS)


def stated_flows(reading: Reading, clause: Clause) -> None:
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
    evidence = clause_evidence(reading, clause, verb.start(), verb.end())
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


def _mentions(reading: Reading, text: str) -> list[tuple[str, int]]:
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


def _primary(reading: Reading) -> str:
    return next((c.id for c in reading.components.values() if c.kind == "agent"), "")
