"""The deterministic validator: the gate between any proposal and the user.

Pure functions, no I/O: the same threat model, catalogue and retrieval log always give the same
verdicts. Every check has a stable code (see `Code`) so tools and tests can rely on it; the
codes and their meaning are listed in docs/VALIDATOR.md.

Whether a finding's threat can apply to this system is decided by the one precondition check
the rules engine uses as well (`assistant.knowledge.preconditions`): ruled out by a fact of the
system model is `contradicts-system`; unsettled keeps the finding, as `needs-info` with the
question that settles it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import ThreatEntry
from assistant.knowledge.preconditions import Applies, Precondition, RuledOut, Unknown, check
from assistant.schema import (
    CoverageStatus,
    Evidence,
    EvidenceKind,
    Finding,
    FindingStatus,
    Issue,
    Layer,
    Outcome,
    Severity,
    SystemModel,
    ThreatModel,
    Verdict,
)

# Text limits: long enough for a careful scenario, short enough to catch a model dumping its
# whole context into a field.
MAX_TITLE = 200
MAX_TEXT = 4000
REQUIRE_GROUNDING = False
"""Default of the `ungrounded` check: off until the rules engine attaches evidence to its
findings (it cites no passages yet, so every rules finding would be rejected); then it is
switched on here, for every caller at once. `maestro-tm validate --require-grounding` turns it
on for one run."""


class Code(StrEnum):
    """Machine-readable issue codes."""

    SCHEMA = "schema-error"
    UNKNOWN_THREAT = "unknown-threat"
    NOT_A_THREAT = "not-a-threat"
    NON_CANONICAL_ID = "non-canonical-id"
    LAYER_MISMATCH = "layer-mismatch"
    CONTRADICTS_SYSTEM = "contradicts-system"
    NEEDS_INFO = "needs-info"
    UNGROUNDED = "ungrounded"
    UNKNOWN_COMPONENT = "unknown-component"
    NO_COMPONENTS = "no-components"
    UNRETRIEVED_EVIDENCE = "unretrieved-evidence"
    UNKNOWN_MITIGATION = "unknown-mitigation"
    UNRELATED_MITIGATION = "unrelated-mitigation"
    BAD_RISK_INPUT = "bad-risk-input"
    RISK_RECOMPUTED = "risk-recomputed"
    BAD_CHAIN = "bad-chain"
    DUPLICATE = "duplicate"
    DUPLICATE_ID = "duplicate-id"
    EMPTY_TEXT = "empty-text"
    OVERSIZED_TEXT = "oversized-text"
    NOT_APPLICABLE_WITHOUT_REASON = "not-applicable-without-reason"
    COVERED_WITHOUT_FINDINGS = "covered-without-findings"
    UNSUPPORTED_RULING = "unsupported-ruling"
    MODEL_DID_NOT_CONFIRM = "model-did-not-confirm"
    BAD_VARIANT = "bad-variant"
    UNQUOTED = "unquoted"
    MISQUOTED = "misquoted"


def _error(code: Code, message: str) -> Issue:
    return Issue(code=code.value, severity=Severity.ERROR, message=message)


def _warning(code: Code, message: str) -> Issue:
    return Issue(code=code.value, severity=Severity.WARNING, message=message)


def verdict(finding_id: str, issues: Sequence[Issue]) -> Verdict:
    """Decide the outcome from a list of issues (errors first in the result)."""
    ordered = sorted(issues, key=lambda i: i.severity != Severity.ERROR)
    if any(i.severity == Severity.ERROR for i in ordered):
        outcome = Outcome.REJECTED
    elif ordered:
        outcome = Outcome.ACCEPTED_WITH_WARNINGS
    else:
        outcome = Outcome.ACCEPTED
    return Verdict(finding_id=finding_id, outcome=outcome, issues=ordered)


def schema_issues(error: ValidationError) -> list[Issue]:
    """Translate a pydantic error on a finding into validator issues."""
    issues = []
    for item in error.errors(include_url=False):
        loc = [str(p) for p in item["loc"]]
        where = ".".join(loc) or "finding"
        if loc and loc[0] in {"likelihood", "impact"}:
            issues.append(
                _error(Code.BAD_RISK_INPUT, f"{where}: {item['msg']} (see the risk rubric)")
            )
        elif loc and loc[0] in {"layer", "chain_layers"}:
            issues.append(_error(Code.LAYER_MISMATCH, f"{where}: {item['msg']}"))
        else:
            issues.append(_error(Code.SCHEMA, f"{where}: {item['msg']}"))
    return issues


def check_proposal(
    raw: Mapping[str, Any],
    system: SystemModel,
    catalogue: Catalogue,
    retrieved: Collection[str] | None = None,
    *,
    require_grounding: bool = REQUIRE_GROUNDING,
) -> tuple[Finding | None, Verdict]:
    """Parse and validate one raw proposal (e.g. a model's JSON).

    A draft whose threat's preconditions the system model leaves unsettled is returned with
    status `needs-info` and the question that settles it (not a warning: the finding is kept,
    as a question for the user).

    Args:
        raw: The proposal.
        system: The system model it is about.
        catalogue: The catalogue of record.
        retrieved: Passage ids retrieved in this run; None skips the evidence check.
        require_grounding: Reject a finding that cites no evidence (`ungrounded`).

    Returns:
        The parsed finding (None if it does not fit the schema) and its verdict.
    """
    ident = str(raw.get("id") or "?")
    try:
        finding = Finding.model_validate(dict(raw))
    except ValidationError as exc:
        return None, verdict(ident, schema_issues(exc))
    entry = catalogue.threat(finding.threat_id)
    if entry is not None and finding.status == FindingStatus.DRAFT:
        result = check(entry, system, catalogue)
        if isinstance(result, Unknown):
            finding = finding.model_copy(
                update={"status": FindingStatus.NEEDS_INFO, "question": result.question}
            )
    issues = list(
        _finding_issues(
            finding, system, catalogue, retrieved, system.component_ids(), require_grounding
        )
    )
    proposed = raw.get("risk")
    if proposed is not None and str(proposed) != finding.risk.value:
        issues.append(
            _warning(
                Code.RISK_RECOMPUTED,
                f"proposed risk {proposed!r} replaced by {finding.risk.value} from the risk matrix",
            )
        )
    return finding, verdict(finding.id, issues)


def validate_findings(
    findings: Sequence[Finding],
    system: SystemModel,
    catalogue: Catalogue,
    retrieved: Collection[str] | None = None,
    *,
    require_grounding: bool = REQUIRE_GROUNDING,
) -> list[Verdict]:
    """Validate findings against the catalogue and the system model.

    Args:
        findings: The findings, in order; a later duplicate is the one rejected.
        system: The system model the findings are about.
        catalogue: The catalogue of record.
        retrieved: Passage ids retrieved in this run; None skips the evidence check (no log).
        require_grounding: Reject a finding that cites no evidence (`ungrounded`).

    Returns:
        One verdict per finding, in the same order.
    """
    verdicts = []
    known = system.component_ids()
    seen = _Seen(catalogue)
    # One precondition check per threat, however many findings cite it.
    checked: dict[str, Precondition] = {}
    for finding in findings:
        issues = list(
            _finding_issues(
                finding, system, catalogue, retrieved, known, require_grounding, checked
            )
        )
        issues += seen.duplicates(finding)
        seen.add(finding)
        verdicts.append(verdict(finding.id, issues))
    return verdicts


def duplicate_issues(
    finding: Finding, earlier: Sequence[Finding], catalogue: Catalogue
) -> list[Issue]:
    """`duplicate-id` and `duplicate` errors of a finding against the findings before it.

    The gate asks this alone for each new proposal, rather than revalidating every finding
    accepted so far.
    """
    seen = _Seen(catalogue)
    for f in earlier:
        seen.add(f)
    return seen.duplicates(finding)


class _Seen:
    """The findings met so far, by id and by what makes two findings the same.

    Two findings are the same when they share canonical threat, layer and component set; the
    first of a duplicate pair is the one kept.
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.ids: set[str] = set()
        self.keys: dict[tuple[str, Layer, tuple[str, ...]], str] = {}

    def key(self, f: Finding) -> tuple[str, Layer, tuple[str, ...]]:
        canonical = self.catalogue.resolve(f.threat_id) or f.threat_id
        return canonical, f.layer, tuple(sorted(set(f.components)))

    def add(self, f: Finding) -> None:
        self.ids.add(f.id)
        self.keys.setdefault(self.key(f), f.id)

    def duplicates(self, f: Finding) -> list[Issue]:
        issues = []
        if f.id in self.ids:
            issues.append(_error(Code.DUPLICATE_ID, f"finding id {f.id} is used twice"))
        first = self.keys.get(self.key(f))
        if first is not None:
            issues.append(
                _error(Code.DUPLICATE, f"same threat, layer and components as finding {first}")
            )
        return issues


def validate_model(
    model: ThreatModel,
    catalogue: Catalogue,
    retrieved: Collection[str] | None = None,
    *,
    require_grounding: bool = REQUIRE_GROUNDING,
) -> tuple[list[Verdict], list[Issue]]:
    """Validate a whole threat model (arguments as for `validate_findings`).

    Returns:
        The per-finding verdicts and the model-level issues (coverage).
    """
    verdicts = validate_findings(
        model.findings, model.system, catalogue, retrieved, require_grounding=require_grounding
    )
    return verdicts, list(_coverage_issues(model))


def _coverage_issues(model: ThreatModel) -> Iterator[Issue]:
    layers_with_findings = {f.layer for f in model.findings}
    for layer, cov in sorted(model.coverage.items()):
        if cov.status == CoverageStatus.NOT_APPLICABLE and not cov.reason.strip():
            yield _error(
                Code.NOT_APPLICABLE_WITHOUT_REASON,
                f"{layer.value} is marked not-applicable without a reason",
            )
        if cov.status == CoverageStatus.COVERED and layer not in layers_with_findings:
            yield _warning(
                Code.COVERED_WITHOUT_FINDINGS,
                f"{layer.value} is marked covered but has no findings",
            )


def _finding_issues(
    f: Finding,
    system: SystemModel,
    cat: Catalogue,
    retrieved: Collection[str] | None,
    known: set[str],
    require_grounding: bool,
    checked: dict[str, Precondition] | None = None,
) -> Iterator[Issue]:
    yield from _text_issues(f)
    yield from _chain_issues(f)
    entry = cat.get(f.threat_id)
    if entry is None:
        near = ", ".join(cat.suggest(f.threat_id, 3))
        hint = f" (closest: {near})" if near else ""
        yield _error(Code.UNKNOWN_THREAT, f"{f.threat_id} is not in the catalogue{hint}")
    elif not isinstance(entry, ThreatEntry):
        yield _error(Code.NOT_A_THREAT, f"{f.threat_id} is a {entry.kind}, not a threat")
    else:
        if entry.id != f.threat_id:
            yield _warning(Code.NON_CANONICAL_ID, f"{f.threat_id} is an alias of {entry.id}")
        if f.layer not in entry.layers:
            allowed = ", ".join(layer.value for layer in entry.layers)
            yield _error(
                Code.LAYER_MISMATCH,
                f"{entry.id} ({entry.name}) belongs at {allowed}, not {f.layer.value}",
            )
        memo = {} if checked is None else checked
        if entry.id not in memo:
            memo[entry.id] = check(entry, system, cat)
        yield from _precondition_issues(f, entry, memo[entry.id])
        yield from _mitigation_issues(f, entry, cat)
        yield from _variant_issues(f, entry, system, cat)
    yield from _quote_issues(f, system)
    yield from _component_issues(f, known)
    if require_grounding and not f.evidence:
        yield _error(
            Code.UNGROUNDED, "cites no evidence: a finding needs at least one guidance passage"
        )
    if retrieved is not None:
        # A threat's own catalogue passages are always citable: they need no search.
        own = {f.threat_id, entry.id} if entry is not None else {f.threat_id}
        missing = [e for e in f.evidence if e not in retrieved and e.split("#")[0] not in own]
        if missing:
            yield _error(
                Code.UNRETRIEVED_EVIDENCE,
                f"cites passages not retrieved in this run: {', '.join(missing)}",
            )


def _variant_issues(
    f: Finding, entry: ThreatEntry, system: SystemModel, cat: Catalogue
) -> Iterator[Issue]:
    """A variant is a threat the catalogue relates to this one, at this layer, that applies."""
    for ident in f.variants:
        variant = cat.threat(ident)
        if variant is None:
            yield _error(Code.BAD_VARIANT, f"variant {ident} is not a threat in the catalogue")
        elif entry.id not in variant.related and variant.id not in entry.related:
            yield _error(Code.BAD_VARIANT, f"variant {ident} is not related to {entry.id}")
        elif f.layer not in variant.layers:
            yield _error(Code.BAD_VARIANT, f"variant {ident} does not belong at {f.layer.value}")
        elif not isinstance(ruling := check(variant, system, cat), Applies):
            why = f"; {ruling.need} is ruled out" if isinstance(ruling, RuledOut) else ""
            yield _error(Code.BAD_VARIANT, f"variant {ident} does not apply to this system{why}")


def _quote_issues(f: Finding, system: SystemModel) -> Iterator[Issue]:
    """The user's words a finding cites are the user's words; a model's finding cites some.

    Rules findings quote the facts they rest on; a model's finding must quote the description
    too (`ProposedFinding.quotes`), so that it cannot rest on words nobody wrote. Findings a
    model made before the prompts asked for quotes still validate.
    """
    if not system.description.strip():
        return  # a system file: its facts cite file locations, not a description
    quotes = [e for e in f.grounding if e.kind == EvidenceKind.QUOTE]
    for e in quotes:
        if e.start is not None and e.end is not None:
            held = _said(system.description[e.start : e.end]) == _said(e.quote)
        else:
            held = _said(e.quote) in _said(system.description)
        if not held:
            yield _error(
                Code.MISQUOTED, f"quotes words the description does not hold: {e.quote[:80]!r}"
            )
    if not quotes and _asked_to_quote(f):
        yield _error(Code.UNQUOTED, "quotes none of the description's words it relies on")


QUOTING_PROMPTS = {"propose_layer": 2, "propose_cross_layer": 2, "safety_net": 3}
"""The first version of each proposal prompt that asks the model to quote the description."""


def _asked_to_quote(f: Finding) -> bool:
    """Whether the model behind a finding was asked for quotes (older files were not)."""
    since = QUOTING_PROMPTS.get(f.provenance.prompt_id or "")
    version = f.provenance.prompt_version or ""
    return since is not None and version.isdigit() and int(version) >= since


def _said(text: str) -> str:
    """Words as compared for quoting: whitespace runs as one space, case folded."""
    return " ".join(text.split()).casefold()


def _text_issues(f: Finding) -> Iterator[Issue]:
    for field, text, limit in (
        ("title", f.title, MAX_TITLE),
        ("scenario", f.scenario, MAX_TEXT),
        ("rationale", f.rationale, MAX_TEXT),
        ("reviewer_note", f.reviewer_note, MAX_TEXT),
    ):
        if field in {"title", "scenario"} and not text.strip():
            yield _error(Code.EMPTY_TEXT, f"{field} is empty")
        elif len(text) > limit:
            yield _error(
                Code.OVERSIZED_TEXT, f"{field} is {len(text)} characters; the limit is {limit}"
            )
    for m in f.mitigations:
        if len(m.text) > MAX_TEXT:
            yield _error(Code.OVERSIZED_TEXT, f"mitigation {m.id} text is {len(m.text)} characters")


def _chain_issues(f: Finding) -> Iterator[Issue]:
    distinct = set(f.chain_layers)
    if Layer.CL in distinct:
        yield _error(Code.BAD_CHAIN, "chain_layers must name real layers (L1..L7), not CL")
    if f.layer == Layer.CL and len(distinct - {Layer.CL}) < 2:
        yield _error(
            Code.BAD_CHAIN, "a cross-layer finding needs two or more distinct chain_layers"
        )
    elif f.layer != Layer.CL and f.chain_layers:
        yield _warning(
            Code.BAD_CHAIN, f"chain_layers is only meaningful at CL, not {f.layer.value}"
        )


def _precondition_issues(f: Finding, entry: ThreatEntry, result: Precondition) -> Iterator[Issue]:
    # A rejected finding already says the threat does not apply: agreeing with it is no error.
    if isinstance(result, RuledOut) and f.status != FindingStatus.REJECTED:
        also = (
            f"; also {', '.join(x.cited() for x in result.facts[1:])}" if result.facts[1:] else ""
        )
        yield _error(
            Code.CONTRADICTS_SYSTEM,
            f"{entry.id} ({entry.name}) needs {result.need}, which the system model rules out: "
            f"{result.fact.cited()}{also}",
        )
    elif isinstance(result, Unknown) and f.status == FindingStatus.DRAFT:
        # Only a draft: the engine keeps such a finding as needs-info itself (`check_proposal`),
        # and a reviewer's decision stands whatever the system model leaves open.
        yield _warning(
            Code.NEEDS_INFO,
            f"whether {entry.id} applies is open ({', '.join(result.open)} not settled by the "
            f"system model); mark it needs-info until this is answered: {result.question}",
        )


def _mitigation_issues(f: Finding, entry: ThreatEntry, cat: Catalogue) -> Iterator[Issue]:
    for ref in f.mitigations:
        mitigation = cat.mitigation(ref.id)
        if mitigation is None:
            yield _warning(
                Code.UNKNOWN_MITIGATION, f"{ref.id} is not a mitigation in the catalogue"
            )
        elif not cat.linked(mitigation, entry):
            yield _warning(
                Code.UNRELATED_MITIGATION,
                f"{mitigation.id} ({mitigation.name}) is not linked to {entry.id}",
            )


def _component_issues(f: Finding, known: set[str]) -> Iterator[Issue]:
    unknown = [c for c in f.components if c not in known]
    if unknown:
        yield _error(
            Code.UNKNOWN_COMPONENT, f"components not in the system model: {', '.join(unknown)}"
        )
    elif not f.components and known:
        yield _error(Code.NO_COMPONENTS, "names no affected component of this system")


MIN_RULING_QUOTE = 8
"""Shortest evidence span a ruling may cite: a word or two proves nothing."""


def _facts(system: SystemModel) -> dict[str, list[Evidence]]:
    """Every fact a ruling may cite, by id, with its evidence.

    Components, controls, flows, boundaries, assets and entry points, and the capabilities the
    system rules out (a capability that is present rules nothing out).
    """
    facts: dict[str, list[Evidence]] = {}
    for group in (
        system.components,
        system.controls,
        system.data_flows,
        system.trust_boundaries,
        system.assets,
        system.entry_points,
    ):
        for fact in group:
            facts.setdefault(fact.id, []).extend(fact.evidence)
    for name, present in system.capabilities.items():
        if not present:
            facts.setdefault(name, []).extend(system.capability_evidence.get(name, []))
    return facts


def check_ruling(fact: str, quote: str, system: SystemModel) -> list[Issue]:
    """Whether a model's "ruled out" cites a system-model fact and one of its evidence spans.

    A rules finding leaves a hybrid analysis only through a ruling with no issue here: `fact`
    is the id of a component, control, flow, boundary, asset or entry point, or a capability
    the system rules out; `quote` is (part of) the user's words recorded as that fact's
    evidence, and for a description quote the span still reads so in the description.
    """
    evidence = _facts(system).get(fact.strip())
    if evidence is None:
        return [
            _error(Code.UNSUPPORTED_RULING, f"cites {fact.strip()!r}, no fact of the system model")
        ]
    needle = _said(quote)
    if sum(c.isalnum() for c in needle) < MIN_RULING_QUOTE:
        return [_error(Code.UNSUPPORTED_RULING, f"cites {fact} without the words that settle it")]
    for item in evidence:
        said = _said(item.quote)
        if needle not in said:
            continue
        if item.kind != EvidenceKind.QUOTE or item.start is None or item.end is None:
            return []
        if _said(system.description[item.start : item.end]) == said:
            return []
    return [_error(Code.UNSUPPORTED_RULING, f"the words quoted are not the evidence of {fact}")]
