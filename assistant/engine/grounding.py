"""Grounding: a model's extracted facts are kept only where the user's own words support them.

A model reads the description into a `SystemDelta` whose facts each carry evidence; `ground`
checks that evidence against the text the user actually wrote, deterministically and without a
model, before anything is merged into the system model:

- A quote counts only if it occurs in a source text, compared modulo whitespace and case, on
  word boundaries ("min-cons" does not match inside "admin-console"), with at least two letters
  or digits. The evidence kept is rebuilt from the source: the user's exact words and, for the
  description, the real `start`/`end` offsets. A model's own offsets are never trusted; they only
  choose between several real occurrences of the same words.
- A fact none of whose evidence is grounded is dropped and reported. A capability dropped so
  becomes an open question in `unknowns` instead, because "unknown" is what the user has said.
- A capability set to false needs a grounded quote that rules it out: words of negation or
  limitation ("no", "never", "only", "stateless", "automatically"...). A false that fails stays
  unknown and the interview asks about it; wrongly ruling a capability out would silently remove
  threats, so the check errs towards asking.
- `assumed` and `file` evidence from a model is rejected: only the product makes assumptions,
  and a model has read no file. For the same reason a model's `assumptions` are dropped.
- Flows, controls, assets, entry points and trust boundaries that name a component id neither
  in the system model nor among the delta's surviving components are dropped.

What grounding does not do: judge whether the quoted words mean what the model says. A quote is
shown next to every fact it supports, so a reader can see what each fact rests on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from assistant.schema import (
    Asset,
    Component,
    Control,
    DataFlow,
    EntryPoint,
    Evidence,
    EvidenceKind,
    SystemDelta,
    TrustBoundary,
)

MIN_QUOTE_ALNUM = 2
"""A quote needs this many letters or digits: a lone "a" would support anything."""

# Words that rule something out or limit it. Deliberately broad: a false that fails this check
# is not lost, it becomes a question the interview asks.
_RULES_OUT = re.compile(
    r"(?<![\w-])(?:no|not|never|none|nothing|nobody|no-one|neither|nor|without|cannot|"
    r"\w+n[\u2019']t|only|solely|just|single|sole|alone|stateless|forgets?|forgotten|"
    r"disabled?|lacks?|free of|read-only|offline|automatic(?:ally)?|unattended|"
    r"autonomous(?:ly)?|unsupervised|zero|except|instead|rather than|excluded?|"
    r"prohibit(?:s|ed)?|forbid(?:s|den)?|blocked|refuses?|isolated|air-gapped|deletes?|"
    r"discard(?:s|ed)?|wiped?)(?![\w-])",
    re.IGNORECASE,
)
_QUOTABLE = {EvidenceKind.QUOTE, EvidenceKind.ANSWER, EvidenceKind.CORRECTION}


class FactKind(StrEnum):
    """The kind of system fact a model extracted."""

    COMPONENT = "component"
    DATA_FLOW = "data flow"
    TRUST_BOUNDARY = "trust boundary"
    CONTROL = "control"
    ASSET = "asset"
    ENTRY_POINT = "entry point"
    CAPABILITY = "capability"
    ASSUMPTION = "assumption"


class DropReason(StrEnum):
    """Why a model's fact was dropped."""

    NO_QUOTE = "no-quote"
    """It carried no quote at all."""
    QUOTE_NOT_FOUND = "quote-not-found"
    """It carried quotes, none of which occurs in the user's words."""
    MODEL_ASSUMPTION = "model-assumption"
    """It rested on an assumption (or a file) the model offered: only the product assumes."""
    NOT_RULED_OUT = "not-ruled-out"
    """A capability set to false whose quotes say nothing that rules it out."""
    UNKNOWN_COMPONENT = "unknown-component"
    """It names a component id that is in neither the system model nor the delta."""
    UNKNOWN_CAPABILITY = "unknown-capability"
    """A capability name outside the catalogue's vocabulary."""

    @property
    def label(self) -> str:
        """A few words for a summary line, e.g. `no supporting quote`."""
        return _LABELS[self]


_LABELS = {
    DropReason.NO_QUOTE: "no supporting quote",
    DropReason.QUOTE_NOT_FOUND: "quote not found in the text",
    DropReason.MODEL_ASSUMPTION: "a model's assumption",
    DropReason.NOT_RULED_OUT: "quote does not rule it out",
    DropReason.UNKNOWN_COMPONENT: "refers to an unknown component",
    DropReason.UNKNOWN_CAPABILITY: "not a catalogue capability",
}


