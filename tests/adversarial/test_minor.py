"""Small leaks: a URL password with an empty user name, and class names in notices."""

from __future__ import annotations

from assistant.errors import BudgetExceededError, LLMCancelledError, ProviderError
from assistant.llm.redact import Redactor


def test_a_url_password_with_an_empty_user_name_is_redacted() -> None:
    out = Redactor().redact("cache: redis://:hunter2-Secret@cache.internal:6379/0")
    assert "hunter2-Secret" not in out
    assert out.startswith("cache: redis://:[REDACTED:url-password#1]@cache.internal")


def test_addresses_without_a_password_are_left_alone() -> None:
    text = "see https://docs.example.com/auth and http://127.0.0.1:8080/v1"
    assert Redactor().redact(text) == text


def test_error_headings_are_words_not_class_names() -> None:
    errors = [
        LLMCancelledError("cancelled"),
        ProviderError("x", provider="openai", kind="timeout"),
        BudgetExceededError("x", kind="tokens", limit=1, used=None),
    ]
    for error in errors:
        assert "Error" not in error.title
        assert error.title[:1].isupper()
    assert "LLMCancelledError" not in LLMCancelledError("cancelled").title
