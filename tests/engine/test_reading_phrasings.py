"""More ways of saying a capability, each with a near miss.

None of these sentences comes from an eval description; they exercise one rule each.
"""

from __future__ import annotations

import pytest

from assistant.engine.reading.reader import read
from assistant.schema import Effect, EntryKind


def _caps(sentence: str) -> dict[str, bool | None]:
    return dict(read(sentence).capabilities)


@pytest.mark.parametrize(
    ("sentence", "capability"),
    [
        # A negative object negates its verb: "remembers nothing" rules memory out.
        ("The kiosk bot remembers nothing after a visit ends.", "memory"),
        ("It retrieves no documents at all.", "rag"),
    ],
)
def test_a_negative_object_negates_its_verb(sentence: str, capability: str) -> None:
    assert _caps(sentence).get(capability) is False


def test_a_negative_object_leaves_the_verb_before_it_alone() -> None:
    # Near miss: the verb before "no" is another clause's ("remembers ... and has no tools").
    caps = _caps("It remembers each caller's language and has no tools.")
    assert caps.get("memory") is True and caps.get("tools") is False


@pytest.mark.parametrize(
    "sentence",
    [
        "The tutor bot maintains a learner profile that it updates after every lesson.",
        "Each caller's preferences are stored between calls and used again on the next one.",
        "Summaries of earlier chats are recalled the next time the member writes in.",
    ],
)
def test_what_is_kept_and_used_again_is_memory(sentence: str) -> None:
    assert _caps(sentence).get("memory") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "The CRM holds a profile page for each account.",  # a record in a system, not kept by it
        "It recalls a product when the manufacturer issues a notice.",
    ],
)
def test_a_profile_or_a_recall_is_not_memory_by_itself(sentence: str) -> None:
    assert _caps(sentence).get("memory") is not True


@pytest.mark.parametrize(
    "sentence",
    [
        "Every answer is grounded in the clinic's handbook.",
        "The HR wiki pages are chunked and embedded every night.",
        "It runs a semantic search over past incident reports.",
    ],
)
def test_grounding_answers_in_indexed_documents_is_rag(sentence: str) -> None:
    assert _caps(sentence).get("rag") is True


def test_embedding_alone_is_not_rag() -> None:
    # Near miss: a video embedded on a page has nothing to do with retrieval.
    assert _caps("A demo video is embedded on the landing page.").get("rag") is not True


@pytest.mark.parametrize(
    "sentence",
    [
        "It drafts SQL for each question and runs it on the reporting replica.",
        "The analyst bot starts a Jupyter kernel for every notebook it opens.",
        "Formulas are evaluated in a Python sandbox.",
        "The agent composes shell commands and then executes them on the runner.",
    ],
)
def test_writing_code_and_running_it_is_code_execution(sentence: str) -> None:
    assert _caps(sentence).get("code-execution") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "It drafts SQL for the analyst to review and run.",  # a person runs it
        "The agent runs the nightly report.",
    ],
)
def test_code_someone_else_runs_or_a_report_is_not_code_execution(sentence: str) -> None:
    assert _caps(sentence).get("code-execution") is not True


@pytest.mark.parametrize(
    "sentence",
    [
        "The coordinator splits each job across four specialist agents.",
        "Two reviewer agents score every draft.",
    ],
)
def test_a_counted_kind_of_agent_is_multi_agent(sentence: str) -> None:
    assert _caps(sentence).get("multi-agent") is True


def test_one_agent_of_a_kind_is_not_multi_agent() -> None:
    assert _caps("One specialist agent answers questions.").get("multi-agent") is not True


@pytest.mark.parametrize(
    "sentence",
    [
        "Claims arrive by e-mail as scanned forms.",
        "Suppliers send their invoices in via email.",
    ],
)
def test_content_that_comes_in_by_email_is_an_inbound_email_entry(sentence: str) -> None:
    assert EntryKind.INBOUND_EMAIL in {e.kind for e in read(sentence).entry_points}


def test_sending_by_email_is_not_an_inbound_entry() -> None:
    delta = read("The agent sends the weekly summary to managers by e-mail.")
    assert EntryKind.INBOUND_EMAIL not in {e.kind for e in delta.entry_points}


def test_a_labelled_line_in_prose_is_read_under_its_label() -> None:
    delta = read(
        "The helpdesk bot answers staff questions in chat.\n"
        "Tools: ticket lookup; VPN status check; printer queue reset.\n"
        "Memory: none.\n"
    )
    tools = {c.name for c in delta.components if c.kind == "tool"}
    assert {"ticket lookup", "VPN status check", "printer queue reset"} <= tools
    assert delta.capabilities.get("memory") is False


def test_a_label_line_then_bullets_in_prose_lists_under_the_label() -> None:
    delta = read(
        "The helpdesk bot answers staff questions in chat.\n"
        "Tools:\n- ticket lookup\n- VPN status check\n\nIt keeps no history between chats.\n"
    )
    tools = {c.name for c in delta.components if c.kind == "tool"}
    assert {"ticket lookup", "VPN status check"} <= tools


def test_a_note_label_in_prose_names_nothing() -> None:
    # Near miss: a label that is not a kind of fact leaves its sentence as prose.
    delta = read("The bot answers questions about opening hours.\nNote: it is in beta.\n")
    assert not [c for c in delta.components if c.kind == "tool"]


def test_every_identifier_in_a_sentence_about_tools_is_a_tool() -> None:
    delta = read("The billing agent has two tools: issue_credit_note and freeze_account.")
    tools = {c.name for c in delta.components if c.kind == "tool"}
    assert {"issue_credit_note", "freeze_account"} <= tools
    # Near miss: identifiers in a sentence about settings are not tools.
    delta = read("Settings such as max_retries and retry_delay live in a YAML file.")
    assert not [c for c in delta.components if c.kind == "tool"]


def test_an_opening_phrase_before_the_agent_keeps_its_actions() -> None:
    delta = read("Every Friday at noon the payroll bot emails each contractor a summary.")
    assert [c for c in delta.components if c.kind == "tool"]
    delta = read("Through the Stripe dashboard it refunds duplicate charges.")
    assert [c for c in delta.components if c.kind == "tool"]


@pytest.mark.parametrize(
    ("sentence", "effect"),
    [
        ("The release bot triggers Jenkins pipelines.", "executes-code"),
        ("The ops agent restarts failed pods.", "executes-code"),
        ("The helpdesk agent resets MFA for locked-out staff.", "changes-access"),
    ],
)
def test_operations_verbs_name_tools_with_their_effect(sentence: str, effect: str) -> None:
    effects = {c.effect.value for c in read(sentence).components if c.kind == "tool" and c.effect}
    assert effect in effects


@pytest.mark.parametrize(
    "sentence",
    [
        "At no time does the agent call the payments API.",
        "Under no circumstances will the bot email the supplier portal.",
    ],
)
def test_an_inverted_negative_opening_negates_the_whole_clause(sentence: str) -> None:
    assert not [c for c in read(sentence).components if c.kind in ("tool", "external-api")]


def test_a_time_phrase_without_a_negative_leaves_the_clause_alone() -> None:
    # Near miss: "at one time" is not "at no time".
    delta = read("At one time the agent calls the payments API.")
    assert [c for c in delta.components if c.kind == "tool"]


def test_a_name_beside_a_negated_mention_of_tools_is_not_a_tool() -> None:
    delta = read(
        "The repo has a purge_inbox helper, but it is not registered as one of the agent's tools."
    )
    assert not [c for c in delta.components if "purge" in c.id]


def test_a_tool_name_taken_back_in_the_same_sentence_is_not_a_tool() -> None:
    delta = read("There is a refund_order function in the codebase, but it's not wired in yet.")
    assert not [c for c in delta.components if "refund" in c.id]
    # Near miss: what follows the name says what it does, not that it is missing.
    delta = read("The agent calls refund_order, which is limited to 50 euros.")
    assert [c for c in delta.components if "refund" in c.id]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("The museum put a chatbot called Quillon on its ticketing page.", "quillon"),
        ("Every order goes through an intake bot we call the Sorter.", "sorter"),
        ("Marlowe is the homework helper inside our reading app.", "marlowe"),
        ('The depot runs "Crate Buddy", an assistant for the pickers.', "crate-buddy"),
    ],
)
def test_more_ways_of_naming_the_agent(sentence: str, name: str) -> None:
    agents = {c.id for c in read(sentence).components if c.kind == "agent"}
    assert name in agents


@pytest.mark.parametrize(
    "sentence",
    [
        "I'm an executive assistant at a law firm and the bot drafts my replies.",
        "I work as a research assistant; the bot drafts my replies.",
    ],
)
def test_the_writers_own_job_is_not_an_agent(sentence: str) -> None:
    agents = {c.name for c in read(sentence).components if c.kind == "agent"}
    assert not [a for a in agents if "assistant" in a]
    # Near miss: an assistant the team runs is an agent.
    delta = read("We run a research assistant that drafts literature reviews.")
    assert "research assistant" in {c.name for c in delta.components if c.kind == "agent"}


def test_a_given_name_keeps_the_users_spelling() -> None:
    delta = read("The museum put a chatbot called Quillon on its ticketing page.")
    assert "Quillon" in {c.name for c in delta.components if c.kind == "agent"}


@pytest.mark.parametrize(
    "sentence",
    [
        "We call the API twice per request.",  # "call" is not naming anything
        "Support is the team that answers tickets.",  # a team, not an agent
    ],
)
def test_calling_and_being_are_not_always_naming(sentence: str) -> None:
    assert not [c for c in read(sentence).components if c.kind == "agent" and c.id != "agent"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Price changes are parked on the buyer's phone and wait until he taps Accept.",
        "No offer leaves the system until the branch manager has signed it off.",
        "The shift lead reads each batch in the portal and clicks publish.",
        "A foreman has to acknowledge every crane move before it starts.",
        "The duty pharmacist must countersign each prescription the bot writes.",
        "A partner must sign the engagement letter before it is sent.",
    ],
)
def test_a_person_who_taps_signs_clicks_or_acknowledges_is_approval(sentence: str) -> None:
    controls = [c for c in read(sentence).controls if c.kind.value == "human-approval"]
    assert [c.present for c in controls] == [True]


@pytest.mark.parametrize(
    "sentence",
    [
        "The agent clicks publish on the CMS when a post is ready.",  # the agent, not a person
        "It waits until the queue is empty.",
        "The bot acknowledges each message with an emoji.",
        "Staff must sign in with SSO before they use it.",  # a login, not a sign-off
        "The agent must sign each transfer with its wallet key.",  # the agent signs
    ],
)
def test_the_agent_clicking_or_waiting_on_a_queue_is_not_approval(sentence: str) -> None:
    assert not [
        c for c in read(sentence).controls if c.kind.value == "human-approval" and c.present
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "You ask it things in the side panel, e.g. why churn rose.",
        "The agent edits go.mod and Cargo.toml when it upgrades a package.",
        "The agent reads the `orders` and `support_tickets` extracts from the warehouse.",
    ],
)
def test_abbreviations_files_and_plural_data_names_are_not_tools(sentence: str) -> None:
    names = {c.name for c in read(sentence).components if c.kind == "tool"}
    assert not {n for n in names if n in ("e.g", "go.mod", "Cargo.toml", "support_tickets")}


