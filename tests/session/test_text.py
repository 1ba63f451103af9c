"""The chat's rendering of one finding for review."""

from assistant.knowledge import Catalogue
from assistant.session.text import finding_markdown
from tests.helpers import make_finding, system


def test_a_needs_info_finding_shows_the_question_that_settles_it(catalogue: Catalogue) -> None:
    question = "Does the agent generate and run code?"
    waiting = make_finding(status="needs-info", question=question)
    assert f"**Open question:** {question}" in finding_markdown(waiting, catalogue, system())
    assert "Open question" not in finding_markdown(make_finding(), catalogue, system())
