"""A deterministic embedder and a small catalogue for retrieval tests.

The fake embedder is a real implementation of the `Embedder` protocol: it hashes stemmed words
into a fixed number of buckets, so texts that share words are close and the results are the same
on every run. Tests that are about the model itself use the real MiniLM embedder instead.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import Any

from assistant.knowledge import Catalogue
from assistant.knowledge.model import (
    AsiEntry,
    ChainEntry,
    DecisionStepEntry,
    Entry,
    FactorEntry,
    LayerEntry,
    MitigationEntry,
    Occurrence,
    QuestionEntry,
    Source,
    SourceRef,
    ThreatEntry,
)
from assistant.retrieval.bm25 import tokenize
from assistant.schema import Layer


class FakeEmbedder:
    """Hashed bag of words, unit length."""

    def __init__(self, dim: int = 64, id: str = "fake-hash@1") -> None:
        self.id = id
        self.dim = dim
        self.documents_embedded = 0

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        for word in tokenize(text) or ["<empty>"]:
            bucket = int(hashlib.sha256(word.encode()).hexdigest()[:8], 16) % self.dim
            vector[bucket] += 1.0
        norm = math.sqrt(sum(x * x for x in vector))
        return [x / norm for x in vector]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.documents_embedded += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


REF = [SourceRef(doc="TEST", section="s1")]


def _threat(id: str, name: str, summary: str, layers: list[Layer], **extra: Any) -> ThreatEntry:
    return ThreatEntry(
        id=id,
        kind="threat",
        family=extra.pop("family", "core"),
        name=name,
        summary=summary,
        layers=layers,
        sources=REF,
        **extra,
    )


def small_entries() -> list[Entry]:
    """One or more entries of every kind, with an alias and a threat without description."""
    return [
        LayerEntry(
            id="L2",
            kind="layer",
            name="Data Operations",
            number=2,
            summary="The data layer: vector stores, embeddings, RAG pipelines and agent memory.",
            covers="Ingestion, storage and retrieval of the data agents use.",
            components=["vector store", "RAG pipeline"],
            questions=["Who can write to the knowledge base?"],
            layers=[Layer.L2],
            sources=REF,
        ),
        _threat(
            "T1",
            "Memory Poisoning",
            "An attacker writes false content into the agent's long-term memory so later decisions recall it as fact.",
            [Layer.L2, Layer.L1, Layer.CL],
            description="Example: a shared notes store the agents read is seeded with fake refund rules.",
            scenarios=["Shared Memory Poisoning"],
        ),
        _threat(
            "T2",
            "Tool Misuse",
            "The agent is talked into chaining its email and export tools to send customer data outside.",
            [Layer.L3, Layer.CL],
        ),
        _threat(
            "MAS-RUNAWAY-AGENT",
            "Runaway Agent",
            "A feedback loop makes an autonomous agent repeat a costly order thousands of times.",
            [Layer.L3],
            family="mas-extended",
            aliases=["MAS-RPA:T99"],
            occurrences=[
                Occurrence(
                    example="RPA",
                    printed_id="T99",
                    printed_name="Runaway Trading Loop",
                    layer=Layer.L3,
                    section="3",
                )
            ],
        ),
        MitigationEntry(
            id="L2-C1",
            kind="mitigation",
            name="Knowledge Base Rollback",
            type="corrective",
            summary="Restores the knowledge base and memory to a known-good snapshot after poisoning.",
            layers=[Layer.L2],
            threats=["T1"],
            sources=REF,
        ),
        MitigationEntry(
            id="L3-R3",
            kind="mitigation",
            name="Spending and Action Limits",
            type="deterrent",
            summary="Hard caps on how much money and how many orders an agent may spend per day.",
            layers=[Layer.L3],
            threats=["MAS-RUNAWAY-AGENT"],
            sources=REF,
        ),
        ChainEntry(
            id="CHAIN-PB-1",
            kind="chain",
            name="Hallucination -> RAG -> Tool Misuse",
            summary="A hallucinated rule is indexed, retrieved later as policy, and acted on with tools.",
            layers=[Layer.CL],
            chain_layers=[Layer.L1, Layer.L2, Layer.L3],
            threats=["T1", "T2"],
            sources=REF,
        ),
        FactorEntry(
            id="AF-AUTONOMY",
            kind="factor",
            name="Autonomy",
            summary="The agent plans and acts without a human approving each step.",
            question="Which actions run with no human sign-off?",
            amplifies="Mistakes and compromise spread before anyone looks.",
            layers=[Layer.L3, Layer.CL],
            sources=REF,
        ),
        QuestionEntry(
            id="Q-ARCHITECTURE-16",
            kind="question",
            topic="architecture",
            name="Blockchain and wallets",
            summary="Whether agents hold wallet keys.",
            question="Does any agent hold crypto wallet keys or sign blockchain transactions?",
            why="Wallet keys make on-chain theft irreversible.",
            layers=[Layer.L4],
            sources=REF,
        ),
        DecisionStepEntry(
            id="DP-2",
            kind="decision-step",
            name="Memory-Based Threats",
            step=2,
            question="Does the agent draw on stored memory when it decides?",
            summary="Memory can be poisoned and hallucinations reinforced.",
            threats=["T1"],
            playbook="TM-PB2",
            layers=[],
            sources=REF,
        ),
        AsiEntry(
            id="ASI06",
            kind="asi-top10",
            name="Memory & Context Poisoning",
            summary="OWASP agentic top-10 item about memory poisoning.",
            threats=["T1"],
            layers=[],
            sources=REF,
        ),
    ]


def small_catalogue(
    version: str = "test+000000000001", entries: list[Entry] | None = None
) -> Catalogue:
    """A catalogue of `small_entries()` (or the given entries) with the given version."""
    return Catalogue(
        release=version.split("+")[0],
        version=version,
        sources={
            "TEST": Source(title="Test", publisher="Tests", version="1", url="-", licence="-")
        },
        capabilities={"memory": "keeps state"},
        entries=entries if entries is not None else small_entries(),
        files={},
    )