def test_a_plural_name_that_is_called_or_has_a_verb_is_still_a_tool() -> None:
    # Near misses: `fetch_orders` has a verb; `daily_reports(...)` is called.
    delta = read("The agent can call `fetch_orders`, `daily_reports(date)` and `run_linters`.")
    names = {c.name.strip("`") for c in delta.components if c.kind == "tool"}
    assert {"fetch_orders", "daily_reports", "run_linters"} <= names
    delta = read("It places orders with `exchange.submit_bids`.")
    assert "exchange.submit_bids" in {c.name.strip("`") for c in delta.components}


def test_next_quarter_as_a_recurrence_is_not_a_plan() -> None:
    delta = read("Its memory of past answers is used the same way next quarter.")
    assert delta.capabilities.get("memory") is True
    # Near misses: a plan for next quarter, or for the next release, settles nothing.
    assert read("We will add memory next quarter.").capabilities.get("memory") is None
    assert read("Memory arrives in the next release.").capabilities.get("memory") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "At start-up the agent reads the previous night's log of failures.",
        "It looks up earlier decisions for the same supplier before it answers.",
        "The bot keeps a warning count per member for a month.",
        "It keeps a running file on each tenant and checks that file first.",
        "Every plan it writes is saved so it can reuse what worked.",
    ],
)
def test_what_it_keeps_and_reads_back_later_is_memory(sentence: str) -> None:
    assert _caps(sentence).get("memory") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "The agent keeps a log of every action for the auditors.",
        "It reads the previous paragraph of the contract to find the clause.",
    ],
)
def test_an_audit_log_or_earlier_text_is_not_memory(sentence: str) -> None:
    assert _caps(sentence).get("memory") is not True


def test_a_negation_inside_brackets_ends_with_them() -> None:
    delta = read("Applicants sign up on the site (free, no account needed) and upload their CVs.")
    assert EntryKind.UPLOADED_FILES in {e.kind for e in delta.entry_points}
    # Near miss: without brackets the negation still reaches the end of its clause.
    assert EntryKind.UPLOADED_FILES not in {
        e.kind for e in read("Applicants cannot upload files.").entry_points
    }


def test_a_keyed_value_is_read_under_an_entry_key() -> None:
    delta = read(
        "name: intake\nmodel: gpt-4o\nuploads: payslips, tenancy agreements\nusers: tenants\n"
    )
    assert EntryKind.UPLOADED_FILES in {e.kind for e in delta.entry_points}
    delta = read("name: intake\nmodel: gpt-4o\nuploads: none\nusers: tenants\n")
    assert EntryKind.UPLOADED_FILES not in {e.kind for e in delta.entry_points}


@pytest.mark.parametrize(
    "sentence",
    [
        "Owners can send a photo of the prescription in the chat.",
        "Customers file a claim form plus an optional photo of the damage.",
        "It reads each message, including any attached contracts.",
    ],
)
def test_photos_and_attachments_people_send_are_uploaded_files(sentence: str) -> None:
    assert EntryKind.UPLOADED_FILES in {e.kind for e in read(sentence).entry_points}


def test_a_picture_the_agent_makes_is_not_an_upload() -> None:
    delta = read("The agent draws a photo-realistic image of the room for the listing.")
    assert EntryKind.UPLOADED_FILES not in {e.kind for e in delta.entry_points}


@pytest.mark.parametrize(
    "text",
    [
        "The bot helps tenants.\nNot included: memory, plugins, web browsing.\n",
        "The bot helps tenants.\nOut of scope: payments; SMS; calendar booking.\n",
        "The bot helps tenants.\nExcluded tools: send_email, refund_order.\n",
        "name: helper\nmodel: gpt-4o\nnot_supported: [memory, plugins]\nusers: tenants\n",
    ],
)
def test_values_under_a_negative_label_are_ruled_out(text: str) -> None:
    delta = read(text)
    assert not [c for c in delta.components if c.kind not in ("agent", "llm")]
    assert True not in {delta.capabilities.get(k) for k in ("memory", "plugins")}


def test_a_negative_value_about_one_product_rules_out_that_product_only() -> None:
    delta = read("The bot helps tenants.\nE-mail: never sent by the agent.\n")
    assert delta.capabilities.get("tools") is not False
    # Near miss: a negative value under the capability's own key rules it out.
    assert read("The bot helps tenants.\nTools: none.\n").capabilities.get("tools") is False


@pytest.mark.parametrize(
    "sentence",
    [
        "The analyst bot can also write and run short Python snippets to chart the data.",
        "It runs the project's test and lint scripts on every branch.",
        "Its tools are a shell, a file editor and git.",
    ],
)
def test_running_scripts_or_having_a_shell_is_code_execution(sentence: str) -> None:
    assert _caps(sentence).get("code-execution") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "The agent runs the weekly sales report.",
        "It was built by a shell company in Delaware.",
    ],
)
def test_a_report_or_a_shell_company_is_not_code_execution(sentence: str) -> None:
    assert _caps(sentence).get("code-execution") is not True


def test_a_name_that_runs_across_a_line_break_is_one_line() -> None:
    delta = read(
        "Its tools are MCP servers from a directory of community\nservers, and a\nbilling   API."
    )
    assert all(c.name == " ".join(c.name.split()) for c in delta.components)
    assert any("\n" in e.quote for c in delta.components for e in c.evidence)  # quotes verbatim


def test_one_thing_named_in_the_singular_and_the_plural_is_one_component() -> None:
    delta = read("Customers write in by e-mail. The bot reads those e-mails and sorts them.")
    assert len([c for c in delta.components if c.kind == "external-api"]) == 1
    # Near miss: an MCP server the team runs and the MCP servers it uses as tools differ in kind.
    delta = read("We host an MCP server. The agent's tools are MCP servers.")
    assert len({c.kind for c in delta.components if "mcp" in c.id}) == 2


def test_approval_of_what_goes_out_does_not_hold_a_lookup_that_shares_a_word() -> None:
    delta = read(
        "The agent writes care instructions for each patient and can look up every patient's "
        "chart. A nurse reviews the patient instructions before they are sent."
    )
    [control] = [c for c in delta.controls if c.present]
    assert control.applies_to and all("instructions" in t for t in control.applies_to)
    # Near miss: with only the lookup in the sentence's words, the lookup is what is held.
    delta = read("The agent can look up patient charts. A nurse reviews each chart lookup.")
    [control] = [c for c in delta.controls if c.present]
    assert control.applies_to


def test_a_list_of_approved_suppliers_is_not_an_approval_step() -> None:
    delta = read("The agent books a visit with one of our approved repairers for the customer.")
    assert not [c for c in delta.controls if c.present]
    # Near miss: a person approving is a step, however it is worded.
    delta = read("The agent books a visit once the customer has approved the repairer.")
    assert [c for c in delta.controls if c.present]


def test_reading_what_the_other_agents_wrote_is_not_a_tool() -> None:
    delta = read(
        "The agents share a workspace where each one writes its results and reads the others'."
    )
    assert not [c for c in delta.components if c.kind == "tool"]
    # Near miss: an object of its own is a tool.
    delta = read("The agent reads the one ticket assigned to it.")
    assert [c for c in delta.components if c.kind == "tool"]


def test_servers_listed_in_a_paragraph_about_mcp_are_tools_with_what_they_do() -> None:
    delta = read(
        "Every tool it has is an MCP server we set up ourselves.\n"
        "They run locally: a mailbox server (read, search and send), a files server, and a "
        "browser server that can open web pages and fill in forms."
    )
    tools = {c.id: c.effect for c in delta.components if c.kind == "tool"}
    assert tools["mailbox-server"] == Effect.SENDS_MESSAGES  # the worst of read, search, send
    assert tools["browser-server"] == Effect.WRITES_DATA  # not "pages" as a verb
    assert "files-server" in tools
    # Near miss: without MCP in the paragraph, a server is infrastructure, not a tool.
    delta = read("It runs on a build server and a web server in our data centre.")
    assert not [c for c in delta.components if c.kind == "tool"]


def test_a_tool_described_by_a_relative_clause_takes_its_effect() -> None:
    delta = read("The agent uses the billing integration, which issues refunds to customers.")
    assert {c.id: c.effect for c in delta.components}["billing-integration"] == Effect.MOVES_MONEY


@pytest.mark.parametrize(
    "sentence",
    [
        "At first it asked before each tool call, but I ticked always allow for most tools.",
        "The coding agent runs in auto-accept mode.",
    ],
)
def test_a_confirmation_prompt_turned_off_is_no_approval(sentence: str) -> None:
    controls = [c for c in read(sentence).controls if c.kind.value == "human-approval"]
    assert controls and not [c for c in controls if c.present]


def test_a_registry_of_plugins_or_packages_is_not_a_data_store() -> None:
    delta = read("It loads community plugins from the ElizaOS plugin registry.")
    assert not [c for c in delta.components if c.kind == "database"]
    # Near miss: a registry of the business's own records is a store.
    delta = read("The agent updates the asset registry after each inspection.")
    assert [c for c in delta.components if c.kind == "database"]


def test_an_autonomous_agent_is_unattended_throughout_not_through_a_namesake_tool() -> None:
    delta = read(
        "Our club runs an autonomous booking agent built on Acme. It uses the Acme plugin to book "
        "courts."
    )
    [control] = [c for c in delta.controls if not c.present]
    assert control.applies_to == []  # everything it does, not the tool that shares "Acme"
    # Near miss: an automatic action names what it covers.
    delta = read("It books courts through the Acme plugin automatically.")
    [control] = [c for c in delta.controls if not c.present]
    assert control.applies_to


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        (
            "It looks up lot numbers in Benchling (our LIMS) through a read-only API.",
            "Benchling API",
        ),
        (
            "Bookings go into our clinic software (we use Provet Cloud, with its API).",
            "Provet Cloud API",
        ),
    ],
)
def test_an_api_named_by_generic_words_takes_the_product_its_sentence_names(
    sentence: str, name: str
) -> None:
    tools = [c.name for c in read(sentence).components if c.kind == "tool"]
    assert name in tools


@pytest.mark.parametrize(
    "sentence",
    [
        "Partners call our public API to submit orders.",  # the system's own interface
        "The agent authenticates with scoped API keys from Vault.",
        "Everything runs on AWS Lambda behind an API gateway.",
        "Customers sign in with OAuth, and API clients use keys.",
        "It checks the address in Loqate and then posts it through the same API.",
    ],
)
def test_api_words_that_name_no_tool_the_agent_calls(sentence: str) -> None:
    assert not [c for c in read(sentence).components if c.kind == "tool" and "api" in c.id]


def test_a_passive_action_through_a_named_product_is_a_tool() -> None:
    delta = read(
        "- Enrichment: hashes checked against VirusTotal and our MISP instance; process trees "
        "pulled from CrowdStrike Falcon.\n- Alerts: posted to Slack."
    )
    tools = {c.name: c.effect for c in delta.components if c.kind == "tool"}
    assert tools["checked against VirusTotal"] == Effect.READS_DATA
    assert "checked against MISP" in tools and "pulled from CrowdStrike Falcon" in tools
    assert tools["posted to Slack"] == Effect.SENDS_MESSAGES


