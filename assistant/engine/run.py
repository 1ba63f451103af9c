"""One analysis from a description to a validated threat model, on the engine chosen.

Shared by `maestro-tm analyze` and the MCP server's `analyze_system`, so the two run the same
steps: read the system (or take the system file's), then propose and validate findings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.engine.analyze import analyze, system_from_description

if TYPE_CHECKING:
    from assistant.knowledge import Catalogue
    from assistant.llm.config import LLMSettings
    from assistant.schema import SystemModel, ThreatModel


def run_engine(
    description: str,
    catalogue: Catalogue,
    engine: str,
    settings: LLMSettings | None,
    given: SystemModel | None,
    require: Callable[[SystemModel], SystemModel],
    progress: Callable[[str], None],
) -> ThreatModel:
    """Analyse a (redacted) description into a validated threat model.

    Args:
        description: The description, secrets already redacted.
        catalogue: The catalogue.
        engine: `rules`, `llm` or `hybrid`.
        settings: The model settings (unused by the rules engine).
        given: The system model of a system file, if the input was one.
        require: Checks that the system read from the description describes something,
            raising the caller's error when it does not.
        progress: Receives one line per step.
    """
    if engine == "rules":
        progress("engine: rules (offline, no model)")
        system = given or require(system_from_description(description))
        return analyze(description, catalogue, system=system, progress=progress)
    from assistant.engine.llm_mode import LLMExtractor, describe_usage, make_proposer
    from assistant.schema import Engine

    kind, proposer, model_name = make_proposer(Engine(engine), settings, progress=progress)
    progress(f"engine: {kind.value} ({model_name})")
    extractor = LLMExtractor(proposer.chat_model, catalogue, progress=progress)
    system = given or require(system_from_description(description, extractor))
    result = analyze(
        description,
        catalogue,
        engine=kind,
        proposer=proposer,
        system=system,
        model_name=model_name,
        progress=progress,
    )
    progress(describe_usage(proposer.usage + extractor.usage))
    return result
