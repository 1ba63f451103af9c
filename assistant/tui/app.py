"""The chat application (`assistant.tui.factory.make_app` builds it for the CLI and the tests).

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
from textual.widgets import Footer, Header, Input, TabbedContent

from assistant.errors import AssistantError, StepCancelledError
from assistant.safe_text import clean
from assistant.session.events import Event, MessageLogged, ModelChanged
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
from assistant.tui.guards import (
    confirm_export,
    decision_note,
    failure_note,
    offer_unsaved,
    quit_line,
    subtitle,
)
from assistant.tui.messages import (
    CorrectionRequested,
    LineChosen,
    LineStarted,
    Reviewed,
    ReviewRefused,
    ReviewRequested,
    StepFailed,
    StepFinished,
    StepUpdate,
)
from assistant.tui.palette import choose_session, palette_commands
from assistant.tui.review import Reviewer
from assistant.tui.screens.help import HelpScreen
from assistant.tui.widgets.chat import ChatPane
from assistant.tui.widgets.side import REVIEWED, SidePanel, parts_for

if TYPE_CHECKING:
    from assistant.session.conversation import Conversation

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
        self.reviewer = Reviewer(conversation, self)
        self.corrector = Corrector(conversation, self, busy=lambda: self.running is not None)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, chat and side panel, footer."""
        yield Header()
        with Horizontal(id="main"):
            yield ChatPane(id="chat")
            yield SidePanel(
                self.conversation.catalogue.capabilities,
                guidance_available=self.conversation.retriever is not None,
            )
        yield Footer()

    @property
    def chat(self) -> ChatPane:
        """The chat pane."""
        return self.query_one(ChatPane)

    @property
    def side(self) -> SidePanel:
        """The side panel."""
        return self.query_one(SidePanel)

    async def on_mount(self) -> None:
        """Paint the frame now; fill in the session right after the first paint."""
        # Workers run Python too (validation, extraction). With the default 5 ms GIL switch
        # interval a busy worker delays each UI wake-up by up to 5 ms, which adds up to
        # visible typing lag; 1 ms keeps keys under ~50 ms (benchmarks/bench_tui.py).
        sys.setswitchinterval(0.001)
        self.sub_title = subtitle(self.conversation)
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
        offer_unsaved(self, self.conversation, self.chat)
        if self.conversation.retriever is not None:
            self.prepare_guidance()

    async def redraw(self) -> None:
        """Redraw everything from the conversation's state (/new, open)."""
        self.show_side()
        await self.chat.load(self.conversation.state.messages)

    def show_side(self) -> None:
        """Redraw the header and every side-panel tab."""
        self.sub_title = subtitle(self.conversation)
        self.side.show(self.conversation.state)

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
        if quit_line(self, text) or confirm_export(self, self.chat, text):
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
            self.side.stream(update.findings, first=self._fresh_analysis)
            self._fresh_analysis = False
        elif isinstance(update, Committed):
            await self._committed(update.events)
        elif isinstance(update, Reset):
            await self.redraw()

    async def _committed(self, events: Sequence[Event]) -> None:
        for event in events:
            if isinstance(event, MessageLogged) and event.role == "assistant":
                await self.chat.finish_reply(event.text)
            elif isinstance(event, MessageLogged) and event.role == "note":
                self.chat.add_note(event.text)
            elif isinstance(event, MessageLogged):
                self.chat.confirm_user(event.text)
            elif isinstance(event, ModelChanged):
                self.sub_title = subtitle(self.conversation)
        self.side.show(self.conversation.state, parts_for(events))

    async def on_step_failed(self, message: StepFailed) -> None:
        """Undo the step's echo and say in the transcript why, and what to do.

        The input is left as it is (empty, or what was typed since): the failed line is in the
        history, one Up away, and is never mixed with the next thing typed.
        """
        if self._torn_down():
            return
        self._step_done()
        # Drop findings shown by an analysis that was not committed.
        self.side.show(self.conversation.state, ("findings",))
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
        if self._cancel is None:
            self.chat.add_note("Nothing is running. Ctrl+Q quits; Esc or Ctrl+C cancels a step.")
        self.action_cancel_step()

    def action_cancel_step(self) -> None:
        """Cancel the running step (it stops at its next checkpoint)."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        elif self._cancel is not None:
            self._cancel.set()
            self.chat.show_progress("cancelling", None)

    # -- review and corrections --------------------------------------------------------------

    @on(ReviewRequested)
    def _review_requested(self, message: ReviewRequested) -> None:
        if message.action == "open":
            self.reviewer.open(message.finding_id)
        else:
            self.reviewer.review(
                message.action, message.finding_id, whole_layer=message.whole_layer
            )

    @on(Reviewed)
    def _reviewed(self, message: Reviewed) -> None:
        self.chat.add_note(message.said)
        self.side.show(self.conversation.state, REVIEWED)
        self.notify(message.said, title="Review")

    @on(ReviewRefused)
    def _review_refused(self, message: ReviewRefused) -> None:
        # In the transcript, not a pop-up: a decision that was not recorded must be seen.
        self.chat.add_note(decision_note(message.message, message.title), error=True)

    @on(CorrectionRequested)
    def _correction_requested(self, message: CorrectionRequested) -> None:
        self.corrector.request(message.action, message.kind, message.fact_id)

    @on(LineChosen)
    def _line_chosen(self, message: LineChosen) -> None:
        self.submit(message.text)

    @on(LineStarted)
    def _line_started(self, message: LineStarted) -> None:
        self.prefill(message.text)

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
        self.side.focus_tab(name, focus=focus)

    @on(TabbedContent.TabActivated, "#side")
    def _reviewing(self, event: TabbedContent.TabActivated) -> None:
        # The findings table needs width for its titles; the other tabs leave it to the chat.
        self.set_class(event.pane.id == "tab-findings", "-reviewing")

    def action_zoom(self) -> None:
        """Give the side panel the whole screen, or restore the layout."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        else:
            self.screen.maximized = self.side

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
        choose_session(self, self.conversation.state.id, self.submit)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette: analyse, export, switch model, new and open session, then Textual's."""
        yield from palette_commands(self.submit, self.prefill, self.action_open_session)
        yield from super().get_system_commands(screen)
