import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.integrations.mcp_config.jsonc import UnterminatedCommentError, strip_jsonc


def loads(text: str) -> object:
    return json.loads(strip_jsonc(text))


def test_comments_and_trailing_commas_go() -> None:
    text = '{\n  // a comment\n  "a": [1, 2,], /* block\n spanning */ "b": {"c": 3,},\n}\n'
    assert loads(text) == {"a": [1, 2], "b": {"c": 3}}


def test_lines_are_kept() -> None:
    text = '{\n/* one\ntwo */\n"a": 1 // x\n}'
    stripped = strip_jsonc(text)
    assert stripped.count("\n") == text.count("\n")
    assert stripped.splitlines()[3].startswith('"a": 1')


def test_strings_are_untouched() -> None:
    text = '{"url": "https://host/a,]", "s": "/* not */ // kept", "q": "say \\"hi\\", // x"}'
    assert loads(text) == {
        "url": "https://host/a,]",
        "s": "/* not */ // kept",
        "q": 'say "hi", // x',
    }


def test_an_unclosed_block_comment_is_an_error_with_its_line() -> None:
    with pytest.raises(UnterminatedCommentError, match="line 2"):
        strip_jsonc('{\n/* never closed\n"a": 1}')


def test_a_lone_slash_is_left_for_the_json_reader() -> None:
    with pytest.raises(json.JSONDecodeError):
        loads('{"a": 1 / 2}')


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    )
)
def test_plain_json_passes_through_unchanged(value: object) -> None:
    text = json.dumps(value)
    assert strip_jsonc(text) == text
    assert json.loads(strip_jsonc(json.dumps(value, indent=1))) == value
