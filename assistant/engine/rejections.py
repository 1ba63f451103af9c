"""Rejected proposals kept small: a fixed excerpt of each long text and a hash of the whole.

A model can answer with megabytes (a 2 MB `scenario`, a reply of thousands of findings). What
it proposed is kept for review, but never whole: every string is cut to `EXCERPT` characters
followed by its length and SHA-256, lists to `MAX_ITEMS` items, and one run stores at most
`MAX_STORED` rejections, each once (identity ignores the id and the provenance timestamp, which
differ between repair attempts of the same reply).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

EXCERPT = 400
"""Characters kept of any one text in a rejected proposal."""
MAX_ITEMS = 20
"""Items kept of any one list in a rejected proposal."""
MAX_STORED = 200
"""Rejections stored per analysis; more are counted, not kept."""


def digest(text: str) -> str:
    """The SHA-256 of a text, as hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """`text`, or its first `limit` characters with its length and hash when longer."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text):,} characters, sha256 {digest(text)}]"


def bounded(value: Any) -> Any:
    """A copy of a JSON-like value with every text excerpted and every list cut."""
    if isinstance(value, str):
        return excerpt(value)
    if isinstance(value, list):
        kept = [bounded(v) for v in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            kept.append(f"… {len(value) - MAX_ITEMS} more items")
        return kept
    if isinstance(value, dict):
        return {str(k)[:EXCERPT]: bounded(v) for k, v in list(value.items())[: MAX_ITEMS * 2]}
    return value


def identity(proposal: dict[str, Any]) -> str:
    """What makes two rejected proposals the same: everything but their id and provenance."""
    same = {k: v for k, v in proposal.items() if k not in {"id", "provenance"}}
    return digest(json.dumps(same, sort_keys=True, default=str))
