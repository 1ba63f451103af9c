"""Slash commands typed in the chat: the same actions the TUI offers on keys and in its palette.

Each handler adds its events and a reply through the conversation's step, so a command is
recorded like any message and a failing one (a bad path, an unknown model) leaves no trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import CorrectionError, ReviewError
from assistant.schema import FindingStatus
from assistant.session import text as say
from assistant.session.events import (
    Event,
    ExportRecorded,
    GuidanceRecorded,
    MessageLogged,
    ModelChanged,
    SystemChanged,
)
from assistant.session.models import rules_binding
from assistant.session.updates import Chunk, Reset

if TYPE_CHECKING:
    from assistant.session.conversation import Conversation, _Step

Handler = Callable[["Conversation", "_Step", MessageLogged, str], None]
_RULES_NAMES = {"rules", "off", "none", "offline"}
EXPORT_USAGE = "Usage: `/export md|json|otm|csv PATH`, e.g. `/export md threat-model.md`."


def run_command(conv: Conversation, step: _Step, user: MessageLogged, text: str) -> None:
    """Dispatch one slash command."""
    name, _, rest = text[1:].partition(" ")
    handler = HANDLERS.get(name.lower())
    if handler is None:
        from assistant.session.corrections import suggestions

        close = suggestions(name.lower(), HANDLERS)
        hint = f" Did you mean `/{close[0]}`?" if close else ""
        conv._reply(step, [user], f"Unknown command `/{name}`.{hint} `/help` lists the commands.")
        return
    handler(conv, step, user, rest.strip())


def _help(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
    conv._reply(step, [user], say.help_markdown())


def _analyse(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
    conv._analyse_now(step, user)


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


def _export(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
    from assistant.export import FORMATS, export, write_export

    request = export_request(f"/export {rest}")
    assert request is not None
    fmt, path = request.fmt, request.path
    model = conv.state.threat_model
    if fmt not in FORMATS:
        conv._reply(step, [user], f"Unknown format `{fmt}`. {EXPORT_USAGE}")
        return
    if model is None:
        conv._reply(step, [user], "Nothing to export yet: `/analyze` first.")
        return
    if path is None:  # never a silent file in whatever directory the chat was started from
        suffix = {"md": ".md", "json": ".json", "otm": ".otm.json", "csv": ".csv"}[fmt]
        example = Path.cwd() / f"threat-model{suffix}"
        reply = f"Where to? Say the file: `/export {fmt} PATH`, e.g. `/export {fmt} {example}`."
        conv._reply(step, [user], reply)
        return
    if path.exists() and not request.replace:
        reply = (
            f"`{path}` already exists, so nothing was written. "
            f"`/export {fmt} {path} --replace` replaces it."
        )
        conv._reply(step, [user], reply)
        return
    step.progress(f"writing {path.name}")
    write_export(export(model, fmt, conv.catalogue), path)
    counts = {s: sum(1 for f in model.findings if f.status == s) for s in FindingStatus}
    reply = (
        f"Wrote the threat model ({fmt}) to `{path}`: {len(model.findings)} findings, "
        f"{counts[FindingStatus.ACCEPTED]} accepted, {counts[FindingStatus.REJECTED]} rejected, "
        f"{counts[FindingStatus.NEEDS_INFO]} need information, "
        f"{counts[FindingStatus.DRAFT]} not reviewed yet."
    )
    conv._reply(step, [user, ExportRecorded(format=fmt, path=str(path))], reply)


def _model(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
    if not rest:
        conv._reply(step, [user], f"Running on {conv.binding.label}. `/model NAME` switches.")
        return
    if rest.lower() in _RULES_NAMES:
        binding = rules_binding()
    else:
        step.progress(f"connecting {rest}")
        binding = conv._binder(rest)
    step.check()
    conv.binding = binding
    event = ModelChanged(engine=binding.engine, model=binding.model)
    note = "" if binding.chat_model is None else " Secrets are redacted before anything is sent."
    conv._reply(step, [user, event], f"Now running on **{binding.label}**.{note}")


def _new(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
    conv.start_new()
    step.emit(Reset())


def _open(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
    if not rest:
        _sessions(conv, step, user, rest)
        return
    conv.open(rest)
    step.emit(Reset())


def _sessions(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
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
    conv._reply(step, [user], reply)


def _rejected(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
    model = conv.state.threat_model
    reply = say.rejected_markdown(model.rejected) if model else "Nothing analysed yet."
    conv._reply(step, [user], reply)


def _show(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
    finding = conv.state.finding(rest) if rest else None
    if finding is None:
        conv._reply(step, [user], f"No finding `{rest or '?'}`. The Findings tab lists them.")
        return
    conv._reply(step, [user], say.finding_markdown(finding, conv.catalogue, conv.state.system))


def _reviewer(action: str) -> Handler:
    def handle(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
        from assistant.session.review import review_events

        words = rest.split()
        if action == "accept":
            targets, note = words, ""
        else:
            targets, note = words[:1], " ".join(words[1:])
        if not targets:
            raise ReviewError(f"say which finding or layer, e.g. /{action} F-001")
        events: list[Event] = [user]
        events += review_events(conv.state, action, targets, note)  # type: ignore[arg-type]
        done = events.pop()
        conv._reply(step, events, str(getattr(done, "text", "")))

    return handle


def _ask(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
    if not rest:
        conv._reply(
            step, [user], "Usage: `/ask QUESTION`, e.g. `/ask how do I stop memory poisoning?`"
        )
        return
    step.progress("searching the guidance")
    passages = conv.search(rest, kinds=()) or []
    events: list[Event] = [user]
    if passages:
        events.append(GuidanceRecorded(query=rest, passages=passages))
    chat = conv.binding.chat_model
    if chat is None:
        if passages:
            found = [(p.entry_id, p.source, p.text) for p in passages]
            reply = say.passages_markdown(rest, found)
        else:
            reply = (
                "With no model configured I answer from the catalogue guidance, and guidance "
                "search is not available here. `/model NAME` switches to an LLM."
            )
        conv._reply(step, events, reply)
        return
    from assistant.llm import load_prompt

    stream = chat.stream(load_prompt("ask").render(question=rest).messages, cancel=step.cancel)
    pieces: list[str] = []
    try:
        for piece in stream:
            step.check()
            pieces.append(piece)
            step.emit(Chunk(piece))
    finally:
        stream.close()
    conv._reply(step, events, "".join(pieces), streamed=True)


def _system(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
    from assistant.session.facts import system_markdown

    conv._reply(step, [user], system_markdown(conv.state.system, conv.catalogue.capabilities))


def _correct(conv: Conversation, step: _Step, user: MessageLogged, rest: str) -> None:
    """A correction (`/set`, `/rename`, `/merge`, `/delete`, `/flow`, `/control`).

    One that cannot be applied is answered with one line, like an unknown finding: the attempt
    stays in the transcript (Up recalls it to fix it) and the system model is unchanged.
    """
    from assistant.session.corrections import apply_command

    if not conv._described():
        # Before anything is understood, the next message is read as the description again and
        # would replace the model, corrections included.
        reply = "There is no system model to correct yet: describe the system first."
        conv._reply(step, [user], reply)
        return
    system = conv.state.system
    try:
        done = apply_command(system, user.text, conv.catalogue.capabilities)
    except CorrectionError as exc:
        conv._reply(step, [user], not_changed(exc.message))
        return
    if done.system == system:
        conv._reply(step, [user], done.said)
        return
    reply = f"{done.said} `/analyze` updates the findings."
    conv._reply(step, [user, SystemChanged(system=done.system)], reply)


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
