"""The contract of a risk rating: a likelihood, an impact, and the factors that set them.

A `Rating` is what `assistant.engine.risk.rate` returns for one finding. Every factor names the
axis it moved, how, and the system fact behind it (with that fact's evidence when there is any),
so the rationale a reviewer reads can be traced back to the user's own words. Risk itself is not
here: it is looked up from likelihood and impact by the fixed matrix in `assistant.schema`.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from assistant.schema import Evidence, Impact, Likelihood

# Quotes in a rationale are cut to this many characters: enough to recognise the sentence, short
# enough that a finding with five factors still reads as a paragraph.
QUOTE_CHARS = 90


class Axis(StrEnum):
    """Which axis of the rating a factor acts on."""

    LIKELIHOOD = "likelihood"
    IMPACT = "impact"


class Move(StrEnum):
    """What a factor did to its axis."""

    SETS = "sets"
    """Impact only: the stake (a tool's effect, an asset's class) that sets the starting level."""
    RAISES = "raises"
    LOWERS = "lowers"
    HOLDS = "holds"
    """Considered and deliberately moves nothing (e.g. an approval that covers only some cases)."""
    UNKNOWN = "unknown"
    """A fact that would move the axis is not known; the reason says which."""


class FactKind(StrEnum):
    """The kind of system fact a factor cites."""

    COMPONENT = "component"
    ENTRY_POINT = "entry-point"
    CONTROL = "control"
    ASSET = "asset"
    CAPABILITY = "capability"
    AGENTIC_FACTOR = "agentic-factor"


class Factor(BaseModel):
    """One reason a finding's likelihood or impact is what it is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    axis: Axis
    move: Move
    steps: int = 0
    """How many steps it moved the axis (positive for raises and lowers alike; 0 otherwise)."""
    level: str = ""
    """For `sets`: the level it sets."""
    reason: str
    """Plain words, e.g. `Refund API moves money`."""
    fact_kind: FactKind | None = None
    """The kind of fact it cites; None for a rule that holds whatever the system (or an unknown)."""
    fact_id: str = ""
    """Id of the cited component, entry point, control or asset, or the capability's name."""
    evidence: Evidence | None = None
    """The cited fact's evidence, when it has any."""

    def text(self, quote: bool = True) -> str:
        """The factor as a rationale clause, e.g. `no human approval (+1): "refunds go out..."`.

        `quote=False` leaves the evidence out (when the rationale has already quoted it).
        """
        marker = {
            Move.SETS: f" (sets {self.level})",
            Move.RAISES: f" (+{self.steps})",
            Move.LOWERS: f" (-{self.steps})",
        }.get(self.move, "")
        cited = f": {short_label(self.evidence)}" if quote and self.evidence is not None else ""
        # Names come from the user's text and may span lines; a rationale is one line.
        return f"{_squash(self.reason)}{marker}{cited}"


class Rating(BaseModel):
    """A finding's likelihood and impact, with the factors that set them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    likelihood: Likelihood
    impact: Impact
    factors: list[Factor]
    """Every factor that moved (or would have moved) either axis, likelihood first."""

    def on(self, axis: Axis) -> list[Factor]:
        """The factors acting on one axis, in the order they were applied."""
        return [f for f in self.factors if f.axis == axis]

    def rationale(self) -> str:
        """The rating in plain words, each factor with the fact it cites.

        E.g. `likely: inbound e-mail (untrusted content) reaches Support agent (+2): "..."; ...
        critical: Refund API moves money (sets high): "..."; a payment cannot be undone (+1).`
        When nothing moved an axis the clause says so and names what is not known.
        """
        quoted: set[str] = set()
        return " ".join(
            _clause(value, self.on(axis), quoted)
            for value, axis in ((self.likelihood, Axis.LIKELIHOOD), (self.impact, Axis.IMPACT))
        )


def _clause(value: Likelihood | Impact, factors: list[Factor], quoted: set[str]) -> str:
    """One axis in words; `quoted` collects the evidence already quoted, so none repeats."""
    moving = [f for f in factors if f.move in (Move.SETS, Move.RAISES, Move.LOWERS, Move.HOLDS)]
    unknown = [_squash(f.reason) for f in factors if f.move == Move.UNKNOWN]
    parts = []
    for f in moving:
        label = short_label(f.evidence) if f.evidence is not None else ""
        parts.append(f.text(quote=label not in quoted))
        quoted.add(label)
    if not parts:
        parts = ["nothing stated raises or lowers it"]
    if unknown:
        parts.append("not stated: " + ", ".join(unknown))
    return f"{value.value}: " + "; ".join(parts) + "."


def short_label(evidence: Evidence) -> str:
    """An evidence label on one line, its quote cut at a word boundary to `QUOTE_CHARS`."""
    quote = _squash(evidence.quote)
    if len(quote) > QUOTE_CHARS:
        cut = quote[:QUOTE_CHARS].rsplit(" ", 1)[0]
        quote = (cut or quote[:QUOTE_CHARS]) + "..."
    return _squash(evidence.model_copy(update={"quote": quote}).label())


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
