"""The support-agent system the scripted-model tests share: its description and reply builders."""

from __future__ import annotations

from typing import Any

DESCRIPTION = (
    "Our support agent uses GPT-4o, a Pinecone vector store of manuals, and calls the ticketing "
    "API. It remembers past tickets and works alone, with no other agents."
)


def quote(words: str) -> list[dict[str, str]]:
    """Evidence quoting `words` of the description, as a model writes it."""
    return [{"kind": "quote", "quote": words}]


def finding(threat: str, layer: str, components: list[str], **extra: Any) -> dict[str, Any]:
    """A model's proposed finding about the support agent; `extra` overrides any field."""
    return {
        "threat_id": threat,
        "layer": layer,
        "title": f"{threat} against the support agent",
        "scenario": f"An attacker abuses {', '.join(components)} to realise {threat}.",
        "components": components,
        "likelihood": "likely",
        "impact": "high",
        "rationale": "Customers can put text in front of the agent.",
        "quotes": ["Our support agent uses GPT-4o"],
        **extra,
    }
