"""The chat application, and `make_app`, the one way the CLI and the tests build it.

The app shows a headless `Conversation`. Every step (extraction, retrieval, analysis, a model
reply) runs in a thread worker that posts `StepUpdate`s; handlers here update the widgets. A
step that fails or is cancelled posts `StepFailed`: its echo disappears, the user's line goes
back in the input, and a titled notification says why.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, TabbedContent, TabPane

from assistant.errors import AssistantError, StepCancelledError
from assistant.safe_text import clean
from assistant.session.events import (
    AnalysisRecorded,
    Event,
    GuidanceRecorded,
    MessageLogged,
    ModelChanged,
    ReviewRecorded,
    SystemChanged,
)
from assistant.session.updates import (
    Chunk,
    Committed,
    FindingsAdded,
    Notice,
    Progress,
    Reset,
    Update,
)
from assistant.tui.corrections import Corrector
from assistant.tui.guards import confirm_export, failure_note, offer_unsaved, subtitle
from assistant.tui.messages import (
    CorrectionRequested,
    ReviewRequested,
    StepFailed,
    StepFinished,
    StepUpdate,
)
from assistant.tui.review import Reviewer
from assistant.tui.screens.help import HelpScreen
from assistant.tui.widgets.chat import ChatPane
from assistant.tui.widgets.findings import FindingsView
from assistant.tui.widgets.info import MarkdownTab, coverage_markdown, guidance_markdown
from assistant.tui.widgets.system import SystemTable

if TYPE_CHECKING:
    from assistant.knowledge import Catalogue
    from assistant.llm.base import ChatModel
    from assistant.llm.config import LLMSettings
    from assistant.session.conversation import Binder, Conversation
    from assistant.session.models import ModelBinding, Retrieval

PROGRESS_INTERVAL = 0.05


class MaestroApp(App[None]):
    """Chat on the left, the system model and findings on the right."""

    CSS_PATH = "app.tcss"
    TITLE = "maestro-tm"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012 (Textual's own declaration)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help"),
        Binding("escape", "cancel_step", "Cancel step", show=False),
        Binding("ctrl+c", "interrupt", "Cancel step", show=False, priority=True),
        Binding("f2", "tab('system')", "System"),
        Binding("f3", "tab('findings')", "Findings"),
        Binding("f4", "tab('guidance')", "Guidance"),
        Binding("f5", "tab('coverage')", "Coverage"),
        Binding("f6", "zoom", "Zoom"),
        Binding("ctrl+l", "focus_input", "Chat", show=False),
        Binding("slash", "start_command", "Command", show=False),
    ]

    def __init__(self, conversation: Conversation, *, notes: Sequence[str] = ()) -> None:
        super().__init__()
        self.conversation = conversation
        self._notes = list(notes)
        self._cancel: threading.Event | None = None
        self.running: str | None = None
        """The line whose step is in progress, if any."""
        self._fresh_analysis = False
        self.ready = False
        """Whether the transcript is on screen (input is accepted from then on)."""
        self.reviewer = Reviewer(self)
        self.corrector = Corrector(self)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, chat and side panel, footer."""
        yield Header()
        with Horizontal(id="main"):
            yield ChatPane(id="chat")
            with TabbedContent(id="side", initial="tab-system"):
                with TabPane("System", id="tab-system"):
                    yield SystemTable(id="system-table")
                with TabPane("Findings", id="tab-findings"):
                    yield FindingsView(id="findings")
                with TabPane("Guidance", id="tab-guidance"):
                    yield MarkdownTab("", id="guidance")
                with TabPane("Coverage", id="tab-coverage"):
                    yield MarkdownTab("", id="coverage")
        yield Footer()

    @property
    def chat(self) -> ChatPane:
        """The chat pane."""
        return self.query_one(ChatPane)

    async def on_mount(self) -> None:
        """Paint the frame now; fill in the session right after the first paint."""
        # Workers run Python too (validation, extraction). With the default 5 ms GIL switch
        # interval a busy worker delays each UI wake-up by up to 5 ms, which adds up to
        # visible typing lag; 1 ms keeps keys under ~50 ms (benchmarks/bench_tui.py).
        sys.setswitchinterval(0.001)
        self.sub_title = subtitle(self)
        self.chat.input.focus()
        # A resumed session (a long transcript, a full findings table) takes a moment to lay
        # out; the first screen does not wait for it.
        self.call_after_refresh(self._load_session)

    async def _load_session(self) -> None:
        self.show_side()
        await self.chat.load(self.conversation.state.messages)
        self.ready = True
        for note in self._notes:
            self.notify(note, title="Session")
        offer_unsaved(self)
        if self.conversation.retriever is not None:
            self.prepare_guidance()

    async def redraw(self) -> None:
        """Redraw everything from the conversation's state (/new, open)."""
        self.show_side()
        await self.chat.load(self.conversation.state.messages)

    def show_side(self) -> None:
        """Redraw the header and every side-panel tab."""
        self.sub_title = subtitle(self)
        self.show_system()
        self.show_findings()
        self.show_guidance()
        self.show_coverage()

    def show_system(self) -> None:
        """Redraw the System tab."""
        state = self.conversation.state
        vocabulary = self.conversation.catalogue.capabilities
        self.query_one(SystemTable).show(state.title, state.system, state.threat_model, vocabulary)

    def show_findings(self) -> None:
        """Redraw the Findings tab."""
        model = self.conversation.state.threat_model
        self.query_one(FindingsView).show(model.findings if model else [])

    def show_guidance(self) -> None:
        """Redraw the Guidance tab."""
        available = self.conversation.retriever is not None
        text = guidance_markdown(self.conversation.state.guidance, available)
        self.query_one("#guidance", MarkdownTab).show(text)

    def show_coverage(self) -> None:
        """Redraw the Coverage tab."""
        text = coverage_markdown(self.conversation.state.threat_model)
        self.query_one("#coverage", MarkdownTab).show(text)

    # -- steps -------------------------------------------------------------------------------

    @on(Input.Submitted, "#chat-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or not self.ready:
            return
        if self.running is not None:
            self.notify(
                "Still working on the last step; Esc cancels it.", title="Busy", severity="warning"
            )
            return
        if confirm_export(self, text):
            return
        self.chat.input.value = ""
        self.submit(text)

    def submit(self, text: str) -> None:
        """Send a line as if typed: echo it and start its step in a worker."""
        if self.running is not None:
            self.notify(
                "Still working on the last step; Esc cancels it.", title="Busy", severity="warning"
            )
            return
        self.running = text
        self._cancel = threading.Event()
        self._fresh_analysis = True
        self.chat.input.remember(text)
        self.chat.add_user(text)
        self.chat.show_progress("working", None)
        self.run_step(text, self._cancel)

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def run_step(self, text: str, cancel: threading.Event) -> None:
        """Run one conversation step off the UI thread; report through messages only."""
        last = 0.0

        def emit(update: Update) -> None:
            nonlocal last
            if isinstance(update, Progress):
                # A chatty engine must not flood the UI: at most ~20 progress redraws a second.
                now = time.monotonic()
                if now - last < PROGRESS_INTERVAL and update.fraction != 1.0:
                    return
                last = now
            self.post_message(StepUpdate(update))

        try:
            self.conversation.send(text, emit, cancel)
        except StepCancelledError as exc:
            self.post_message(StepFailed(text, exc.title, exc.message, cancelled=True))
        except AssistantError as exc:
            self.post_message(StepFailed(text, exc.title, exc.message))
        except Exception as exc:  # the TUI edge: one notification, never a traceback on screen
            self.post_message(StepFailed(text, "Internal error", f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(StepFinished(text))

    def _torn_down(self) -> bool:
        # A worker may report after the app began to close (Ctrl+Q mid-step): nothing to show.
        return not self.query(ChatPane)

    async def on_step_update(self, message: StepUpdate) -> None:
        """Show what the running step reported."""
        if self._torn_down():
            return
        try:
            await self._show_update(message.update)
        except NoMatches:
            if not self._torn_down():
                raise  # a real bug, not the app closing under the update

    async def _show_update(self, update: Update) -> None:
        if isinstance(update, Chunk):
            await self.chat.write_chunk(update.text)
        elif isinstance(update, Progress):
            self.chat.show_progress(update.text, update.fraction)
        elif isinstance(update, Notice):
            self.notify(update.text, title=update.title, severity=update.severity)
        elif isinstance(update, FindingsAdded):
            view = self.query_one(FindingsView)
            if self._fresh_analysis:
                self._fresh_analysis = False
                view.clear_findings()
                self.action_tab("findings", focus=False)
            view.add(update.findings)
        elif isinstance(update, Committed):
            await self._committed(update.events)
        elif isinstance(update, Reset):
            await self.redraw()

    async def _committed(self, events: Iterable[Event]) -> None:
        kinds = {type(e) for e in events}
        for event in events:
            if isinstance(event, MessageLogged) and event.role == "assistant":
                await self.chat.finish_reply(event.text)
            elif isinstance(event, MessageLogged) and event.role == "note":
                self.chat.add_note(event.text)
            elif isinstance(event, MessageLogged):
                self.chat.confirm_user(event.text)
            elif isinstance(event, ModelChanged):
                self.sub_title = subtitle(self)
        if kinds & {SystemChanged, AnalysisRecorded, ReviewRecorded}:
            self.show_system()
        if kinds & {AnalysisRecorded, ReviewRecorded}:
            self.show_findings()
            self.show_coverage()
        if GuidanceRecorded in kinds:
            self.show_guidance()

    async def on_step_failed(self, message: StepFailed) -> None:
        """Undo the step's echo and say in the transcript why, and what to do.

        The input is left as it is (empty, or what was typed since): the failed line is in the
        history, one Up away, and is never mixed with the next thing typed.
        """
        if self._torn_down():
            return
        self._step_done()
        self.show_findings()  # drop findings shown by an analysis that was not committed
        await self.chat.discard_step()
        note = failure_note(
            message.text, message.message, title=message.title, cancelled=message.cancelled
        )
        self.chat.add_note(note, error=not message.cancelled)

    def on_step_finished(self, message: StepFinished) -> None:
        """The step is done; fetch the guidance it asked for."""
        if self._torn_down():
            return
        self._step_done()
        if self.conversation.retriever is not None:
            self.fetch_guidance()

    @work(thread=True, exclusive=True, group="guidance", exit_on_error=False)
    def fetch_guidance(self) -> None:
        """Retrieve guidance for the last step, after its reply (the reply never waits)."""
        try:
            event = self.conversation.update_guidance()
        except AssistantError as exc:
            self.post_message(StepUpdate(Notice(exc.message, exc.title, "warning")))
            return
        if event is not None:
            self.post_message(StepUpdate(Committed((event,))))

    @work(thread=True, exclusive=True, group="guidance", exit_on_error=False)
    def prepare_guidance(self) -> None:
        """Open the guidance index while the user types the first message."""
        self.conversation.guidance.prepare()

    def _step_done(self) -> None:
        self.running = None
        self._cancel = None
        self.chat.hide_progress()

    def action_interrupt(self) -> None:
        """Ctrl+C: cancel the running step, or say how to quit (it never kills the chat)."""
        if self._cancel is not None:
            self.action_cancel_step()
        else:
            self.chat.add_note("Nothing is running. Ctrl+Q quits; Esc or Ctrl+C cancels a step.")

    def action_cancel_step(self) -> None:
        """Cancel the running step (it stops at its next checkpoint)."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        elif self._cancel is not None:
            self._cancel.set()
            self.chat.show_progress("cancelling", None)

    # -- review ------------------------------------------------------------------------------

    @on(ReviewRequested)
    def _review_requested(self, message: ReviewRequested) -> None:
        if message.action == "open":
            self.reviewer.open(message.finding_id)
        else:
            self.reviewer.review(
                message.action, message.finding_id, whole_layer=message.whole_layer
            )

    # -- corrections -------------------------------------------------------------------------

    @on(CorrectionRequested)
    def _correction_requested(self, message: CorrectionRequested) -> None:
        self.corrector.request(message.action, message.kind, message.fact_id)

    # -- actions and palette -------------------------------------------------------------------

    def notify(self, message: str, **kwargs: Any) -> None:
        """Show a notification; its text may be the user's or a model's, so it is cleaned."""
        title = kwargs.pop("title", "")
        super().notify(clean(message), title=clean(title), **kwargs)

    def action_help(self) -> None:
        """Show commands and keys."""
        self.push_screen(HelpScreen())

    def action_tab(self, name: str, focus: bool = True) -> None:
        """Switch the side panel to a tab (and focus its content)."""
        self.query_one(TabbedContent).active = f"tab-{name}"
        if focus:
            target = {"system": "#system-table", "findings": "#findings-table"}.get(name)
            if target:
                self.query_one(target).focus()

    @on(TabbedContent.TabActivated, "#side")
    def _reviewing(self, event: TabbedContent.TabActivated) -> None:
        # The findings table needs width for its titles; the other tabs leave it to the chat.
        self.set_class(event.pane.id == "tab-findings", "-reviewing")

    def action_zoom(self) -> None:
        """Give the side panel the whole screen, or restore the layout."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        else:
            self.screen.maximized = self.query_one("#side")

    def action_focus_input(self) -> None:
        """Focus the chat input."""
        self.chat.input.focus()

    def action_start_command(self) -> None:
        """`/` outside the input starts a slash command there (never a table shortcut)."""
        if not self.chat.input.value:
            self.prefill("/")
        else:
            self.action_focus_input()

    def prefill(self, text: str) -> None:
        """Put a command in the input for the user to complete."""
        self.chat.input.value = text
        self.chat.input.cursor_position = len(text)
        self.chat.input.focus()

    def action_open_session(self) -> None:
        """Choose a saved session and switch to it."""
        from assistant.session.journal import list_sessions
        from assistant.tui.screens.sessions import SessionsScreen

        sessions, _ = list_sessions()

        def chosen(session_id: str | None) -> None:
            if session_id:
                self.submit(f"/open {session_id}")

        self.push_screen(SessionsScreen(sessions, self.conversation.state.id), chosen)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette: analyse, export, switch model, new and open session, then Textual's."""
        yield SystemCommand(
            "Analyse now",
            "Analyse the system with what is known so far",
            lambda: self.submit("/analyze"),
        )
        yield SystemCommand(
            "Export threat model",
            "Fill in /export: format md, json, otm or csv, then a path",
            lambda: self.prefill("/export md threat-model.md"),
        )
        yield SystemCommand(
            "Switch model",
            "Fill in /model: a litellm model string, or rules",
            lambda: self.prefill("/model "),
        )
        yield SystemCommand(
            "New session", "Start a new session (this one stays saved)", lambda: self.submit("/new")
        )
        yield SystemCommand("Open session", "Continue a saved session", self.action_open_session)
        yield SystemCommand(
            "Show rejected proposals",
            "What the validator refused, with its reasons",
            lambda: self.submit("/rejected"),
        )
        yield SystemCommand(
            "Show the system model",
            "Every fact with its evidence and id, in the chat (/system)",
            lambda: self.submit("/system"),
        )
        yield from super().get_system_commands(screen)


def make_app(
    settings: LLMSettings | None = None,
    *,
    chat_model: ChatModel | None = None,
    catalogue: Catalogue | None = None,
    retriever: Retrieval | None = None,
    binding: ModelBinding | None = None,
    binder: Binder | None = None,
    resume: str | None = None,
    resume_latest: bool = False,
    session_id: str | None = None,
) -> MaestroApp:
    """Build the chat app: the CLI and the tests share this.

    Args:
        settings: Model settings; with no model in them the chat runs offline on the rules.
        chat_model: A ready model (tests inject `ScriptedChatModel`); implies the hybrid engine.
        catalogue: Default: the bundled catalogue.
        retriever: Guidance search; None leaves the Guidance tab empty, with a note.
        binding: A ready engine binding (overrides `settings` and `chat_model`).
        binder: Builds the binding for `/model NAME` (default: the hybrid engine).
        resume: A session id (or unique prefix) to continue.
        resume_latest: Continue the most recent session.
        session_id: The id of a new session (default: time-based).

    Raises:
        AssistantError: Bad settings, or the session to resume cannot be read.
    """
    from assistant.session.conversation import Conversation
    from assistant.session.models import bind_model_name as bind_model

    if catalogue is None:
        from assistant.knowledge import default_catalogue

        catalogue = default_catalogue()
    if binding is None and chat_model is not None:
        binding = bind_model(chat_model.model, chat_model=chat_model, retriever=retriever)
    elif binding is None and settings is not None and settings.model:
        binding = bind_model(settings.model, settings.api_base, retriever=retriever)
    if binder is None:
        api_base = settings.api_base if settings else None

        def binder(name: str) -> ModelBinding:
            # `--api-base` applies to whichever model `/model` picks.
            return bind_model(name, api_base, retriever=retriever)

    conversation = Conversation(catalogue, binding=binding, retriever=retriever, binder=binder)
    notes: list[str] = []
    if resume or resume_latest:
        notes = conversation.open(resume)
    else:
        conversation.start_new(session_id)
    return MaestroApp(conversation, notes=notes)
