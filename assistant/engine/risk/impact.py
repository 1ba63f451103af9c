"""Impact: what is at stake when the threat is realised, how reversible it is, who approves.

Impact is the worst of the threat's harms (see `profiles.Harm`), each judged on its stakes:

- actions: each side-effecting tool in scope sets a level from its effect (actuation, money,
  code execution and access changes high; writing data medium; sending messages and reading
  low); an action that cannot be undone (actuation, payments, sent messages) adds a step; no
  human approval on the tool adds a step and approval takes one off; approval that covers only
  some cases holds. Money or physical actuation named as an asset, with no tool that has that
  effect, stands in for the tool. The worst tool sets the harm.
- code: a tool that runs code (or the code-execution capability) sets high, with approval as
  above; with neither, the actions harm stands in.
- data: the most sensitive asset in scope (PHI critical, credentials high, PII, confidential
  data and source code medium); a finding about the component that holds the asset adds a step.
  With no asset, the sensitive-data capability sets medium, or low when ruled out.
- oversight: the approved actions, without the approval discount (approval is what is defeated).
- accountability: one step below the actions harm (the actions are untraced, not done).
- availability: medium (disruption is reversible).

A harm whose stakes are unknown counts as medium and the rationale names what is not known.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.engine.risk.model import Axis, FactKind, Factor, Move
from assistant.engine.risk.profiles import Harm, Profile
from assistant.engine.risk.scope import Scope
from assistant.schema import (
    Asset,
    Component,
    Control,
    ControlKind,
    DataClass,
    Effect,
    Evidence,
    Impact,
    SystemModel,
)

LEVELS = list(Impact)
LOW, MEDIUM, HIGH, CRITICAL = 0, 1, 2, 3

EFFECT_LEVEL = {
    Effect.ACTUATES: HIGH,
    Effect.MOVES_MONEY: HIGH,
    Effect.EXECUTES_CODE: HIGH,
    Effect.CHANGES_ACCESS: HIGH,
    Effect.WRITES_DATA: MEDIUM,
    Effect.SENDS_MESSAGES: LOW,
    Effect.READS_DATA: LOW,
}
EFFECT_WORDS = {
    Effect.ACTUATES: "acts on the physical world",
    Effect.MOVES_MONEY: "moves money",
    Effect.EXECUTES_CODE: "runs code",
    Effect.CHANGES_ACCESS: "changes access rights",
    Effect.WRITES_DATA: "writes data",
    Effect.SENDS_MESSAGES: "sends messages to people",
    Effect.READS_DATA: "only reads data",
}
IRREVERSIBLE = {
    Effect.ACTUATES: "a physical action cannot be undone",
    Effect.MOVES_MONEY: "a payment cannot be undone",
    Effect.SENDS_MESSAGES: "a sent message cannot be recalled",
}
# Assets that stand for an action when no tool in scope is known to have the matching effect.
ACTION_ASSETS = {
    DataClass.MONEY: Effect.MOVES_MONEY,
    DataClass.PHYSICAL_ACTUATION: Effect.ACTUATES,
}
DATA_LEVEL = {
    DataClass.PHI: (CRITICAL, "special-category health data"),
    DataClass.CREDENTIALS: (HIGH, "they open other systems"),
    DataClass.PII: (MEDIUM, "personal data"),
    DataClass.CONFIDENTIAL: (MEDIUM, "confidential data"),
    DataClass.SOURCE_CODE: (MEDIUM, "source code"),
}


@dataclass(frozen=True)
class Stake:
    """One thing at stake and the level it sets, with the factors that set it."""

    level: int
    factors: tuple[Factor, ...]
    base: int = 0
    """The level before reversibility and approval: breaks ties toward the graver effect."""


@dataclass(frozen=True)
class Judged:
    """A harm's verdict: its worst stake, or what is unknown about it."""

    stake: Stake | None
    unknown: tuple[Factor, ...] = ()


