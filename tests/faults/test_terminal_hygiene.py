"""Control characters from users and models never reach a terminal, and are never stored."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from assistant import safe_text
from assistant.cli import cli
from assistant.export import escape
from assistant.knowledge import Catalogue
from assistant.session.journal import journal_path
from tests.session.fakes import DESCRIPTION, new_conversation
from tests.tui.conftest import send

HOSTILE = "\x1b]0;pwned\x07\x1b[2J"
# What must never get through: ESC, BEL, the other C0 controls but tab and newline, DEL, C1.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
controls = st.sampled_from(["\x1b", "\x07", "\x9b", "\x9d", "\x00", "\r", "\x7f", "\u202e", "\t"])
hostile_text = st.lists(st.one_of(st.text(max_size=8), controls), max_size=30).map("".join)


@given(hostile_text)
def test_the_cleaner_lets_no_control_through_and_is_idempotent(text: str) -> None:
    cleaned = safe_text.clean(text)
    assert not FORBIDDEN.search(cleaned)
    assert "\u202e" not in cleaned
    assert safe_text.clean(cleaned) == cleaned
    assert len(cleaned) == len(text)  # replaced, not dropped: evidence offsets stay valid
    assert cleaned.count("\n") == text.count("\n") and cleaned.count("\t") == text.count("\t")


@given(hostile_text)
def test_one_line_is_one_clean_line(text: str) -> None:
    line = safe_text.one_line(text)
    assert not FORBIDDEN.search(line) and "\n" not in line and "\t" not in line
    assert safe_text.one_line(line) == line


def test_exports_and_the_terminal_share_one_cleaner() -> None:
    assert escape.clean is safe_text.clean and escape.one_line is safe_text.one_line


def _hostile_session(catalogue: Catalogue) -> None:
    """A journal whose title holds an escape sequence, as an older version could store it."""
    chat = new_conversation(catalogue, session_id="s-hostile")
    chat.send(f"MARKER\n\n{DESCRIPTION}")
    chat.conversation.close()
    path = journal_path("s-hostile")
    raw = json.dumps(HOSTILE)[1:-1]  # as JSON writes it: \u001b]0;pwned\u0007...
    path.write_text(path.read_text().replace("MARKER", raw))


def test_sessions_list_neutralises_a_hostile_title(catalogue: Catalogue) -> None:
    _hostile_session(catalogue)
    result = CliRunner().invoke(cli, ["sessions", "list"])
    assert result.exit_code == 0, result.output
    assert "s-hostile" in result.output and "]0;pwned" in result.output
    assert not FORBIDDEN.search(result.output)
    listed = json.loads(CliRunner().invoke(cli, ["sessions", "list", "--json"]).output)
    assert listed[0]["title"].startswith(HOSTILE)  # JSON keeps the data, escaped (\u001b)


def test_a_pasted_escape_is_not_stored(catalogue: Catalogue) -> None:
    chat = new_conversation(catalogue, session_id="s-paste")
    chat.send(f"{HOSTILE}{DESCRIPTION}\x9b31m")
    assert not FORBIDDEN.search(chat.conversation.state.messages[-2].text)
    data = journal_path("s-paste").read_text()
    assert "pwned" in data
    assert not re.search(r"\\u00(?:0[0-8]|1[0-9a-f]|7f|[89][0-9a-f])", data)  # JSON escapes
    assert not FORBIDDEN.search(data)


def test_a_model_reply_is_cleaned_on_its_way_to_the_journal(catalogue: Catalogue) -> None:
    chat = new_conversation(catalogue, session_id="s-model")
    chat.send(DESCRIPTION)
    conversation = chat.conversation
    from assistant.session.events import MessageLogged

    conversation._commit([MessageLogged(role="assistant", text=f"ok {HOSTILE}")])
    last = journal_path("s-model").read_text().splitlines()[-1]
    assert json.loads(last)["text"] == "ok \ufffd]0;pwned\ufffd\ufffd[2J"


async def test_the_tui_shows_no_control_characters(catalogue: Catalogue) -> None:
    from assistant.tui.factory import make_app
    from assistant.tui.widgets.chat import UserMessage
    from assistant.tui.widgets.findings import FindingsTable

    app = make_app(catalogue=catalogue, session_id="s-tui")
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, f"{HOSTILE}{DESCRIPTION}")
        await send(pilot, "/analyze")
        shown = [str(w.render()) for w in app.query(UserMessage)]
        assert shown and not any(FORBIDDEN.search(s) for s in shown)
        app.notify(f"note {HOSTILE}", title=f"t{HOSTILE}")
        notes = list(app._notifications)
        assert not any(FORBIDDEN.search(n.message + n.title) for n in notes)
        model = app.conversation.state.threat_model
        assert model is not None
        hostile = model.findings[0].model_copy(update={"title": f"T {HOSTILE}"})
        app.query_one("#findings").show([hostile])  # type: ignore[attr-defined]
        table = app.query_one(FindingsTable)
        title = str(table.get_row_at(0)[2])
        assert "pwned" in title and not FORBIDDEN.search(title)
