import re

import pytest

from assistant.export import export
from assistant.export.evidence import (
    ELLIPSIS,
    MAX_SHOWN,
    QUOTE_CHARS,
    evidence_label,
    evidence_text,
    shorten,
)
from assistant.export.markdown_facts import EMPTY
from assistant.knowledge import Catalogue
from assistant.schema import (
    Control,
    ControlKind,
    Evidence,
    EvidenceKind,
    SystemModel,
    ThreatModel,
)
from tests.export.builders import CREATED, HOSTILE, grounded_model, grounded_system


def system_part(model: ThreatModel, catalogue: Catalogue) -> str:
    text = export(model, "md", catalogue)
    return text.split("## System model", 1)[1].split("## Findings by layer", 1)[0]


def section(text: str, title: str) -> str:
    return text.split(f"\n### {title}\n", 1)[1].split("\n### ", 1)[0]


def with_system(system: SystemModel) -> ThreatModel:
    return ThreatModel(id="tm", created=CREATED, catalogue_version="test", system=system)


def test_every_kind_of_fact_is_listed_with_its_evidence(catalogue: Catalogue) -> None:
    text = system_part(grounded_model(), catalogue)
    components = section(text, "Components")
    assert (
        "- **Refund tool** (refund-tool): tool; L3; effect moves-money; a human approves some "
        'actions only (see Controls). Evidence: "issue refunds through Stripe"'
    ) in components
    assert (
        "- **GPT-4o** (gpt-4o): llm; L1; hosting own cloud tenant. "
        'Evidence: "It runs on Azure OpenAI (GPT-4o) in our own subscription."'
    ) in components
    assert (
        '- **Support agent** (support-agent): agent; L3. Answers customers. Evidence: "Our '
        'support assistant"; answer to Q-2: "yes, one agent"'
    ) in components
    assert 'effect not stated. Evidence: system.yaml:12: "shopify"' in components
    assert 'Evidence: corrected in the chat: "/set crm kind external-api"' in components
    # One line per component, lowest layer first.
    assert [line.split("**")[1] for line in components.strip().splitlines()] == [
        "GPT-4o",
        "Refund tool",
        "Support agent",
        "Order lookup",
        "CRM",
    ]

    capabilities = section(text, "Capabilities")
    assert '- tools: **yes**. Evidence: "issue refunds through Stripe"' in capabilities
    assert (
        '- memory: **no** (ruled out). Evidence: "does not keep memory between conversations"'
        in capabilities
    )
    assert "- code-execution: **no** (ruled out). Evidence: none recorded" in capabilities
    assert "Agentic factors: autonomy." in capabilities

    controls = section(text, "Controls")
    assert (
        "- human-approval **present** for Refund tool (refund-tool). Scope: refunds above \\$200. "
        'Approved by: team lead. Evidence: "above that a team lead approves in Slack"'
    ) in controls
    assert "- human-approval **absent** for Refund tool (refund-tool). Scope: refunds up to" in (
        controls
    )
    assert '- sandbox **present** for the whole system. Evidence: "it cannot run code"' in controls

    entries = section(text, "Entry points")
    assert (
        "- **web chat** (web-chat): public-users, untrusted; first read by Support agent "
        '(support-agent). Evidence: "answers customers in the web chat"'
    ) in entries
    assert "inbound-email, untrusted; reader not stated." in entries
    assert "internal-users, trusted; first read by Support agent (support-agent). " in entries
    assert "Evidence: answer to Q-7\n" in entries + "\n"

    assets = section(text, "Assets")
    assert (
        "- **customer refunds** (customer-money): money; held or acted on by Refund tool "
        '(refund-tool). Evidence: "issue refunds through Stripe"'
    ) in assets

    flows = section(text, "Data flows")
    assert (
        "- **refund-call**: Support agent (support-agent) -> Refund tool (refund-tool): Refund "
        'requests. Protocol HTTPS; authenticated: yes. Evidence: "It can issue refunds through '
        'Stripe"'
    ) in flows
    assert (
        "- **to-ledger**: Refund tool (refund-tool) -> ledger (not in the system model). "
        "Evidence: assumed: payment tools usually sit outside"
    ) in flows

    boundaries = section(text, "Trust boundaries")
    assert (
        "- **payment provider** (payments): inside: Refund tool (refund-tool). Money leaves "
        "here. Evidence: assumed: payment tools usually sit outside"
    ) in boundaries

    assumptions = section(text, "Assumptions")
    assert "- Stripe keys are scoped to refunds." in assumptions
    assert "2 facts rest only on assumptions" in assumptions  # the flow and the boundary
    assert "- Can help-centre articles be edited by non-staff?" in section(text, "Open questions")