def impact(profile: Profile, scope: Scope, system: SystemModel) -> tuple[Impact, list[Factor]]:
    """The finding's impact and the factors that set it."""
    judges: dict[Harm, Callable[[Scope, SystemModel], Judged]] = {
        Harm.ACTIONS: _actions,
        Harm.CODE: _code,
        Harm.DATA: _data,
        Harm.OVERSIGHT: _oversight,
        Harm.ACCOUNTABILITY: _accountability,
        Harm.AVAILABILITY: _availability,
    }
    judged = [judges[harm](scope, system) for harm in profile.harms]
    known = [j.stake for j in judged if j.stake is not None]
    unknown = [f for j in judged if j.stake is None for f in j.unknown]
    worst = max(known, key=lambda s: s.level, default=None)  # first of equals: profile order
    if worst is None or (unknown and worst.level < MEDIUM):
        # Something at stake is not known: medium until the user says what it is.
        return Impact.MEDIUM, unknown
    return LEVELS[worst.level], [*worst.factors, *unknown]


# --- actions -------------------------------------------------------------------------------


def _actions(scope: Scope, system: SystemModel) -> Judged:
    stakes = [
        _tool_stake(tool, tool.effect, system) for tool in scope.tools if tool.effect is not None
    ]
    # An asset stands for a tool only when no tool anywhere is known to have that effect.
    effects = {c.effect for c in system.components}
    for asset in _in_scope(system.assets, scope):
        effect = ACTION_ASSETS.get(asset.data_class)
        if effect is not None and effect not in effects:
            stakes.append(_asset_action_stake(asset, effect, system))
    if stakes:
        return Judged(_worst(stakes))
    # "No tools" is believed unless a tool with a known side effect is described: a stated
    # effect outweighs it (a source the agent reads may be described as an API, too).
    if system.capabilities.get("tools") is False and not any(
        c.effect is not None for c in system.components
    ):
        return Judged(
            Stake(
                LOW,
                (
                    Factor(
                        axis=Axis.IMPACT,
                        move=Move.SETS,
                        level=LEVELS[LOW].value,
                        reason="the agent has no tools, so it can only answer",
                        fact_kind=FactKind.CAPABILITY,
                        fact_id="tools",
                        evidence=_first(system.capability_evidence.get("tools", [])),
                    ),
                ),
            )
        )
    unnamed = [t.name for t in scope.tools]
    what = f"what {_listing(unnamed)} can do" if unnamed else f"what {scope.where()} can act on"
    return Judged(None, (_unknown(what),))


def _tool_stake(
    tool: Component, effect: Effect, system: SystemModel, discount: bool = True
) -> Stake:
    factors = [
        _sets(effect, f"{tool.name} {EFFECT_WORDS[effect]}", FactKind.COMPONENT, tool.id, tool)
    ]
    if effect in IRREVERSIBLE:
        factors.append(_raise(IRREVERSIBLE[effect], FactKind.COMPONENT, tool.id))
    if effect != Effect.READS_DATA:
        factors += _approval(tool.name, [tool.id], system, discount)
    base = EFFECT_LEVEL[effect]
    return Stake(_level(base, factors), tuple(factors), base)


def _sets(
    effect: Effect, reason: str, kind: FactKind, fact_id: str, fact: Component | Asset
) -> Factor:
    """The factor that sets impact from what an action does to the world."""
    return Factor(
        axis=Axis.IMPACT,
        move=Move.SETS,
        level=LEVELS[EFFECT_LEVEL[effect]].value,
        reason=reason,
        fact_kind=kind,
        fact_id=fact_id,
        evidence=_first(fact.evidence),
    )


def _asset_action_stake(asset: Asset, effect: Effect, system: SystemModel) -> Stake:
    factors = [
        _sets(
            effect,
            f"the system {EFFECT_WORDS[effect]} ({asset.name})",
            FactKind.ASSET,
            asset.id,
            asset,
        ),
        _raise(IRREVERSIBLE[effect], FactKind.ASSET, asset.id),
        *_approval(asset.name, asset.components, system, True, f"actions on {asset.name}"),
    ]
    base = EFFECT_LEVEL[effect]
    return Stake(_level(base, factors), tuple(factors), base)


