"""The error family of the core.

Core code raises these; only the edges (the CLI, later the TUI) turn them into a message and an
exit code. Each carries one human sentence, already fit to show a user.
"""

from __future__ import annotations

import re


class AssistantError(Exception):
    """Base class for every error the product reports to a user.

    Args:
        message: One sentence saying what went wrong and, where possible, what to do.
        title: A short heading for UIs that show one.
    """

    exit_code = 1

    def __init__(self, message: str, title: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.title = title or _heading(type(self).__name__)


def _heading(name: str) -> str:
    """A class name as words for a heading: `LLMCancelledError` -> `Model call cancelled`."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z]+", name.removesuffix("Error"))
    text = " ".join(w if w.isupper() else w.lower() for w in words).replace("LLM", "model call")
    return (text[:1].upper() + text[1:]) or "Error"


class CatalogueError(AssistantError):
    """The catalogue in `knowledge/` cannot be loaded or fails its integrity checks.

    Attributes:
        problems: One line per problem, each naming the file (and entry) at fault.
    """

    # The catalogue is input the tool cannot read: 2, like any unreadable input, never 1,
    # which `validate` and `diff --fail-on` use for "rejected".
    exit_code = 2

    def __init__(self, problems: list[str]) -> None:
        first = problems[0].splitlines()[0] if problems and problems[0] else "unknown problem"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"catalogue is invalid: {first}{more}", title="Catalogue error")
        self.problems = problems


class UnknownEntryError(AssistantError):
    """An id or alias that is not in the catalogue.

    Attributes:
        query: What was asked for.
        suggestions: The closest ids, best first.
    """

    def __init__(self, query: str, suggestions: list[str]) -> None:
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"no catalogue entry {query!r}{hint}", title="Unknown entry")
        self.query = query
        self.suggestions = suggestions


class InputFileError(AssistantError):
    """An input file that cannot be read (missing, binary, too large)."""

    exit_code = 2


class OutputFileError(AssistantError):
    """An output file that cannot be written (missing directory, not a regular file, disk full)."""

    exit_code = 2


class ThreatModelFileError(InputFileError):
    """A file that should hold a threat model is unreadable or is not one."""


class SystemFileError(InputFileError):
    """A system file (`analyze system.yaml`) that is unreadable or does not fit its schema.

    The message names the file, and where it can, the line and the field path at fault.

    Attributes:
        line: The 1-based line of the problem, when known.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message, title="System file error")
        self.line = line


class McpConfigError(InputFileError):
    """An MCP client configuration file (`import mcp`) that is unreadable or not a config.

    The message names the file and, where it can, the line or JSON path at fault.
    """


class NothingDescribedError(InputFileError):
    """An input in which nothing describes a system (empty, whitespace or no system facts).

    Analysing it would return an empty threat model that looks like a clean bill of health.
    """


class RetrievalError(AssistantError):
    """The guidance index or its embedder cannot do what was asked."""


class QueryError(RetrievalError):
    """A search query that cannot be run (for example an empty one)."""

    exit_code = 2


class EmbedderError(RetrievalError):
    """The embedding model cannot be loaded or did not return usable vectors."""


class ChromaServerError(RetrievalError):
    """The configured Chroma server cannot be reached or refused a request."""


class LLMError(AssistantError):
    """A failure in the model gateway (`assistant.llm`)."""


class LLMConfigError(LLMError):
    """The model settings are missing or invalid (flags, environment or config file)."""

    exit_code = 2


class LocalOnlyError(LLMConfigError):
    """`--local-only` refused an endpoint that is not on this machine."""


class PromptError(LLMError):
    """A prompt file is invalid, or a prompt was rendered without all its variables."""


class ProviderError(LLMError):
    """The model provider failed, refused the request or could not be reached.

    Attributes:
        provider: The litellm provider name, e.g. `openai`, `anthropic`, `ollama`.
        kind: What went wrong: `rate-limit`, `server`, `timeout`, `connection`, `bad-body`,
            `auth`, `not-found`, `bad-request`, `context-window`, `empty` or `other`.
        status: The HTTP status, when there was one.
        retriable: Whether trying again later may succeed.
        retry_after: Seconds the provider asked us to wait (`Retry-After`), if it said.
        attempts: How many attempts were made before giving up.
        model: The model string that was called.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        kind: str,
        status: int | None = None,
        retriable: bool = False,
        retry_after: float | None = None,
        attempts: int = 1,
        model: str = "",
    ) -> None:
        super().__init__(message, title="Model provider error")
        self.provider = provider
        self.kind = kind
        self.status = status
        self.retriable = retriable
        self.retry_after = retry_after
        self.attempts = attempts
        self.model = model


class BudgetExceededError(LLMError):
    """A `max_tokens` or `max_cost` cap stopped the work.

    Attributes:
        kind: `tokens` or `cost`.
        limit: The cap that was reached.
        used: What the session had used when it stopped (an `assistant.llm.Usage`).
        partial: Text the model had produced before the cap cut it off, if any.
    """

    exit_code = 3

    def __init__(
        self, message: str, *, kind: str, limit: float, used: object, partial: str = ""
    ) -> None:
        super().__init__(message, title="Budget reached")
        self.kind = kind
        self.limit = limit
        self.used = used
        self.partial = partial


class OutputValidationError(LLMError):
    """The model did not produce valid structured output within the repair budget.

    Attributes:
        attempts: How many replies were requested.
        last_output: The last raw reply.
        errors: The problems found in the last reply, one sentence each.
        usage: Tokens and cost spent on all attempts (an `assistant.llm.Usage`).
    """

    def __init__(
        self, message: str, *, attempts: int, last_output: str, errors: list[str], usage: object
    ) -> None:
        super().__init__(message, title="Invalid model output")
        self.attempts = attempts
        self.last_output = last_output
        self.errors = errors
        self.usage = usage


class RulesLossError(LLMError):
    """A hybrid run under `--strict` lost more of the rules engine's findings than allowed."""


class LLMCancelledError(LLMError):
    """The caller cancelled a model call."""

    exit_code = 130


class ExportError(AssistantError):
    """An export that cannot be produced or written (unknown format, unwritable output)."""

    exit_code = 2


class SessionError(AssistantError):
    """A chat session that cannot be found, read or written (`assistant.session`)."""

    exit_code = 2


class ReviewError(SessionError):
    """A review action that cannot be applied (unknown finding, missing reason, no analysis)."""

    exit_code = 1


class CorrectionError(SessionError):
    """A correction to the system model that cannot be applied (unknown id, bad syntax).

    The chat answers it with one line and leaves the system model unchanged.
    """

    exit_code = 1


class StepCancelledError(SessionError):
    """The user cancelled the step in progress (Esc in the chat)."""

    exit_code = 130


class EvalCaseError(InputFileError):
    """An eval case file (`evals/cases/*.yaml`) that cannot be read or is not a valid case."""
