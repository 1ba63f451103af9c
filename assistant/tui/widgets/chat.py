"""The chat pane: the transcript (assistant replies as Markdown, streamed), progress, the input."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Markdown, ProgressBar, Static
from textual.widgets.markdown import MarkdownStream

from assistant.safe_text import clean
from assistant.session.events import MessageLogged


class ChatInput(Input):
    """The line editor, with Up/Down through what was sent before."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Earlier input", show=False),
        Binding("down", "history(1)", "Later input", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        # No select-on-focus: focusing the input (Ctrl+L, `/`, the palette) must never let the
        # next key replace what is already there.
        super().__init__(
            placeholder="Describe your system, answer, or /help",
            select_on_focus=False,
            **kwargs,  # type: ignore[arg-type]
        )
        self.history: list[str] = []
        self._index = 0
        self._draft = ""

    def remember(self, text: str) -> None:
        """Add a sent line to the history (consecutive repeats are kept once)."""
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self._index = len(self.history)

    def action_history(self, step: int) -> None:
        """Move through the history; past the newest entry the unsent draft comes back."""
        if not self.history:
            return
        if self._index == len(self.history):
            self._draft = self.value
        self._index = max(0, min(len(self.history), self._index + step))
        self.value = self._draft if self._index == len(self.history) else self.history[self._index]
        self.cursor_position = len(self.value)


class UserMessage(Static):
    """What the user typed (shown as typed: never interpreted as markup)."""

    def __init__(self, text: str) -> None:
        super().__init__(clean(text), markup=False)


class AssistantMessage(Markdown):
    """An assistant reply, rendered as Markdown (control characters neutralised)."""


class NoteMessage(Static):
    """A note from the program (a review decision, a resumed session)."""

    def __init__(self, text: str) -> None:
        super().__init__(clean(text), markup=False)


class ChatPane(Vertical):
    """Transcript, progress line and input."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._pending_user: UserMessage | None = None
        self._reply: AssistantMessage | None = None
        self._stream: MarkdownStream | None = None

    def compose(self) -> ComposeResult:
        """Transcript above, progress and input below."""
        yield VerticalScroll(id="transcript")
        with Horizontal(id="status"):
            yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
            yield Label("", id="status-text")
        yield ChatInput(id="chat-input")

    @property
    def transcript(self) -> VerticalScroll:
        """The scrolling transcript."""
        return self.query_one("#transcript", VerticalScroll)

    @property
    def input(self) -> ChatInput:
        """The input line."""
        return self.query_one(ChatInput)

    async def load(self, messages: Iterable[MessageLogged]) -> None:
        """Replace the transcript with a session's messages."""
        self._pending_user, self._reply, self._stream = None, None, None
        await self.transcript.remove_children()
        widgets = [_widget(m) for m in messages]
        await self.transcript.mount_all(widgets)
        self.transcript.anchor()

    def add_user(self, text: str) -> None:
        """Echo a line being sent (removed again if the step fails)."""
        self._pending_user = UserMessage(text)
        self.transcript.mount(self._pending_user)
        self.transcript.anchor()

    def confirm_user(self, text: str) -> None:
        """Show the line as recorded (secrets already replaced by placeholders)."""
        if self._pending_user is not None:
            self._pending_user.update(Text(clean(text)))
        else:
            self.transcript.mount(UserMessage(text))

    def add_note(self, text: str, *, error: bool = False) -> None:
        """Append a program note (`error`: something was not done, styled to stand out)."""
        note = NoteMessage(text)
        note.set_class(error, "-error")
        self.transcript.mount(note)
        self.transcript.anchor()

    async def write_chunk(self, text: str) -> None:
        """Stream a piece of the reply into the current assistant message."""
        if self._reply is None:
            self._reply = AssistantMessage()
            await self.transcript.mount(self._reply)
            self.transcript.anchor()
            self._stream = Markdown.get_stream(self._reply)
        if self._stream is not None:
            await self._stream.write(clean(text))

    async def finish_reply(self, text: str) -> None:
        """Show the committed reply exactly (whatever the stream delivered)."""
        if self._stream is not None:
            await self._stream.stop()
        if self._reply is None:
            self._reply = AssistantMessage()
            await self.transcript.mount(self._reply)
        await self._reply.update(clean(text))
        self._reply, self._stream, self._pending_user = None, None, None
        self.transcript.anchor()

    async def discard_step(self) -> None:
        """Remove what a failed step showed (the echoed line and any partial reply)."""
        if self._stream is not None:
            await self._stream.stop()
        for widget in (self._pending_user, self._reply):
            if widget is not None:
                await widget.remove()
        self._reply, self._stream, self._pending_user = None, None, None

    def show_progress(self, text: str, fraction: float | None) -> None:
        """Show the progress line (an indeterminate bar when the total is unknown)."""
        self.query_one("#status").add_class("-busy")
        bar = self.query_one(ProgressBar)
        if fraction is None:
            bar.update(total=None)
        else:
            bar.update(total=100, progress=round(fraction * 100))
        self.query_one("#status-text", Label).update(Text(f"{clean(text)}  (Esc cancels)"))

    def hide_progress(self) -> None:
        """Hide the progress line."""
        self.query_one("#status").remove_class("-busy")


def _widget(message: MessageLogged) -> Static | Markdown:
    if message.role == "user":
        return UserMessage(message.text)
    if message.role == "note":
        return NoteMessage(message.text)
    return AssistantMessage(clean(message.text))