@dataclass(frozen=True)
class Dropped:
    """One fact grounding removed, and why.

    Attributes:
        kind: What kind of fact it was.
        ident: Its id (a capability's name; an assumption's text).
        reason: Why it was dropped.
        quotes: The quotes that could not be found in the user's words.
        detail: More about the reason, e.g. the unknown component ids.
        unknown: The open question recorded instead (capabilities), else empty.
    """

    kind: FactKind
    ident: str
    reason: DropReason
    quotes: tuple[str, ...] = ()
    detail: str = ""
    unknown: str = ""

    def label(self) -> str:
        """One line, e.g. `component admin-console: quote not found in the text`."""
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.kind.value} {self.ident}: {self.reason.label}{extra}"


@dataclass(frozen=True)
class Source:
    """Text a quote may come from, and the kind of evidence a quote from it becomes.

    Attributes:
        text: The user's words.
        kind: `quote` for the system description (offsets are recorded), `answer` for an
            interview answer (with `question_id`), `correction` for another chat message.
        question_id: For an answer: the id of the question it answers.
    """

    text: str
    kind: EvidenceKind = EvidenceKind.QUOTE
    question_id: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _QUOTABLE:
            raise ValueError(f"a source cannot be of kind {self.kind.value}")
        if self.kind == EvidenceKind.ANSWER and not self.question_id:
            raise ValueError("an answer source needs a question_id")

    def evidence(self, start: int, end: int) -> Evidence:
        """The evidence for `text[start:end]`: the user's exact words, located."""
        words = self.text[start:end]
        if self.kind == EvidenceKind.QUOTE:
            return Evidence(kind=self.kind, quote=words, start=start, end=end)
        return Evidence(kind=self.kind, quote=words, question_id=self.question_id)


def sources_for(
    text: str, description: str, question_id: str = "", *, is_answer: bool = False
) -> list[Source]:
    """Where quotes about `text` may come from, most specific first.

    Args:
        text: The message being read.
        description: The system description so far (empty when `text` is the description).
        question_id: For an answer: the question's id.
        is_answer: `text` answers an interview question.

    The description is always a source, since the prompt shows it; an answer or a chat message
    that is not part of the description comes first, so its words are credited to it.
    """
    found: list[Source] = []
    if is_answer:
        found.append(Source(text, EvidenceKind.ANSWER, question_id or "unidentified"))
    elif description and text not in description:
        found.append(Source(text, EvidenceKind.CORRECTION))
    whole = description or ("" if is_answer else text)
    if whole:
        found.append(Source(whole))
    return found


@dataclass(frozen=True)
class Grounded:
    """A delta with only grounded facts, and what was dropped from it.

    Attributes:
        delta: The cleaned delta: every remaining fact has grounded evidence.
        dropped: Every fact removed, in the order met.
        kept: How many facts survived (components, flows, boundaries, controls, assets, entry
            points and capabilities).
    """

    delta: SystemDelta
    dropped: tuple[Dropped, ...]
    kept: int

    @property
    def nothing_grounded(self) -> bool:
        """The model stated facts and not one of them is grounded."""
        return self.kept == 0 and any(d.kind != FactKind.ASSUMPTION for d in self.dropped)


