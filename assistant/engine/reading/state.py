"""The state of one reading: the clauses read and the facts found so far, with their evidence.

Shared by the reader's passes (`vocabulary`, `tools`, `agents`, `controls`, `mentions`) and
resolved into a system-model delta by `resolve`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.scope import Scope
from assistant.engine.reading.text import Norm, Segment, normalise
from assistant.schema import (
    AgenticFactor,
    Asset,
    Component,
    Control,
    EntryPoint,
    Evidence,
    EvidenceKind,
)

# Quotes longer than this are cut to the words around the match.
MAX_QUOTE = 160
# Component kinds whose negated mention rules out the capability it defines ("no vector store",
_COMPILED: dict[str, re.Pattern[str]] = {}


def compiled(text: str) -> re.Pattern[str]:
    """A vocabulary or lexicon pattern, compiled once."""
    if text not in _COMPILED:
        _COMPILED[text] = lx.rx(text)
    return _COMPILED[text]


def slug(text: str) -> str:
    """A component id from a name: lower case, dashes, at most 40 characters."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-") or "component"


@dataclass
class Clause:
    """One clause (or keyed value) with its normalised text and negation scope."""

    seg: Segment
    norm: Norm
    scope: Scope

    @property
    def text(self) -> str:
        """The normalised text of the clause (lower case, punctuation apart)."""
        return self.norm.text


@dataclass
class Reading:
    """What has been read so far (the delta under construction)."""

    source: str
    components: dict[str, Component] = field(default_factory=dict)
    capabilities: dict[str, list[tuple[bool, Evidence, bool]]] = field(default_factory=dict)
    controls: list[Control] = field(default_factory=list)
    entries: dict[str, EntryPoint] = field(default_factory=dict)
    assets: dict[str, Asset] = field(default_factory=dict)
    factors: list[AgenticFactor] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    kinds_named: set[str] = field(default_factory=set)
    tool_words: dict[str, set[str]] = field(default_factory=dict)
    tool_sentences: dict[str, set[int]] = field(default_factory=dict)
    coded_sentences: set[int] = field(default_factory=set)
    """Sentences that name a tool by its code name (their verbs describe that tool)."""
    non_agentic: Evidence | None = None
    sentence_spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    stated_flows: list[tuple[str, str, Evidence]] = field(default_factory=list)

    def quote(self, start: int, end: int, around: tuple[int, int] | None = None) -> Evidence:
        """Evidence for `source[start:end]`, cut to the words around `around` if too long."""
        if end - start > MAX_QUOTE and around is not None:
            start, end = _window(self.source, start, end, around)
        return Evidence(kind=EvidenceKind.QUOTE, quote=self.source[start:end], start=start, end=end)

    def settle(self, capability: str, value: bool, evidence: Evidence, explicit: bool) -> None:
        """Record one reading of a capability (resolved in `delta`)."""
        self.capabilities.setdefault(capability, []).append((value, evidence, explicit))

    def add(self, component: Component) -> Component:
        """Add a component, or add evidence to the one with its id."""
        # A name quoted across a line break ("community\nservers") reads as one line.
        if (name := " ".join(component.name.split())) != component.name:
            component = component.model_copy(update={"name": name})
        if component.evidence and component.evidence[0].start is not None:
            self.positions.setdefault(component.id, component.evidence[0].start)
        old = self.components.get(component.id) or self._plural_of(component)
        if old is None:
            self.components[component.id] = component
            return component
        merged = old.model_copy(
            update={
                "evidence": old.evidence + [e for e in component.evidence if e not in old.evidence]
            }
        )
        self.components[old.id] = merged
        return merged

    def _plural_of(self, component: Component) -> Component | None:
        """One of the same kind named by the other number ("E-Mail" and "E-Mails")."""
        for other in (component.id + "s", component.id.removesuffix("s")):
            old = self.components.get(other)
            if old is not None and other != component.id and old.kind == component.kind:
                return old
        return None


def _window(source: str, start: int, end: int, around: tuple[int, int]) -> tuple[int, int]:
    half = (MAX_QUOTE - (around[1] - around[0])) // 2
    lo = max(start, around[0] - max(half, 0))
    hi = min(end, around[1] + max(half, 0))
    # Whole words only: move inwards to the nearest space.
    if lo > start:
        space = source.find(" ", lo, around[0])
        lo = space + 1 if space != -1 else lo
    if hi < end:
        space = source.rfind(" ", around[1], hi)
        hi = space if space != -1 else hi
    return lo, hi


def clause_evidence(reading: Reading, clause: Clause, start: int, end: int) -> Evidence:
    """The clause as evidence for a match at `start:end` of its normalised text."""
    around = clause.norm.source_span(start, end)
    return reading.quote(clause.seg.start, clause.seg.end, around)


def sentence_span(reading: Reading, clause: Clause) -> tuple[int, int]:
    """The source span of the sentence (or structured line) a clause is in."""
    return reading.sentence_spans.get(clause.seg.sentence, (clause.seg.start, clause.seg.end))


def sentence_text(reading: Reading, clause: Clause) -> str:
    """The normalised sentence a clause is in: "GPT-4o, which we host ourselves" is one fact."""
    return normalise(reading.source, *sentence_span(reading, clause)).text


def negated_at(clause: Clause, source_offset: int) -> bool:
    """Whether the negation scope of a clause covers an offset into the source."""
    origin = clause.norm.origin
    for i, o in enumerate(origin):
        if o >= source_offset:
            return clause.scope.covers(i, i + 1)
    return False


def heading_key(reading: Reading, clause: Clause) -> bool:
    """Whether the clause is a bare key that heads nested values (`approvals:` on its own)."""
    line_end = reading.source.find("\n", clause.seg.end)
    rest = reading.source[clause.seg.end : None if line_end == -1 else line_end]
    return clause.seg.key is None and rest.strip("\"' \t\r{[") == ":"


_ITEM_NAME = re.compile(
    rf"[ \t]*-[ \t]+[\"']?(?:{lx.NAMING_KEY})[\"']?[ \t]*:[ \t]*[\"']?([\w.-]+)", re.IGNORECASE
)
_ITEM_START = re.compile(r"[ \t]*-[ \t]")


def record_name(reading: Reading, clause: Clause) -> str:
    """The slug of the name of the list record a keyed value sits in, or "".

    In `- name: restart_service` followed by `  approval: the on-call lead`, the approval's
    record is named `restart-service`.
    """
    if clause.seg.key is None:
        return ""
    source = reading.source
    line_start = source.rfind("\n", 0, clause.seg.key[0]) + 1
    indent = clause.seg.key[0] - line_start
    while line_start > 0:
        line_start = source.rfind("\n", 0, line_start - 1) + 1
        line = source[line_start : source.find("\n", line_start)]
        named = _ITEM_NAME.match(line)
        if named:
            return slug(named[1])
        body = len(line) - len(line.lstrip(" \t-"))
        if _ITEM_START.match(line) or (line.strip() and body < indent):
            return ""  # another record, or out of the list
    return ""
