"""`make_app`: the one way the CLI (`maestro-tm chat`) and the tests build the chat app.

Everything the app runs on is chosen here, once: the settings the caller built, the engine
binding they start (or a ready one), the catalogue, guidance search and the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.knowledge import default_catalogue
from assistant.session.conversation import Conversation
from assistant.session.models import bind_model
from assistant.tui.app import MaestroApp

if TYPE_CHECKING:
    from assistant.knowledge import Catalogue
    from assistant.llm.config import LLMSettings
    from assistant.session.conversation import Binder
    from assistant.session.models import ModelBinding, Retrieval


def make_app(
    settings: LLMSettings | None = None,
    binding: ModelBinding | None = None,
    *,
    catalogue: Catalogue | None = None,
    retriever: Retrieval | None = None,
    binder: Binder | None = None,
    resume: str | None = None,
    resume_latest: bool = False,
    session_id: str | None = None,
) -> MaestroApp:
    """Build the chat app: the CLI and the tests share this one factory.

    Args:
        settings: Model settings, built once by the caller (flags over environment over config
            file). Their model, if any, starts the hybrid engine; `/model NAME` keeps them and
            swaps the model. None: the defaults (no model: the offline rules engine).
        binding: A ready engine binding to start on instead of `settings.model` (tests inject
            one around a `ScriptedChatModel`).
        catalogue: Default: the bundled catalogue.
        retriever: Guidance search; None leaves the Guidance tab empty, with a note.
        binder: Builds the binding for `/model NAME`; default: `model_binder(settings)`.
        resume: A session id (or unique prefix) to continue.
        resume_latest: Continue the most recent session.
        session_id: The id of a new session (default: time-based).

    Raises:
        AssistantError: Bad settings, or the session to resume cannot be read.
    """
    if catalogue is None:
        catalogue = default_catalogue()
    if binding is None and settings is not None and settings.model:
        binding = bind_model(settings, retriever=retriever)
    conversation = Conversation(
        catalogue, binding=binding, retriever=retriever, binder=binder, settings=settings
    )
    notes: list[str] = []
    if resume or resume_latest:
        notes = conversation.open(resume)
    else:
        conversation.start_new(session_id)
    return MaestroApp(conversation, notes=notes)
