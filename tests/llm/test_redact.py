import pytest

from assistant.llm.redact import Redactor, describe
from tests.llm.secrets_corpus import Secret, corpus, document

SECRETS = corpus()


def test_corpus_has_twenty_distinct_secrets() -> None:
    assert len(SECRETS) == 20
    assert len({s.value for s in SECRETS}) == 20


@pytest.mark.parametrize("secret", SECRETS, ids=[s.kind for s in SECRETS])
def test_each_secret_is_redacted_in_its_context(secret: Secret) -> None:
    redactor = Redactor()
    out = redactor.redact(secret.text)
    assert not [f for f in secret.fragments() if f in out]
    assert "[REDACTED:" in out
    assert redactor.redactions


def test_whole_document_keeps_its_prose_and_loses_every_secret() -> None:
    out = Redactor().redact(document())
    assert not [f for s in SECRETS for f in s.fragments() if f in out]
    assert "A planner agent delegates to an ingest agent" in out
    assert "postgresql://agent_rw:" in out and "@memory-db.internal:5432" in out


def test_placeholders_are_stable_within_a_session() -> None:
    redactor = Redactor()
    key = SECRETS[0].value
    first = redactor.redact(f"key {key}")
    second = redactor.redact(f"again {key} and {key}")
    placeholder = first.split()[-1]
    assert second == f"again {placeholder} and {placeholder}"
    assert len(redactor.redactions) == 1


def test_different_secrets_of_one_kind_get_different_numbers() -> None:
    redactor = Redactor()
    out = redactor.redact("AKIA" + "A" * 16 + " and AKIA" + "B" * 16)
    assert "[REDACTED:aws-access-key#1]" in out and "[REDACTED:aws-access-key#2]" in out


def test_redacting_twice_changes_nothing() -> None:
    redactor = Redactor()
    once = redactor.redact(document())
    assert redactor.redact(once) == once


@pytest.mark.parametrize(
    "text",
    [
        "The agent has a token budget of 4000 tokens per request.",
        "Enforce a password policy and rotate secrets with a secret manager.",
        "password = ${DB_PASSWORD}",
        "api_key: <your-api-key>",
        "token = os.environ['GITHUB_TOKEN']",
        "Set max_tokens=16384 for the planner.",
        "See https://docs.example.com/auth for the bearer flow.",
        "skip-list and sk-short are not keys",
        "credentials: cluster-admin",  # the rights, not the secret
        "token: read-only",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert Redactor().redact(text) == text


def test_the_user_sees_what_was_redacted_without_the_secret() -> None:
    redactor = Redactor()
    redactor.redact(SECRETS[0].text + "\n" + SECRETS[16].text)
    line = describe(redactor.redactions)
    assert line.startswith("redacted 2 secrets before sending:")
    assert "AWS access key id AKIA…" in line and "[REDACTED:aws-access-key#1]" in line
    assert "password in a URL … as [REDACTED:url-password#1]" in line
    assert SECRETS[0].value not in line and SECRETS[16].value not in line


def test_an_unlabelled_aws_style_secret_is_redacted() -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
    text = f"key AKIAIOSFODNN7EXAMPLE secret {secret}, path /usr/lib/python3.11/site-packages/x"
    out = Redactor().redact(text)
    assert secret not in out and "/usr/lib/python3.11/site-packages/x" in out


def test_a_passphrase_of_words_is_still_a_secret() -> None:
    # Near miss of the rights above: words that name no role or scope.
    assert "correct-horse-battery" not in Redactor().redact("password: correct-horse-battery")
