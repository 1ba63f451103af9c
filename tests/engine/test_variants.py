"""Extended threats that restate a core finding are listed on it, not drafted beside it."""

from __future__ import annotations

from typing import Any

from assistant.engine.variants import fold_variants
from assistant.knowledge import Catalogue
from assistant.schema import Component, Finding, Layer, SystemModel
from assistant.validator import validate_findings


def proposal(threat: str, layer: str, components: list[str], **extra: Any) -> dict[str, Any]:
    return {"threat_id": threat, "layer": layer, "components": components, **extra}


def test_an_extended_threat_on_the_core_findings_part_is_listed_on_it(
    catalogue: Catalogue,
) -> None:
    core = proposal("T3", "L4", ["billing-api-key"])
    folded = fold_variants(
        [core, proposal("MAS-SERVICE-ACCOUNT-EXPOSURE", "L4", ["billing-api-key"])], catalogue
    )
    assert [p["threat_id"] for p in folded] == ["T3"]
    assert core["variants"] == ["MAS-SERVICE-ACCOUNT-EXPOSURE"]


def test_an_extended_threat_stays_a_finding_when_it_is_about_another_part(
    catalogue: Catalogue,
) -> None:
    # Near misses: another component, another layer, an unrelated core threat, a question.
    cases = [
        [proposal("T3", "L4", ["agent"]), proposal("MAS-SERVICE-ACCOUNT-EXPOSURE", "L4", ["key"])],
        [proposal("T3", "L6", ["key"]), proposal("MAS-SERVICE-ACCOUNT-EXPOSURE", "L4", ["key"])],
        [proposal("T4", "L4", ["key"]), proposal("MAS-SERVICE-ACCOUNT-EXPOSURE", "L4", ["key"])],
        [
            proposal("T3", "L4", ["key"], status="needs-info"),
            proposal("MAS-SERVICE-ACCOUNT-EXPOSURE", "L4", ["key"]),
        ],
    ]
    for proposals in cases:
        assert len(fold_variants(proposals, catalogue)) == 2


def _finding(variants: list[str]) -> Finding:
    return Finding.model_validate(
        {
            "id": "F-001",
            "threat_id": "T3",
            "layer": "L4",
            "title": "Privilege compromise through the billing key",
            "scenario": "A prompt makes the agent use the billing key beyond its task.",
            "components": ["key"],
            "likelihood": "likely",
            "impact": "high",
            "variants": variants,
            "evidence": ["T3#0"],
            "provenance": {"engine": "rules"},
        }
    )


def test_the_validator_refuses_a_variant_that_is_unrelated_or_does_not_apply(
    catalogue: Catalogue,
) -> None:
    system = SystemModel(
        name="Billing agent",
        components=[
            Component(id="agent", name="Agent", kind="agent", layers=[Layer.L3]),
            Component(id="key", name="billing key", kind="identity", layers=[Layer.L4]),
        ],
        capabilities={"tools": True, "memory": False, "multi-agent": False},
    )
    [good] = validate_findings([_finding(["MAS-SERVICE-ACCOUNT-EXPOSURE"])], system, catalogue)
    assert "bad-variant" not in {i.code for i in good.issues}, good.issues
    # Not a threat; related but ruled out here (T14 needs several agents); unrelated (T1).
    for variants, why in (
        (["MAS-NOPE"], "not a threat"),
        (["T14"], "does not apply"),
        (["T1"], "not related"),
    ):
        [bad] = validate_findings([_finding(variants)], system, catalogue)
        assert [i.message for i in bad.issues if i.code == "bad-variant" and why in i.message]
