"""The Guidance and Coverage tabs: read-only Markdown views of the session state."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from assistant.safe_text import clean
from assistant.schema import LAYER_NAMES, CoverageStatus, Layer, ThreatModel
from assistant.session.events import GuidanceRecorded

NO_RETRIEVER = (
    "_Guidance search is not available in this session, so no passages are shown. "
    "`maestro-tm index build` prepares it._"
)
NO_GUIDANCE = (
    "_Passages retrieved for the last question or analysis appear here, with their sources._"
)


def guidance_markdown(guidance: GuidanceRecorded | None, available: bool) -> str:
    """The passages retrieved for the last step, or why there are none."""
    if guidance is None:
        return NO_GUIDANCE if available else NO_RETRIEVER
    query = guidance.query if len(guidance.query) <= 120 else guidance.query[:119] + "…"
    lines = [f"**Retrieved for:** {query}", ""]
    if not guidance.passages:
        lines.append("_Nothing relevant was found._")
    for p in guidance.passages:
        score = f" · score {p.score:.2f}" if p.score is not None else ""
        lines += [f"#### {p.entry_id}", f"_{p.source}_ · `{p.id}`{score}", "", p.text, ""]
    return "\n".join(lines)


def coverage_markdown(model: ThreatModel | None) -> str:
    """Per layer: covered, not applicable (with the reason), unknown (with the open question)."""
    if model is None:
        return "_Coverage appears after the first analysis (`/analyze`)._"
    lines = []
    for layer in Layer:
        cov = model.coverage.get(layer)
        count = sum(1 for f in model.findings if f.layer == layer)
        head = f"**{layer.value} {LAYER_NAMES[layer]}**"
        if cov is None:
            lines.append(f"- {head}: not recorded")
        elif cov.status == CoverageStatus.COVERED:
            lines.append(f"- {head}: ● covered, {count} findings")
        elif cov.status == CoverageStatus.NOT_APPLICABLE:
            lines.append(f"- {head}: ⊘ not applicable: {cov.reason}")
        else:
            lines.append(
                f"- {head}: ○ unknown"
                + (f". Open question: {cov.question}" if cov.question else "")
            )
    return "\n".join(lines)


class MarkdownTab(VerticalScroll):
    """A scrolling Markdown document that is replaced as a whole."""

    def __init__(self, text: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._initial = text

    def compose(self) -> ComposeResult:
        """One Markdown document."""
        yield Markdown(self._initial)

    def show(self, text: str) -> None:
        """Replace the document (the update completes in the background)."""
        self.query_one(Markdown).update(clean(text))
