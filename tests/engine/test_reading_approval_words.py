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


def _freed(text: str) -> list[list[str]]:
    return [
        sorted(c.applies_to)
        for c in read(text).controls
        if c.kind == ControlKind.HUMAN_APPROVAL and c.present is False
    ]


@pytest.mark.parametrize(
    "text",
    [
        "It can reserve a van with `fleet.reserve_van`. That just goes through, nobody checks.",
        "It can reserve a van with `fleet.reserve_van`. No one checks it.",
    ],
)
def test_nobody_checking_frees_the_act_a_pronoun_points_back_to(text: str) -> None:
    assert ["fleet-reserve-van"] in _freed(text)


@pytest.mark.parametrize(
    "text",
    [
        # Something goes through a person, or nobody checks something other than the act.
        "It can reserve a van with `fleet.reserve_van`. That goes through the depot lead.",
        "It can reserve a van with `fleet.reserve_van`. Nobody checks the logs.",
    ],
)
def test_going_through_a_person_or_unread_logs_free_nothing(text: str) -> None:
    assert _freed(text) == []


def test_both_points_back_to_the_acts_of_the_sentence_before() -> None:
    text = "It can order toner from Staples and book a courier. Both happen straight away."
    assert any(len(applies) == 2 for applies in _freed(text))
    # Near miss: "both" of the agents, with no act before it, frees nothing in particular.
    assert _freed("Both agents answer questions.") == []


def test_reviews_in_a_list_of_data_it_may_not_reach_are_not_a_gate() -> None:
    assert not read("- no access to payroll, contracts or performance reviews").controls
    # Near miss: access to a system, then a gate on an act, in one sentence.
    assert _approved("It has access to the CRM but needs a manager's approval for refunds.")


def test_a_vet_is_a_person_and_vetting_is_a_verb_but_a_product_is_neither() -> None:
    assert _approved("- refill_script(): a vet has to sign it before anything is dispensed")
    assert _approved("A duty manager vets every refund before it is paid.")
    # Near miss: the word inside a product's name ("PetVet") is neither a person nor a gate.
    assert not _approved("- looks up the pet's record in PetVet (weight, meds)")


def test_no_check_closing_a_clause_frees_its_act() -> None:
    assert ["book-desk"] in _freed("- book_desk(room): writes into the calendar, no check")
    # Near miss: "no check of" something else, not a remark on the act.
    assert _freed("- book_desk(room): no check of the spelling is needed in the logs") == []


def test_two_people_needed_above_a_limit_hold_the_act() -> None:
    text = "payQuota under 5 units is auto, anything above that needs a lead AND someone from HR."
    assert _approved(text)
    # Near miss: the people it serves, needed as data, are no approvers.
    assert not _approved("It needs a customer and an order number.")


def test_an_act_fronted_before_it_just_does_is_unattended() -> None:
    assert ["restock-shelf"] in _freed("It can call restock_shelf. restock_shelf it just does.")
    # Near miss: a person who just does it.
    assert _freed("He just does.") == []


def test_a_log_kept_in_a_store_is_not_a_login() -> None:
    kinds = {c.kind for c in read("It keeps a decision log in postgres.").controls}
    assert ControlKind.AUTHENTICATION not in kinds
    # Near miss: people who log in.
    assert ControlKind.AUTHENTICATION in {c.kind for c in read("Staff log in with SSO.").controls}


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        (
            "It can call `gates.open_spill`, but only once the duty hydrologist agrees.",
            "duty hydrologist",
        ),
        (
            "Replies go out through `mail.send` only after one of our clerks has read them.",
            "clerks",
        ),
        (
            "Payouts via `pay_out` happen only once the senior trustee has signed the batch.",
            "senior trustee",
        ),
    ],
)
def test_a_condition_a_named_person_settles_is_their_approval(text: str, actor: str) -> None:
    assert [c.actor for c in read(text).controls if c.present] == [actor]


@pytest.mark.parametrize(
    "text",
    [
        # Software or time settling the condition is no person's say.
        "It can call `gates.open_spill`, but only once the flow model agrees.",
        "Replies go out only after the payment has cleared.",
        "It retries until the queue clears.",
    ],
)
def test_a_condition_software_or_time_settles_is_no_approval(text: str) -> None:
    assert not _approved(text)


def test_a_persons_button_and_a_nod_are_approvals() -> None:
    assert _approved("It drafts the return; the skipper must press send on the tablet.")
    assert _approved("Over $50 the ops lead has to give it the nod in Slack.")
    # Near miss: the agent pressing its own button is its own act.
    assert not _approved("The agent clicks publish when the draft is ready.")


def test_a_check_before_the_act_beats_the_word_spot_check() -> None:
    text = "Delivery only happens after a linguist has watched the spot-check reel."
    assert _approved(text)
    # Near miss: spot checks afterwards are monitoring, not a gate.
    assert not _approved("A linguist spot-checks a few delivered files each week.")


@pytest.mark.parametrize(
    "text",
    [
        # Software, a machine or the people served pressing or agreeing is no approval.
        "The browser agent fills in the form and then has to click Submit itself.",
        "Customers have to tap the chat bubble to start.",
        "Doors unlock only if the badge reader confirms the ID.",
        "It deploys only after CI has checked the build.",
        "It ships the order only after the customer has seen the summary e-mail.",
        # The compliance verb, said of the agent.
        "The agent screens payees against sanctions lists and sanctions the flagged ones.",
    ],
)
def test_machines_customers_and_the_agent_settle_no_approval(text: str) -> None:
    assert not _approved(text)


@pytest.mark.parametrize(
    "text",
    [
        "It can issue a refill once the vet agrees.",
        "It gets temporary access to production when the on-call engineer approves.",
    ],
)
def test_a_person_agreeing_without_only_is_still_an_approval(text: str) -> None:
    assert _approved(text)


def test_going_through_after_a_sign_off_frees_nothing() -> None:
    text = "The agent raises purchase orders. Once the buyer signs off, it goes through."
    assert _freed(text) == []


def test_an_approval_in_one_clause_holds_the_tool_that_clause_names() -> None:
    text = (
        "It can book_visit and cancel_visit in the calendar, but it won't cancel anything "
        "without asking the receptionist."
    )
    held = [c.applies_to for c in read(text).controls if c.present]
    assert held == [["cancel-visit"]]
    # Near miss: a clause that shares no word with either holds both of its sentence's tools.
    text = (
        "It can book_visit and cancel_visit, but nothing happens without asking the receptionist."
    )
    assert [sorted(c.applies_to) for c in read(text).controls if c.present] == [
        ["book-visit", "cancel-visit"]
    ]
