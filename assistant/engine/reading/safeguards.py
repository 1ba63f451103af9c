"""Words for controls other than approval: sandboxing, allowlists, rate limits, audit logs.

Patterns run on normalised text, like those of `assistant.engine.reading.lexicon`.
"""

from __future__ import annotations

from assistant.engine.behaviours import LOG_IN
from assistant.engine.reading.lexicon import rx
from assistant.schema import ControlKind

CONTROLS: tuple[tuple[ControlKind, str], ...] = (
    (
        ControlKind.SANDBOX,
        r"sandbox\w*|isolated (?:container|vm|environment)|gvisor|firecracker|seccomp|"
        r"ephemeral (?:container|vm)s?|no network access",
    ),
    (
        ControlKind.ALLOWLIST,
        r"allow-?lists?|allow-?listed|whitelist\w*|deny-?lists?|only (?:approved|allowed|listed|"
        r"pre-approved|vetted) (?:domains?|tools?|commands?|recipients?|servers?|packages?|sites?|urls?)",
    ),
    (
        ControlKind.RATE_LIMIT,
        r"rate[- ]limit\w*|throttl\w*|quotas?|spending (?:cap|limit)s?|daily (?:cap|limit)s?|"
        r"per-day (?:cap|limit)s?|capped at|at most \d+ (?:per|a|an|each)",
    ),
    (
        ControlKind.AUDIT_LOGGING,
        r"audit (?:log|trail)s?|audit-logged|every (?:action|call|step|decision) is (?:logged|recorded|traced)|"
        r"logs? (?:every|all|each) (?:[\w-]+ ){0,2}(?:actions?|calls?|steps?|decisions?|requests?|commands?|changes?)|"
        r"immutable logs?|tamper-(?:proof|evident) logs?|"
        r"(?:calls|actions|decisions|requests|steps|tool calls) are (?:all )?(?:logged|recorded|traced)|"
        # "all kubectl commands logged to CloudTrail", "kept 90 days for the audit".
        r"(?:commands|calls|actions|decisions|requests|changes|queries) (?:are )?(?:logged|recorded) (?:to|in|into)|"
        r"(?:kept|saved|saving|stored|retained) (?:[\w-]+ ){0,4}for (?:the |an? )?audits?",
    ),
    (
        ControlKind.AUTHENTICATION,
        r"sso|single sign-on|oauth\S*|oidc|saml|mfa|2fa|two-factor|" + LOG_IN + "|login|"
        r"sign(?:s|ed)?[- ](?:in|on)|sign-ins?|authenticat\w+|api keys? per|mutual tls|mtls|"
        r"signed (?:requests|tokens)|"
        # Signing in with a secret: "e-mail and password", "with a passkey" (not "resets passwords").
        r"(?:^|\b(?:with|and|by|using) )(?:an? |their |a user's )?(?:password|passkey|passcode)s?\b(?! reset)|"
        # Accounts in a directory: "with Entra accounts", "their AD account".
        r"(?:ad|azure ad|entra(?: id)?|active directory|google workspace|microsoft 365|m365|ldap) accounts?",
    ),
    (
        ControlKind.AUTHORISATION,
        r"rbac|role-based|least[- ]privilege|scoped (?:tokens?|permissions?|credentials?|keys?)|"
        r"read-only (?:access|tokens?|roles?|credentials?|accounts?|permissions?)|"
        r"per-user permissions?|acls?|access control lists?|row-level security|"
        # Run-time policy decisions, the part the catalogue's policy-enforcement threat is about.
        r"polic(?:y|ies) (?:engine|decision point|as code)|policy-as-code|open policy agent|opa|"
        r"abac|attribute-based (?:access|authori[sz]ation)|cedar policies",
    ),
    (
        ControlKind.GUARDRAIL,
        r"guardrails?|content filter\w*|moderation (?:api|model|filter)|llama guard|nemo guardrails|"
        r"prompt[- ]injection (?:filter|detection|classifier)|output filter\w*|pii (?:filter|redaction|scrubbing)",
    ),
)
# Structured keys whose values are controls (`sandbox: none`, `rate_limit: 10/min`).
CONTROL_KEYS = {kind: rx(pattern) for kind, pattern in CONTROLS}