@pytest.mark.parametrize(
    "text",
    [
        "- Tickets: checked by an analyst in Jira.",  # a person does it
        "- Replies: sent to the customer.",  # no product named
        "- Nothing is posted to Slack.",  # negated
        "Summaries are posted to Slack every morning.",  # prose that does not name the agent
    ],
)
def test_a_passive_action_not_done_by_the_agent_through_a_product_is_no_tool(text: str) -> None:
    assert not [c for c in read(text).components if c.kind == "tool"]


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        ("It can: reserve tables, send reminders and cancel bookings.", 3),
        ("What it does on its own: hide a message and mute the player.", 2),
        ("The moderation bot may: kick spammers, archive old threads.", 2),
    ],
)
def test_a_label_saying_the_agent_does_them_introduces_its_actions(text: str, tools: int) -> None:
    found = [c for c in read(text).components if c.kind == "tool"]
    assert len(found) == tools
    assert not [c for c in found if c.name.lower().startswith(("it ", "what", "the "))]


def test_a_label_that_is_not_about_the_agent_introduces_no_actions() -> None:
    # Near misses: what the agent cannot do, and what people do.
    assert not [
        c for c in read("What it cannot do: delete accounts.").components if c.kind == "tool"
    ]
    delta = read("What staff do by hand: cancel bookings and refund deposits.")
    assert not [c for c in delta.components if c.kind == "tool"]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Meridian is a research assistant for our analysts.", "Meridian"),
        ("TriageKit is a single LangGraph agent that triages issues.", "TriageKit"),
    ],
)
def test_a_name_introduced_with_its_role_is_one_agent(sentence: str, name: str) -> None:
    delta = read(sentence)
    assert [c.name for c in delta.components if c.kind == "agent"] == [name]
    assert delta.capabilities.get("multi-agent") is not True
    # Near miss: two role nouns in one sentence are two agents.
    delta = read("Ava, our support agent, hands refunds to a billing agent.")
    assert len([c for c in delta.components if c.kind == "agent"]) == 2


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("- Payments under $50 are auto-approved.", None),  # a passive, not an action
        ("It can close issues it is confident are spam.", "close issues"),
    ],
)
def test_no_tool_is_named_by_a_fragment(text: str, tool: str | None) -> None:
    tools = [c.name for c in read(text).components if c.kind == "tool"]
    assert tools == ([tool] if tool else [])


def test_logging_in_is_not_logging() -> None:
    assert not [c for c in read("Staff log in with SSO.").components if c.kind == "observability"]
    # Near miss: keeping logs is logging.
    assert [c for c in read("We keep logs for 30 days.").components if c.kind == "observability"]


@pytest.mark.parametrize(
    ("sentence", "self_hosted"),
    [
        ("The model is Llama 3 70B hosted in our private VPC.", True),  # open weights, run by us
        ("It uses GPT-4o on Azure OpenAI in our own tenant.", False),  # a provider's service
        ("We call Mistral Large through the Mistral API.", False),
    ],
)
def test_an_open_weights_model_in_our_own_cloud_is_self_hosted(
    sentence: str, self_hosted: bool
) -> None:
    assert read(sentence).capabilities.get("self-hosted-model") is self_hosted


@pytest.mark.parametrize(
    "text",
    [
        "Logs every tool call to Splunk.",
        "- audit: all kubectl commands logged to CloudTrail",
        "Conversations are saved for 90 days for the audit.",
    ],
)
def test_audit_logging_stated_in_passing_is_a_control(text: str) -> None:
    controls = [(c.kind.value, c.present) for c in read(text).controls]
    assert ("audit-logging", True) in controls


def test_no_network_access_is_isolation_present() -> None:
    delta = read("The kernel has no network access and is wiped after each session.")
    assert [(c.kind.value, c.present) for c in delta.controls] == [("sandbox", True)]
    # Near miss: a sandbox ruled out is absent.
    delta = read("The container is not sandboxed.")
    assert [(c.kind.value, c.present) for c in delta.controls] == [("sandbox", False)]


@pytest.mark.parametrize(
    "sentence",
    [
        "A marketing manager reviews the weekly summary of what it bought.",
        "Senior reviewers check a sample of its tags afterwards.",
    ],
)
def test_a_look_after_the_fact_is_not_approval(sentence: str) -> None:
    assert not [c for c in read(sentence).controls if c.present]


def test_a_look_before_it_takes_effect_is_approval() -> None:
    delta = read("A manager approves every purchase before it is placed.")
    assert [c.present for c in delta.controls] == [True]


def test_an_agent_named_for_a_human_role_acts_and_is_no_person() -> None:
    delta = read("The Buyer agent purchases ad placements using the company card.")
    tools = {c.name: c.effect for c in delta.components if c.kind == "tool"}
    assert tools == {"purchases ad placements": Effect.MOVES_MONEY}
    delta = read("The Analyst agent pulls performance data from GA4.")
    assert not delta.entry_points
    # Near misses: the people themselves.
    assert not [
        c for c in read("The buyer purchases ad placements.").components if c.kind == "tool"
    ]
    assert [e.kind for e in read("Analysts ask it questions in Slack.").entry_points] == [
        EntryKind.INTERNAL_USERS
    ]


@pytest.mark.parametrize(
    ("sentence", "effects"),
    [
        (
            "The agent is able to make transfer between the accounts and to block the card.",
            [Effect.MOVES_MONEY, Effect.CHANGES_ACCESS],
        ),
        ("It can make a booking for the guest.", [Effect.WRITES_DATA]),
        ("The agent can do refunds up to 50 euro.", [Effect.MOVES_MONEY]),
        # Near misses: a light verb with no act of its own.
        ("It makes a summary of the call.", []),
        ("The agent does the triage.", []),
    ],
)
def test_a_light_verb_with_its_act_is_an_action(sentence: str, effects: list[Effect]) -> None:
    assert [c.effect for c in read(sentence).components if c.kind == "tool"] == effects


@pytest.mark.parametrize(
    "text",
    [
        "Set `auto_reply: true` to skip the review.",  # a setting
        "It uses a token with `issues:write` and `pull_requests:write`.",  # permission scopes
    ],
)
def test_a_setting_or_a_permission_scope_is_no_tool(text: str) -> None:
    assert not [c for c in read(text).components if c.kind == "tool"]
    # Near miss: the same kind of name, listed as a tool.
    assert [c for c in read("Tools: `send_reply`, `close_issue`.").components if c.kind == "tool"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Clinicians reach the dashboard through a hospital sign-in page.",
        "Shoppers register with an e-mail address and a password.",
        "Passkeys are how members get in.",
        "Volunteers open it with their Entra ID accounts.",
        "Access needs a Google Workspace account.",
    ],
)
def test_ways_of_signing_in_are_authentication(sentence: str) -> None:
    assert _caps(sentence).get("authentication") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "It resets passwords when a student asks.",  # an action on passwords, not a sign-in
        "A password reset link goes out on request.",
        "The bot creates new accounts in the billing system.",
    ],
)
def test_handling_passwords_or_accounts_is_not_signing_in(sentence: str) -> None:
    assert _caps(sentence).get("authentication") is None


def test_azure_ad_is_an_identity_provider_and_azure_alone_a_cloud() -> None:
    kinds = {
        c.name: c.kind for c in read("Staff sign in with Azure AD; it runs on Azure.").components
    }
    assert kinds["Azure AD"] == "identity-provider" and kinds["Azure"] == "cloud"


@pytest.mark.parametrize(
    "sentence",
    [
        "Without authentication anyone can post to the form.",
        "No login is needed to use the kiosk.",
        "Authentication is not required for the status page.",
    ],
)
def test_a_sign_in_said_to_be_absent_is_ruled_out(sentence: str) -> None:
    assert _caps(sentence).get("authentication") is False


@pytest.mark.parametrize(
    "sentence",
    [
        "It never changes a member's SSO settings.",  # the action is negated, not the sign-in
        "The bot token is issued without admin permissions.",  # a limit: itself a control
    ],
)
def test_a_negated_action_on_sign_in_does_not_rule_it_out(sentence: str) -> None:
    assert _caps(sentence).get("authentication") is not False


def test_a_negation_stops_where_and_opens_a_clause_of_its_own() -> None:
    caps = _caps(
        "The portal is not reachable from the internet, and only nurses signed in with SSO can use it."
    )
    assert caps.get("external-facing") is False and caps.get("authentication") is True


def test_a_negation_goes_on_through_and_in_a_list() -> None:
    caps = _caps("The helper keeps no memory, and no tools are given to it.")
    assert caps.get("memory") is False and caps.get("tools") is False


@pytest.mark.parametrize(
    "sentence",
    [
        "Each tenant file holds a mobile number and a date of birth.",
        "It drafts answers from the firm's privileged legal advice.",
        "Suppliers upload signed contracts for the bot to check.",
        "Every morning the agent triages the support inbox.",
        "It keeps every candidate's CV for a year.",
    ],
)
def test_personal_legal_and_secret_data_is_sensitive(sentence: str) -> None:
    assert _caps(sentence).get("sensitive-data") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "The agent calls functions on smart contracts.",  # code on a chain, not an agreement
        "It sends an e-mail when the report is ready.",  # sending mail is not reading someone's
    ],
)
def test_smart_contracts_and_outgoing_mail_are_not_sensitive_data(sentence: str) -> None:
    assert _caps(sentence).get("sensitive-data") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "The bot drafts a plan, then carries it out.",
        "It keeps re-planning as stock levels change.",
        "It breaks each order down into picking tasks.",
        "The agent decides which checks a request needs.",
    ],
)
def test_an_agent_that_plans_its_own_steps_plans(sentence: str) -> None:
    assert _caps(sentence).get("planning") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "Our team drafts a plan for the quarter.",  # a person's plan
        "The plan is drafted by the manager.",
        "It breaks the glass if the alarm fires.",
    ],
)
def test_a_plan_that_is_not_the_agents_is_not_planning(sentence: str) -> None:
    assert _caps(sentence).get("planning") is None


def test_a_value_named_by_its_key_leaves_its_words_to_other_terms() -> None:
    # `llm:` names the model; the words of `role:` beneath it still say the agent re-plans.
    caps = _caps("llm:\n  model: gpt-4.1\n  role: proposes orders, re-plans every hour\n")
    assert caps.get("planning") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "It keeps a running note on each returning customer.",
        "The bot keeps a ticket history in Postgres and consults it before answering.",
        "Scores are read back every morning.",
    ],
)
def test_a_history_the_agent_goes_back_to_is_memory(sentence: str) -> None:
    assert _caps(sentence).get("memory") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "It keeps an audit log for the regulator.",  # kept for others, never read back by it
        "It keeps a log of errors and the team reads it.",
    ],
)
def test_a_log_kept_for_others_is_not_memory(sentence: str) -> None:
    assert _caps(sentence).get("memory") is None


def _agents(text: str) -> list[str]:
    return [c.name for c in read(text).components if c.kind == "agent"]