def approval_controls(system: SystemModel, component_ids: Sequence[str]) -> list[Control]:
    """The human-approval controls that decide for these components.

    For each, `SystemModel.approvals_for` (the rule the exports use too); for none (an asset tied
    to no component), the controls that name no component.
    """
    if not component_ids:
        return [
            c for c in system.controls if c.kind == ControlKind.HUMAN_APPROVAL and not c.applies_to
        ]
    found = [c for i in component_ids for c in system.approvals_for(i)]
    return list({c.id: c for c in found}.values())


def _approval(
    name: str, ids: Sequence[str], system: SystemModel, discount: bool, what: str = ""
) -> list[Factor]:
    """Approval's step for a stake acting through `ids` (`what`: the actions, for unknowns)."""
    deciding = approval_controls(system, ids)
    present = [c for c in deciding if c.present]
    absent = [c for c in deciding if not c.present]
    if not deciding:
        return [_unknown(f"whether a person approves {what or f'what {name} does'}")]
    if present and absent:
        return [
            Factor(
                axis=Axis.IMPACT,
                move=Move.HOLDS,
                reason=f"a person approves {name} only in some cases; the rest goes through "
                "automatically",
                fact_kind=FactKind.CONTROL,
                fact_id=absent[0].id,
                evidence=_first(absent[0].evidence),
            )
        ]
    if absent:
        return [
            Factor(
                axis=Axis.IMPACT,
                move=Move.RAISES,
                steps=1,
                reason=f"{name} acts with no human approval",
                fact_kind=FactKind.CONTROL,
                fact_id=absent[0].id,
                evidence=_first(absent[0].evidence),
            )
        ]
    control = present[0]
    who = control.actor or "a person"
    quoted = {_squash(e.quote) for e in control.evidence}
    if control.scope and _squash(control.scope) not in quoted and len(control.scope) <= 60:
        name = f"{name} ({_squash(control.scope)})"
    if not discount:
        return [
            Factor(
                axis=Axis.IMPACT,
                move=Move.HOLDS,
                reason=f"{who} approves {name}, but approval is what this threat defeats",
                fact_kind=FactKind.CONTROL,
                fact_id=control.id,
                evidence=_first(control.evidence),
            )
        ]
    return [
        Factor(
            axis=Axis.IMPACT,
            move=Move.LOWERS,
            steps=1,
            reason=f"{who} approves {name}",
            fact_kind=FactKind.CONTROL,
            fact_id=control.id,
            evidence=_first(control.evidence),
        )
    ]


# --- code, data, oversight, accountability, availability -----------------------------------


def _code(scope: Scope, system: SystemModel) -> Judged:
    runners = [
        t
        for t in scope.tools
        if t.effect == Effect.EXECUTES_CODE or (t.effect is None and t.kind == "code-runner")
    ]
    if runners:
        stakes = [_tool_stake(t, Effect.EXECUTES_CODE, system) for t in runners]
        return Judged(_worst(stakes))
    if system.capabilities.get("code-execution"):
        factor = Factor(
            axis=Axis.IMPACT,
            move=Move.SETS,
            level=LEVELS[HIGH].value,
            reason="the agent runs code it writes",
            fact_kind=FactKind.CAPABILITY,
            fact_id="code-execution",
            evidence=_first(system.capability_evidence.get("code-execution", [])),
        )
        return Judged(Stake(HIGH, (factor,)))
    return _actions(scope, system)


