"""Chat sessions, headless: the conversation state machine, its journal and its updates.

The TUI (`assistant/tui/`) shows a `Conversation`; nothing here imports a UI library.
"""

from assistant.session.conversation import Conversation
from assistant.session.events import SessionState
from assistant.session.journal import SessionSummary, list_sessions
from assistant.session.models import ModelBinding, bind_model, model_binder, rules_binding

__all__ = [
    "Conversation",
    "ModelBinding",
    "SessionState",
    "SessionSummary",
    "bind_model",
    "list_sessions",
    "model_binder",
    "rules_binding",
]