def test_a_robot_the_agent_drives_is_a_machine_not_an_agent() -> None:
    assert "harvest robot" not in _agents("The planner bot sends harvest robots to row 4.")


def test_a_name_beside_its_role_noun_is_one_agent() -> None:
    assert _agents('Triage agent "Kestrel" reads every alert.') == ["Kestrel"]


def test_an_agent_named_by_its_framework_is_the_agent_named_elsewhere() -> None:
    delta = read("The hiring bot is a LangChain agent.")
    assert [c.name for c in delta.components if c.kind == "agent"] == ["hiring bot"]
    assert delta.capabilities.get("multi-agent") is None


@pytest.mark.parametrize(
    ("sentence", "several"),
    [
        ("The agent hands off to a billing agent.", True),
        ("Our agents talk to each other over NATS.", True),
        ("The agent talks to an MCP server we wrote.", None),  # a server, not another agent
    ],
)
def test_talking_makes_several_agents_only_with_another_agent(
    sentence: str, several: bool | None
) -> None:
    assert _caps(sentence).get("multi-agent") is several


@pytest.mark.parametrize(
    ("sentence", "protocol"),
    [
        ("Jobs go on a RabbitMQ exchange between the two agents.", True),
        ("It routes the file to a paralegal's review queue.", None),  # a person's work list
    ],
)
def test_a_message_broker_is_a_protocol_and_a_work_queue_is_not(
    sentence: str, protocol: bool | None
) -> None:
    assert _caps(sentence).get("agent-protocol") is protocol


def _approvals(text: str) -> list[tuple[bool, list[str]]]:
    return [
        (c.present, c.applies_to) for c in read(text).controls if c.kind.value == "human-approval"
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Customers get an e-mail confirming their booking.",  # a notice, not a decision
        "When it is stuck it escalates to a human through the review screen.",  # a handover
    ],
)
def test_a_notice_or_a_handover_is_not_approval(sentence: str) -> None:
    assert not [present for present, _ in _approvals(sentence) if present]


@pytest.mark.parametrize(
    "sentence",
    [
        "A supervisor confirms the delivery slot before the bot books it.",
        "Escalated refunds need a manager's approval.",  # the approval word, not a handover
    ],
)
def test_a_confirmation_or_approval_by_a_person_is_approval(sentence: str) -> None:
    assert [present for present, _ in _approvals(sentence) if present]


def test_a_heading_key_is_not_an_approval_of_its_own() -> None:
    text = "limits:\n  - refunds: capped at 50 EUR\nhuman_approval:\n  credit_note: a team lead\n"
    quotes = [c.evidence[0].quote for c in read(text).controls if c.kind.value == "human-approval"]
    assert quotes == ["a team lead"]


def test_a_misspelt_no_one_still_negates() -> None:
    assert _caps("Noone checks the drafts before they go out.").get("human-in-loop") is False


def test_those_points_back_to_the_actions_of_the_sentence_before() -> None:
    text = (
        "It can refund_order and resend_invoice. Both run automatically, nobody signs off on those."
    )
    assert all(
        set(applies) == {"refund-order", "resend-invoice"} for _, applies in _approvals(text)
    )


def _tools(text: str) -> list[str]:
    return [c.name for c in read(text).components if c.kind == "tool"]


@pytest.mark.parametrize(
    ("sentence", "tool"),
    [
        ("The release bot builds container images for each tag.", "builds container images"),
        ("It runs the smoke tests and the linters on every branch.", "runs the smoke tests"),
        ("The agent runs a sanctions check on each new supplier.", "runs a sanctions check"),
        ("It can re-trigger failed Jenkins jobs.", "re-trigger failed Jenkins jobs"),
        ("The assistant raises a ticket with facilities.", "raises a ticket"),
        ("If a sensor fails it halts the conveyor.", "halts the conveyor"),
        ("It may network-isolate a laptop.", "network-isolate a laptop"),
        ("The bot answers the caller, and then books a slot.", "books a slot"),
    ],
)
def test_more_verbs_of_an_agents_tools(sentence: str, tool: str) -> None:
    assert tool in _tools(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "It runs on Llama 3 in our own cluster.",  # where it runs, not what it runs
        "The team builds the images by hand.",  # a person's act
        "It raises an error when the file is empty.",
        "It stops when the user says stop.",
        "The bot answers questions, refunds are issued by staff.",  # a noun, not the verb
        "It reads the uploaded CV and scores it.",  # the input it is handed, not a tool
    ],
)
def test_near_misses_of_those_verbs_name_no_tool(sentence: str) -> None:
    assert not [t for t in _tools(sentence) if not t.startswith("scores")]


def _entries(text: str) -> set[str]:
    return {e.kind.value for e in read(text).entry_points}


@pytest.mark.parametrize(
    "sentence",
    [
        "We run a scheduling assistant for patients of our clinic.",
        "It is a returns chatbot for our online shoppers.",
    ],
)
def test_an_assistant_made_for_outside_people_is_a_way_in_for_them(sentence: str) -> None:
    assert "public-users" in _entries(sentence)


def test_an_assistant_for_a_team_is_not_for_the_public() -> None:
    assert "public-users" not in _entries("An assistant for our finance team drafts reports.")


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("It searches the public web for news about the supplier.", "web-content"),
        ("It pulls citations from the open web.", "web-content"),
    ],
)
def test_the_public_web_is_content_not_people(sentence: str, kind: str) -> None:
    assert _entries(sentence) == {kind}


def test_selling_on_the_web_reads_no_web_content() -> None:
    assert "web-content" not in _entries("We sell spare parts on the web.")


def test_an_inflected_word_ties_an_approval_to_its_tool() -> None:
    text = (
        "The scheduling bot can book appointments and send reminders. "
        "Bookings for surgery need a nurse to approve them."
    )
    assert [applies for _, applies in _approvals(text)] == [["book-appointments"]]


def _approved(text: str) -> list[tuple[list[str], str]]:
    return [
        (c.applies_to, c.actor)
        for c in read(text).controls
        if c.kind.value == "human-approval" and c.present
    ]


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("The bot calls void_invoice. void_invoice needs the billing lead's OK.", "billing lead"),
        ("The bot calls void_invoice. void_invoice needs a controller's go-ahead.", "controller"),
        (
            "The bot calls void_invoice. void_invoice needs a thumbs-up from a controller.",
            "controller",
        ),
        ("The bot calls void_invoice. Voiding requires the controller to confirm.", "controller"),
        (
            "The bot calls void_invoice. Voids are subject to approval from the finance director.",
            "finance director",
        ),
        (
            "The bot calls void_invoice. Before void_invoice runs, an accountant checks it.",
            "accountant",
        ),
        (
            "The bot calls void_invoice. Voids are approved by the customer's account manager.",
            "account manager",
        ),
        ("The bot calls void_invoice. Voids are reviewed by a controller first.", "controller"),
    ],
)
def test_more_ways_of_saying_a_person_approves_an_action(sentence: str, actor: str) -> None:
    assert _approved(sentence) == [(["void-invoice"], actor)]


def test_a_human_approved_action_is_approved() -> None:
    assert [
        a for a, _ in _approved("The bot calls void_invoice. Every void is human-approved.")
    ] == [["void-invoice"]]


@pytest.mark.parametrize(
    "sentence",
    [
        "The bot calls set_price. Product reviews written by shoppers are pulled in as context.",
        "The bot calls reset_pin. Resets go through once the member verifies with a one-time code.",
        "The bot calls reset_pin. The caller confirms their identity before anything happens.",
        "The bot calls void_invoice. It requires the user to log in.",
        "The bot calls void_invoice. A void requires a valid invoice number.",
        # The agent checks its own note: no person in the loop.
        "The bot calls void_invoice. It keeps a note per customer and checks it next time.",
    ],
)
def test_reviews_as_content_and_proving_identity_are_not_approval(sentence: str) -> None:
    assert _approved(sentence) == []


def test_each_clause_gates_its_own_action() -> None:
    text = (
        "The bot calls open_gate and set_lights. Opening the gate must be approved by the "
        "warden, but lighting changes are made autonomously."
    )
    controls = [
        (c.present, c.applies_to) for c in read(text).controls if c.kind.value == "human-approval"
    ]
    assert sorted(controls) == [(False, ["set-lights"]), (True, ["open-gate"])]


def test_a_light_verb_shared_with_a_tool_name_does_not_tie_an_approval_to_it() -> None:
    text = (
        "The bot calls set_labels and make_bundle. Nothing leaves until the partner signs off "
        "on the bundle."
    )
    assert _approved(text) == [(["make-bundle"], "partner")]


def _effects(text: str) -> dict[str, str | None]:
    return {
        c.name: c.effect.value if c.effect else None
        for c in read(text).components
        if c.kind == "tool"
    }


@pytest.mark.parametrize(
    ("sentence", "tool", "effect"),
    [
        ("The helpdesk bot resets passwords.", "resets passwords", "changes-access"),
        ("It unlocks accounts after three failed logins.", "unlocks accounts", "changes-access"),
        ("It unlocks the side gate for couriers.", "unlocks the side gate", "actuates"),
        ("It opens pull requests with the fix.", "opens pull requests", "writes-data"),
        ("It closes stale issues every week.", "closes stale issues", "writes-data"),
        ("It issues refunds to shoppers.", "issues refunds", "moves-money"),
        ("It reconciles supplier invoices.", "reconciles supplier invoices", "writes-data"),
        (
            "It queues repeat prescriptions for the pharmacy.",
            "queues repeat prescriptions",
            "writes-data",
        ),
        ("It dispatches the cleaning drones.", "dispatches the cleaning drones", "actuates"),
        ("It can open or close the sluice valve.", "close the sluice valve", "actuates"),
    ],
)
def test_a_verb_takes_its_effect_from_what_it_acts_on(
    sentence: str, tool: str, effect: str
) -> None:
    assert _effects(sentence).get(tool) == effect


def test_opening_a_ticket_is_not_a_movement() -> None:
    assert set(_effects("The bot calls open_ticket and open_window.").items()) == {
        ("open_ticket", "writes-data"),
        ("open_window", "actuates"),
    }


@pytest.mark.parametrize(
    ("sentence", "capability"),
    [
        ("The kiosk has no tools that change bookings.", "tools"),
        ("It uses no tools besides the price calculator.", "tools"),
        ("It does not run code except through the sandboxed run_query tool.", "code-execution"),
    ],
)
def test_a_negation_narrowed_by_what_follows_does_not_rule_out(
    sentence: str, capability: str
) -> None:
    assert _caps(sentence).get(capability) is not False


@pytest.mark.parametrize(
    ("sentence", "capability"),
    [
        ("The kiosk has no tools.", "tools"),
        ("It keeps no memory beyond the current chat.", "memory"),  # beyond: no long-term memory
    ],
)
def test_an_unnarrowed_negation_still_rules_out(sentence: str, capability: str) -> None:
    assert _caps(sentence).get(capability) is False