def _data(scope: Scope, system: SystemModel) -> Judged:
    stakes: list[Stake] = []
    concerned = {c.id for c in scope.concerned}
    for asset in _in_scope(system.assets, scope):
        if asset.data_class not in DATA_LEVEL:
            continue
        base, words = DATA_LEVEL[asset.data_class]
        factors = [
            Factor(
                axis=Axis.IMPACT,
                move=Move.SETS,
                level=LEVELS[base].value,
                reason=f"{asset.name} at stake ({words})",
                fact_kind=FactKind.ASSET,
                fact_id=asset.id,
                evidence=_first(asset.evidence),
            )
        ]
        holders = [c.name for c in scope.concerned if c.id in set(asset.components) & concerned]
        if holders:
            factors.append(
                _raise(
                    f"the finding is about {holders[0]}, which holds it", FactKind.ASSET, asset.id
                )
            )
        stakes.append(Stake(_level(base, factors), tuple(factors), base))
    if stakes:
        return Judged(_worst(stakes))
    sensitive = system.capabilities.get("sensitive-data")
    if sensitive is None:
        return Judged(None, (_unknown("what data it holds"),))
    level = MEDIUM if sensitive else LOW
    factor = Factor(
        axis=Axis.IMPACT,
        move=Move.SETS,
        level=LEVELS[level].value,
        reason="the system handles sensitive data"
        if sensitive
        else "the system handles no sensitive data",
        fact_kind=FactKind.CAPABILITY,
        fact_id="sensitive-data",
        evidence=_first(system.capability_evidence.get("sensitive-data", [])),
    )
    return Judged(Stake(level, (factor,)))


def _oversight(scope: Scope, system: SystemModel) -> Judged:
    approved = [
        (t, t.effect)
        for t in scope.tools
        if t.effect is not None
        and t.effect != Effect.READS_DATA
        and any(c.present for c in approval_controls(system, [t.id]))
    ]
    if not approved:
        return _actions(scope, system)
    stakes = [_tool_stake(t, effect, system, discount=False) for t, effect in approved]
    return Judged(_worst(stakes))


def _accountability(scope: Scope, system: SystemModel) -> Judged:
    actions = _actions(scope, system)
    if actions.stake is None:
        return actions
    factor = Factor(
        axis=Axis.IMPACT,
        move=Move.LOWERS,
        steps=1,
        reason="the harm is that these actions go untraced, one step below doing them",
    )
    factors = (*actions.stake.factors, factor)
    return Judged(Stake(max(actions.stake.level - 1, LOW), factors))


def _availability(scope: Scope, system: SystemModel) -> Judged:
    factor = Factor(
        axis=Axis.IMPACT,
        move=Move.SETS,
        level=LEVELS[MEDIUM].value,
        reason=f"disruption of {scope.where()} is reversible",
    )
    return Judged(Stake(MEDIUM, (factor,)))


# --- helpers --------------------------------------------------------------------------------


def _worst(stakes: Sequence[Stake]) -> Stake:
    """The highest stake, ties broken toward the best known, then the gravest effect.

    Fewest unknowns first, then the higher base (a refund approved outranks a message sent
    unreviewed at the same level), then the first in system-model order.
    """
    return max(
        stakes,
        key=lambda s: (s.level, -sum(f.move == Move.UNKNOWN for f in s.factors), s.base),
    )


def _in_scope(assets: list[Asset], scope: Scope) -> list[Asset]:
    """Assets tied to nothing (the system's) or to a component in the finding's scope."""
    ids = scope.ids()
    return [a for a in assets if not a.components or set(a.components) & ids]


def _level(base: int, factors: Sequence[Factor]) -> int:
    steps = sum(
        f.steps if f.move == Move.RAISES else -f.steps
        for f in factors
        if f.move in (Move.RAISES, Move.LOWERS)
    )
    return min(max(base + steps, LOW), CRITICAL)


def _raise(reason: str, kind: FactKind, fact_id: str) -> Factor:
    return Factor(
        axis=Axis.IMPACT,
        move=Move.RAISES,
        steps=1,
        reason=reason,
        fact_kind=kind,
        fact_id=fact_id,
    )


def _unknown(what: str) -> Factor:
    return Factor(axis=Axis.IMPACT, move=Move.UNKNOWN, reason=what)


def _listing(names: list[str]) -> str:
    if len(names) > 3:
        return ", ".join(names[:3]) + f" and {len(names) - 3} more"
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _first(evidence: list[Evidence]) -> Evidence | None:
    return evidence[0] if evidence else None
