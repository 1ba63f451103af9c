"""The extraction eval: how well a description is read into a system model.

Cases live in `evals/extraction/<set>/*.yaml` (format: `evals/extraction/README.md`). Each names
what a careful reviewer reads from the description alone: capabilities settled true or false,
named tools, human approvals, entry points, flows, and things mentioned only to be ruled out.
The scorer matches the extracted model against them with the case's own match words, so a case
never depends on the ids the extractor happens to choose.

Two sets are reported apart: `dev` (tuned against) and `heldout` (written independently and
never edited to fit). Metrics are micro-averaged over a set's cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import EvalCaseError
from assistant.files import read_text
from assistant.schema import ControlKind, EntryKind, SystemModel

SETS = ("dev", "heldout")
# Component kinds that are never a tool: what is left (tools, APIs, stores the agent writes to,
# channels it sends on) counts when looking for a named tool.
NOT_TOOLS = {"agent", "llm", "model-server", "human-reviewer", "observability", "cloud"}
MODEL_KINDS = {"llm", "model-server"}
STORE_KINDS = {
    "vector-store",
    "memory",
    "database",
    "knowledge-base",
    "shared-memory",
    "data-store",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tool(_Strict):
    """A tool the agent invokes, found by any of its match words in a component's name."""

    name: str
    match: list[str] = Field(min_length=1)


class Action(_Strict):
    """An action that needs (or does not need) human approval."""

    action: str
    match: list[str] = Field(min_length=1)
    approver: str = ""


class Flow(_Strict):
    """A directed flow, each end found by its match words."""

    from_: list[str] = Field(alias="from", min_length=1)
    to: list[str] = Field(min_length=1)


class Named(_Strict):
    """Another component worth checking (agent, model, data store, channel)."""

    kind: Literal["agent", "model", "data-store", "channel"]
    match: list[str] = Field(min_length=1)


class Expected(_Strict):
    """What a reviewer reads from the description."""

    capabilities: dict[str, bool] = {}
    ignore: list[str] = []
    tools: list[Tool] = []
    approvals: list[Action] = []
    automatic: list[Action] = []
    entry_points: list[EntryKind] = []
    flows: list[Flow] = []
    negated: list[str] = []
    components: list[Named] = []


class ExtractionCase(_Strict):
    """One annotated description."""

    id: str
    style: str
    origin: str
    description: str = Field(min_length=1)
    expected: Expected


@dataclass
class Tally:
    """Hits, misses and false alarms of one metric."""

    hit: int = 0
    miss: int = 0
    false: int = 0

    def add(self, other: Tally) -> None:
        """Fold another tally into this one."""
        self.hit, self.miss, self.false = (
            self.hit + other.hit,
            self.miss + other.miss,
            self.false + other.false,
        )

    @property
    def recall(self) -> float | None:
        """Hit / (hit + miss), None when nothing was expected."""
        total = self.hit + self.miss
        return self.hit / total if total else None

    @property
    def precision(self) -> float | None:
        """Hit / (hit + false), None when nothing was predicted."""
        total = self.hit + self.false
        return self.hit / total if total else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)


METRICS = (
    "capabilities",
    "negation",
    "approvals",
    "automatic",
    "tools",
    "entry_points",
    "flows",
    "components",
    "negated_components",
)


@dataclass
class CaseScore:
    """One case's tallies, and the details a developer reads to see why."""

    case_id: str
    style: str
    tallies: dict[str, Tally] = field(default_factory=lambda: {m: Tally() for m in METRICS})
    notes: list[str] = field(default_factory=list)


@dataclass
class SetScore:
    """A set's cases and their micro-averaged tallies."""

    name: str
    cases: list[CaseScore]

    def total(self, metric: str) -> Tally:
        """The metric summed over the set's cases."""
        tally = Tally()
        for case in self.cases:
            tally.add(case.tallies[metric])
        return tally

    def headline(self) -> dict[str, float | int | None]:
        """The figures the issue sets targets on, plus the supporting ones."""
        caps = self.total("capabilities")
        return {
            "cases": len(self.cases),
            "capability_precision": caps.precision,
            "capability_recall": caps.recall,
            "capability_f1": caps.f1,
            "negation_accuracy": self.total("negation").recall,
            "approval_recall": self.total("approvals").recall,
            "approval_precision": self.total("approvals").precision,
            "automatic_recall": self.total("automatic").recall,
            "tool_recall": self.total("tools").recall,
            "tool_precision": self.total("tools").precision,
            "entry_point_recall": self.total("entry_points").recall,
            "entry_point_precision": self.total("entry_points").precision,
            "flow_recall": self.total("flows").recall,
            "component_recall": self.total("components").recall,
            "negated_components": self.total("negated_components").false,
        }


def default_dir() -> Path:
    """`evals/extraction/` in the checkout."""
    return Path(__file__).resolve().parents[2] / "evals" / "extraction"


def load_set(where: Path) -> list[ExtractionCase]:
    """Every case file in a set's directory, sorted by file name.

    Raises:
        EvalCaseError: A file is unreadable, not YAML or not a case; the message names it.
    """
    if not where.is_dir():
        raise EvalCaseError(f"{where}: no such extraction set")
    return [_load(path) for path in sorted(where.glob("*.yaml"))]


def _load(path: Path) -> ExtractionCase:
    try:
        data = yaml.safe_load(read_text(path, error=EvalCaseError))
    except yaml.YAMLError as exc:
        raise EvalCaseError(f"{path}: not YAML: {exc}".splitlines()[0]) from None
    try:
        return ExtractionCase.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EvalCaseError(f"{path}: {where}: {first['msg']}") from None


Extract = Callable[[str], SystemModel]


