"""Retrievable passages derived from the catalogue.

Each entry of a retrievable kind yields one or more passages, one per facet (a threat's summary
and its longer description, a layer's scope and its interview questions, ...). A passage id is
`<entry id>#<facet number>`: the number names the facet, not the position, so an entry that gains
or loses one facet keeps the ids of the others. Ids therefore stay the same across rebuilds, and
`content_hash` says whether the text behind an id changed.

Crosswalk entries (`asi-top10`, `llm-top10`) and the T&M playbooks are not indexed: they restate
threats that are indexed, and would crowd them out of the results. They stay reachable by id
through the catalogue.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

from assistant.knowledge import Catalogue
from assistant.knowledge.model import (
    ChainEntry,
    DecisionStepEntry,
    Entry,
    FactorEntry,
    LayerEntry,
    MitigationEntry,
    QuestionEntry,
    ThreatEntry,
)
from assistant.schema import LAYER_NAMES, Layer

RETRIEVABLE_KINDS: tuple[str, ...] = (
    "threat",
    "mitigation",
    "layer",
    "chain",
    "factor",
    "question",
    "decision-step",
)


class Passage(BaseModel):
    """A piece of catalogue guidance that search can return.

    Attributes:
        id: `<entry id>#<facet>`, stable while the catalogue keeps the entry.
        entry_id: The canonical catalogue id (never an alias).
        kind: The entry's kind (`threat`, `mitigation`, ...).
        layers: The entry's allowed layers.
        source: The source documents the entry cites, as registry keys.
        text: What was embedded and what a reader sees.
        content_hash: First 16 hex digits of the SHA-256 of kind, layers and text.
        score: Relevance to the query, higher is better; None outside search results.
        also: In search results, equivalent entries (CSA, MAS or cross-layer views of the same
            core threat) that matched too and are shown under this one instead of separately.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    entry_id: str
    kind: str
    layers: list[Layer]
    source: str
    text: str
    content_hash: str
    score: float | None = None
    also: list[str] = []

    def metadata(self) -> dict[str, str | bool]:
        """Flat chromadb metadata; one boolean per layer so filters stay simple `where` clauses."""
        data: dict[str, str | bool] = {
            "entry_id": self.entry_id,
            "kind": self.kind,
            "layers": ",".join(self.layers),
            "source": self.source,
            "content_hash": self.content_hash,
        }
        data.update({f"layer_{layer.value}": True for layer in self.layers})
        return data


def _layer_names(layers: list[Layer]) -> str:
    return ", ".join(f"{LAYER_NAMES[layer]} ({layer.value})" for layer in layers)


def _sentence(label: str, items: list[str]) -> str:
    return f" {label}: {'; '.join(items)}." if items else ""


def _threat(e: ThreatEntry) -> Iterator[tuple[int, str]]:
    printed = sorted({o.printed_name for o in e.occurrences} - {e.name})
    yield (
        1,
        f"{e.name}. {e.summary}"
        + _sentence("Also known as", printed)
        + _sentence("Attack scenarios", e.scenarios),
    )
    if e.description.strip():
        yield 2, f"{e.name}: {e.description}"
    # One passage per facet: a short plain-language sentence sits closer to a short question
    # than the long catalogue prose does. Numbered from 10 so they never collide with the above.
    for number, facet in enumerate(e.facets, 10):
        yield number, f"{e.name}: {facet}"


def _mitigation(e: MitigationEntry) -> Iterator[tuple[int, str]]:
    yield 1, f"{e.name} ({e.type} control). {e.summary}"
    for number, facet in enumerate(e.facets, 10):
        yield number, f"{e.name}: {facet}"


def _layer(e: LayerEntry) -> Iterator[tuple[int, str]]:
    title = f"MAESTRO layer {e.id}, {e.name}"
    yield 1, f"{title}. {e.summary}"
    yield 2, f"{title}, covers: {e.covers}"
    yield 3, f"{title}, typical components: {'; '.join(e.components)}."
    yield 4, f"{title}, questions to ask: {' '.join(e.questions)}"


def _chain(e: ChainEntry) -> Iterator[tuple[int, str]]:
    yield (
        1,
        f"{e.name}, a cross-layer attack chain across {_layer_names(e.chain_layers)}. {e.summary}",
    )


def _factor(e: FactorEntry) -> Iterator[tuple[int, str]]:
    yield 1, f"{e.name}, an agentic factor. {e.summary} Ask: {e.question}"
    yield 2, f"How {e.name} amplifies risk: {e.amplifies}"


def _question(e: QuestionEntry) -> Iterator[tuple[int, str]]:
    yield 1, f"{e.question} Why it matters: {e.why}"


def _decision_step(e: DecisionStepEntry) -> Iterator[tuple[int, str]]:
    yield 1, f"{e.name} (decision path step {e.step}). {e.question} {e.summary}"


def _facets(entry: Entry) -> Iterator[tuple[int, str]]:
    if isinstance(entry, ThreatEntry):
        return _threat(entry)
    if isinstance(entry, MitigationEntry):
        return _mitigation(entry)
    if isinstance(entry, LayerEntry):
        return _layer(entry)
    if isinstance(entry, ChainEntry):
        return _chain(entry)
    if isinstance(entry, FactorEntry):
        return _factor(entry)
    if isinstance(entry, QuestionEntry):
        return _question(entry)
    if isinstance(entry, DecisionStepEntry):
        return _decision_step(entry)
    return iter(())


def _hash(kind: str, layers: list[Layer], text: str) -> str:
    raw = "\0".join([kind, ",".join(layers), text]).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]


def entry_passages(entry: Entry) -> list[Passage]:
    """The passages of one entry, in facet order (empty for kinds that are not indexed)."""
    sources = ", ".join(dict.fromkeys(s.doc for s in entry.sources))
    layers = list(entry.layers)
    passages = []
    for facet, raw in _facets(entry):
        text = " ".join(raw.split())  # YAML folding leaves runs of spaces and newlines
        passages.append(
            Passage(
                id=f"{entry.id}#{facet}",
                entry_id=entry.id,
                kind=entry.kind,
                layers=layers,
                source=sources,
                text=text,
                content_hash=_hash(entry.kind, layers, text),
            )
        )
    return passages


def build_passages(catalogue: Catalogue) -> list[Passage]:
    """Every passage of the catalogue, in catalogue order."""
    return [p for entry in catalogue.entries.values() for p in entry_passages(entry)]


def passages_digest(passages: list[Passage]) -> str:
    """A short fingerprint of a passage set (ids and content hashes)."""
    digest = hashlib.sha256()
    for p in passages:
        digest.update(f"{p.id}\0{p.content_hash}\n".encode())
    return digest.hexdigest()[:16]