@pytest.mark.parametrize(
    ("sentence", "effect"),
    [
        ("The agent uses set_heating and toggle_fan.", "actuates"),
        ("The agent exposes reroute_van and hold_parcel.", None),
    ],
)
def test_code_names_after_uses_or_exposes_are_tools(sentence: str, effect: str | None) -> None:
    effects = _effects(sentence)
    assert len(effects) == 2 and set(effects.values()) == {effect}


def test_an_approval_in_a_tool_record_covers_that_tool() -> None:
    text = (
        "tools:\n"
        "  - name: list_jobs\n"
        "    approval: none\n"
        "  - name: cancel_job\n"
        "    approval: the duty manager\n"
        "  - name: retry_job\n"
    )
    controls = {
        (c.present, tuple(c.applies_to))
        for c in read(text).controls
        if c.kind.value == "human-approval"
    }
    assert controls == {(False, ("list-jobs",)), (True, ("cancel-job",))}


def test_a_key_over_a_list_is_not_a_part_of_its_own() -> None:
    text = "tools:\n  - name: file_claim\nmcp_servers:\n  - weather-mcp\n  - maps-mcp\n"
    assert not [c.id for c in read(text).components if c.id.endswith("mcp-servers")]


@pytest.mark.parametrize(
    ("sentence", "inbound"),
    [
        ("The agent fetches rates from the exchange's public API.", False),  # it calls out
        ("It queries a partner API for stock levels.", False),
        ("Partners call our public API.", True),
        ("Orders arrive through our REST API.", True),
        ("Carrier updates come in via webhooks.", True),
    ],
)
def test_an_api_is_a_way_in_only_when_others_call_it(sentence: str, inbound: bool) -> None:
    assert ("api-clients" in _entries(sentence)) is inbound


@pytest.mark.parametrize(
    "sentence",
    [
        "We store past tickets in Postgres for the agent.",  # a verb after its subject
        "The agent issues store credit to shoppers.",  # a shop's credit
        "It does not store anything unless the user opts in.",  # a negated verb
    ],
)
def test_store_as_a_verb_or_a_shop_is_no_data_store(sentence: str) -> None:
    names = {c.name for c in read(sentence).components if c.kind == "database"}
    assert not [n for n in names if "store" in n.lower()]


def test_a_store_named_by_its_noun_is_still_a_store() -> None:
    kinds = {c.kind for c in read("It keeps drafts in the campaign store.").components}
    assert "database" in kinds


@pytest.mark.parametrize(
    ("sentence", "tool"),
    [
        ("It e-mails customers a receipt.", "e-mails customers a receipt"),  # people are the object
        ("It texts patients a reminder.", "texts patients a reminder"),
    ],
)
def test_the_agent_acting_on_people_is_its_action(sentence: str, tool: str) -> None:
    assert tool in _tools(sentence)


def test_people_acting_name_no_tool_of_the_agent() -> None:
    assert _tools("The nurse texts patients a reminder.") == []


def test_an_approval_holds_the_tool_whose_sentence_acts_on_what_it_names() -> None:
    text = (
        "Packed orders go to the dispatch bot, which calls ship_parcel for them. "
        "Orders over 30 kg wait until a warehouse lead approves."
    )
    assert _approved(text) == [(["ship-parcel"], "warehouse lead")]


def test_an_approval_of_something_no_tool_acts_on_holds_no_tool() -> None:
    text = "It pays invoices with pay_invoice. New suppliers must be approved by the controller."
    assert _approved(text) == [([], "controller")]


def test_a_plural_of_a_short_tool_word_names_the_tool() -> None:
    text = "The bot calls issue_key. Keys for staff rooms need the duty manager's sign-off."
    assert _approved(text) == [(["issue-key"], "duty manager")]


def test_work_sent_to_someone_for_sign_off_is_approval_of_its_tool() -> None:
    text = "Large orders go to the quartermaster for sign-off before submit_order runs."
    assert _approved(text) == [(["submit-order"], "quartermaster")]


def test_logs_kept_for_a_later_review_are_not_approval() -> None:
    text = "The bot calls submit_order. Logs are kept for a year for quality review."
    assert _approved(text) == []


def test_an_ok_written_as_ok_d_is_approval() -> None:
    text = "Quotes go out through send_quote only after the owner has OK'd each one."
    assert _approved(text) == [(["send-quote"], "owner")]


def test_a_named_person_clicking_approve_is_approval() -> None:
    text = (
        "The bot calls deploy_site. Nothing is deployed until Marta clicks approve in the console."
    )
    assert [applies for applies, _ in _approved(text)] == [["deploy-site"]]


def test_a_tool_that_runs_by_itself_is_automatic() -> None:
    held = [
        (c.present, c.applies_to)
        for c in read("The bot calls sync_stock. sync_stock runs by itself every hour.").controls
        if c.kind.value == "human-approval"
    ]
    assert held == [(False, ["sync-stock"])]


def test_a_tool_named_as_written_is_the_one_an_approval_holds() -> None:
    text = (
        "The bot calls notify_owner and charge_owner. charge_owner always needs the owner to "
        "confirm first."
    )
    assert [applies for applies, _ in _approved(text)] == [["charge-owner"]]


@pytest.mark.parametrize(
    "sentence",
    ["For damaged parcels it creates a shipping label.", "It only creates a shipping label."],
)
def test_an_opening_for_phrase_or_only_keeps_the_agents_action(sentence: str) -> None:
    assert "creates-a-shipping-label" in {c.id for c in read(sentence).components}


def test_people_doing_the_action_after_for_now_name_no_tool() -> None:
    assert not [c for c in read("For now only admins create requests.").components]


@pytest.mark.parametrize(
    "sentence",
    [
        "The assistant pulls each caller's notes up the next time they phone.",
        "Yesterday's forecast errors are fed back into tonight's run.",
        "The agent goes back through its notes before each reply.",
        "Conversation state is kept for an hour.",
        "It keeps a list of open incidents in a table across runs.",
        "Findings are carried from one run to the next.",
        "It keeps a two-year order history in a table and checks it.",
    ],
)
def test_what_is_kept_and_opened_again_later_is_memory(sentence: str) -> None:
    assert _caps(sentence).get("memory") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "Customer feedback goes to the product team.",
        "The next time a ticket arrives, it is routed to the queue.",
        "Results are consistent across runs.",
    ],
)
def test_a_later_time_or_a_repeat_alone_is_not_memory(sentence: str) -> None:
    assert "memory" not in _caps(sentence)


@pytest.mark.parametrize(
    "sentence",
    ["Nothing is remembered after the chat closes.", "Nothing the user types is stored."],
)
def test_nothing_kept_rules_memory_out(sentence: str) -> None:
    assert _caps(sentence).get("memory") is False


def test_a_store_the_agents_share_is_shared_memory() -> None:
    caps = _caps("The agents post partial results to a shared Redis store.")
    assert caps.get("memory") is True and caps.get("shared-knowledge") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "The model is Llama 3.1 70B, served from the institute's own GPUs.",
        "It uses Qwen 2.5, which runs on two local GPU boxes.",
        "We run Mistral 7B on machines that we manage ourselves.",
    ],
)
def test_a_model_on_hardware_the_organisation_runs_is_self_hosted(sentence: str) -> None:
    assert _caps(sentence).get("self-hosted-model") is True


def test_a_vendor_only_model_is_not_self_hosted_by_servers_in_the_same_sentence() -> None:
    text = "It uses GPT-4o through the OpenAI API; our own servers only hold the logs."
    assert _caps(text).get("self-hosted-model") is False


@pytest.mark.parametrize(
    "sentence",
    [
        "It connects to a third-party MCP server for weather.",
        "It loads community-built plugins for each file type.",
        "It pulls a PDF tool from an MCP registry.",
        "It installs an add-on from the skills store.",
    ],
)
def test_code_from_outside_the_team_is_a_plugin(sentence: str) -> None:
    assert _caps(sentence).get("plugins") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "It rents compute on a GPU marketplace.",
        "Agents find each other in our internal agent registry.",
        "The community manager posts updates.",
    ],
)
def test_a_marketplace_registry_or_community_of_people_is_not_a_plugin(sentence: str) -> None:
    assert "plugins" not in _caps(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "It works out what it still needs and fetches it.",
        "For every job it makes a sequence of steps and follows it.",
        "It drafts a to-do list before it starts.",
        "When a build fails it tries a different approach.",
    ],
)
def test_setting_and_changing_its_own_course_is_planning(sentence: str) -> None:
    assert _caps(sentence).get("planning") is True


@pytest.mark.parametrize(
    "sentence",
    [
        "The agent follows a fixed itinerary set by staff.",
        "It books the itinerary the customer chose.",
        "The team draws up a task list every quarter.",
    ],
)
def test_a_course_set_by_people_is_not_planning(sentence: str) -> None:
    assert "planning" not in _caps(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "About 200,000 people use the app.",
        "Roughly 40,000 customers use the app.",
        "Members file requests through the member self-service portal.",
        "Anyone with a phone can text it.",
        "Shoppers order through our website.",
    ],
)
def test_people_outside_reaching_the_system_are_public_users(sentence: str) -> None:
    assert "public-users" in _entries(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Our 1,200 employees use it daily.",
        "It runs on an Android tablet in the shop.",
        "Before anyone approaches a patient, a nurse reviews it.",
        "It scrapes notices from the exchange's website.",
    ],
)
def test_staff_devices_and_websites_it_reads_are_not_public_users(sentence: str) -> None:
    assert "public-users" not in _entries(sentence)


def test_colleagues_on_workplace_chat_do_not_make_it_external_facing() -> None:
    assert _caps("Sales reps ask it questions in Slack.").get("external-facing") is not True
    assert _caps("Patients text it on WhatsApp.").get("external-facing") is True


def test_data_about_customers_or_public_facts_do_not_make_it_external_facing() -> None:
    assert "external-facing" not in _caps("It writes public product facts into customer records.")


def _tool_effects(sentence: str) -> dict[str, str | None]:
    return {
        c.id: (c.effect.value if c.effect else None)
        for c in read(sentence).components
        if c.kind == "tool"
    }


def test_a_cloud_api_call_named_for_what_it_stops_is_a_tool_that_runs_with_code_rights() -> None:
    assert _tool_effects("It calls ec2.stop_instances.") == {"ec2-stop-instances": "executes-code"}
    assert _tool_effects("It reads the instances table.") == {}


def test_an_action_after_then_keeps_its_agent() -> None:
    assert "labels-the-issue" in _tool_effects("Then it labels the issue.")
    assert _tool_effects("Then the nurse approves it.") == {}


@pytest.mark.parametrize(
    "sentence",
    [
        "A `stock_keeper` agent curates the shared catalogue.",
        "The coordinator, `plan_lead`, splits the work.",
        "Work goes to the `reviewer` bots.",
    ],
)
def test_a_code_name_beside_an_agent_noun_is_not_a_tool(sentence: str) -> None:
    assert _tool_effects(sentence) == {}


def test_a_code_name_beside_other_people_is_still_a_tool() -> None:
    assert "notify-owner" in _tool_effects("It calls `notify_owner` to tell the manager.")


