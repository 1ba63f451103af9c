"""`maestro-tm chat` (the terminal assistant) and `maestro-tm sessions` (saved chats)."""

from __future__ import annotations

import click

from assistant.commands.common import limit_flags, model_limit_options


@click.command("chat")
@click.option(
    "--model",
    "-m",
    help="litellm model string, e.g. openai/gpt-4o-mini or ollama/llama3 (default: "
    "MAESTRO_TM_MODEL or the config file; none means the offline rules engine).",
)
@click.option("--api-base", help="Endpoint URL (a LiteLLM proxy or any OpenAI-compatible server).")
@click.option(
    "--resume",
    "resume",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[ID]",
    help="Continue a saved session: an id, a unique prefix, or nothing for the most recent.",
)
@click.option("--no-guidance", is_flag=True, help="Do not search the guidance index.")
@model_limit_options
def chat_command(
    model: str | None,
    api_base: str | None,
    resume: str | None,
    no_guidance: bool,
    max_tokens: int | None,
    max_cost: float | None,
    local_only: bool,
) -> None:
    """Open the terminal assistant: describe a system, answer questions, review findings.

    Works offline with no model configured (the rules engine). Every message, system-model
    change, finding and review decision is saved as you go under the user data directory.
    """
    from assistant.llm.config import load_settings
    from assistant.session.models import default_retriever
    from assistant.tui.factory import make_app

    flags = {"model": model, "api_base": api_base, **limit_flags(max_tokens, max_cost, local_only)}
    settings = load_settings(flags)
    app = make_app(
        settings,
        retriever=None if no_guidance else default_retriever(),
        resume=resume or None,
        resume_latest=resume == "",
    )
    try:
        app.run()
    finally:
        app.conversation.close()
    if app.conversation.unsaved:
        click.echo("this session was not saved (it ran in memory only)", err=True)
    elif app.conversation.read_only is not None:
        click.echo(f"nothing was saved here: {app.conversation.read_only}", err=True)
    elif app.conversation.journal_path is not None and app.conversation.journal_path.exists():
        click.echo(
            f"session {app.conversation.state.id} saved; continue with "
            f"`maestro-tm chat --resume {app.conversation.state.id}`",
            err=True,
        )
    _exit_without_waiting_for_workers()


def _exit_without_waiting_for_workers() -> None:
    # A model call or an index build may still run in a worker thread, and Python would wait
    # for it at exit. Everything that matters is already fsynced in the journal, so quitting
    # does not wait: the user pressed Ctrl+Q and gets the prompt back now.
    import os
    import sys
    import threading

    if threading.active_count() > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


@click.group("sessions")
def sessions_group() -> None:
    """List saved chat sessions."""


@sessions_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def sessions_list(as_json: bool) -> None:
    """Saved sessions, most recent first: id, title, date, message and finding counts."""
    import json

    from assistant.safe_text import one_line
    from assistant.session.journal import list_sessions, sessions_dir

    sessions, problems = list_sessions()
    for line in problems:
        click.echo(f"maestro-tm: warning: {one_line(line)}", err=True)
    if as_json:
        rows = [
            {
                "id": s.id,
                "title": s.title,
                "created": s.created.isoformat() if s.created else None,
                "updated": s.updated.isoformat(),
                "messages": s.messages,
                "findings": s.findings,
                "accepted": s.accepted,
                "rejected": s.rejected,
            }
            for s in sessions
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not sessions:
        click.echo(f"no sessions yet in {sessions_dir()}", err=True)
        return
    click.echo(f"{'ID':<22} {'UPDATED':<16} {'MSGS':>4} {'FIND':>4} {'ACC':>4} {'REJ':>4}  TITLE")
    for s in sessions:
        click.echo(
            f"{s.id:<22} {s.updated:%Y-%m-%d %H:%M} {s.messages:>4} {s.findings:>4} "
            f"{s.accepted:>4} {s.rejected:>4}  {one_line(s.title)}"
        )
