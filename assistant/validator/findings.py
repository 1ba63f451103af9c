"""The checks of findings and threat models against the catalogue and the system model."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import ThreatEntry
from assistant.knowledge.preconditions import Applies, Precondition, RuledOut, Unknown, check
from assistant.schema import (
    CoverageStatus,
    Finding,
    FindingStatus,
    Issue,
    Layer,
    SystemModel,
    ThreatModel,
    Verdict,
)
from assistant.validator.evidence import quote_issues
from assistant.validator.issues import (
    MAX_TEXT,
    MAX_TITLE,
    REQUIRE_GROUNDING,
    Code,
    error,
    schema_issues,
    verdict,
    warning,
)


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
            warning(
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
            issues.append(error(Code.DUPLICATE_ID, f"finding id {f.id} is used twice"))
        first = self.keys.get(self.key(f))
        if first is not None:
            issues.append(
                error(Code.DUPLICATE, f"same threat, layer and components as finding {first}")
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
            yield error(
                Code.NOT_APPLICABLE_WITHOUT_REASON,
                f"{layer.value} is marked not-applicable without a reason",
            )
        if cov.status == CoverageStatus.COVERED and layer not in layers_with_findings:
            yield warning(
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
        yield error(Code.UNKNOWN_THREAT, f"{f.threat_id} is not in the catalogue{hint}")
    elif not isinstance(entry, ThreatEntry):
        yield error(Code.NOT_A_THREAT, f"{f.threat_id} is a {entry.kind}, not a threat")
    else:
        if entry.id != f.threat_id:
            yield warning(Code.NON_CANONICAL_ID, f"{f.threat_id} is an alias of {entry.id}")
        if f.layer not in entry.layers:
            allowed = ", ".join(layer.value for layer in entry.layers)
            yield error(
                Code.LAYER_MISMATCH,
                f"{entry.id} ({entry.name}) belongs at {allowed}, not {f.layer.value}",
            )
        memo = {} if checked is None else checked
        if entry.id not in memo:
            memo[entry.id] = check(entry, system, cat)
        yield from _precondition_issues(f, entry, memo[entry.id])
        yield from _mitigation_issues(f, entry, cat)
        yield from _variant_issues(f, entry, system, cat)
    yield from quote_issues(f, system)
    yield from _component_issues(f, known)
    if require_grounding and not f.evidence:
        yield error(
            Code.UNGROUNDED, "cites no evidence: a finding needs at least one guidance passage"
        )
    if retrieved is not None:
        # A threat's own catalogue passages are always citable: they need no search.
        own = {f.threat_id, entry.id} if entry is not None else {f.threat_id}
        missing = [e for e in f.evidence if e not in retrieved and e.split("#")[0] not in own]
        if missing:
            yield error(
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
            yield error(Code.BAD_VARIANT, f"variant {ident} is not a threat in the catalogue")
        elif entry.id not in variant.related and variant.id not in entry.related:
            yield error(Code.BAD_VARIANT, f"variant {ident} is not related to {entry.id}")
        elif f.layer not in variant.layers:
            yield error(Code.BAD_VARIANT, f"variant {ident} does not belong at {f.layer.value}")
        elif not isinstance(ruling := check(variant, system, cat), Applies):
            why = f"; {ruling.need} is ruled out" if isinstance(ruling, RuledOut) else ""
            yield error(Code.BAD_VARIANT, f"variant {ident} does not apply to this system{why}")


def _text_issues(f: Finding) -> Iterator[Issue]:
    for field, text, limit in (
        ("title", f.title, MAX_TITLE),
        ("scenario", f.scenario, MAX_TEXT),
        ("rationale", f.rationale, MAX_TEXT),
        ("reviewer_note", f.reviewer_note, MAX_TEXT),
    ):
        if field in {"title", "scenario"} and not text.strip():
            yield error(Code.EMPTY_TEXT, f"{field} is empty")
        elif len(text) > limit:
            yield error(
                Code.OVERSIZED_TEXT, f"{field} is {len(text)} characters; the limit is {limit}"
            )
    for m in f.mitigations:
        if len(m.text) > MAX_TEXT:
            yield error(Code.OVERSIZED_TEXT, f"mitigation {m.id} text is {len(m.text)} characters")


def _chain_issues(f: Finding) -> Iterator[Issue]:
    distinct = set(f.chain_layers)
    if Layer.CL in distinct:
        yield error(Code.BAD_CHAIN, "chain_layers must name real layers (L1..L7), not CL")
    if f.layer == Layer.CL and len(distinct - {Layer.CL}) < 2:
        yield error(Code.BAD_CHAIN, "a cross-layer finding needs two or more distinct chain_layers")
    elif f.layer != Layer.CL and f.chain_layers:
        yield warning(Code.BAD_CHAIN, f"chain_layers is only meaningful at CL, not {f.layer.value}")


def _precondition_issues(f: Finding, entry: ThreatEntry, result: Precondition) -> Iterator[Issue]:
    # A rejected finding already says the threat does not apply: agreeing with it is no error.
    if isinstance(result, RuledOut) and f.status != FindingStatus.REJECTED:
        also = (
            f"; also {', '.join(x.cited() for x in result.facts[1:])}" if result.facts[1:] else ""
        )
        yield error(
            Code.CONTRADICTS_SYSTEM,
            f"{entry.id} ({entry.name}) needs {result.need}, which the system model rules out: "
            f"{result.fact.cited()}{also}",
        )
    elif isinstance(result, Unknown) and f.status == FindingStatus.DRAFT:
        # Only a draft: the engine keeps such a finding as needs-info itself (`check_proposal`),
        # and a reviewer's decision stands whatever the system model leaves open.
        yield warning(
            Code.NEEDS_INFO,
            f"whether {entry.id} applies is open ({', '.join(result.open)} not settled by the "
            f"system model); mark it needs-info until this is answered: {result.question}",
        )


def _mitigation_issues(f: Finding, entry: ThreatEntry, cat: Catalogue) -> Iterator[Issue]:
    for ref in f.mitigations:
        mitigation = cat.mitigation(ref.id)
        if mitigation is None:
            yield warning(Code.UNKNOWN_MITIGATION, f"{ref.id} is not a mitigation in the catalogue")
        elif not cat.linked(mitigation, entry):
            yield warning(
                Code.UNRELATED_MITIGATION,
                f"{mitigation.id} ({mitigation.name}) is not linked to {entry.id}",
            )


def _component_issues(f: Finding, known: set[str]) -> Iterator[Issue]:
    unknown = [c for c in f.components if c not in known]
    if unknown:
        yield error(
            Code.UNKNOWN_COMPONENT, f"components not in the system model: {', '.join(unknown)}"
        )
    elif not f.components and known:
        yield error(Code.NO_COMPONENTS, "names no affected component of this system")