def test_every_fact_line_ends_with_its_evidence(catalogue: Catalogue) -> None:
    text = system_part(grounded_model(), catalogue)
    facts = text.split("\n### Components\n", 1)[1].split("\n### Assumptions\n", 1)[0]
    items = [line for line in facts.splitlines() if line.startswith("- ")]
    assert len(items) == 5 + 3 + 3 + 3 + 1 + 2 + 1
    assert all(" Evidence: " in line for line in items)


@pytest.mark.parametrize(
    ("states", "shown"),
    [
        ((True,), "a human approves."),
        ((False,), "no human approval (automatic)."),
        ((True, False), "a human approves some actions only (see Controls)."),
        ((), "effect moves-money. Evidence"),
    ],
)
def test_a_tool_shows_who_approves_it(
    catalogue: Catalogue, states: tuple[bool, ...], shown: str
) -> None:
    controls = [
        Control(id=f"c{n}", kind=ControlKind.HUMAN_APPROVAL, present=p, applies_to=["refund-tool"])
        for n, p in enumerate(states)
    ]
    system = grounded_system().model_copy(update={"controls": controls})
    components = section(system_part(with_system(system), catalogue), "Components")
    line = next(x for x in components.splitlines() if "(refund-tool)" in x)
    assert shown in line


def test_a_flow_from_an_entry_point_names_it(catalogue: Catalogue) -> None:
    system = grounded_system()
    flow = system.data_flows[0].model_copy(update={"source": "mailbox", "id": "mail-in"})
    system = system.model_copy(update={"data_flows": [flow]})
    flows = section(system_part(with_system(system), catalogue), "Data flows")
    assert (
        "- **mail-in**: inbound support mailbox (mailbox, entry point) -> Refund tool (refund-tool)"
        in flows
    )


def test_a_system_wide_approval_covers_a_tool_no_control_names(catalogue: Catalogue) -> None:
    controls = [Control(id="all", kind=ControlKind.HUMAN_APPROVAL, present=False)]
    system = grounded_system().model_copy(update={"controls": controls})
    components = section(system_part(with_system(system), catalogue), "Components")
    assert "effect not stated; no human approval (automatic)." in components


def test_empty_sections_say_why(catalogue: Catalogue) -> None:
    text = system_part(with_system(SystemModel()), catalogue)
    for title, key in [
        ("Components", "components"),
        ("Capabilities", "capabilities"),
        ("Controls", "controls"),
        ("Entry points", "entry_points"),
        ("Assets", "assets"),
        ("Data flows", "data_flows"),
        ("Trust boundaries", "trust_boundaries"),
        ("Assumptions", "assumptions"),
        ("Open questions", "unknowns"),
    ]:
        assert section(text, title).strip().startswith(EMPTY[key]), title
    assert "No data flows were stated; answer the interview or add them with /flow." in text
    assert "None recorded" not in text
    assert "only on assumptions (marked" not in text


def test_open_questions_are_not_repeated_in_the_coverage_section(catalogue: Catalogue) -> None:
    text = export(grounded_model(), "md", catalogue)
    question = "Can help-centre articles be edited by non-staff?"
    assert text.count(question) == 1
    coverage = text.split("## Coverage", 1)[1]
    assert "1 open question about the system is listed with the system model above." in coverage


