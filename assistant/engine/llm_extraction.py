"""Model-backed extraction: a user message read into a system-model delta, grounded and merged.

Every fact the model returns must quote the user's words (`assistant.engine.grounding` checks the
quotes); the deterministic reading fills what the model left out.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from assistant.engine.analyze import Progress
from assistant.engine.extract import extract
from assistant.engine.grounding import (
    Dropped,
    capability_question,
    ground,
    repair_problems,
    sources_for,
    summary,
)
from assistant.engine.stops import stop_reason
from assistant.errors import BudgetExceededError, OutputValidationError, ProviderError
from assistant.knowledge.catalogue import Catalogue
from assistant.llm.base import ChatModel, Usage
from assistant.llm.prompts import RenderedPrompt, load_prompt
from assistant.llm.structured import extract_json
from assistant.schema import (
    LAYER_NAMES,
    Asset,
    Component,
    Control,
    DataFlow,
    EntryPoint,
    Evidence,
    EvidenceKind,
    Layer,
    SystemDelta,
    SystemModel,
    TrustBoundary,
)

FactT = TypeVar("FactT", Control, EntryPoint, Asset, DataFlow, TrustBoundary)


def _json(model: BaseModel) -> str:
    return model.model_dump_json(exclude_defaults=True)


def _render(name: str, **values: str) -> RenderedPrompt:
    return load_prompt(name).render(**values)


class LLMExtractor:
    """Reads a user message into a system-model delta with the model, grounded and merged.

    Every fact the model returns must quote the user's words; `assistant.engine.grounding`
    checks the quotes against the text before anything is merged, drops what they do not
    support, and says so through `progress` (the last run's drops are in `last_dropped`).
    A reply none of whose facts is grounded is sent back once with the quotes that were not
    found, within the gateway's repair budget.

    The deterministic extractor runs too: the model's reading wins where both speak, the rules
    fill what the model left out (a negation it missed, a product it did not list).

    Args:
        chat_model: The gateway model.
        catalogue: Supplies the capability vocabulary (default: the bundled catalogue).
        progress: Receives one line per extraction that dropped facts, and salvage warnings.
    """

    def __init__(
        self,
        chat_model: ChatModel,
        catalogue: Catalogue | None = None,
        progress: Progress | None = None,
    ) -> None:
        from assistant.knowledge import default_catalogue

        self.chat_model = chat_model
        self.catalogue = catalogue or default_catalogue()
        self.progress: Progress = progress or (lambda _: None)
        self.usage = Usage()
        self.last_dropped: tuple[Dropped, ...] = ()
        """What grounding dropped from the last extraction."""
        self.cancel: threading.Event | None = None
        """Set to stop an extraction: passed to the model call (Esc in the chat)."""
        self.stopped: BudgetExceededError | ProviderError | None = None
        """The budget or provider error that stopped an extraction (the rules' reading stood
        in)."""

    def extract(
        self, text: str, system: SystemModel, question: str = "", question_id: str = ""
    ) -> SystemDelta:
        """What `text` (an answer to `question`, if any) says about the system.

        Quotes are looked for in `text` and in `system.description`; when the description is
        empty, `text` is taken to be the description (quote offsets then point into it).
        """
        vocabulary = self.catalogue.capabilities
        sources = sources_for(text, system.description, question_id, is_answer=bool(question))
        known = system.component_ids()
        prompt = _render(
            "extract",
            system_model=_json(system),
            question=question,
            message=text,
            evidence=_evidence_instruction(
                sources[0].kind if sources else EvidenceKind.QUOTE, question_id
            ),
            capabilities="\n".join(f"- {k}: {v}" for k, v in vocabulary.items()),
            layers="\n".join(
                f"- {layer.value}: {name}"
                for layer, name in LAYER_NAMES.items()
                if layer != Layer.CL
            ),
        )
        reasked = False

        def check(delta: SystemDelta) -> list[str]:
            nonlocal reasked
            unknown = sorted(set(delta.capabilities) - set(vocabulary))
            problems = [
                f"capabilities: unknown capability {c}; use only the listed names" for c in unknown
            ]
            if not reasked:
                grounded = ground(delta, sources, known_components=known, capabilities=vocabulary)
                if grounded.nothing_grounded:
                    reasked = True  # once: a model that cannot quote will not learn on a third try
                    problems += repair_problems(grounded)
            return problems

        try:
            delta, usage = self.chat_model.complete(
                prompt.messages, SystemDelta, check=check, cancel=self.cancel
            )
        except (BudgetExceededError, ProviderError) as exc:
            self.stopped = exc
            self.progress(f"{stop_reason(exc)} during extraction: using the rules' reading")
            delta = SystemDelta()
        except OutputValidationError as exc:
            self.usage += exc.usage if isinstance(exc.usage, Usage) else Usage()
            delta = _salvage_delta(exc)
            self.progress(
                "warning: extract: no fully valid reply after repairs; keeping what is grounded"
            )
        else:
            self.usage += usage
        grounded = ground(delta, sources, known_components=known, capabilities=vocabulary)
        self.last_dropped = grounded.dropped
        if grounded.dropped:
            self.progress(f"extraction: {summary(grounded.dropped)}")
        return _with_rules(grounded.delta, extract(text), system, vocabulary)


def _evidence_instruction(kind: EvidenceKind, question_id: str) -> str:
    """How the prompt asks for evidence, by where the message's words are recorded."""
    if kind == EvidenceKind.ANSWER:
        return (
            f'{{"kind": "answer", "question_id": "{question_id or "unidentified"}", '
            '"quote": "<words of the user\'s message>"}, or for words of the current '
            'model\'s description {"kind": "quote", "quote": "<its words>"}.'
        )
    return '{"kind": "quote", "quote": "<words of the user\'s message>"}.'


def _salvage_delta(exc: OutputValidationError) -> SystemDelta:
    """The last reply as a delta (grounding will clean it), or the error when it is not one."""
    try:
        return SystemDelta.model_validate(extract_json(exc.last_output))
    except (ValueError, ValidationError):
        raise exc from None


def _with_rules(
    delta: SystemDelta, rules: SystemDelta, system: SystemModel, vocabulary: Mapping[str, str]
) -> SystemDelta:
    """The grounded model delta merged with the rules' reading by evidence, never over it.

    Both readings are grounded in the user's words by now. Where they agree, or only one
    speaks, the fact is kept; a capability they settle differently keeps the rules' value and
    becomes an open question. Rules components stay unless the model's reading has the same id
    or names it (same kind, its name among the model's words): never by its kind alone. Open
    questions grounding recorded for a capability that is now settled (by the rules here, or
    earlier in the system model) are resolved rather than asked.
    """
    capabilities, evidence, conflicts = _merge_capabilities(delta, rules, vocabulary)
    settled = set(capabilities) | set(system.capabilities)
    stale = {capability_question(n, vocabulary.get(n, "")) for n in settled}
    # A rules component the model read under another id is known by the model's id from here.
    renamed = {r.id: m.id for r in rules.components for m in delta.components if _same(r, m)}
    rules = _renamed(rules, renamed)
    return delta.model_copy(
        update={
            "capabilities": capabilities,
            "capability_evidence": evidence,
            "components": delta.components + [c for c in rules.components if c.id not in renamed],
            # The rules' other facts stay unless the model states the same one: silence in
            # a reply takes nothing away (an entry point the model did not mention is still
            # there, and still makes findings specific).
            "controls": _beside(delta.controls, rules.controls),
            "entry_points": _beside(delta.entry_points, rules.entry_points),
            "assets": _beside(delta.assets, rules.assets),
            "data_flows": _beside(delta.data_flows, rules.data_flows),
            "trust_boundaries": _beside(delta.trust_boundaries, rules.trust_boundaries),
            "agentic_factors": delta.agentic_factors
            + [f for f in rules.agentic_factors if f not in delta.agentic_factors],
            "unknowns": [u for u in delta.unknowns if u not in stale] + conflicts,
            "resolved": delta.resolved
            + [u for u in system.unknowns if u in stale and u not in delta.resolved],
        }
    )


def _beside(model: list[FactT], rules: list[FactT]) -> list[FactT]:
    """The model's facts, then the rules' facts of an id the model did not state."""
    stated = {f.id for f in model}
    return model + [f for f in rules if f.id not in stated]


def _renamed(rules: SystemDelta, renamed: Mapping[str, str]) -> SystemDelta:
    """The rules' reading with component ids the model read under other ids replaced."""
    if not renamed:
        return rules

    def ids(items: list[str]) -> list[str]:
        return list(dict.fromkeys(renamed.get(i, i) for i in items))

    return rules.model_copy(
        update={
            "data_flows": [
                f.model_copy(
                    update={
                        "source": renamed.get(f.source, f.source),
                        "target": renamed.get(f.target, f.target),
                    }
                )
                for f in rules.data_flows
            ],
            "entry_points": [
                e.model_copy(update={"target": renamed.get(e.target, e.target)})
                for e in rules.entry_points
            ],
            "controls": [
                c.model_copy(update={"applies_to": ids(c.applies_to)}) for c in rules.controls
            ],
            "assets": [
                a.model_copy(update={"components": ids(a.components)}) for a in rules.assets
            ],
            "trust_boundaries": [
                b.model_copy(update={"components": ids(b.components)})
                for b in rules.trust_boundaries
            ],
        }
    )


def _merge_capabilities(
    delta: SystemDelta, rules: SystemDelta, vocabulary: Mapping[str, str]
) -> tuple[dict[str, bool], dict[str, list[Evidence]], list[str]]:
    """Capabilities by evidence: the rules' value stands in a conflict, which is asked about."""
    capabilities = dict(rules.capabilities)
    evidence = {n: list(rules.capability_evidence.get(n, [])) for n in capabilities}
    conflicts: list[str] = []
    for name, value in delta.capabilities.items():
        found = delta.capability_evidence.get(name, [])
        if name not in capabilities or (capabilities[name] == value and not evidence[name]):
            capabilities[name], evidence[name] = value, list(found)
        elif capabilities[name] != value:
            meaning = vocabulary.get(name, name)
            said = "; ".join(f'"{e.quote}"' for e in (found + evidence[name])[:2])
            conflicts.append(
                f"Is this so: {meaning[:1].lower()}{meaning[1:].rstrip('.')}? ({name}: the "
                f"model and the rules read the description differently: {said})"
            )
    return capabilities, {n: e for n, e in evidence.items() if e}, conflicts


def _same(rules: Component, model: Component) -> bool:
    """Whether a rules component is one the model read too.

    The same id, or the same kind with the rules component's name among the model component's
    own words (its name or a quote).
    """
    if rules.id == model.id:
        return True
    name = " ".join(rules.name.split()).casefold()
    words = [model.name, *(e.quote for e in model.evidence)]
    return rules.kind == model.kind and any(name in " ".join(w.split()).casefold() for w in words)
