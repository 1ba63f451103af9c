"""Secret redaction: nothing that looks like a credential leaves the machine.

Every message is scanned before it is sent. Each secret becomes a placeholder such as
`[REDACTED:aws-access-key#1]`; the same secret always gets the same placeholder within a
session, so the model can still tell two keys apart and the conversation stays coherent. The
caller can list what was redacted (kind, placeholder and a masked preview, never the secret).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from pydantic import BaseModel, ConfigDict

# (kind, human label, pattern, triggers). A pattern's group "s" is the secret when only part of
# the match is secret (the key name or URL around it stays readable); otherwise the whole match
# is. A pattern runs only when one of its triggers (lowercase) occurs in the lowercased text:
# substring checks cost microseconds, while Python's `re` cannot skip ahead on patterns that
# start with `\b`, and every call scans the whole conversation.
# Specific patterns come first: the generic `name = value` rule only sees what they left.
_PATTERNS: list[tuple[str, str, str, tuple[str, ...]]] = [
    (
        "private-key",
        "private key block",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
        ("private key",),
    ),
    (
        "aws-access-key",
        "AWS access key id",
        r"\b(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA)[A-Z0-9]{16}\b",
        ("akia", "asia", "abia", "acca", "aida", "aroa"),
    ),
    (
        "aws-secret-key",
        "AWS secret access key",
        r"(?i)aws.{0,20}?(?:secret|sk).{0,20}?[=:]\s*[\"']?(?P<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
        ("aws",),
    ),
    (
        # An AWS-style secret pasted without its key name ("key AKIA... secret wJal..."): 40
        # base64 characters with a slash or plus and mixed case and digits, which file paths,
        # hashes (hex) and words do not have.
        "aws-secret-key",
        "AWS-style secret key (unlabelled)",
        r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[/+])(?=[A-Za-z0-9/+]{0,39}[0-9])(?=[A-Za-z0-9/+]{0,39}[a-z])"
        r"(?=[A-Za-z0-9/+]{0,39}[A-Z])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
        ("/", "+"),
    ),
    ("gcp-api-key", "Google API key", r"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])", ("aiza",)),
    (
        "gcp-oauth-secret",
        "Google OAuth client secret",
        r"\bGOCSPX-[A-Za-z0-9_-]{28}\b",
        ("gocspx-",),
    ),
    ("gcp-oauth-token", "Google OAuth token", r"\bya29\.[0-9A-Za-z_-]{20,}", ("ya29.",)),
    (
        "gcp-private-key-id",
        "GCP service-account key id",
        r"\"private_key_id\"\s*:\s*\"(?P<s>[0-9a-f]{40})\"",
        ("private_key_id",),
    ),
    (
        "azure-account-key",
        "Azure storage/service key",
        r"(?i)(?:AccountKey|SharedAccessKey)\s*=\s*(?P<s>[A-Za-z0-9+/]{30,}={0,2})",
        ("accountkey", "sharedaccesskey"),
    ),
    (
        "azure-sas-signature",
        "Azure SAS signature",
        r"(?i)[?&]sig=(?P<s>[A-Za-z0-9%+/]{30,}(?:%3D|=){0,2})",
        ("sig=",),
    ),
    (
        "azure-client-secret",
        "Azure client secret",
        r"\b[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}\b",
        ("q~",),
    ),
    ("anthropic-key", "Anthropic API key", r"\bsk-ant-[A-Za-z0-9_-]{20,}", ("sk-ant-",)),
    (
        "openai-key",
        "OpenAI API key",
        r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",
        ("sk-",),
    ),
    (
        "github-token",
        "GitHub token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    ("gitlab-token", "GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}", ("glpat-",)),
    ("slack-token", "Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}", ("xox",)),
    (
        "slack-webhook",
        "Slack webhook URL",
        r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+",
        ("hooks.slack.com",),
    ),
    (
        "stripe-key",
        "Stripe secret key",
        r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
        ("_live_", "_test_"),
    ),
    ("stripe-webhook-secret", "Stripe webhook secret", r"\bwhsec_[A-Za-z0-9]{24,}", ("whsec_",)),
    ("huggingface-token", "Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}", ("hf_",)),
    ("npm-token", "npm token", r"\bnpm_[A-Za-z0-9]{36}\b", ("npm_",)),
    (
        "sendgrid-key",
        "SendGrid API key",
        r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{30,}",
        ("sg.",),
    ),
    (
        "jwt",
        "JSON Web Token",
        r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        ("eyj",),
    ),
    (
        "url-password",
        "password in a URL",
        r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/?#@\[\]]*:(?P<s>[^\s@/?#\[\]]+)@",
        ("://",),
    ),
    (
        "bearer-token",
        "authorization header",
        r"(?i)\b(?:authorization|proxy-authorization)\s*[:=]\s*[\"']?(?:bearer|basic|token|digest)?\s*(?P<s>[A-Za-z0-9._~+/=-]{8,})",
        ("authorization",),
    ),
    (
        "bearer-token",
        "bearer token",
        r"(?i)\bbearer\s+(?P<s>[A-Za-z0-9._~+/=-]{16,})",
        ("bearer",),
    ),
    (
        "api-key-header",
        "API key header",
        r"(?i)\b(?:x-api-key|api-key|x-auth-token)\s*:\s*[\"']?(?P<s>[A-Za-z0-9._~+/=-]{8,})",
        ("api-key", "x-auth-token"),
    ),
    (
        "password",
        "password",
        r"(?i)(?:^|[;\s\"'])(?:password|pwd)\s*=\s*(?P<s>[^;\s\"']{4,})",
        ("password", "pwd"),
    ),
    (
        # No leading `[\w.-]*` for the rest of the name (DB_PASSWORD): only the value is
        # replaced, and a leading repeat makes the scan several times slower.
        "secret-assignment",
        "secret assignment",
        r"(?i)(?:pass(?:word|wd|phrase)|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_.-]*"
        r"[\"']?\s*(?::|=|=>)\s*(?:(?P<q>[\"'])(?P<s>[^\"'\n]{6,}?)(?P=q)|(?P<s2>[^\s\"',;{}\[\]()<>$]{8,}))",
        ("pass", "secret", "token", "key", "credential"),
    ),
]
_COMPILED = [
    (kind, label, re.compile(pattern), triggers) for kind, label, pattern, triggers in _PATTERNS
]
_CACHE_SIZE = 512
_PLACEHOLDER = re.compile(r"\[REDACTED:[a-z0-9-]+#\d+\]")


class Redaction(BaseModel):
    """One secret that was replaced."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    label: str
    placeholder: str
    preview: str
    """A masked hint at which value it was, e.g. `AKIA…` (never the secret)."""


