"""More ways of saying a person approves first, each with a near miss.

No sentence comes from an eval description.
"""

from __future__ import annotations

import pytest

from assistant.engine.reading.reader import read
from assistant.schema import ControlKind


def _approved(text: str) -> bool:
    return any(
        c.kind == ControlKind.HUMAN_APPROVAL and c.present is True for c in read(text).controls
    )


@pytest.mark.parametrize(
    "text",
    [
        "The agent won't reorder stock unless the store manager accepts it.",
        "It can refund an order only after a shift supervisor has cleared it.",
        "Bigger transfers wait until the night desk duty officer confirms them.",
        "The agent drafts each grant; the programme director sanctions it or sends it back.",
    ],
)
def test_a_person_who_must_agree_first_is_an_approval(text: str) -> None:
    assert _approved(text)


@pytest.mark.parametrize(
    "text",
    [
        # Someone else's act that is not a say on the agent's action.
        "The agent keeps the booking unless the customer cancels it.",
        # Sanctions as a noun: screening, not permission.
        "The agent screens each payee against the sanctions list.",
    ],
)
def test_a_condition_or_a_noun_is_not_an_approval(text: str) -> None:
    assert not _approved(text)