class _Folded:
    """A text with whitespace runs collapsed and case folded, mapped back to the original."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        origin: list[int] = []
        space = False
        for index, char in enumerate(text):
            if char.isspace():
                if not space:
                    chars.append(" ")
                    origin.append(index)
                space = True
                continue
            space = False
            for folded in char.casefold():
                chars.append(folded)
                origin.append(index)
        self.text = "".join(chars)
        self.origin = origin
        self.source = text

    def spans(self, needle: str) -> Iterable[tuple[int, int]]:
        """Every occurrence of folded `needle` as (start, end) in the original text."""
        at = self.text.find(needle)
        while at >= 0:
            last = at + len(needle) - 1
            whole_chars = (at == 0 or self.origin[at - 1] != self.origin[at]) and (
                last + 1 == len(self.origin) or self.origin[last + 1] != self.origin[last]
            )
            if whole_chars:
                yield self.origin[at], self.origin[last] + 1
            at = self.text.find(needle, at + 1)


def fold(text: str) -> str:
    """`text` compared as grounding compares it: whitespace runs as one space, case folded."""
    return _Folded(text.strip()).text


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _on_word_edges(text: str, start: int, end: int) -> bool:
    cuts_start = start > 0 and _word(text[start]) and _word(text[start - 1])
    cuts_end = end < len(text) and _word(text[end - 1]) and _word(text[end])
    return not (cuts_start or cuts_end)


class _Grounder:
    """One grounding pass: the sources (folded once) and the component ids known so far."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self.sources = [(s, _Folded(s.text)) for s in sources]

    def locate(self, evidence: Evidence) -> Evidence | None:
        """The grounded form of one piece of evidence, or None when its words are not there."""
        needle = fold(evidence.quote)
        if sum(c.isalnum() for c in needle) < MIN_QUOTE_ALNUM:
            return None
        for source, folded in self.sources:
            spans = [(s, e) for s, e in folded.spans(needle) if _on_word_edges(source.text, s, e)]
            if not spans:
                continue
            start, end = spans[0]
            hint = evidence.start
            if source.kind == EvidenceKind.QUOTE and hint is not None:
                # The model's offset only picks among real occurrences; it is never used itself.
                start, end = min(spans, key=lambda span: abs(span[0] - hint))
            return source.evidence(start, end)
        return None

    def check(
        self, evidence: Sequence[Evidence]
    ) -> tuple[list[Evidence], DropReason | None, tuple[str, ...]]:
        """Grounded evidence, or no evidence with the reason and the quotes not found."""
        kept: list[Evidence] = []
        missing: list[str] = []
        assumed = False
        for item in evidence:
            if item.kind not in _QUOTABLE:
                assumed = True
                continue
            if not item.quote.strip():
                continue
            grounded = self.locate(item)
            if grounded is None:
                missing.append(item.quote)
            elif grounded not in kept:
                kept.append(grounded)
        if kept:
            return kept, None, ()
        if missing:
            return [], DropReason.QUOTE_NOT_FOUND, tuple(missing)
        return [], DropReason.MODEL_ASSUMPTION if assumed else DropReason.NO_QUOTE, ()


F = TypeVar("F", Component, DataFlow, TrustBoundary, Control, Asset, EntryPoint)


def _references(fact: DataFlow | TrustBoundary | Control | Asset | EntryPoint) -> list[str]:
    if isinstance(fact, DataFlow):
        return [fact.source, fact.target]
    if isinstance(fact, Control):
        return list(fact.applies_to)
    if isinstance(fact, EntryPoint):
        return [fact.target] if fact.target else []
    return list(fact.components)


def locate_quotes(quotes: Sequence[str], description: str) -> list[Evidence]:
    """Each quote as evidence: located in the description (with offsets), or as said.

    A quote that is not in the description (whitespace and case aside) keeps no offsets, so
    the validator refuses it as a misquote rather than it passing as the user's words.
    """
    grounder = _Grounder([Source(description)]) if description.strip() else None
    found: list[Evidence] = []
    for quote in quotes:
        if not quote.strip():
            continue
        said = Evidence(kind=EvidenceKind.QUOTE, quote=quote)
        located = grounder.locate(said) if grounder else None
        item = located or said
        if item not in found:
            found.append(item)
    return found


def capability_question(name: str, meaning: str = "") -> str:
    """The open question recorded when a model's claim about capability `name` is dropped.

    The same text whatever the claim was, so a later message that settles the capability can
    resolve it (see `SystemDelta.resolved`).
    """
    subject = meaning.strip().rstrip(".") or f"the system has {name}"
    return (
        f"Is this so: {subject[:1].lower()}{subject[1:]}? "
        f"({name}: a model's claim about it quoted no supporting words)"
    )