# Kinds whose first characters are a public type marker (AKIA, ghp_, sk-p, eyJh): showing them
# helps the user recognise the value without revealing any of its secret part.
_MARKED_KINDS = {
    "aws-access-key", "gcp-api-key", "gcp-oauth-secret", "gcp-oauth-token", "anthropic-key",
    "openai-key", "github-token", "gitlab-token", "slack-token", "stripe-key",
    "stripe-webhook-secret", "huggingface-token", "npm-token", "sendgrid-key", "jwt",
}  # fmt: skip


def _preview(secret: str, kind: str) -> str:
    return secret[:4] + "…" if kind in _MARKED_KINDS else "…"


class Redactor:
    """Replaces secrets with stable placeholders, remembering each for the session."""

    def __init__(self) -> None:
        self._found: dict[str, Redaction] = {}
        self._counts: dict[str, int] = {}
        # Every call re-sends the whole conversation; a message's redaction never changes
        # (placeholders are stable), so earlier turns are looked up, not scanned again.
        self._done: dict[str, str] = {}

    def redact(self, text: str) -> str:
        """Return `text` with every secret replaced by its placeholder."""
        cached = self._done.get(text)
        if cached is not None:
            return cached
        original, lowered = text, text.lower()
        for kind, label, pattern, triggers in _COMPILED:
            if any(t in lowered for t in triggers):
                text = pattern.sub(partial(self._replace, kind=kind, label=label), text)
        if len(self._done) >= _CACHE_SIZE:
            self._done.clear()
        self._done[original] = text
        return text

    def _replace(self, match: re.Match[str], *, kind: str, label: str) -> str:
        group = next((g for g in ("s", "s2") if g in match.re.groupindex and match[g]), None)
        secret = match[group] if group else match[0]
        if _PLACEHOLDER.search(secret) or _looks_like_reference(secret):
            return match[0]
        found = self._found.get(secret)
        if found is None:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            found = Redaction(
                kind=kind,
                label=label,
                placeholder=f"[REDACTED:{kind}#{self._counts[kind]}]",
                preview=_preview(secret, kind),
            )
            self._found[secret] = found
        if group is None:
            return found.placeholder
        start, end = match.start(group) - match.start(), match.end(group) - match.start()
        return match[0][:start] + found.placeholder + match[0][end:]

    @property
    def redactions(self) -> list[Redaction]:
        """Everything redacted so far, in order of first appearance."""
        return list(self._found.values())


def redact_tree(value: Any, redactor: Redactor) -> Any:
    """`value` (JSON-ready data) with every string redacted; structure and keys unchanged."""
    if isinstance(value, str):
        return redactor.redact(value)
    if isinstance(value, list):
        return [redact_tree(v, redactor) for v in value]
    if isinstance(value, dict):
        return {k: redact_tree(v, redactor) for k, v in value.items()}
    return value


def _looks_like_reference(value: str) -> bool:
    # `${DB_PASSWORD}`, `<your-token>`, `os.environ[...]`, `*****`: names of secrets, not secrets.
    # `credentials: cluster-admin`, `token: read-only`: the rights a secret carries, which are
    # what a threat model needs; a passphrase of other words is still redacted.
    stripped = value.strip()
    return (
        stripped.startswith(("$", "<", "{", "%", "os.environ", "process.env", "env:"))
        or set(stripped) <= {"*", "x", "X", "."}
        or stripped.lower() in {"none", "null", "true", "false", "changeme", "redacted"}
        or bool(_RIGHTS.fullmatch(stripped))
    )


# A role or scope written as words: `cluster-admin`, `read-only`, `repo:write`, `org_owner`.
_RIGHTS = re.compile(
    r"(?i)(?=[a-z:_-]*(?:admin|read|write|owner|viewer|editor|root|role|scope|full|limited))"
    r"[a-z]+(?:[-_:][a-z]+){0,3}"
)


def describe(redactions: list[Redaction]) -> str:
    """One line for people, e.g. `redacted 2 secrets before sending: AWS access key id AKIA… as [REDACTED:aws-access-key#1], ...`."""
    parts = [f"{r.label} {r.preview} as {r.placeholder}" for r in redactions]
    noun = "secret" if len(redactions) == 1 else "secrets"
    return f"redacted {len(redactions)} {noun} before sending: " + "; ".join(parts)
