"""One analysis for a tool call: the same steps as `maestro-tm analyze`, with notes, not stderr.

Input is redacted first (the one policy in `assistant.engine.secrets`); the engine is the rules
engine offline, or the configured model when one is set (hybrid keeps the rules as a net).
"""

from __future__ import annotations

from assistant.engine.analyze import trim
from assistant.engine.run import run_engine
from assistant.engine.secrets import redact_input
from assistant.errors import NothingDescribedError
from assistant.knowledge import default_catalogue
from assistant.llm import load_settings
from assistant.mcp_server.guidance import retriever
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
        notes.append(redacted.summary(opt_out=False))  # the server has no such flag
    chosen = _choose(engine)
    settings = None if chosen == "rules" else load_settings({})

    def require(system: SystemModel) -> SystemModel:
        _require_something(system)
        return system

    # The server's own retriever, kept warm between calls, gives the passages findings cite.
    run = run_engine(
        description, catalogue, chosen, settings, given, require, notes.append, retriever
    )
    if run.stopped is not None:  # a budget ran out: what was validated is still the answer
        notes.append(f"stopped early: {run.stopped.message}")
    return run.result


def _choose(engine: str) -> str:
    if engine != "auto":
        return engine
    return "hybrid" if load_settings({}).model else "rules"


def _require_something(system: SystemModel) -> None:
    if not system.components and not system.capabilities:
        raise NothingDescribedError(
            "nothing in the input describes a system: name its agents, models, tools, data "
            "stores or users (or give a system file)"
        )
