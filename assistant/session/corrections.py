"""Corrections to the system model: pure functions from one model to the next.

The chat's correction commands (`/set`, `/rename`, `/merge`, `/delete`, `/flow`, `/control`)
and the System tab's keys both end here, through `apply_command`, so a correction made either
way is the same correction. Each function returns a `Correction`: the new model and one sentence
saying what changed. Every fact a correction creates or confirms carries
`Evidence(kind="correction", quote=<the command as typed>)`, so a reviewer can tell the user's
word from the extractor's reading. A correction that cannot be applied raises `CorrectionError`
with one sentence, and a did-you-mean when the name is close to a known one.

Decisions where the task left room:
- Ids are matched exactly, else case-insensitively when that is unambiguous. Ids are unique
  within a model; if one id names facts of two kinds, the component wins.
- Deleting a component removes every fact that referred only to it (its flows, a control, asset,
  boundary or entry point with no other component, and the flows from such an entry point) and
  takes it out of the facts that referred to it among others. Removing facts can lose
  information, so the sentence names each one. A flow may start at an entry point (the
  extractor records "the inbound e-mail reaches the agent" so), so deleting an entry point
  deletes its flows, and `/flow` accepts an entry point as the source.
- Merging unites the two components (layers, evidence; the target's name and kind win, its
  empty description, effect or hosting are filled from the other; the worse effect is kept) and
  rewires every reference; a flow that would run from the merged component to itself is dropped.
- A control statement without a scope is unconditional: it replaces the opposite statement about
  the same kind of control on the same components ("approval on refund-tool" replaces "no
  approval on refund-tool"). A scoped one ("above $200") is partial and stands beside it, as the
  user's two sentences would.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.errors import CorrectionError
from assistant.schema import (
    Control,
    ControlKind,
    DataFlow,
    Effect,
    Evidence,
    EvidenceKind,
    Layer,
    SystemModel,
)
from assistant.session.facts import NOUNS, FactKind

USAGE: dict[str, str] = {
    "set": "/set CAPABILITY on|off|unknown, e.g. /set code-execution off",
    "rename": "/rename ID NEW NAME, e.g. /rename expense-agent Expense assistant",
    "merge": "/merge ID INTO_ID, e.g. /merge openai-model expense-agent",
    "delete": "/delete ID, e.g. /delete email",
    "flow": "/flow SOURCE -> TARGET [what flows], e.g. /flow email -> expense-agent receipts",
    "control": (
        "/control KIND [off] [on ID[,ID]] [by ACTOR] [: scope], e.g. "
        "/control human-approval on refund-tool by team lead : refunds above $200"
    ),
}
"""How each correction command is typed (also the error reply to a malformed one)."""

COMMANDS = tuple(USAGE)
"""The correction commands, without their slash."""

_ON = {"on", "yes", "true", "present"}
_OFF = {"off", "no", "false", "absent", "none"}
_UNKNOWN = {"unknown", "unset", "clear", "?"}
_CONTROL_ALIASES = {
    "approval": ControlKind.HUMAN_APPROVAL,
    "human-in-the-loop": ControlKind.HUMAN_APPROVAL,
    "authorization": ControlKind.AUTHORISATION,
    "authz": ControlKind.AUTHORISATION,
    "authn": ControlKind.AUTHENTICATION,
    "audit": ControlKind.AUDIT_LOGGING,
    "logging": ControlKind.AUDIT_LOGGING,
    "ratelimit": ControlKind.RATE_LIMIT,
    "rate-limiting": ControlKind.RATE_LIMIT,
    "allow-list": ControlKind.ALLOWLIST,
    "sandboxing": ControlKind.SANDBOX,
    "guardrails": ControlKind.GUARDRAIL,
}
_NAMED: tuple[FactKind, ...] = ("component", "asset", "entry-point", "boundary")
_FIELDS: dict[FactKind, str] = {
    "component": "components",
    "flow": "data_flows",
    "control": "controls",
    "asset": "assets",
    "entry-point": "entry_points",
    "boundary": "trust_boundaries",
}
_FLOW = re.compile(r"^(?P<source>[^\s>]+?)\s*(?:->|→)\s*(?P<target>\S+)(?:\s+(?P<what>.*))?$")


@dataclass(frozen=True)
class Correction:
    """The outcome of one correction.

    Attributes:
        system: The corrected model (equal to the old one when nothing changed).
        said: One sentence saying what changed, for the transcript.
        removed: Ids of other facts removed with it (a delete's cascade, a merge's loops).
    """

    system: SystemModel
    said: str
    removed: tuple[str, ...] = ()


def correction_evidence(command: str) -> Evidence:
    """The evidence a correction leaves: the command as typed (whitespace folded)."""
    return Evidence(kind=EvidenceKind.CORRECTION, quote=" ".join(command.split()))


# -- finding what the user means ----------------------------------------------------------------


def suggestions(query: str, candidates: Iterable[str]) -> list[str]:
    """Up to three candidates close to `query`: containing it, else similar in spelling."""
    pool = {c.casefold(): c for c in candidates}
    wanted = query.casefold()
    found = [c for key, c in pool.items() if len(wanted) >= 3 and wanted in key]
    found += [pool[k] for k in difflib.get_close_matches(wanted, list(pool), n=3, cutoff=0.6)]
    return list(dict.fromkeys(found))[:3]


def _did_you_mean(query: str, candidates: Iterable[str]) -> str:
    close = suggestions(query, candidates)
    if not close:
        return ""
    return "; did you mean " + " or ".join(f"`{c}`" for c in close) + "?"


def _items(system: SystemModel, kind: FactKind) -> list[Any]:
    return list(getattr(system, _FIELDS[kind]))


def fact_ids(system: SystemModel) -> dict[str, FactKind]:
    """Every id the correction commands take, with the kind of fact it names (components win)."""
    ids: dict[str, FactKind] = {}
    for kind in _FIELDS:
        for item in _items(system, kind):
            ids.setdefault(item.id, kind)
    return ids


def locate(system: SystemModel, fact_id: str) -> tuple[FactKind, str]:
    """The kind and exact id of the fact `fact_id` names.

    Raises:
        CorrectionError: No fact has that id (with the closest ids).
    """
    ids = fact_ids(system)
    if fact_id in ids:
        return ids[fact_id], fact_id
    folded = [i for i in ids if i.casefold() == fact_id.casefold()]
    if len(folded) == 1:
        return ids[folded[0]], folded[0]
    hint = _did_you_mean(fact_id, ids) or "."
    raise CorrectionError(f"there is no fact with the id `{fact_id}`{hint} `/system` lists the ids")


def component_id(system: SystemModel, ident: str, *, entry_point: bool = False) -> str:
    """The exact id of the component `ident` names (or entry point, where a flow may start).

    Raises:
        CorrectionError: No component (or entry point) has that id, or it names another kind
            of fact.
    """
    kinds: tuple[FactKind, ...] = ("component", "entry-point") if entry_point else ("component",)
    wanted = " or ".join(NOUNS[k] for k in kinds)
    try:
        kind, found = locate(system, ident)
    except CorrectionError:
        ids = [i for i, k in fact_ids(system).items() if k in kinds]
        hint = _did_you_mean(ident, ids) or "."
        raise CorrectionError(
            f"there is no {wanted} `{ident}`{hint} `/system` lists the ids"
        ) from None
    if kind not in kinds:
        raise CorrectionError(f"`{found}` is {_a(NOUNS[kind])}, not {_a(wanted)}")
    return found


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def capability_name(name: str, vocabulary: Iterable[str], settled: Iterable[str] = ()) -> str:
    """The capability `name` means, from the catalogue's vocabulary.

    `Code_Execution` and `code execution` both mean `code-execution`.

    Raises:
        CorrectionError: Not a capability (with the closest names, or the whole vocabulary).
    """
    known = list(dict.fromkeys([*vocabulary, *settled]))
    wanted = "-".join(name.replace("_", " ").split()).casefold()
    if wanted in known:
        return wanted
    hint = _did_you_mean(wanted, known) or f"; the capabilities are: {', '.join(known)}."
    raise CorrectionError(f"there is no capability `{name}`{hint}")


def control_kind(word: str) -> ControlKind:
    """The control kind `word` means (`approval` is `human-approval`, and so on).

    Raises:
        CorrectionError: Not a control kind (with the closest kinds).
    """
    wanted = "-".join(word.replace("_", " ").split()).casefold()
    if wanted in ControlKind._value2member_map_:
        return ControlKind(wanted)
    if wanted in _CONTROL_ALIASES:
        return _CONTROL_ALIASES[wanted]
    kinds = [k.value for k in ControlKind]
    hint = _did_you_mean(wanted, kinds) or f"; the kinds are: {', '.join(kinds)}."
    raise CorrectionError(f"there is no control kind `{word}`{hint}")


def _unite(old: Sequence[Any], new: Iterable[Any]) -> list[Any]:
    return [*old, *(x for x in new if x not in old)]


def _new_id(base: str, taken: Iterable[str]) -> str:
    used = set(taken)
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-")[:70] or "fact"
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


def _names(ids: Sequence[str]) -> str:
    return ", ".join(f"`{i}`" for i in ids)


def _listing(facts: Sequence[tuple[FactKind, str]]) -> str:
    """E.g. "flows `f1`, `f2` and control `c1`" (kinds in order of first mention)."""
    groups: dict[FactKind, list[str]] = {}
    for kind, ident in facts:
        groups.setdefault(kind, []).append(ident)
    parts = [
        f"{NOUNS[kind]}{'' if len(ids) == 1 else 's'} {_names(ids)}" for kind, ids in groups.items()
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# -- the corrections ----------------------------------------------------------------------------


def set_capability(
    system: SystemModel,
    name: str,
    value: bool | None,
    evidence: Evidence,
    vocabulary: Iterable[str],
) -> Correction:
    """Settle a capability as present (True) or ruled out (False), or make it unknown (None).

    Overriding a capability replaces its evidence (the old words supported the other answer);
    confirming it adds the correction to what was there.

    Raises:
        CorrectionError: `name` is not a capability.
    """
    name = capability_name(name, vocabulary, system.capabilities)
    before = system.capabilities.get(name)
    said = {True: "on", False: "off", None: "unknown"}
    capabilities = dict(system.capabilities)
    evidence_of = dict(system.capability_evidence)
    if value is None:
        if before is None:
            return Correction(system, f"`{name}` was already unknown; nothing changed.")
        capabilities.pop(name)
        evidence_of.pop(name, None)
        text = f"`{name}` is now unknown (it was {said[before]})."
    elif before is value:
        evidence_of[name] = _unite(evidence_of.get(name, []), [evidence])
        text = f"Confirmed `{name}` {said[value]}."
    else:
        capabilities[name] = value
        evidence_of[name] = [evidence]
        text = f"Set `{name}` {said[value]} (it was {said[before]})."
    update = {"capabilities": capabilities, "capability_evidence": evidence_of}
    return Correction(system.model_copy(update=update), text)


def rename(system: SystemModel, fact_id: str, name: str, evidence: Evidence) -> Correction:
    """Give a component, asset, entry point or trust boundary a new name (its id stays).

    Raises:
        CorrectionError: Unknown id, no name given, or a fact that has no name.
    """
    kind, found = locate(system, fact_id)
    name = " ".join(name.split())
    if not name:
        raise CorrectionError(f"say the new name, e.g. /rename {found} New name")
    if kind not in _NAMED:
        raise CorrectionError(
            f"`{found}` is {_a(NOUNS[kind])}, which has no name; only components, assets, "
            "entry points and trust boundaries do"
        )
    items = _items(system, kind)
    old = next(x for x in items if x.id == found)
    if old.name == name:
        return Correction(system, f"`{found}` is already called “{name}”; nothing changed.")
    new = old.model_copy(update={"name": name, "evidence": _unite(old.evidence, [evidence])})
    updated = [new if x.id == found else x for x in items]
    said = f"Renamed {NOUNS[kind]} `{found}` from “{old.name}” to “{name}” (the id stays)."
    return Correction(system.model_copy(update={_FIELDS[kind]: updated}), said)


def _worse(a: Effect | None, b: Effect | None) -> Effect | None:
    order = list(Effect)  # worst first
    present = [e for e in (a, b) if e is not None]
    return min(present, key=order.index) if present else None


def merge(system: SystemModel, source: str, into: str, evidence: Evidence) -> Correction:
    """Merge component `source` into component `into`, rewiring every reference to it.

    Raises:
        CorrectionError: Unknown ids, ids of other facts, or a component merged into itself.
    """
    source, into = component_id(system, source), component_id(system, into)
    if source == into:
        raise CorrectionError(f"cannot merge `{source}` into itself")
    old = system.component(source)
    kept = system.component(into)
    assert old is not None and kept is not None  # component_id found them
    layers = [x for x in Layer if x in kept.layers or x in old.layers]
    merged = kept.model_copy(
        update={
            "layers": layers,
            "description": kept.description or old.description,
            "effect": _worse(kept.effect, old.effect),
            "hosting": kept.hosting or old.hosting,
            "evidence": _unite(_unite(kept.evidence, old.evidence), [evidence]),
        }
    )

    def swap(ids: Sequence[str]) -> list[str]:
        return list(dict.fromkeys(into if i == source else i for i in ids))

    flows: list[DataFlow] = []
    loops: list[str] = []
    rewired = 0
    for f in system.data_flows:
        if source not in (f.source, f.target):
            flows.append(f)
            continue
        ends = swap([f.source])[0], swap([f.target])[0]
        if ends[0] == ends[1]:
            loops.append(f.id)
            continue
        rewired += 1
        flows.append(f.model_copy(update={"source": ends[0], "target": ends[1]}))
    rewired += sum(source in c.applies_to for c in system.controls)
    rewired += sum(source in a.components for a in system.assets)
    rewired += sum(source in b.components for b in system.trust_boundaries)
    rewired += sum(e.target == source for e in system.entry_points)
    update = {
        "components": [merged if c.id == into else c for c in system.components if c.id != source],
        "data_flows": flows,
        "controls": [
            c.model_copy(update={"applies_to": swap(c.applies_to)}) for c in system.controls
        ],
        "assets": [a.model_copy(update={"components": swap(a.components)}) for a in system.assets],
        "trust_boundaries": [
            b.model_copy(update={"components": swap(b.components)}) for b in system.trust_boundaries
        ],
        "entry_points": [
            e.model_copy(update={"target": into}) if e.target == source else e
            for e in system.entry_points
        ],
    }
    said = f"Merged `{source}` into `{into}`"
    if rewired:
        which = "fact now refers" if rewired == 1 else "facts now refer"
        said += f"; {rewired} {which} to `{into}`"
    if loops:
        said += f"; dropped {'flow' if len(loops) == 1 else 'flows'} {_names(loops)}, which "
        said += f"would have run from `{into}` to itself"
    return Correction(system.model_copy(update=update), said + ".", tuple(loops))


def delete(system: SystemModel, fact_id: str) -> Correction:
    """Delete a fact; for a component, also every fact that referred only to it.

    Raises:
        CorrectionError: Unknown id.
    """
    kind, found = locate(system, fact_id)
    if kind == "entry-point":
        return _delete_entry_point(system, found)
    if kind != "component":
        items = [x for x in _items(system, kind) if x.id != found]
        said = f"Deleted {NOUNS[kind]} `{found}`."
        return Correction(system.model_copy(update={_FIELDS[kind]: items}), said)
    removed: list[tuple[FactKind, str]] = []
    narrowed = 0

    def without(kind: FactKind, field: str) -> list[Any]:
        nonlocal narrowed
        kept = []
        for item in _items(system, kind):
            refs: list[str] = getattr(item, field)
            if found not in refs:
                kept.append(item)
            elif len(refs) == 1:
                removed.append((kind, item.id))
            else:
                narrowed += 1
                kept.append(item.model_copy(update={field: [r for r in refs if r != found]}))
        return kept

    # An entry point read only by this component goes with it, and so do the flows from it.
    entries = [e.id for e in system.entry_points if e.target == found]
    ends = {found, *entries}
    flows = [f for f in system.data_flows if not ends & {f.source, f.target}]
    removed += [("flow", f.id) for f in system.data_flows if f not in flows]
    update = {
        "components": [c for c in system.components if c.id != found],
        "data_flows": flows,
        "controls": without("control", "applies_to"),
        "assets": without("asset", "components"),
        "trust_boundaries": without("boundary", "components"),
        "entry_points": [e for e in system.entry_points if e.id not in entries],
    }
    removed += [("entry-point", i) for i in entries]
    old = system.component(found)
    said = f"Deleted component `{found}`" + (f" ({old.name})" if old else "")
    if removed:
        said += f", with {_listing(removed)}, which referred only to it"
    if narrowed:
        which = "fact no longer refers" if narrowed == 1 else "facts no longer refer"
        said += f"; {narrowed} other {which} to it"
    return Correction(system.model_copy(update=update), said + ".", tuple(i for _, i in removed))


def _delete_entry_point(system: SystemModel, found: str) -> Correction:
    flows = [f for f in system.data_flows if found not in (f.source, f.target)]
    gone = [f.id for f in system.data_flows if f not in flows]
    entries = [e for e in system.entry_points if e.id != found]
    said = f"Deleted entry point `{found}`"
    if gone:
        said += f", with {_listing([('flow', i) for i in gone])} from it"
    update = {"entry_points": entries, "data_flows": flows}
    return Correction(system.model_copy(update=update), said + ".", tuple(gone))


def add_flow(
    system: SystemModel, source: str, target: str, description: str, evidence: Evidence
) -> Correction:
    """Record a data flow to a component, from another or from an entry point.

    The same flow again (same ends; the same description or none) is confirmed, not added.

    Raises:
        CorrectionError: Unknown ids, ids of other facts, or a flow from a component to itself.
    """
    source = component_id(system, source, entry_point=True)
    target = component_id(system, target)
    if source == target:
        raise CorrectionError("a flow needs two different ends")
    description = " ".join(description.split())
    same = next(
        (
            f
            for f in system.data_flows
            if (f.source, f.target) == (source, target)
            and (not description or description == f.description)
        ),
        None,
    )
    if same is not None:
        confirmed = same.model_copy(update={"evidence": _unite(same.evidence, [evidence])})
        flows = [confirmed if f.id == same.id else f for f in system.data_flows]
        said = f"Confirmed flow `{same.id}`: {source} -> {target}."
        return Correction(system.model_copy(update={"data_flows": flows}), said)
    flow = DataFlow(
        id=_new_id(f"{source}-to-{target}", fact_ids(system)),
        source=source,
        target=target,
        description=description,
        evidence=[evidence],
    )
    said = f"Added flow `{flow.id}`: {source} -> {target}" + (
        f" ({description})." if description else "."
    )
    return Correction(system.model_copy(update={"data_flows": [*system.data_flows, flow]}), said)


def set_control(
    system: SystemModel,
    kind: ControlKind,
    *,
    present: bool,
    targets: Sequence[str],
    evidence: Evidence,
    actor: str = "",
    scope: str = "",
) -> Correction:
    """Record a control as present or absent, on some components or system-wide (no targets).

    The same statement again (same kind, presence, components and scope) updates the control it
    repeats (its actor, its evidence). An unconditional statement (no scope) replaces the opposite
    statements about the same components, or all of them when it is system-wide; see the module
    docstring.

    Raises:
        CorrectionError: Unknown component ids.
    """
    targets = list(dict.fromkeys(component_id(system, t) for t in targets))
    actor, scope = " ".join(actor.split()), " ".join(scope.split())
    wanted = set(targets)
    controls: list[Control] = []
    replaced: list[str] = []
    narrowed: list[str] = []
    updated: Control | None = None
    for c in system.controls:
        if c.kind != kind:
            controls.append(c)
        elif (
            updated is None
            and c.present == present
            and set(c.applies_to) == wanted
            and scope == c.scope
        ):
            updated = c.model_copy(
                update={
                    "actor": actor or c.actor,
                    "scope": scope or c.scope,
                    "evidence": _unite(c.evidence, [evidence]),
                }
            )
            controls.append(updated)
        elif c.present == present or scope:
            controls.append(c)
        elif not targets:
            replaced.append(c.id)
        elif wanted & set(c.applies_to):
            rest = [t for t in c.applies_to if t not in wanted]
            if rest:
                narrowed.append(c.id)
                controls.append(c.model_copy(update={"applies_to": rest}))
            else:
                replaced.append(c.id)
        else:
            controls.append(c)
    what = ("" if present else "no ") + kind.value
    where = f" on {_names(targets)}" if targets else " system-wide"
    how = (f" by {actor}" if actor else "") + (f" ({scope})" if scope else "")
    if updated is not None:
        said = f"Updated control `{updated.id}`: {what}{where}{how}"
    else:
        base = f"{'' if present else 'no-'}{kind.value}" + (f"-{targets[0]}" if targets else "")
        new = Control(
            id=_new_id(base, fact_ids(system)),
            kind=kind,
            present=present,
            applies_to=targets,
            actor=actor,
            scope=scope,
            evidence=[evidence],
        )
        controls.append(new)
        said = f"Recorded control `{new.id}`: {what}{where}{how}"
    if replaced:
        said += f"; it replaces {_names(replaced)}"
    if narrowed:
        said += f"; {_names(narrowed)} no longer {'covers' if len(narrowed) == 1 else 'cover'}"
        said += f" {_names(targets)}"
    return Correction(system.model_copy(update={"controls": controls}), said + ".")


# -- the commands as typed ----------------------------------------------------------------------


def _usage(command: str) -> CorrectionError:
    return CorrectionError(f"usage: {USAGE[command]}")


def _set(system: SystemModel, rest: str, ev: Evidence, vocabulary: Sequence[str]) -> Correction:
    words = rest.split()
    if len(words) < 2:
        raise _usage("set")
    value = words[-1].casefold()
    if value not in _ON | _OFF | _UNKNOWN:
        raise CorrectionError(f"say on, off or unknown, e.g. /set {'-'.join(words[:-1])} off")
    state = True if value in _ON else False if value in _OFF else None
    return set_capability(system, " ".join(words[:-1]), state, ev, vocabulary)


def _rename(system: SystemModel, rest: str, ev: Evidence, _: Sequence[str]) -> Correction:
    ident, _sep, name = rest.partition(" ")
    if not ident or not name.strip():
        raise _usage("rename")
    return rename(system, ident, name, ev)


def _merge(system: SystemModel, rest: str, ev: Evidence, _: Sequence[str]) -> Correction:
    words = rest.split()
    if len(words) == 3 and words[1].casefold() == "into":
        words = [words[0], words[2]]
    if len(words) != 2:
        raise _usage("merge")
    return merge(system, words[0], words[1], ev)


def _delete(system: SystemModel, rest: str, ev: Evidence, _: Sequence[str]) -> Correction:
    words = rest.split()
    if len(words) != 1:
        raise _usage("delete")
    return delete(system, words[0])


def _flow(system: SystemModel, rest: str, ev: Evidence, _: Sequence[str]) -> Correction:
    match = _FLOW.match(rest.strip())
    if match is None:
        raise _usage("flow")
    return add_flow(system, match["source"], match["target"], match["what"] or "", ev)


def _control(system: SystemModel, rest: str, ev: Evidence, _: Sequence[str]) -> Correction:
    head, _colon, scope = rest.partition(":")
    words = head.split()
    if not words:
        raise _usage("control")
    kind = control_kind(words[0])
    present = True
    parts: dict[str, list[str]] = {"on": [], "by": []}
    mode: str | None = None
    for word in words[1:]:
        folded = word.casefold()
        if folded in ("on", "by"):
            mode = folded
        elif folded in _OFF and mode != "by":
            present = False
        elif mode is None:
            raise CorrectionError(f"unexpected `{word}`; usage: {USAGE['control']}")
        else:
            parts[mode].append(word)
    targets = [t for t in ",".join(parts["on"]).split(",") if t]
    if mode is not None and not parts[mode]:
        raise CorrectionError(f"say what comes after `{mode}`; usage: {USAGE['control']}")
    return set_control(
        system,
        kind,
        present=present,
        targets=targets,
        evidence=ev,
        actor=" ".join(parts["by"]),
        scope=scope,
    )


_PARSERS: dict[str, Callable[[SystemModel, str, Evidence, Sequence[str]], Correction]] = {
    "set": _set,
    "rename": _rename,
    "merge": _merge,
    "delete": _delete,
    "flow": _flow,
    "control": _control,
}


def apply_command(system: SystemModel, command: str, vocabulary: Iterable[str]) -> Correction:
    """Apply one correction command as typed, e.g. `/set code-execution off`.

    Args:
        system: The model to correct (not changed: the result holds the new one).
        command: The command with its slash; it becomes the evidence of what it records.
        vocabulary: The catalogue's capability names.

    Raises:
        CorrectionError: Not a correction command, malformed, or naming what is not there.
    """
    name, _, rest = command.strip().removeprefix("/").partition(" ")
    parser = _PARSERS.get(name.casefold())
    if parser is None:
        raise CorrectionError(f"`/{name}` is not a correction command")
    return parser(system, rest.strip(), correction_evidence(command), list(vocabulary))
