"""Graded risk end to end: the rules engine's findings on real descriptions spread across the
risk matrix, and every rationale says which facts set the rating."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.engine.analyze import analyze
from assistant.evals.cases import LoadedCase, default_cases_dir, load_cases
from assistant.knowledge import Catalogue
from assistant.schema import Impact, ThreatModel
from assistant.system_file import read_system_file
from tests.conftest import ROOT

CASES = sorted(p.stem for p in default_cases_dir().glob("*.yaml"))
# Cases where more than half the findings share a cell, each for a reason the rubric should not
# paper over. Strict: when the reason goes away the test says so, and the entry must go.
CONCENTRATED = {
    "new-negated-release-notes-drafter": (
        "a drafting tool with no tools, memory or users outside: its four findings are all of "
        "medium impact (a wrong or steered draft that a person reads), in two likelihood cells"
    ),
    "own-faq-bot": (
        "an anonymous FAQ bot over public data with a vendor's widget in the page: whatever "
        "reaches it is very likely, and little is at stake, so three of its four findings are "
        "very-likely x low, rightly"
    ),
    "new-printer-support-rag-bot": (
        "an anonymous public bot whose index takes anyone's forum posts: nearly every finding "
        "is very likely, and what is at stake is customers' names and countries (medium); the "
        "two tools are not named one by one, so nothing separates their stakes"
    ),
    "new-web3-dao-treasury-agent": (
        "an autonomous agent that takes instructions from Discord and moves treasury funds with "
        "no co-signer below 10 ETH a day: most findings are very-likely x critical, rightly"
    ),
}
SPREAD = [
    pytest.param(c, marks=pytest.mark.xfail(reason=CONCENTRATED[c], strict=True))
    if c in CONCENTRATED
    else c
    for c in CASES
]


def case(catalogue: Catalogue, case_id: str) -> LoadedCase:
    return load_cases(default_cases_dir() / f"{case_id}.yaml", catalogue)[0]


@pytest.mark.parametrize("case_id", SPREAD)
def test_no_cell_of_the_risk_matrix_holds_more_than_half_of_a_cases_findings(
    catalogue: Catalogue, case_id: str
) -> None:
    model = analyze(case(catalogue, case_id).case.description, catalogue)
    cells = Counter((f.likelihood, f.impact) for f in model.findings)
    (cell, count), *_ = cells.most_common(1)
    assert count * 2 <= len(model.findings), f"{cell} holds {count} of {len(model.findings)}"
    assert len(cells) >= 3


@pytest.mark.parametrize("case_id", CASES)
def test_every_rationale_names_its_rating_and_none_is_a_baseline(
    catalogue: Catalogue, case_id: str
) -> None:
    model = analyze(case(catalogue, case_id).case.description, catalogue)
    for f in model.findings:
        assert "baseline" not in f.rationale.lower()
        assert f.rationale.startswith(f"{f.likelihood.value}: ")
        assert f" {f.impact.value}: " in f.rationale
        assert "\n" not in f.rationale


def _findings(model: ThreatModel, threat_id: str) -> list[Impact]:
    return [f.impact for f in model.findings if f.threat_id == threat_id]


def test_a_described_door_lock_and_thermostat_are_not_rated_medium(catalogue: Catalogue) -> None:
    text = (
        "A guest concierge agent for our holiday flats. Guests message it on WhatsApp. It can "
        "create a one-time door code on the smart lock and set the thermostat. Door codes are "
        "created automatically once a booking is confirmed."
    )
    model = analyze(text, catalogue)
    impacts = {f.impact for f in model.findings}
    assert impacts - {Impact.MEDIUM}, "every finding rated medium"
    assert set(_findings(model, "T2")) <= {Impact.HIGH, Impact.CRITICAL}


def test_a_system_files_ratings_cite_its_lines(catalogue: Catalogue) -> None:
    system = read_system_file(ROOT / "docs" / "examples" / "system.yaml", catalogue.capabilities)
    model = analyze(system.description, catalogue, system=system)
    t2 = next(f for f in model.findings if f.threat_id == "T2")
    assert t2.rationale.startswith(
        "very-likely: inbound support mailbox (untrusted inbound e-mail) content reaches "
        "Support agent (+2): system.yaml:"
    )
    assert "team lead approves Refund API (refunds above $200) (-1)" in t2.rationale


def test_the_worked_example_in_the_rubric_is_what_the_engine_says(catalogue: Catalogue) -> None:
    system = read_system_file(ROOT / "docs" / "examples" / "system.yaml", catalogue.capabilities)
    model = analyze(system.description, catalogue, system=system)
    t2 = next(f for f in model.findings if f.threat_id == "T2")
    rubric = (ROOT / "docs" / "RISK.md").read_text(encoding="utf-8")
    quoted = " ".join(
        line.removeprefix(">").strip() for line in rubric.splitlines() if line.startswith(">")
    )
    assert t2.rationale in quoted
