"""The model gateway: every model call goes through here, and nothing else sees litellm.

Importing this package does not import litellm; `LiteLLMChatModel` imports it on first use.
"""

from assistant.llm.base import (
    ChatModel,
    ChatStream,
    Check,
    Message,
    ModelInfo,
    NeedsClarification,
    Reply,
    Usage,
    assistant,
    system,
    user,
)
from assistant.llm.config import LLMSettings, check_local_only, load_settings
from assistant.llm.fake import ScriptedChatModel, ScriptedReply
from assistant.llm.gateway import GatewayModel, Session
from assistant.llm.litellm_model import LiteLLMChatModel, litellm_embed
from assistant.llm.prompts import (
    PromptTemplate,
    RenderedPrompt,
    load_prompt,
    untrusted_block,
    with_untrusted_notice,
)
from assistant.llm.redact import Redaction, Redactor

__all__ = [
    "ChatModel",
    "ChatStream",
    "Check",
    "GatewayModel",
    "LLMSettings",
    "LiteLLMChatModel",
    "Message",
    "ModelInfo",
    "NeedsClarification",
    "PromptTemplate",
    "Redaction",
    "Redactor",
    "RenderedPrompt",
    "Reply",
    "ScriptedChatModel",
    "ScriptedReply",
    "Session",
    "Usage",
    "assistant",
    "check_local_only",
    "litellm_embed",
    "load_prompt",
    "load_settings",
    "system",
    "untrusted_block",
    "user",
    "with_untrusted_notice",
]