@pytest.mark.parametrize(
    "sentence",
    [
        "The portal sends the meter readings (gas and power), with a short prompt, to Claude Haiku.",
        "The web form sends each enquiry to our assistant, which answers it.",
    ],
)
def test_sending_work_to_the_model_or_the_agent_is_no_tool(sentence: str) -> None:
    assert _tool_effects(sentence) == {}


def test_sending_to_a_person_first_is_a_tool_whatever_comes_later() -> None:
    text = "It sends a reminder to each patient and a copy to the agent on duty."
    assert _tool_effects(text) == {"sends-a-reminder": "sends-messages"}


def test_an_api_the_agent_works_through_is_no_way_in() -> None:
    assert "api-clients" not in _entries("It books loads through the carrier's REST API.")
    assert "api-clients" in _entries("Partners call our REST API to book slots.")


def test_a_channel_the_agent_only_sends_on_is_no_way_in() -> None:
    assert "inbound-messages" not in _entries(
        "It texts the on-call engineer by SMS when a pump fails."
    )
    assert "inbound-messages" not in _entries("It messages the owner on Telegram.")
    assert "inbound-messages" in _entries("It answers messages on WhatsApp.")


def _held(text: str) -> list[tuple[bool, list[str]]]:
    return [
        (c.present, c.applies_to) for c in read(text).controls if c.kind.value == "human-approval"
    ]


def test_what_a_limit_frees_below_it_is_held_above_it() -> None:
    text = (
        "It can call issue_refund and send_voucher. Refunds up to $50 run automatically. "
        "Anything larger waits for a lead to approve."
    )
    assert _held(text) == [(False, ["issue-refund"]), (True, ["issue-refund"])]


def test_an_approval_naming_another_tool_after_a_limit_holds_that_tool() -> None:
    text = (
        "It can call issue_refund and send_voucher. Refunds up to $50 run automatically. "
        "Every voucher waits for a lead to approve."
    )
    assert _held(text) == [(False, ["issue-refund"]), (True, ["send-voucher"])]


def test_an_approval_after_one_action_holds_that_action() -> None:
    text = (
        "Delivery is handled by `publish_build`, which uploads the release. It must be approved "
        "by the producer first."
    )
    assert _held(text) == [(True, ["publish-build"])]
    # "Nothing" is everything: the whole system waits, not only the last tool named.
    text = "It calls publish_build. Nothing happens until an engineer clicks approve."
    assert _held(text) == [(True, [])]


def test_an_approval_after_two_actions_holds_neither_by_position() -> None:
    text = (
        "It calls publish_build and delete_branch. Nothing ships until the producer clicks approve."
    )
    assert _held(text) == [(True, [])]


def test_a_long_opening_condition_keeps_the_agents_action() -> None:
    text = "When the sensor reports a fault or the humidity reads out of range it stops the pump."
    assert "stops-the-pump" in _tool_effects(text)
    text = "If a customer is unhappy or a parcel arrives damaged the manager refunds it."
    assert _tool_effects(text) == {}


def test_a_negative_aside_ends_before_the_next_action() -> None:
    text = "It restarts the service, no ticket required, and emails the owner a summary."
    assert set(_tool_effects(text)) == {"restarts-the-service", "emails-the-owner-a-summary"}
    assert _caps("It keeps no memory, and no tools.").get("tools") is False


def test_an_action_done_with_a_named_tool_is_that_tool() -> None:
    text = "It checks the order with `get_order` and searches stock with `find_stock`."
    assert set(_tool_effects(text)) == {"get-order", "find-stock"}
    text = "It books slots and calls `notify_owner` afterwards."
    assert set(_tool_effects(text)) == {"books-slots", "notify-owner"}


def test_reading_back_what_it_kept_is_memory_not_a_tool() -> None:
    assert _tool_effects("The agent looks up earlier rulings for the same file.") == {}
    assert "reads-the-last-invoice" in _tool_effects("It reads the last invoice from Xero.")


def test_a_held_case_right_after_a_freed_one_is_the_same_action() -> None:
    text = (
        "It can quarantine a laptop. Kiosks are quarantined immediately; shared machines wait "
        "for the duty lead to approve."
    )
    assert _held(text) == [(False, ["quarantine-a-laptop"]), (True, ["quarantine-a-laptop"])]


def test_a_freed_case_two_sentences_back_does_not_carry() -> None:
    text = (
        "Refunds under $50 run automatically via issue_refund. It also answers questions about "
        "delivery times. Supplier changes wait for the controller to approve."
    )
    # The held act is the one its subject names, not the refund freed two sentences back.
    assert _held(text) == [(False, ["issue-refund"]), (True, ["supplier-changes"])]


def test_a_freed_action_in_the_sentence_before_is_not_held_by_another() -> None:
    text = (
        "The bot calls post_status and block_user. Status posts go out automatically. "
        "Suspensions need a moderator's approval."
    )
    assert _held(text) == [(False, ["post-status"]), (True, [])]


@pytest.mark.parametrize(
    ("sentence", "held"),
    [
        # A phrase of the agent's own ("replies to reviews") is no approval.
        ("The agent replies to reviews and blocks users.", []),
        # Sent for a decision to a person, not to a model or a channel.
        ("Large orders go to the quartermaster for sign-off before submit_order runs.", [True]),
        ("The agent drafts a reply and passes it to a second model for review.", []),
        ("The procurement agent looks for approved suppliers and raises purchase orders.", []),
        # The agent pressing the button is its own action.
        ("The release agent builds the image, runs the tests and then clicks approve.", []),
    ],
)
def test_who_decides_makes_the_approval(sentence: str, held: list[bool]) -> None:
    assert [present for present, _ in _held(sentence)] == held


def test_a_tool_named_as_written_is_a_whole_word() -> None:
    text = "The bot calls `pay` and `update_payee`. Any payee change needs finance approval."
    assert _held(text) == [(True, ["update-payee"])]


def test_a_wrapped_bullet_is_read_as_one_item() -> None:
    text = (
        "- Scope: may quarantine a laptop through the EDR. Shared kiosks are quarantined\n"
        "    immediately; domain controllers wait for the duty lead to accept.\n"
        "- Hours: all day\n"
    )
    assert _held(text) == [(False, ["quarantine-a-laptop"]), (True, ["quarantine-a-laptop"])]


@pytest.mark.parametrize(
    "text",
    [
        "The bot calls order_parts. It won't order parts without checking with the foreman.",
        "The bot calls order_parts. It wont order parts without asking first.",
    ],
)
def test_an_action_it_will_not_take_without_asking_is_approved(text: str) -> None:
    assert _held(text) == [(True, ["order-parts"])]


def test_a_message_answered_on_its_own_is_not_an_unattended_action() -> None:
    assert _held("Every enquiry gets handled on its own, with no memory of the previous one.") == []
    assert _held("It books slots on its own.") == [(False, ["books-slots"])]


def test_a_code_name_opening_a_bullet_is_a_tool() -> None:
    text = "Summary:\n- lock_scooter to end a trip\n- refundRide: needs a lead's approval\n"
    assert {"lock-scooter", "refundride"} <= set(_tool_effects(text))
    assert _tool_effects("Fields on the form:\n- date_of_birth\n- customer_email\n") == {}


def test_code_names_an_action_is_carried_out_with_are_tools() -> None:
    text = "It steers the rover with setHeading, setThrottle and stopRover."
    assert {"setheading", "setthrottle", "stoprover"} <= set(_tool_effects(text))
    assert _tool_effects("We test with pytest and mypyStrict.") == {}
    assert _tool_effects("It groups sales with region_code and product_line.") == {}
    assert _tool_effects("It is deployed via docker_compose on one VM.") == {}


def test_a_code_name_a_relative_clause_defines_is_a_tool() -> None:
    text = "nextStation, which moves the arm on, waits for the operator to approve."
    assert "nextstation" in _tool_effects(text)
    assert _tool_effects("The table user_roles, which holds permissions, is read nightly.") == {}
    assert _tool_effects("It reads claim_amount, which is entered by the customer.") == {}


def test_signing_each_one_off_is_approval() -> None:
    text = "It calls publish_note. The editor signs each one off before publish_note runs."
    assert _held(text) == [(True, ["publish-note"])]


def test_an_approval_holds_the_one_tool_its_sentence_defines() -> None:
    text = (
        "It moves parcels with liftTray and stopBelt. resetBelt, which sends the belt back to "
        "the start, waits until the shift lead presses Resume."
    )
    assert _held(text)[-1] == (True, ["resetbelt"])


@pytest.mark.parametrize(
    ("text", "held"),
    [
        # A curly apostrophe is still a negative.
        ("It won\u2019t pay any invoice without approval from finance.", [True]),
        # The negative governs another verb: the action runs unattended.
        ("It doesn't need a ticket and restarts services without asking anyone.", [False]),
        # Its own check is no person asked.
        ("It won't place an order without checking the budget.", []),
        # One at a time is not unattended.
        ("No history is kept; each email is read on its own.", []),
        ("Failed pods are restarted on their own by the agent.", [False]),
        ("The finance lead signs them all off before payment.", [True]),
    ],
)
def test_negatives_and_on_its_own_read_by_what_they_govern(text: str, held: list[bool]) -> None:
    assert [present for present, _ in _held(text)] == held


def test_a_dock_appointment_is_not_a_door_that_opens() -> None:
    assert set(_tool_effects("It opens a dock appointment when a carrier asks.").values()) != {
        "actuates"
    }


def test_waiting_for_someone_to_approve_is_approval() -> None:
    text = "It calls release_load. Heavy loads wait for the yard boss to approve."
    assert _held(text) == [(True, ["release-load"])]
    assert _held("It calls run_job. Jobs wait for the scheduler to confirm.") == []


@pytest.mark.parametrize(
    ("text", "agents"),
    [
        ("It books berths after reading notices from freight agents.", ["the agent"]),
        ("The intake agent hands claims to the payout agent.", ["intake agent", "payout agent"]),
        ("Our booking agent reserves tables.", ["booking agent"]),
    ],
)
def test_people_of_a_trade_called_agents_are_not_agents(text: str, agents: list[str]) -> None:
    assert [c.name for c in read(text).components if c.kind == "agent"] == agents


def test_what_people_of_a_trade_do_is_not_the_agents_tool() -> None:
    assert _tool_effects("Freight agents send load notices; the agent reads them.") == {}
    assert "sends-confirmations" in _tool_effects("The booking agent sends confirmations.")


