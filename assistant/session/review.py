"""Review decisions as events: accept, reject with a reason, needs-info, edit (re-validated).

Pure functions of the session state: they check the request and return the events to commit,
or raise `ReviewError` with a sentence fit for the user. Edits pass through the same gate as
every proposal, so an edited finding is held to the catalogue and the system model like any
other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from assistant.engine.gate import gate
from assistant.errors import ReviewError
from assistant.knowledge.catalogue import Catalogue
from assistant.schema import Finding, FindingStatus, Issue, Layer, ThreatModel
from assistant.session.events import (
    Event,
    MessageLogged,
    ReviewAction,
    ReviewRecorded,
    SessionState,
)

EDITABLE = ("title", "scenario", "likelihood", "impact", "mitigations")
UNDECIDED = (FindingStatus.DRAFT, FindingStatus.NEEDS_INFO)


class Edited(NamedTuple):
    """The outcome of an edit (`Conversation.edit`).

    Attributes:
        saved: Whether the edit passed the gate and was recorded.
        issues: The validator's errors if not saved, else its warnings, now on the finding.
        said: The sentence the transcript keeps for a saved edit ("" if not saved).
    """

    saved: bool
    issues: list[Issue]
    said: str


_DONE = {"accept": "Accepted", "reject": "Rejected", "needs-info": "Marked as needing information"}


def resolve_targets(state: SessionState, targets: Iterable[str]) -> list[str]:
    """Finding ids from ids and layer names (a layer means its undecided findings).

    Raises:
        ReviewError: No analysis yet, or a target that is neither a finding nor a layer.
    """
    if state.threat_model is None:
        raise ReviewError("there are no findings yet: describe the system and /analyze first")
    ids: list[str] = []
    for target in targets:
        name = target.strip().upper()
        if name in Layer.__members__:
            ids += [f.id for f in state.findings_at(Layer(name)) if f.status in UNDECIDED]
            continue
        finding = state.finding(name)
        if finding is None:
            raise ReviewError(f"there is no finding {target}; the Findings tab lists them")
        ids.append(finding.id)
    return list(dict.fromkeys(ids))


def review_events(
    state: SessionState, action: ReviewAction, targets: Iterable[str], note: str = ""
) -> list[Event]:
    """The events recording one decision on findings or on a whole layer.

    Raises:
        ReviewError: Unknown target, nothing to decide, or a rejection without a reason.
    """
    if action == "edit":
        raise ReviewError("use edit_events to edit a finding")
    note = " ".join(note.split())
    if action == "reject" and not note:
        raise ReviewError("a rejection needs a reason, e.g. /reject F-003 no payment tool here")
    ids = resolve_targets(state, targets)
    if not ids:
        raise ReviewError("no undecided findings there")
    said = f"{_DONE[action]} {', '.join(ids)}" + (f": {note}" if note else "") + "."
    return [
        ReviewRecorded(action=action, finding_ids=ids, note=note),
        MessageLogged(role="note", text=said),
    ]


def edit_events(
    state: SessionState, catalogue: Catalogue, finding_id: str, changes: Mapping[str, Any]
) -> tuple[list[Event], list[Issue]]:
    """Re-validate an edited finding; the events to commit if it passes.

    Args:
        state: The session.
        catalogue: The catalogue of record.
        finding_id: The finding to change.
        changes: New values for any of `EDITABLE` (mitigations as `{"id", "text"}` mappings).

    Returns:
        The events (empty when the edit is rejected) and the validator's issues: errors when
        rejected, warnings (kept on the finding as validator notes) when saved.

    Raises:
        ReviewError: Unknown finding, or a field that cannot be edited.
    """
    old = state.finding(finding_id)
    if old is None or state.threat_model is None:
        raise ReviewError(f"there is no finding {finding_id}")
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ReviewError(f"cannot edit {', '.join(unknown)}; editable: {', '.join(EDITABLE)}")
    raw = old.model_dump(mode="json", exclude={"risk", "validator_notes"})
    raw.update(changes)
    others = [f for f in state.threat_model.findings if f.id != old.id]
    found, refused = gate([raw], state.system, catalogue, accepted=others)
    if refused:
        return [], refused[0].issues
    new = found[0]
    warned = f" with {len(new.validator_notes)} warning(s)" if new.validator_notes else ""
    return [
        ReviewRecorded(action="edit", finding_ids=[old.id], finding=new),
        MessageLogged(role="note", text=f"Edited {old.id}; re-validated{warned}."),
    ], list(new.validator_notes)


def carry_over(old: ThreatModel | None, new: ThreatModel) -> ThreatModel:
    """`new` with the reviewer's decisions and edits from `old` kept.

    A finding someone has reviewed (any status but draft) stands in for the new finding of the
    same threat at the same layer, under the new id: analysing again never silently undoes a
    review.
    """
    if old is None:
        return new
    reviewed: dict[tuple[str, Layer], Finding] = {}
    for f in old.findings:
        if f.status != FindingStatus.DRAFT:
            reviewed.setdefault((f.threat_id, f.layer), f)
    findings = []
    for f in new.findings:
        kept = reviewed.pop((f.threat_id, f.layer), None)
        findings.append(kept.model_copy(update={"id": f.id}) if kept else f)
    return new.model_copy(update={"findings": findings})
