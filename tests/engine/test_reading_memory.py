"""Memory read from what the agent keeps and goes back to, each rule with a near miss.

None of these sentences comes from an eval description.
"""

from __future__ import annotations

import pytest

from assistant.engine.reading.reader import read


def _memory(sentence: str) -> bool | None:
    return read(sentence).capabilities.get("memory")


@pytest.mark.parametrize(
    "sentence",
    [
        # A kept record that is consulted again.
        "Its outage diary is consulted whenever a feeder trips.",
        # Kept, then used: by the record's own later reading or a time that comes round again.
        "The bot keeps a journal of failed deliveries and uses it to pick drivers.",
        "It keeps a register of late suppliers for the next quarter's tender.",
        "It maintains a tally of no-shows, carried week to week.",
        # Its own record read back over a span of time.
        "Before it answers it reads back the last three days of the chat.",
        "Each morning it flicks back through the notes from earlier calls.",
        # A file per anything it deals with again.
        "It keeps a dossier for every visitor to the lab.",
        # The word itself.
        "Its recollections of each tenant shape the reply.",
    ],
)
def test_a_record_the_agent_keeps_and_goes_back_to_is_memory(sentence: str) -> None:
    assert _memory(sentence) is True


@pytest.mark.parametrize(
    "sentence",
    [
        # Kept for someone else, or consulted by someone else.
        "Its outage diary is consulted by the regulator every quarter.",
        "The bot keeps a journal of failed deliveries for the depot manager.",
        # Read back, but not its own record over time.
        "It reads back the order number to the caller.",
        # A log for every action is an audit trail, not a file per thing it meets again.
        "It keeps a log for every action it takes.",
    ],
)
def test_a_record_kept_for_others_or_read_once_is_not_memory(sentence: str) -> None:
    assert _memory(sentence) is not True


def test_a_phrase_around_a_named_product_still_says_what_the_agent_does() -> None:
    # The product claims its own word; the behaviour around it still settles memory, and the
    # product is still the store it names.
    delta = read("It keeps a job history in DynamoDB and checks it before each run.")
    assert delta.capabilities.get("memory") is True
    # Near miss: the same product with no behaviour around it settles nothing about memory.
    assert read("Job results go to DynamoDB.").capabilities.get("memory") is None


@pytest.mark.parametrize(
    "sentence",
    [
        # Another system's data, read back or looked through.
        "The agent pulls back the last 30 days of tickets from Zendesk.",
        "It looks back through the records in Salesforce.",
        # Consulted by a person, read back to one, or kept for others to use.
        "The history is consulted only when something goes wrong, by the SRE on call.",
        "The ledger gets read back to the customer over the phone.",
        "It keeps a list of flagged invoices so the auditors can pull it the next quarter.",
    ],
)
def test_another_systems_data_or_a_record_kept_for_others_is_not_memory(sentence: str) -> None:
    assert _memory(sentence) is not True