@pytest.mark.parametrize(
    ("text", "tools", "held"),
    [
        # A double negative is a condition: the act happens, once someone agrees.
        (
            "The agent won't cancel an order without asking the owner.",
            ["cancel an order"],
            [(True, ["cancel-an-order"])],
        ),
        (
            "The bot won't transfer money unless the CFO approves it.",
            ["transfer money"],
            [(True, ["transfer-money"])],
        ),
        (
            "It never deletes records unless an admin has approved it.",
            ["deletes records"],
            [(True, ["deletes-records"])],
        ),
        # Near misses: a plain negative rules the act out, and a second verb keeps it so.
        ("The agent never sends e-mail.", [], []),
        ("It won't cancel orders, and it replies without asking anyone.", [], []),
    ],
)
def test_a_double_negative_keeps_the_act_it_conditions(
    text: str, tools: list[str], held: list[tuple[bool, list[str]]]
) -> None:
    assert _tools(text) == tools
    assert [h for h in _held(text) if h[0]] == held


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        # A verb opening a code name makes it a tool, even with a store word after it.
        ("- queue_refill(rx_id) drops it into the fill queue", ["queue_refill"]),
        ("- issueRideCredit for riders left with a dead bike, on its own", ["issueRideCredit"]),
        ("- confirm_booking w a vendor", ["confirm_booking"]),
        # Near misses: a store word that ends the name names a store; a field is no tool.
        ("The table has columns order_queue and created_at.", []),
        ("It keeps the chats in long_term_memory.", []),
        # A name beside ones named for what they do is handed the same action.
        (
            "The agent steers with setSpeed, panTilt and stopCrawler.",
            ["setSpeed", "panTilt", "stopCrawler"],
        ),
        # Near miss: fields the agent writes with, none named for an action.
        ("It tags each record with customer_ref and batch_code.", ["tags each record"]),
    ],
)
def test_a_code_name_that_opens_with_a_verb_is_a_tool(text: str, tools: list[str]) -> None:
    assert _tools(text) == tools


@pytest.mark.parametrize(
    ("text", "held"),
    [
        # What a limit holds back, passed to a person, waits for that person's decision.
        (
            "- issue_credit: up to 5 EUR it does on its own, anything bigger waits for a supervisor",
            [(False, ["issue-credit"]), (True, ["issue-credit"])],
        ),
        (
            "It orders fertilizer. Under $3k it just orders, over that it asks the owner.",
            [(True, ["orders-fertilizer"])],
        ),
        # Near misses: no limit, a hand-over; a limit passed to a place, not a person.
        ("It orders fertilizer. Questions about billing go to the finance team.", []),
        ("It orders fertilizer. Orders over $100 go to the warehouse for packing.", []),
    ],
)
def test_what_a_limit_holds_back_waits_for_a_person(
    text: str, held: list[tuple[bool, list[str]]]
) -> None:
    assert _held(text) == held


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        # A list led in by what the agent can do, on its occasion, lists its tools.
        (
            "Mods are busy. When someone is rude it can:\n- delete the msg\n- timeout ppl\n"
            "- warn ppl in DMs",
            ["delete the msg", "timeout ppl", "warn ppl"],
        ),
        # Searching its manuals is retrieval, not a tool.
        ("What it does today:\n- searches the manuals\n- files tickets", ["files tickets"]),
        # Near misses: a list of what people do; a lead-in with no colon.
        ("Things customers do:\n- upload receipts\n- delete their account", []),
        ("When someone is rude it can help\n- delete the msg", []),
    ],
)
def test_a_list_led_in_by_what_the_agent_can_do(text: str, tools: list[str]) -> None:
    assert _tools(text) == tools


@pytest.mark.parametrize(
    ("sentence", "capability", "value"),
    [
        # Answers found in documents it searches are retrieval.
        ("The bot looks up answers in our FAQ documents before replying.", "rag", True),
        ("The bot searches our help-center articles to answer questions.", "rag", True),
        ("It answers from its own knowledge; there is no document retrieval.", "rag", False),
        ("It searches the web and looks up orders.", "rag", None),
        # What it recalls of earlier exchanges is memory.
        ("The agent can recall what the customer said in previous tickets.", "memory", True),
        ("The agent can see previous conversations with the same customer.", "memory", True),
        ("It recalls what a cat is.", "memory", None),
        ("The bot sees past orders in Shopify.", "memory", None),
        # The model run on the organisation's own hardware.
        ("The model runs locally, no data leaves our network.", "self-hosted-model", True),
        ("The model runs on our own hardware.", "self-hosted-model", True),
        ("It stores transcripts on our own servers.", "self-hosted-model", None),
        # Who may use it, said as a limit.
        ("It is used by our support staff internally, not by customers.", "external-facing", False),
        ("A staff-only assistant for the front desk.", "external-facing", False),
        ("Staff only look at the weekly figures.", "external-facing", None),
    ],
)
def test_capabilities_said_by_what_the_system_does(
    sentence: str, capability: str, value: bool | None
) -> None:
    assert _caps(sentence).get(capability) is value


@pytest.mark.parametrize(
    ("text", "held"),
    [
        # Approvals of something the agent does not do are no gate on it.
        (
            "It can merge pull requests. Changes to the agent's own code are reviewed by two devs.",
            [],
        ),
        ("It can refund orders. Our HR team reviews the agent's logs once a month.", []),
        ("It can refund orders. Compliance signed off on the project plan in January.", []),
        ("It can refund orders. It asks the customer to confirm their order number first.", []),
        ("Approved tools: search_docs, create_ticket", []),
        ("It can refund orders. Customers leave reviews of the products it recommends.", []),
        # Near misses: the same words about what the agent does.
        (
            "It can merge pull requests. Every pull request it opens is reviewed by a developer.",
            [(True, ["merge-pull-requests"])],
        ),
        (
            "It can refund orders. Compliance must sign off on each refund.",
            [(True, ["refund-orders"])],
        ),
        (
            "It can book tables. It asks the customer to confirm the booking before it books.",
            [(True, ["book-tables"])],
        ),
    ],
)
def test_approval_of_what_the_agent_does_not_do_is_no_gate(
    text: str, held: list[tuple[bool, list[str]]]
) -> None:
    assert _held(text) == held


@pytest.mark.parametrize(
    ("text", "tools", "held"),
    [
        # An approval whose subject names an act, with no tool read for it, holds that act.
        (
            "Every refund above 200 EUR must be approved by a team lead.",
            ["refund"],
            [(True, ["refund"])],
        ),
        (
            "Deleting records is gated behind a four-eyes check by two admins.",
            ["Deleting records"],
            [(True, ["deleting-records"])],
        ),
        (
            "Any change to the dosing recipe needs the head grower's approval.",
            ["change to the dosing recipe"],
            [(True, ["change-to-the-dosing-recipe"])],
        ),
        # Near misses: a tool already read is the one held; a person or "nothing" names no act.
        (
            "It can book rooms. Bookings over $2,000 wait for the manager to approve.",
            ["book rooms"],
            [(True, ["book-rooms"])],
        ),
        ("Nothing happens until an engineer approves.", [], [(True, [])]),
        ("A nurse approves every dose.", [], [(True, [])]),
        # Whose approval it is, by a possessive: a person of any trade, not software.
        (
            "It can post replies. Replies need the shift chemist's approval.",
            ["post replies"],
            [(True, ["post-replies"])],
        ),
        ("It can post replies. Replies need the classifier's approval.", ["post replies"], []),
    ],
)
def test_an_approval_holds_the_act_its_subject_names(
    text: str, tools: list[str], held: list[tuple[bool, list[str]]]
) -> None:
    assert _tools(text) == tools
    assert _held(text) == held


@pytest.mark.parametrize(
    ("text", "held"),
    [
        # Waiting for someone's yes, the final word, needing a person, a family member asked.
        (
            "It can pay invoices with pay_invoice; it texts the owner and waits till she replies yes.",
            [(True, ["pay-invoice"])],
        ),
        (
            "It sends quotes with sendQuote; over 500 GBP the head of rights has the final word.",
            [(True, ["sendquote"])],
        ),
        (
            "It can cancel orders with cancel_order. Cancellations need the duty manager.",
            [(True, ["cancel-order"])],
        ),
        (
            "It orders seed. Under $3k it just orders, over that it asks my husband.",
            [(True, ["orders-seed"])],
        ),
        # Near misses: a conversation's reply, a thing needed, a person who must act themselves.
        (
            "It can cancel orders with cancel_order. It waits until the customer replies to its question.",
            [],
        ),
        ("It can issue refunds with issue_refund. Refunds need a customer account.", []),
        ("It can book rooms with book_room. Booking needs the user to log in.", []),
    ],
)
def test_someone_whose_yes_or_word_an_action_waits_for(
    text: str, held: list[tuple[bool, list[str]]]
) -> None:
    assert [h for h in _held(text) if h[0]] == held


@pytest.mark.parametrize(
    ("sentence", "tools"),
    [
        # A tool carries the product it acts in; adding a record or commenting is writing.
        (
            "The agent files tickets in ServiceNow and adds events to Google Calendar.",
            ["files tickets in ServiceNow", "adds events to Google Calendar"],
        ),
        ("It posts updates to Slack every morning.", ["posts updates to Slack"]),
        ("It can comment on pull requests.", ["comment on pull requests"]),
        # Running commands in a named shell runs code; sending money moves it.
        ("The agent runs bash commands on the build server.", ["runs bash commands"]),
        ("Our assistant uses the Stripe API to issue refunds.", ["Stripe API", "issue refunds"]),
        # Near misses: a person after "to", a way of sending, no product.
        ("It sends e-mails to customers.", ["sends e-mails"]),
        ("It sends the report to the team by email.", ["sends the report"]),
        ("agents: triage_agent, billing_agent", []),
    ],
)
def test_a_tool_named_with_the_product_it_acts_in(sentence: str, tools: list[str]) -> None:
    assert _tools(sentence) == tools


def test_sending_money_moves_it() -> None:
    tools = read("The bot can send wire transfers to suppliers.").components
    assert [c.effect for c in tools if c.kind == "tool"] == [Effect.MOVES_MONEY]


@pytest.mark.parametrize(
    ("sentence", "entry", "present"),
    [
        # People who write in by e-mail or text are ways in.
        (
            "Customers email support@acme.com and the agent reads each message.",
            "inbound-email",
            True,
        ),
        ("Users send questions by email; the agent replies.", "inbound-email", True),
        (
            "Customers reply to our notification emails and the agent handles them.",
            "inbound-email",
            True,
        ),
        ("Patients text the clinic number and the bot answers.", "inbound-messages", True),
        # Near misses: what the agent sends out, and a tool's name.
        ("Messages are sent to Slack by the agent.", "inbound-messages", False),
        (
            "It sends SMS appointment reminders to patients; replies are not processed.",
            "inbound-messages",
            False,
        ),
        ("It calls send_candidate_email.", "inbound-email", False),
        ("Every player message passes a moderation check.", "inbound-messages", False),
    ],
)
def test_people_who_write_in_are_a_way_in(sentence: str, entry: str, present: bool) -> None:
    assert (entry in _entries(sentence)) is present


@pytest.mark.parametrize(
    "sentence",
    [
        # An integration taken away, planned or in the past is no part of the system.
        "The Jira integration has been disabled.",
        "The Google Calendar integration is planned for Q3 but not built yet.",
        "We used to have the agent post to Slack.",
    ],
)
def test_an_integration_not_there_now_is_no_tool(sentence: str) -> None:
    assert read(sentence).capabilities.get("tools") is None


def test_content_reviewed_as_it_is_written_is_no_gate() -> None:
    text = "The agent answers from a knowledge base written and reviewed by our docs team."
    assert _held(text) == []


