"""One analysis for a tool call: the same steps as `maestro-tm analyze`, with notes, not stderr.

Input is redacted first (the one policy in `assistant.engine.secrets`); the engine is the rules
engine offline, or the configured model when one is set (hybrid keeps the rules as a net).
"""

from __future__ import annotations

from assistant.engine.analyze import analyze, system_from_description, trim
from assistant.engine.secrets import redact_input
from assistant.errors import NothingDescribedError
from assistant.knowledge import default_catalogue
from assistant.schema import SystemModel, ThreatModel

ENGINES = ("auto", "rules", "llm", "hybrid")


def run_analysis(
    description: str, given: SystemModel | None, engine: str, notes: list[str]
) -> ThreatModel:
    """Analyse a description (or a system file's model) into a validated threat model.

    Args:
        description: Prose, or the system file's own description when `given` is set.
        given: The system model of a system file, if the input was one.
        engine: `auto` (hybrid when a model is configured, else rules), `rules`, `llm`, `hybrid`.
        notes: Receives the progress lines the CLI would print to stderr.

    Raises:
        NothingDescribedError: The input describes no system.
    """
    catalogue = default_catalogue()
    description = trim(description, notes.append)
    redacted = redact_input(description, given)
    description, given = redacted.description, redacted.system
    if redacted.redactions:
        notes.append(redacted.summary().replace(" (use --keep-secrets to keep them)", ""))
    chosen = _choose(engine)
    if chosen == "rules":
        system = given or system_from_description(description)
        _require_something(system)
        return analyze(description, catalogue, system=system, progress=notes.append)
    from assistant.engine.llm_mode import LLMExtractor, describe_usage, make_proposer
    from assistant.schema import Engine

    kind, proposer, model_name = make_proposer(Engine(chosen), None, None, progress=notes.append)
    extractor = LLMExtractor(proposer.chat_model, catalogue, progress=notes.append)
    system = given or system_from_description(description, extractor)
    _require_something(system)
    result = analyze(
        description,
        catalogue,
        engine=kind,
        proposer=proposer,
        system=system,
        model_name=model_name,
        progress=notes.append,
    )
    notes.append(describe_usage(proposer.usage + extractor.usage))
    return result


def _choose(engine: str) -> str:
    if engine != "auto":
        return engine
    from assistant.llm import load_settings

    return "hybrid" if load_settings({}).model else "rules"


def _require_something(system: SystemModel) -> None:
    if not system.components and not system.capabilities:
        raise NothingDescribedError(
            "nothing in the input describes a system: name its agents, models, tools, data "
            "stores or users (or give a system file)"
        )
