"""Capabilities said in everyday words, each rule with a near miss.

No sentence comes from an eval description.
"""

from __future__ import annotations

import pytest

from assistant.engine.reading.reader import read


def _cap(text: str, capability: str) -> bool | None:
    return read(text).capabilities.get(capability)


@pytest.mark.parametrize(
    ("text", "capability", "value"),
    [
        # Outsiders said not to reach it; the network it is limited to.
        ("Tenants never see or use it.", "external-facing", False),
        ("Guests don't interact with the bot.", "external-facing", False),
        ("It sits on the warehouse network only.", "external-facing", False),
        ("The tool is not public-facing.", "external-facing", False),
        ("It is not exposed outside the firm.", "external-facing", False),
        # Training and hosting ruled out together.
        ("We don't train or host any model ourselves.", "fine-tuning", False),
        ("We don't train or host any model ourselves.", "self-hosted-model", False),
        # The model on a machine of theirs, or in a room of theirs.
        ("The model (a small Gemma) runs on a server inside the depot.", "self-hosted-model", True),
        ("It uses Mixtral, which we run on the trust's own servers.", "self-hosted-model", True),
        # A plan it sketches; documents it searches.
        ("For every order it sketches a rough plan first.", "planning", True),
        ("It searches our safety documents before it answers.", "rag", True),
        ("There is no search over documents.", "rag", False),
    ],
)
def test_a_capability_said_in_plain_words(text: str, capability: str, value: bool) -> None:
    assert _cap(text, capability) is value


@pytest.mark.parametrize(
    ("text", "capability"),
    [
        # Customers not seeing one thing is not customers never reaching it.
        ("Customers don't see the drafts.", "external-facing"),
        # Where the model does not run says nothing of where it does.
        ("We don't run the model on phones.", "self-hosted-model"),
        # The app on a machine of theirs; the model is someone else's.
        ("The bot runs on a server inside our office; the model is GPT-4o.", "self-hosted-model"),
        # A person's plan; documents people hand over.
        ("Our ops team sketches a plan.", "planning"),
        ("It searches the documents customers upload for a reference.", "rag"),
    ],
)
def test_a_near_miss_settles_nothing(text: str, capability: str) -> None:
    assert _cap(text, capability) is None


def test_a_person_who_goes_through_it_before_it_is_used_is_in_the_loop() -> None:
    text = "The draft comes back; the vet reads it, fixes anything wrong, and only then sends it."
    assert _cap(text, "human-in-loop") is True
    # Near miss: the model reading its input first is no person in the loop.
    assert _cap("The model reads it and only then answers.", "human-in-loop") is None


@pytest.mark.parametrize(
    "text",
    [
        "It reaches the HR system through a read-only integration user.",
        "It holds one API client on the bank's platform.",
        "Each worker runs under its own service account.",
    ],
)
def test_an_identity_it_uses_on_a_service_is_authentication(text: str) -> None:
    assert _cap(text, "authentication") is True


def test_a_log_kept_in_a_siem_is_no_identity() -> None:
    # Near miss: "audit log in our SIEM" once read as people logging in.
    assert _cap("Every call goes to an audit log in our SIEM.", "authentication") is None


@pytest.mark.parametrize(
    ("text", "capability", "value"),
    [
        # Code it wrote, run later in the sentence.
        (
            "It writes small Python scripts that plot the load curves, and runs them in a sandbox.",
            "code-execution",
            True,
        ),
        # A store it both reads and adds to.
        ("The glossary lives in Qdrant; the agent consults it and adds to it.", "memory", True),
        # Served from a machine of theirs, with other facts about the model in between.
        (
            "The model is Mistral 7B, fine-tuned by us on old tickets and served from a box in our office.",
            "self-hosted-model",
            True,
        ),
        ("The model shall be hosted on council-owned servers.", "self-hosted-model", True),
        # Hosting and training ruled out in the passive.
        ("The model (Claude on Bedrock) is not hosted by the company.", "self-hosted-model", False),
        ("No model is trained or fine-tuned on customer data.", "fine-tuning", False),
        # A long behaviour phrase leaves the words inside it to other terms.
        (
            "The model is Mistral 7B, fine-tuned by us on old tickets and served from a box in our office.",
            "fine-tuning",
            True,
        ),
    ],
)
def test_more_capabilities_in_plain_words(text: str, capability: str, value: bool) -> None:
    assert _cap(text, capability) is value


@pytest.mark.parametrize(
    ("text", "capability"),
    [
        # Writing code it never runs.
        ("It writes Python snippets for the analysts, who run them later.", "code-execution"),
        # Reading a store without adding to it.
        ("The glossary lives in Qdrant; the agent consults it often.", "memory"),
    ],
)
def test_more_near_misses_settle_nothing(text: str, capability: str) -> None:
    assert _cap(text, capability) is None


@pytest.mark.parametrize(
    ("text", "capability", "value"),
    [
        # A log kept in a store is no login; people logging in are.
        ("Every action goes into a log in Postgres.", "authentication", None),
        ("Drivers log in to the app at shift start.", "authentication", True),
        # One part on an internal network says nothing of the whole system.
        (
            "The back-office agent's database is on the corporate network only.",
            "external-facing",
            None,
        ),
    ],
)
def test_a_remark_about_one_part_or_a_log(text: str, capability: str, value: bool | None) -> None:
    assert _cap(text, capability) is value


def test_an_identity_the_agent_uses_is_no_control_on_who_reaches_it() -> None:
    # A shared service account on a downstream API settles authentication but must not lower
    # the likelihood of findings as a sign-in control would.
    delta = read("All agents use one service account on the records API.")
    assert delta.capabilities.get("authentication") is True
    assert not [c for c in delta.controls if c.kind.value == "authentication"]
    # Near miss: people signing in are a control.
    assert [c for c in read("Staff sign in with SSO.").controls if c.kind.value == "authentication"]
