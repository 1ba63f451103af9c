"""Slash commands typed in the chat: the same actions the TUI offers on keys and in its palette.

(Not to be confused with `assistant/commands/`, the subcommands of the command line.) Each
handler ends its `Step` with a reply, so a command is recorded like any message and a failing
one (a bad path, an unknown model) leaves no trace. Handlers see the conversation as a
`ChatSession`: its public state and actions only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorrectionError, ReviewError
from assistant.schema import FindingStatus
from assistant.session import text as say
from assistant.session.events import (
    Event,
    ExportRecorded,
    GuidanceRecorded,
    ModelChanged,
    ReviewAction,
    SystemChanged,
)
from assistant.session.interview_steps import analyse_now
from assistant.session.models import rules_binding
from assistant.session.step import ChatSession, Step
from assistant.session.updates import Chunk, Reset

Handler = Callable[[ChatSession, Step, str], None]
_RULES_NAMES = {"rules", "off", "none", "offline"}
EXPORT_USAGE = "Usage: `/export md|json|otm|csv PATH`, e.g. `/export md threat-model.md`."


def run_command(chat: ChatSession, step: Step, text: str) -> None:
    """Dispatch one slash command."""
    name, _, rest = text[1:].partition(" ")
    handler = HANDLERS.get(name.lower())
    if handler is None:
        from assistant.session.corrections import suggestions

        close = suggestions(name.lower(), HANDLERS)
        hint = f" Did you mean `/{close[0]}`?" if close else ""
        step.reply(f"Unknown command `/{name}`.{hint} `/help` lists the commands.")
        return
    handler(chat, step, rest.strip())


def _help(chat: ChatSession, step: Step, rest: str) -> None:
    step.reply(say.help_markdown())


def _analyse(chat: ChatSession, step: Step, rest: str) -> None:
    analyse_now(chat, step)


@dataclass(frozen=True)
class ExportRequest:
    """A parsed `/export FORMAT [PATH] [--replace]` (the UI asks before replacing a file)."""

    fmt: str
    path: Path | None
    replace: bool


def export_request(text: str) -> ExportRequest | None:
    """Parse an `/export` line (None for any other line); a relative path is under the cwd."""
    name, _, rest = text.strip()[1:].partition(" ")
    if not text.strip().startswith("/") or name.lower() != "export":
        return None
    rest = rest.strip()
    replace = rest.endswith(" --replace") or rest == "--replace"
    rest = rest.removesuffix("--replace").strip()
    fmt, _, where = rest.partition(" ")
    if not where.strip():
        return ExportRequest(fmt.lower() or "md", None, replace)
    path = Path(where.strip()).expanduser()
    return ExportRequest(fmt.lower(), path if path.is_absolute() else Path.cwd() / path, replace)


def _export(chat: ChatSession, step: Step, rest: str) -> None:
    from assistant.export import FORMATS, export, write_export

    request = export_request(f"/export {rest}")
    assert request is not None  # built from an /export line
    fmt, path = request.fmt, request.path
    model = chat.state.threat_model
    if fmt not in FORMATS:
        step.reply(f"Unknown format `{fmt}`. {EXPORT_USAGE}")
        return
    if model is None:
        step.reply("Nothing to export yet: `/analyze` first.")
        return
    if path is None:  # never a silent file in whatever directory the chat was started from
        suffix = {"md": ".md", "json": ".json", "otm": ".otm.json", "csv": ".csv"}[fmt]
        example = Path.cwd() / f"threat-model{suffix}"
        reply = f"Where to? Say the file: `/export {fmt} PATH`, e.g. `/export {fmt} {example}`."
        step.reply(reply)
        return
    if path.exists() and not request.replace:
        reply = (
            f"`{path}` already exists, so nothing was written. "
            f"`/export {fmt} {path} --replace` replaces it."
        )
        step.reply(reply)
        return
    step.progress(f"writing {path.name}")
    write_export(export(model, fmt, chat.catalogue), path)
    counts = {s: sum(1 for f in model.findings if f.status == s) for s in FindingStatus}
    reply = (
        f"Wrote the threat model ({fmt}) to `{path}`: {len(model.findings)} findings, "
        f"{counts[FindingStatus.ACCEPTED]} accepted, {counts[FindingStatus.REJECTED]} rejected, "
        f"{counts[FindingStatus.NEEDS_INFO]} need information, "
        f"{counts[FindingStatus.DRAFT]} not reviewed yet."
    )
    step.reply(reply, [ExportRecorded(format=fmt, path=str(path))])


def _model(chat: ChatSession, step: Step, rest: str) -> None:
    if not rest:
        step.reply(f"Running on {chat.binding.label}. `/model NAME` switches.")
        return
    if rest.lower() in _RULES_NAMES:
        binding = rules_binding()
    else:
        step.progress(f"connecting {rest}")
        binding = chat.switch_model(rest)
    step.check()
    chat.binding = binding
    event = ModelChanged(engine=binding.engine, model=binding.model)
    note = "" if binding.chat_model is None else " Secrets are redacted before anything is sent."
    step.reply(f"Now running on **{binding.label}**.{note}", [event])


def _new(chat: ChatSession, step: Step, rest: str) -> None:
    chat.start_new()
    step.emit(Reset())


def _open(chat: ChatSession, step: Step, rest: str) -> None:
    if not rest:
        _sessions(chat, step, rest)
        return
    chat.open(rest)
    step.emit(Reset())


def _sessions(chat: ChatSession, step: Step, rest: str) -> None:
    from assistant.session.journal import list_sessions

    sessions, problems = list_sessions()
    lines = ["| id | title | findings | accepted |", "|---|---|---|---|"]
    cell = str.maketrans({"|": "/"})  # a pipe in a title would end its table cell
    lines += [
        f"| `{s.id}` | {s.title.translate(cell)} | {s.findings} | {s.accepted} |"
        for s in sessions[:20]
    ]
    lines += [f"\n_{p}_" for p in problems]
    reply = "\n".join(lines) + "\n\n`/open ID` switches." if sessions else "No saved sessions yet."
    step.reply(reply)


def _rejected(chat: ChatSession, step: Step, rest: str) -> None:
    model = chat.state.threat_model
    reply = say.rejected_markdown(model.rejected) if model else "Nothing analysed yet."
    step.reply(reply)


def _show(chat: ChatSession, step: Step, rest: str) -> None:
    finding = chat.state.finding(rest) if rest else None
    if finding is None:
        step.reply(f"No finding `{rest or '?'}`. The Findings tab lists them.")
        return
    step.reply(say.finding_markdown(finding, chat.catalogue, chat.state.system))


def _reviewer(action: ReviewAction) -> Handler:
    def handle(chat: ChatSession, step: Step, rest: str) -> None:
        words = rest.split()
        if action == "accept":
            targets, note = words, ""
        else:
            targets, note = words[:1], " ".join(words[1:])
        if not targets:
            raise ReviewError(f"say which finding or layer, e.g. /{action} F-001")
        chat.review(action, targets, note, step=step)

    return handle


def _ask(chat: ChatSession, step: Step, rest: str) -> None:
    if not rest:
        step.reply("Usage: `/ask QUESTION`, e.g. `/ask how do I stop memory poisoning?`")
        return
    step.progress("searching the guidance")
    passages = chat.search(rest, kinds=()) or []
    events: list[Event] = []
    if passages:
        events.append(GuidanceRecorded(query=rest, passages=passages))
    model = chat.binding.chat_model
    if model is None:
        if passages:
            found = [(p.entry_id, p.source, p.text) for p in passages]
            reply = say.passages_markdown(rest, found)
        else:
            reply = (
                "With no model configured I answer from the catalogue guidance, and guidance "
                "search is not available here. `/model NAME` switches to an LLM."
            )
        step.reply(reply, events)
        return
    from assistant.llm import load_prompt

    stream = model.stream(load_prompt("ask").render(question=rest).messages, cancel=step.cancel)
    pieces: list[str] = []
    try:
        for piece in stream:
            step.check()
            pieces.append(piece)
            step.emit(Chunk(piece))
    finally:
        stream.close()
    step.reply("".join(pieces), events, streamed=True)


def _system(chat: ChatSession, step: Step, rest: str) -> None:
    from assistant.session.facts import system_markdown

    step.reply(system_markdown(chat.state.system, chat.catalogue.capabilities))


def _correct(chat: ChatSession, step: Step, rest: str) -> None:
    """A correction (`/set`, `/rename`, `/merge`, `/delete`, `/flow`, `/control`).

    One that cannot be applied is answered with one line, like an unknown finding: the attempt
    stays in the transcript (Up recalls it to fix it) and the system model is unchanged.
    """
    from assistant.session.corrections import apply_command

    if not chat.described():
        # Before anything is understood, the next message is read as the description again and
        # would replace the model, corrections included.
        reply = "There is no system model to correct yet: describe the system first."
        step.reply(reply)
        return
    system = chat.state.system
    try:
        done = apply_command(system, step.user.text, chat.catalogue.capabilities)
    except CorrectionError as exc:
        step.reply(not_changed(exc.message))
        return
    if done.system == system:
        step.reply(done.said)
        return
    reply = f"{done.said} `/analyze` updates the findings."
    step.reply(reply, [SystemChanged(system=done.system)])


def not_changed(message: str) -> str:
    """The one-line reply to a correction that could not be applied."""
    end = "" if message.endswith((".", "?", "!")) else "."
    return f"Not changed: {message}{end}"


HANDLERS: dict[str, Handler] = {
    "help": _help,
    "analyze": _analyse,
    "analyse": _analyse,
    "export": _export,
    "model": _model,
    "new": _new,
    "open": _open,
    "sessions": _sessions,
    "rejected": _rejected,
    "show": _show,
    "accept": _reviewer("accept"),
    "reject": _reviewer("reject"),
    "needs-info": _reviewer("needs-info"),
    "ask": _ask,
    "system": _system,
    "set": _correct,
    "rename": _correct,
    "merge": _correct,
    "delete": _correct,
    "flow": _correct,
    "control": _correct,
}
