"""One entry of the rules-mode vocabulary: a pattern and what it tells of the system."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.schema import AgenticFactor, Layer


@dataclass(frozen=True)
class Term:
    """One vocabulary entry.

    Attributes:
        pattern: Regular expression, matched case-insensitively at word boundaries.
        kind: Component kind it implies ("" for capability-only terms).
        name: Component name; "" uses the matched text.
        layers: MAESTRO layers of that component.
        capabilities: Catalogue capabilities the term establishes.
        factors: Agentic factors the term establishes.
        generic: A generic word ("vector store"): adds a component only if no component of the
            same kind was named more specifically.
    """

    pattern: str
    kind: str = ""
    name: str = ""
    layers: tuple[Layer, ...] = ()
    capabilities: tuple[str, ...] = ()
    factors: tuple[AgenticFactor, ...] = ()
    generic: bool = False