def ground(
    delta: SystemDelta,
    sources: Sequence[Source],
    *,
    known_components: Iterable[str] = (),
    capabilities: Mapping[str, str] | None = None,
) -> Grounded:
    """Keep only the facts of `delta` that the user's words support.

    Args:
        delta: What a model extracted.
        sources: The user's words, most specific first (see `sources_for`).
        known_components: Ids already in the system model, which references may name.
        capabilities: The capability vocabulary (name to meaning); names outside it are
            dropped. None accepts any name.

    Returns:
        The cleaned delta, what was dropped and why, and how many facts were kept.
    """
    grounder = _Grounder(sources)
    dropped: list[Dropped] = []

    def keep(kind: FactKind, facts: Sequence[F], known: set[str] | None) -> list[F]:
        kept: list[F] = []
        for fact in facts:
            if known is not None and not isinstance(fact, Component):
                unknown = [i for i in dict.fromkeys(_references(fact)) if i not in known]
                if unknown:
                    detail = ", ".join(unknown)
                    dropped.append(
                        Dropped(kind, fact.id, DropReason.UNKNOWN_COMPONENT, detail=detail)
                    )
                    continue
            evidence, reason, missing = grounder.check(fact.evidence)
            if reason is not None:
                dropped.append(Dropped(kind, fact.id, reason, missing))
                continue
            kept.append(fact.model_copy(update={"evidence": evidence}))
        return kept

    components = keep(FactKind.COMPONENT, delta.components, None)
    known = set(known_components) | {c.id for c in components}
    flows = keep(FactKind.DATA_FLOW, delta.data_flows, known)
    boundaries = keep(FactKind.TRUST_BOUNDARY, delta.trust_boundaries, known)
    controls = keep(FactKind.CONTROL, delta.controls, known)
    assets = keep(FactKind.ASSET, delta.assets, known)
    entries = keep(FactKind.ENTRY_POINT, delta.entry_points, known)

    settled: dict[str, bool] = {}
    settled_evidence: dict[str, list[Evidence]] = {}
    unknowns: list[str] = []
    for name, value in delta.capabilities.items():
        if capabilities is not None and name not in capabilities:
            dropped.append(Dropped(FactKind.CAPABILITY, name, DropReason.UNKNOWN_CAPABILITY))
            continue
        evidence, reason, missing = grounder.check(delta.capability_evidence.get(name, []))
        if reason is None and not value:
            evidence = [e for e in evidence if _RULES_OUT.search(e.quote)]
            reason = None if evidence else DropReason.NOT_RULED_OUT
        if reason is not None:
            question = capability_question(name, (capabilities or {}).get(name, ""))
            dropped.append(Dropped(FactKind.CAPABILITY, name, reason, missing, unknown=question))
            unknowns.append(question)
            continue
        settled[name] = value
        settled_evidence[name] = evidence

    for assumption in delta.assumptions:
        dropped.append(Dropped(FactKind.ASSUMPTION, assumption, DropReason.MODEL_ASSUMPTION))

    clean = delta.model_copy(
        update={
            "components": components,
            "data_flows": flows,
            "trust_boundaries": boundaries,
            "controls": controls,
            "assets": assets,
            "entry_points": entries,
            "capabilities": settled,
            "capability_evidence": settled_evidence,
            "assumptions": [],
            "unknowns": delta.unknowns + [u for u in unknowns if u not in delta.unknowns],
        }
    )
    kept = sum(len(x) for x in (components, flows, boundaries, controls, assets, entries))
    return Grounded(clean, tuple(dropped), kept + len(settled))


def summary(dropped: Sequence[Dropped], *, limit: int = 4) -> str:
    """One line for progress and notices ("" when nothing was dropped).

    E.g. `2 model facts dropped: no supporting quote (component admin-console, capability memory)`.
    """
    if not dropped:
        return ""
    groups: dict[DropReason, list[Dropped]] = {}
    for item in dropped:
        groups.setdefault(item.reason, []).append(item)
    parts = []
    for reason, items in groups.items():
        names = [f"{d.kind.value} {d.ident[:60]}" for d in items[:limit]]
        more = f" and {len(items) - limit} more" if len(items) > limit else ""
        parts.append(f"{reason.label} ({', '.join(names)}{more})")
    count = len(dropped)
    return f"{count} model fact{'s' if count != 1 else ''} dropped: {'; '.join(parts)}"


def repair_problems(grounded: Grounded, *, limit: int = 8) -> list[str]:
    """What to tell a model whose facts were all dropped, so it can quote the text instead."""
    problems = [
        "evidence: not one fact in your reply is supported by the user's words. Copy the "
        "words exactly into `quote` (any case or spacing), or leave out what the text does "
        "not say."
    ]
    for item in grounded.dropped[:limit]:
        if item.quotes:
            quoted = "; ".join(f'"{q[:120]}"' for q in item.quotes)
            problems.append(f"{item.kind.value} {item.ident}: not in the text: {quoted}")
        else:
            problems.append(item.label())
    if len(grounded.dropped) > limit:
        problems.append(f"(and {len(grounded.dropped) - limit} more)")
    return problems


__all__ = [
    "DropReason",
    "Dropped",
    "FactKind",
    "Grounded",
    "Source",
    "capability_question",
    "fold",
    "ground",
    "repair_problems",
    "sources_for",
    "summary",
]
