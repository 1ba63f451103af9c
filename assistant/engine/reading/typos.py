"""Typo tolerance: a misspelt key word of the vocabulary ("memroy", "aproves") read as itself.

Only key words are mended, and only by a small edit: everything else the user wrote, including
other forms of a key word ("retrieves" of "retrieval"), is read as written.
"""

from __future__ import annotations

import re
from functools import cache

# Key words worth mending when misspelt ("memroy", "aproves"). Short words are left alone: at
# four letters or fewer, one wrong letter is usually another word.
KEY_WORDS = (
    "memory",
    "approve",
    "approves",
    "approved",
    "approval",
    "review",
    "reviews",
    "reviewed",
    "execute",
    "executes",
    "retrieval",
    "database",
    "documents",
    "knowledge",
    "agents",
    "assistant",
    "customers",
    "employees",
    "tools",
    "sandbox",
    "without",
    "cannot",
    "never",
    "nobody",
    "refund",
    "refunds",
    "payments",
    "patients",
    "personal",
    "remembers",
    "history",
    "browses",
    "plugins",
    "emails",
    "message",
    "messages",
    "confirm",
    "confirms",
    "automatically",
    "autonomous",
    "orchestrator",
    "credentials",
    "permissions",
    "authenticated",
    "conversation",
    "conversations",
)
_KEY_SET = frozenset(KEY_WORDS)
# Words close to a key word that are words in their own right, never mended.
_REAL_WORDS = frozenset(
    {"approach", "reviewer", "reviewers", "memo", "agent", "agency", "message", "messenger"}
)


@cache
def mend(word: str) -> str:
    """The key word `word` is a likely typo of, or `word` itself.

    A typo here is one edit (a letter added, dropped, changed, or two swapped) for words of five
    to seven letters, two for longer ones, and the lengths differ by one letter at most.
    """
    lower = word.lower()
    if len(lower) < 5 or lower in _KEY_SET or lower in _REAL_WORDS or not lower.isalpha():
        return word
    # "automaticaly": the adverb with one "l" looks like an inflection of its stem, but is a
    # slip of the keys.
    if lower.endswith("aly") and lower[:-2] + "lly" in _KEY_SET:
        return lower[:-2] + "lly"
    budget = 1 if len(lower) < 8 else 2
    for key in KEY_WORDS:
        # An inflection ("payment" of "payments", "reviewer" of "review") is a word, not a typo.
        inflection = key.startswith(lower) or lower.startswith(key) or _same_stem(lower, key)
        # Two edits only between words of about one length: two letters dropped or added is
        # another word ("executive" is not "execute"), not a slip of the keys.
        close = abs(len(key) - len(lower)) <= 1 and key[0] == lower[0] and not inflection
        if close and _distance(lower, key, budget) <= budget:
            return key
    return word


_SUFFIX = re.compile(r"(?:es|s|ed|d|ing|ers|er|als|al|ions|ion|ly)$")


def _same_stem(word: str, key: str) -> bool:
    """Whether `word` is another form of `key`: its stem, less an ending, begins the key."""
    stem = _SUFFIX.sub("", word)
    return len(stem) >= 4 and stem != word and key.startswith(stem)


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (Damerau-Levenshtein without re-edits), capped."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return prev[-1]