def test_more_evidence_than_shown_is_counted_and_duplicates_collapse() -> None:
    words = ["one", "two", "two", "three", "four", "five"]
    evidence = [Evidence(kind=EvidenceKind.QUOTE, quote=w) for w in words]
    assert evidence_text(evidence) == f'Evidence: "one"; "two"; "three" (+{5 - MAX_SHOWN} more)'
    assert evidence_text(evidence[:3]) == 'Evidence: "one"; "two"'
    assert evidence_text([]) == "Evidence: none recorded"


def test_each_evidence_kind_has_its_label() -> None:
    assert evidence_label(Evidence(kind=EvidenceKind.QUOTE, quote="runs on Azure")) == (
        '"runs on Azure"'
    )
    assert evidence_label(Evidence(kind=EvidenceKind.ANSWER, question_id="Q-4")) == (
        "answer to Q-4"
    )
    assert evidence_label(
        Evidence(kind=EvidenceKind.ANSWER, question_id="Q-4", quote="only staff")
    ) == ('answer to Q-4: "only staff"')
    assert evidence_label(Evidence(kind=EvidenceKind.FILE, location="system.yaml:12")) == (
        "system.yaml:12"
    )
    assert evidence_label(Evidence(kind=EvidenceKind.ASSUMED, reason="not asked yet")) == (
        "assumed: not asked yet"
    )
    assert evidence_label(Evidence(kind=EvidenceKind.CORRECTION, quote="/flow a b")) == (
        'corrected in the chat: "/flow a b"'
    )


def test_long_quotes_are_cut_at_a_word_boundary() -> None:
    quote = "anything up to two hundred dollars goes out automatically, " * 3
    short = shorten(quote)
    assert len(short) <= QUOTE_CHARS and short.endswith(ELLIPSIS)
    kept = short[:-1]
    assert quote.startswith(kept) and quote[len(kept)] in " ,"  # the next character ends a word
    assert not kept.endswith((",", " "))  # no dangling comma before the ellipsis


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x" * QUOTE_CHARS, "x" * QUOTE_CHARS),  # exactly the limit: untouched
        ("x" * (QUOTE_CHARS + 5), "x" * (QUOTE_CHARS - 1) + ELLIPSIS),  # one long word: cut
        ("short\n\nquote", "short quote"),  # one line
    ],
)
def test_shorten_near_misses(text: str, expected: str) -> None:
    assert shorten(text) == expected


def test_a_hostile_quote_is_escaped_after_it_is_cut() -> None:
    # Cutting first means an escape is never split; escaping after means nothing raw survives.
    label = evidence_label(Evidence(kind=EvidenceKind.QUOTE, quote="*" * 200))
    assert label.startswith('"\\*') and label.endswith(ELLIPSIS + '"')
    assert not re.search(r"(?<!\\)\*", label)
    label = evidence_label(Evidence(kind=EvidenceKind.QUOTE, quote=HOSTILE))
    assert "\x1b" not in label and "\u202e" not in label and "\n" not in label
    for raw in ("<script>", "<img", "[link](", "`code`", "|"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), label), raw


def test_hostile_evidence_never_reaches_the_rendered_page(catalogue: Catalogue) -> None:
    from markdown_it import MarkdownIt

    evil = [
        Evidence(kind=EvidenceKind.QUOTE, quote=HOSTILE),
        Evidence(kind=EvidenceKind.ANSWER, question_id="Q<b>1</b>", quote=HOSTILE),
        Evidence(kind=EvidenceKind.FILE, location="[x](javascript:alert(1))"),
        Evidence(kind=EvidenceKind.ASSUMED, reason="<img src=x onerror=alert(1)>"),
    ]
    system = grounded_system()
    system = system.model_copy(
        update={
            # Each component leads with a different piece, so every kind is shown somewhere.
            "components": [
                c.model_copy(update={"evidence": evil[n % 4 :] + evil[: n % 4]})
                for n, c in enumerate(system.components)
            ],
            "capability_evidence": {"tools": evil},
        }
    )
    source = export(with_system(system), "md", catalogue)
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(source)
    assert not {"img", "script", "b", "em"} & set(re.findall(r"<([a-z][a-z0-9]*)", html))
    assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', html))
    assert "\x1b" not in source
