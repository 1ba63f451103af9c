"""Ways in read from what people send, each rule with a near miss.

No sentence comes from an eval description.
"""

from __future__ import annotations

import pytest

from assistant.engine.reading.reader import read
from assistant.schema import EntryKind


def _kinds(text: str) -> set[EntryKind]:
    return {e.kind for e in read(text).entry_points}


@pytest.mark.parametrize(
    "text",
    [
        "Couriers snap a photo of the parcel and send it by WhatsApp.",
        "Inputs: Telegram voice notes from the rangers.",
        "Tenants can text the office number too, so SMS comes in as well.",
    ],
)
def test_what_people_send_over_a_channel_comes_in(text: str) -> None:
    assert EntryKind.INBOUND_MESSAGES in _kinds(text)


def test_what_the_agent_sends_over_a_channel_does_not_come_in() -> None:
    assert EntryKind.INBOUND_MESSAGES not in _kinds("It sends photos of the delivery by WhatsApp.")


def test_staff_sending_in_over_a_public_channel_does_not_make_it_external() -> None:
    text = "Inputs: WhatsApp photos from technicians in the field."
    assert read(text).capabilities.get("external-facing") is None
    # Near miss: members of the public sending in over the same channel make it external.
    assert read("Customers send photos by WhatsApp.").capabilities.get("external-facing") is True