@pytest.mark.parametrize(
    ("sentence", "tools"),
    [
        # The team's own tools, used on the agent rather than by it.
        ("Our team tracks the agent's bugs in Jira.", None),
        ("We track the agent's bugs in Jira.", None),
        ("The developers discuss the bot's behaviour in Slack.", None),
        ("We built the agent in VS Code and deploy it with GitHub Actions.", None),
        # Near misses: the agent given the product, or acting in it.
        ("We connect the agent to Jira so it can file tickets.", True),
        ("The agent files tickets in Jira.", True),
    ],
)
def test_the_teams_own_tools_are_not_the_agents(sentence: str, tools: bool | None) -> None:
    assert _caps(sentence).get("tools") is tools


@pytest.mark.parametrize(
    ("text", "held"),
    [
        # Said plainly: it just does it; a person acts before it goes through.
        ("It can:\n- delete the msg (just does it)", [(False, ["delete-the-msg"])]),
        (
            "It can reserve a date and send a quote. Both of those just happen, no one looks first.",
            [(False, ["reserve-a-date", "send-a-quote"])],
        ),
        (
            "It can ban users. One of the moderators has to react before the ban goes through.",
            [(True, ["ban-users"])],
        ),
        # Near misses: the agent's own step before sending; "just" as "only".
        ("It can send replies. The agent has to format the text before it goes out.", []),
        ("It can send replies. It just answers questions about opening hours.", []),
    ],
)
def test_plain_words_for_unattended_and_held(text: str, held: list[tuple[bool, list[str]]]) -> None:
    assert _held(text) == held


@pytest.mark.parametrize(
    ("sentence", "tools"),
    [
        # A second verb whose object points back to the first's is a tool of its own.
        (
            "It can reschedule appointments and cancel them if the patient asks.",
            ["reschedule appointments", "cancel appointments"],
        ),
        (
            "It reads the orders and sends them to the warehouse.",
            ["reads the orders", "sends the orders"],
        ),
        # Near misses: a pronoun with no tool before it; a negated second verb.
        ("When a customer asks, it cancels them.", []),
        ("It can reschedule appointments but never cancels them.", ["reschedule appointments"]),
    ],
)
def test_a_pronoun_object_is_the_last_tools_object(sentence: str, tools: list[str]) -> None:
    assert _tools(sentence) == tools


@pytest.mark.parametrize(
    ("sentence", "entry", "present"),
    [
        # Files people hand over.
        (
            "Policyholders can attach photos of the damage and a PDF of the report.",
            "uploaded-files",
            True,
        ),
        ("Clients drop their paperwork into a folder on the portal.", "uploaded-files", True),
        ("It reads each claim and the receipts attached to it.", "uploaded-files", True),
        ("Applications come from our job board, with CVs as PDF.", "uploaded-files", True),
        # What others wrote, returned by a tool.
        ("It reads news headlines from a crypto news API.", "tool-output", True),
        ("A third-party MCP server fetches release notes from npmjs.com.", "tool-output", True),
        ("It reads call transcripts from Gong.", "tool-output", True),
        # Near misses: the agent's own files; a call recorded by the system itself.
        ("The agent attaches its summary to the ticket.", "uploaded-files", False),
        ("The call recording is transcribed and summarised.", "tool-output", False),
    ],
)
def test_files_handed_over_and_what_tools_bring_back(
    sentence: str, entry: str, present: bool
) -> None:
    assert (entry in _entries(sentence)) is present


@pytest.mark.parametrize(
    ("sentence", "present"),
    [
        # People outside who write in, report or register, with a phrase or adverb between.
        ("Customers from many different companies chat with it in our web app.", True),
        ("Prospective clients write to the enquiries inbox.", True),
        ("Tenants just text our number when the boiler breaks.", True),
        ("Policyholders report a claim in our app.", True),
        ("Customers register a product warranty on the site.", True),
        ("- in: public inbox (no auth), chat on the order page", True),
        ("Readers can comment on stories, and the agent reads the comments.", True),
        ("The card readers send taps to the gateway.", False),
        # Near misses: people as the object, and data about them.
        ("The agent reports weekly figures about customers to the board.", False),
        ("It files client records in the CRM.", False),
    ],
)
def test_outside_people_who_use_it_are_public_users(sentence: str, present: bool) -> None:
    assert ("public-users" in _entries(sentence)) is present


@pytest.mark.parametrize(
    ("text", "held"),
    [
        # The third review's misfires, each now read as a reviewer would.
        ("It can draft posts. I just do it myself when I have time.", []),
        ("It can draft posts. Customers just do it themselves in the portal.", []),
        ("Leave requests must be approved by the manager; the agent only looks up balances.", []),
        ("It can refund orders. The system prompt was approved by legal.", []),
        ("It can refund orders. The bot's weekly logs are reviewed by compliance.", []),
        (
            "It never posts to our Instagram unless I approve the draft.",
            [(True, ["posts-to-our-instagram"])],
        ),
        (
            "It won't issue a refund without checking with the shift lead first.",
            [(True, ["issue-a-refund"])],
        ),
        (
            "It never closes an account unless the compliance officer signs off.",
            [(True, ["closes-an-account"])],
        ),
        # Near miss: "we review" a contribution is vetting, not a condition on the agent's act.
        (
            "It can post replies. Members contribute packages; we review the code when one is submitted.",
            [],
        ),
    ],
)
def test_the_third_reviews_approval_misfires(text: str, held: list[tuple[bool, list[str]]]) -> None:
    assert [h for h in _held(text) if h[0]] == held


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        # A noun an act word only qualifies is no act of the agent's.
        ("Refund policy documents must be approved by legal before they are published.", []),
        # A heading is a sentence of its own, so the next line's subject is read.
        ("# Support bot\nIt can refund orders.", ["refund orders"]),
        # A branch a code name points to is a place, not a tool.
        ("An agent that runs after every merge to `main` and opens fix PRs.", ["opens fix PRs"]),
    ],
)
def test_the_third_reviews_tool_misfires(text: str, tools: list[str]) -> None:
    assert _tools(text) == tools


def test_an_integration_marked_off_in_brackets_is_not_there() -> None:
    names = {c.name for c in read("Integrations: Zendesk, Stripe (disabled)").components}
    assert "Zendesk" in names and "Stripe" not in names


@pytest.mark.parametrize(
    ("text", "held"),
    [
        # The writer's own say, a limit with no freed rule, a person who decides, a need.
        ("It issues refunds up to 50 EUR; bigger ones need my OK.", [(True, ["issues-refunds"])]),
        (
            "It orders groceries up to 100 dollars. Over that it asks me.",
            [(True, ["orders-groceries"])],
        ),
        (
            "It can post to Instagram. Nothing gets posted until I've seen it.",
            [(True, ["post-to-instagram"])],
        ),
        (
            "It can send bulk emails. Bulk emails need the marketing lead before the agent sends them.",
            [(True, ["send-bulk-emails"])],
        ),
        ("All outbound payments are subject to dual approval.", [(True, ["outbound-payments"])]),
        (
            "Deleting customer records is gated behind a four-eyes check by two admins.",
            [(True, ["deleting-customer-records"])],
        ),
        # Near misses: a button, a customer confirming their own time, a check of data.
        ("It answers questions. My OK button is on the dashboard.", []),
        ("It can book visits. Customers reply with yes to confirm their appointment time.", []),
        ("It can book visits. We check the dashboard until we have seen enough data.", []),
    ],
)
def test_the_writers_own_say_and_other_holds(text: str, held: list[tuple[bool, list[str]]]) -> None:
    assert [h for h in _held(text) if h[0]] == held


def test_a_person_inside_the_held_act_is_not_its_approver() -> None:
    text = "Deleting customer records is gated behind a four-eyes check by two admins."
    assert [c.actor for c in read(text).controls] == ["two admins"]


@pytest.mark.parametrize(
    ("sentence", "tools"),
    [
        ("The IT helper opens incidents in ServiceNow.", ["opens incidents in ServiceNow"]),
        ("The agent files bugs in Jira when users report problems.", ["files bugs in Jira"]),
        ("It tags the tickets and closes duplicates.", ["tags the tickets", "closes duplicates"]),
        ("It opens a work order for the technician.", ["opens a work order"]),
        # Near miss: people who help are no agent.
        ("Our helpers answer the phone.", []),
    ],
)
def test_more_acts_on_records(sentence: str, tools: list[str]) -> None:
    assert _tools(sentence) == tools


def test_a_possessive_before_an_agent_noun_names_no_second_agent() -> None:
    text = "# Marina berth assistant\n\nBoat owners message the marina's assistant on WhatsApp."
    delta = read(text)
    assert [c.name for c in delta.components if c.kind == "agent"] == ["marina berth assistant"]
    assert delta.capabilities.get("multi-agent") is None


def test_both_agents_and_we_log_name_no_part() -> None:
    text = (
        "The sourcing agent finds candidates and the outreach agent drafts messages. "
        "Both agents share a notes table. We log every prompt to Datadog."
    )
    names = {c.name for c in read(text).components}
    assert {"sourcing agent", "outreach agent"} <= names
    assert not {"both agent", "We log"} & names


def test_a_double_negative_on_anything_holds_the_tool_it_names() -> None:
    text = (
        "It can book and cancel appointments with book_slot and cancel_slot. "
        "It won't cancel anything without asking the receptionist."
    )
    assert "cancel anything" not in _tools(text)
    assert [h for h in _held(text) if h[0]] == [(True, ["cancel-slot"])]


@pytest.mark.parametrize(
    ("sentence", "tools"),
    [
        # Verbs joined by "and" share the code names given for them.
        (
            "It can book and cancel appointments with book_slot and cancel_slot.",
            ["book_slot", "cancel_slot"],
        ),
        # Near miss: a code name given for a later, separate verb.
        (
            "It can book or cancel slots, and sends reminders with notify_patient.",
            ["notify_patient", "book slots", "cancel slots"],
        ),
    ],
)
def test_joined_verbs_share_the_code_names_given_for_them(sentence: str, tools: list[str]) -> None:
    assert _tools(sentence) == tools


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        # An agent called by its role alone, named as an agent elsewhere, acts.
        (
            "A writer agent drafts stories. The writer can publish to our WordPress site.",
            ["drafts stories", "publish to our WordPress site"],
        ),
        # Near miss: a role that no agent carries is a person.
        (
            "A writer agent drafts stories. The editor can publish to our WordPress site.",
            ["drafts stories"],
        ),
    ],
)
def test_an_agent_called_by_its_role_alone(text: str, tools: list[str]) -> None:
    assert _tools(text) == tools


def test_a_one_l_adverb_and_a_spaced_thumbs_up_are_read() -> None:
    text = (
        "- exec_agent places orders with place_order()\n"
        "- orders under 5k go thru automaticaly, bigger ones need a thumbs up from the PM"
    )
    assert _held(text) == [(False, ["place-order"]), (True, ["place-order"])]


@pytest.mark.parametrize(
    ("sentence", "hosted"),
    [
        ("It runs on our own Llama 3 70B on 2 A100s.", True),
        # Near miss: a count of something else.
        ("It runs on 2 regions of Azure OpenAI with GPT-4o.", False),
    ],
)
def test_a_model_on_counted_accelerators_is_self_hosted(sentence: str, hosted: bool) -> None:
    assert _caps(sentence).get("self-hosted-model") is hosted
