"""Evidence as the review draft shows it: one compact, escaped label per piece of evidence.

A reviewer must see why each fact of the system model is believed, without the report turning
into a transcript. Each piece of evidence becomes one short label:

- a quote of the description: the words in quotation marks, cut at a word boundary with `…`
  after `QUOTE_CHARS` characters (the JSON export keeps the whole quote and its offsets);
- an interview answer: `answer to Q-3`, then the answer's words as a short quote;
- a chat correction: `corrected in the chat: "..."`;
- a system file: its location (`system.yaml:12`), then the quoted words if any;
- an assumption: `assumed: <reason>`.

A fact shows at most `MAX_SHOWN` labels (identical labels once), then how many more it has.
Every string from a user or a model goes through `escape.md`; truncation happens first, so an
escape sequence is never cut in half.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.export.escape import md, one_line
from assistant.schema import Evidence, EvidenceKind

QUOTE_CHARS = 80
"""Longest quote shown, ellipsis included."""
REASON_CHARS = 120
"""Longest assumption reason shown."""
MAX_SHOWN = 3
"""Most pieces of evidence shown per fact."""

ELLIPSIS = "\u2026"
_DANGLING = " ,;:-\u2013\u2014(/"


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """One line of at most `limit` characters, cut at a word boundary and ended with `…`.

    A single word longer than the limit is cut inside the word (there is no boundary to use).
    """
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(_DANGLING) + ELLIPSIS


def _label(evidence: Evidence, esc: Callable[[str], str]) -> str:
    def quoted(text: str) -> str:
        return f'"{esc(shorten(text))}"'

    kind = evidence.kind
    if kind == EvidenceKind.QUOTE:
        return quoted(evidence.quote)
    if kind == EvidenceKind.ANSWER:
        words = f": {quoted(evidence.quote)}" if evidence.quote.strip() else ""
        return f"answer to {esc(evidence.question_id)}{words}"
    if kind == EvidenceKind.CORRECTION:
        return f"corrected in the chat: {quoted(evidence.quote)}"
    if kind == EvidenceKind.FILE:
        words = f": {quoted(evidence.quote)}" if evidence.quote.strip() else ""
        return f"{esc(shorten(evidence.location))}{words}"
    return f"assumed: {esc(shorten(evidence.reason, REASON_CHARS))}"


def evidence_label(evidence: Evidence) -> str:
    """One piece of evidence as escaped Markdown, e.g. `"runs on Azure OpenAI"`."""
    return _label(evidence, md)


def evidence_plain(evidence: Sequence[Evidence]) -> str:
    """All the evidence as one plain line (for OTM attributes): labels joined with `; `."""
    return "; ".join(dict.fromkeys(_label(e, one_line) for e in evidence))


def evidence_text(evidence: Sequence[Evidence]) -> str:
    """`Evidence: "..."; answer to Q-3 (+2 more)`, or `Evidence: none recorded`.

    No full stop follows: the evidence ends its line, and a quote often ends in one already.
    """
    labels = list(dict.fromkeys(evidence_label(e) for e in evidence))
    if not labels:
        return "Evidence: none recorded"
    more = len(labels) - MAX_SHOWN
    extra = f" (+{more} more)" if more > 0 else ""
    return f"Evidence: {'; '.join(labels[:MAX_SHOWN])}{extra}"


def only_assumed(evidence: Sequence[Evidence]) -> bool:
    """True when every piece of evidence is an assumption (and there is at least one)."""
    return bool(evidence) and all(e.kind == EvidenceKind.ASSUMED for e in evidence)
