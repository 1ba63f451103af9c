import pytest

from assistant.engine.extract import extract


def test_products_become_components_on_their_layers() -> None:
    delta = extract(
        "GPT-4o agent on LangGraph, Pinecone for RAG, runs on Kubernetes, logs to Datadog, Okta SSO."
    )
    kinds = {c.kind: [layer.value for layer in c.layers] for c in delta.components}
    assert kinds["llm"] == ["L1"]
    assert kinds["vector-store"] == ["L2"]
    assert kinds["agent-framework"] == ["L3"]
    assert kinds["orchestrator"] == ["L4"]
    assert kinds["observability"] == ["L5"]
    assert kinds["identity-provider"] == ["L6"]
    assert delta.capabilities["rag"] is True and delta.capabilities["authentication"] is True


@pytest.mark.parametrize(
    ("text", "capability"),
    [
        ("The bot keeps no memory between sessions.", "memory"),
        ("It is stateless.", "memory"),
        ("There are no other agents.", "multi-agent"),
        ("A single agent answers questions.", "multi-agent"),
        ("It does not use any tools.", "tools"),
        ("It never runs code.", "code-execution"),
        ("The service is internal only.", "external-facing"),
        ("Fully autonomous, no human approval.", "human-in-loop"),
    ],
)
def test_negations_rule_capabilities_out(text: str, capability: str) -> None:
    delta = extract(text)
    assert delta.capabilities.get(capability) is False


def test_a_negated_word_does_not_also_count_as_present() -> None:
    delta = extract("The agent keeps no memory and uses no vector store.")
    assert delta.capabilities["memory"] is False and delta.capabilities["rag"] is False
    assert not [c for c in delta.components if c.kind in {"memory", "vector-store"}]


def test_named_agents_make_a_multi_agent_system() -> None:
    delta = extract("An intake agent hands claims to an approval agent and a payment agent.")
    assert delta.capabilities["multi-agent"] is True
    assert {"intake-agent", "approval-agent", "payment-agent"} <= {c.id for c in delta.components}


def test_one_span_names_one_component() -> None:
    delta = extract("It calls Azure OpenAI.")
    # The model as the user named it, not also the Azure cloud, and not a tool.
    assert [(c.id, c.kind) for c in delta.components] == [("azure-openai", "llm")]


def test_empty_text_tells_nothing() -> None:
    delta = extract("   ")
    assert delta.components == [] and delta.capabilities == {}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("GDPR applies to the tenants' data.", "data-protection-law"),
        ("Customer records are subject to data residency requirements.", "data-protection-law"),
        ("Under the CCPA, users can ask for deletion.", "data-protection-law"),
        # Near misses: sector rules that set no residency rule of their own.
        ("The clinic's data falls under HIPAA.", "regulation"),
        ("Card payments are PCI-DSS scope.", "regulation"),
    ],
)
def test_laws_that_restrict_where_data_goes_are_told_from_other_rules(text: str, kind: str) -> None:
    delta = extract(text)
    laws = [c.kind for c in delta.components if c.kind in ("regulation", "data-protection-law")]
    assert laws == [kind]
    assert delta.capabilities["sensitive-data"] is True