def score_set(name: str, cases: Iterable[ExtractionCase], extract: Extract) -> SetScore:
    """Extract every case's description and score the model against its annotation."""
    return SetScore(name, [score_case(case, extract(case.description)) for case in cases])


def _norm(text: str) -> str:
    return re.sub(r"[\s_.\-/:]+", " ", text.lower()).strip()


def _names(component_text: str, word: str) -> bool:
    """Whether `word` is found in a component's text, ignoring case and separators."""
    hay = _norm(component_text)
    needle = _norm(word)
    return bool(needle) and (needle in hay or needle.replace(" ", "") in hay.replace(" ", ""))


def _any(text: str, words: Iterable[str]) -> bool:
    return any(_names(text, w) for w in words)


def score_case(case: ExtractionCase, system: SystemModel) -> CaseScore:
    """Score one extracted system model against its case."""
    score = CaseScore(case.id, case.style)
    t = score.tallies
    exp = case.expected
    ignored = set(exp.ignore)
    for cap, value in system.capabilities.items():
        if cap in ignored:
            continue
        if exp.capabilities.get(cap) == value:
            t["capabilities"].hit += 1
        else:
            t["capabilities"].false += 1
            score.notes.append(f"capability {cap}={value} (expected {exp.capabilities.get(cap)})")
    for cap, value in exp.capabilities.items():
        if cap in ignored:
            continue
        if system.capabilities.get(cap) != value:
            t["capabilities"].miss += 1
            if cap not in system.capabilities:
                score.notes.append(f"capability {cap} not settled (expected {value})")
        if value is False:
            wrong = system.capabilities.get(cap) is True
            t["negation"].hit += not wrong
            t["negation"].miss += wrong

    names = {c.id: c.name for c in system.components}
    names.update({e.id: e.name for e in system.entry_points})

    def component_text(ident: str) -> str:
        return f"{ident} {names.get(ident, '')}"

    tools = [c for c in system.components if c.kind not in NOT_TOOLS]
    for tool in exp.tools:
        found = any(_any(f"{c.id} {c.name}", tool.match) for c in tools)
        t["tools"].hit += found
        t["tools"].miss += not found
        if not found:
            score.notes.append(f"tool not found: {tool.name}")
    for c in system.components:
        if c.kind == "tool" and not any(_any(f"{c.id} {c.name}", x.match) for x in exp.tools):
            t["tools"].false += 1
            score.notes.append(f"unexpected tool: {c.name}")

    def control_text(control_applies: list[str], scope: str, quotes: list[str]) -> str:
        return " ".join([*map(component_text, control_applies), scope, *quotes])

    approvals = [
        (ctl, control_text(ctl.applies_to, ctl.scope, [e.quote for e in ctl.evidence]))
        for ctl in system.controls
        if ctl.kind == ControlKind.HUMAN_APPROVAL
    ]
    for wanted, tally_name, present in (
        (exp.approvals, "approvals", True),
        (exp.automatic, "automatic", False),
    ):
        candidates = [text for ctl, text in approvals if ctl.present is present]
        for action in wanted:
            found = any(_any(text, action.match) for text in candidates)
            t[tally_name].hit += found
            t[tally_name].miss += not found
            if not found:
                score.notes.append(f"{tally_name} not found: {action.action}")
        for text in candidates:
            if not any(_any(text, a.match) for a in wanted):
                t[tally_name].false += 1
                score.notes.append(f"unexpected {tally_name}: {text[:60]}")

    kinds = {e.kind for e in system.entry_points}
    for kind in set(exp.entry_points) | kinds:
        if kind in exp.entry_points and kind in kinds:
            t["entry_points"].hit += 1
        elif kind in exp.entry_points:
            t["entry_points"].miss += 1
            score.notes.append(f"entry point not found: {kind.value}")
        else:
            t["entry_points"].false += 1
            score.notes.append(f"unexpected entry point: {kind.value}")

    flows = [(component_text(f.source), component_text(f.target)) for f in system.data_flows]
    for flow in exp.flows:
        found = any(_any(s, flow.from_) and _any(d, flow.to) for s, d in flows)
        t["flows"].hit += found
        t["flows"].miss += not found
    t["flows"].false = sum(
        1 for s, d in flows if not any(_any(s, f.from_) and _any(d, f.to) for f in exp.flows)
    )

    for named in exp.components:
        pool = {
            "agent": [c for c in system.components if c.kind == "agent"],
            "model": [c for c in system.components if c.kind in MODEL_KINDS],
            "data-store": [c for c in system.components if c.kind in STORE_KINDS],
            "channel": list(system.components),
        }[named.kind]
        found = any(_any(f"{c.id} {c.name}", named.match) for c in pool)
        t["components"].hit += found
        t["components"].miss += not found
        if not found:
            score.notes.append(f"{named.kind} not found: {named.match[0]}")

    for word in exp.negated:
        bad = [c.name for c in system.components if _any(f"{c.id} {c.name}", [word])]
        t["negated_components"].false += len(bad)
        score.notes += [f"component from a negated mention ({word}): {b}" for b in bad]
    return score


def ratio(value: float | int | None) -> str:
    """A figure as the scorecard prints it."""
    if value is None:
        return "n/a"
    return str(value) if isinstance(value, int) else f"{value:.2f}"


def scorecard(scores: list[SetScore]) -> str:
    """The Markdown scorecard: one column per set, one row per headline figure."""
    heads = [s.headline() for s in scores]
    lines = [
        "| metric | " + " | ".join(s.name for s in scores) + " |",
        "|---|" + "---|" * len(scores),
    ]
    for key in heads[0]:
        lines.append(f"| {key} | " + " | ".join(ratio(h[key]) for h in heads) + " |")
    return "\n".join(lines)
