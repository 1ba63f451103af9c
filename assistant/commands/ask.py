"""`maestro-tm ask`: a smoke test of the model gateway with one threat-modelling question."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from pydantic import BaseModel, ConfigDict

from assistant.schema import Layer


class AskAnswer(BaseModel):
    """A short structured answer to a threat-modelling question."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    answer: str
    """The answer in a few sentences."""
    layers: list[Layer] = []
    """The MAESTRO layers the answer concerns (L1..L7, or CL for cross-layer)."""
    threat_ids: list[str] = []
    """Catalogue ids of the threats involved, e.g. T2 or T6."""


def _unknown_threats(answer: AskAnswer) -> list[str]:
    # The catalogue is the source of truth: an id it does not know goes back to the model.
    from assistant.knowledge import default_catalogue

    catalogue = default_catalogue()
    return [
        f"threat_ids: {tid!r} is not a threat in the catalogue; use ids such as T1..T17"
        for tid in answer.threat_ids
        if catalogue.threat(tid) is None
    ]


@click.command("ask")
@click.argument("question")
@click.option(
    "--model", "-m", help="litellm model string, e.g. openai/gpt-4o-mini or ollama/llama3."
)
@click.option(
    "--api-base", help="Endpoint URL (a LiteLLM proxy or any OpenAI-compatible /v1 server)."
)
@click.option(
    "--stream/--no-stream", default=True, show_default=True, help="Print the answer as it arrives."
)
@click.option(
    "--max-tokens",
    type=click.IntRange(min=1),
    help="Stop after this many tokens (prompt + completion).",
)
@click.option(
    "--max-cost",
    type=click.FloatRange(min=0, min_open=True),
    help="Stop before spending more than this many US dollars.",
)
@click.option(
    "--local-only",
    is_flag=True,
    default=False,
    help="Refuse any endpoint that is not this machine.",
)
@click.option("--json", "as_json", is_flag=True, help="Ask for a structured answer and print JSON.")
def ask(
    question: str,
    model: str | None,
    api_base: str | None,
    stream: bool,
    max_tokens: int | None,
    max_cost: float | None,
    local_only: bool,
    as_json: bool,
) -> None:
    """Ask the configured model one question about threat modelling (QUESTION "-" reads stdin).

    Secrets in the question are redacted before anything is sent; the redactions are listed on
    stderr. Exit 0 on success, 2 on bad settings, 3 when a budget cap stops the answer, 1 when
    the model fails.
    """
    from assistant.llm import LiteLLMChatModel, load_prompt, load_settings
    from assistant.llm.redact import describe

    if question == "-":
        from assistant.files import read_stdin_text

        question = read_stdin_text()
    flags = {
        "model": model,
        "api_base": api_base,
        "max_tokens": max_tokens,
        "max_cost": max_cost,
        "local_only": True if local_only else None,
    }
    chat = LiteLLMChatModel(load_settings(flags))
    prompt = load_prompt("ask").render(question=question)
    # Redact up front (the session keeps the same placeholders) so the user sees what is
    # withheld before anything is sent.
    for message in prompt.messages:
        chat.session.redactor.redact(message.content)
    if chat.redactions:
        click.echo(describe(chat.redactions), err=True)

    if as_json:
        parsed, usage = chat.complete(
            prompt.messages, AskAnswer, check=_unknown_threats, allow_clarification=True
        )
        key = "answer" if isinstance(parsed, AskAnswer) else "needs_clarification"
        out: dict[str, Any] = {
            key: parsed.model_dump(mode="json"),
            "model": chat.model,
            "prompt": {"id": prompt.prompt_id, "version": prompt.prompt_version},
            "usage": usage.model_dump(),
            "redactions": [r.model_dump() for r in chat.redactions],
        }
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return

    from assistant.errors import BudgetExceededError
    from assistant.safe_text import clean  # a model's reply is data: no terminal control

    if stream:
        chunks = chat.stream(prompt.messages)
        shown = False
        try:
            for text in chunks:
                click.echo(clean(text), nl=False)
                sys.stdout.flush()
                shown = True
        finally:
            if shown:
                click.echo()  # end the line, also before an error message
        reply = chunks.reply
    else:
        try:
            reply = chat.chat(prompt.messages)
        except BudgetExceededError as exc:
            if exc.partial:
                click.echo(clean(exc.partial))
            raise
        click.echo(clean(reply.text))
    assert reply is not None
    click.echo(f"{reply.model}: {chat.usage.summary()}", err=True)
