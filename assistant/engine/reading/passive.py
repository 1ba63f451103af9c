"""Actions stated in the passive, through a product: "hashes are checked against VirusTotal".

A system sheet often says what happens rather than who does it ("process trees pulled from
CrowdStrike Falcon", "results posted to Slack"). Where no person is named as the doer, the agent
is, and the product it goes through names the tool. Only a product named by its capitalised
name counts: "sent to the customer" names no tool.
"""

from __future__ import annotations

import re

from assistant.engine.reading import actions as act
from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.doer import on_list_item
from assistant.engine.reading.state import Clause, Reading
from assistant.engine.reading.tools import absorb_products, add_tool
from assistant.schema import Effect

# A past participle of an action, the preposition that leads to where it happens, and the
# product's first word (normalised text is lower case, so the product is checked in the source).
_PASSIVE_ACTION = re.compile(
    r"(?<![\w-])(?P<verb>checked|looked up|pulled|fetched|queried|searched|sent|posted|written|"
    r"pushed|uploaded|synced|created|filed|logged|booked|scheduled|published)"
    r" (?P<prep>against|in|from|to|into|through|via|on) (?:(?:the|our|an?|their) )?(?=\w)"
)
# Participles the verb lexicon does not read as actions; the others take its effect.
_EFFECTS = {"checked": Effect.READS_DATA, "queried": Effect.READS_DATA}
# The product: capitalised words in the source ("CrowdStrike Falcon", "VirusTotal", "MISP").
_PRODUCT = re.compile(r"[A-Z][\w-]*(?: [A-Z][\w-]*){0,2}")
# Further products joined to the first: "against VirusTotal and our MISP instance".
_AND_MORE = re.compile(r"(?: and| or|,)+ (?:(?:the|our|an?|their) )?(?=[A-Z])")
# "checked by an analyst in Jira": a person does it, not the agent.
_BY_A_PERSON = re.compile(rf"\bby (?:an? |the |our )?(?:{lx.HUMAN.pattern})")


def passive_actions(reading: Reading, clause: Clause) -> None:
    """Tools named by a passive action and the product it goes through."""
    text = clause.text
    if clause.scope.hypothetical or _BY_A_PERSON.search(text):
        return
    if not _about_the_agent(reading, clause):
        return
    for action in _PASSIVE_ACTION.finditer(text):
        if clause.scope.covers(action.start(), action.end()):
            continue
        verb = action.group("verb")
        effect = act.first_effect(verb) or _EFFECTS.get(verb, Effect.WRITES_DATA)
        s, _ = clause.norm.source_span(action.end(), min(action.end() + 1, len(text)))
        end = reading.sentence_spans.get(clause.seg.sentence, (0, clause.seg.end))[1]
        vs, _ = clause.norm.source_span(action.start(), action.start() + 1)
        while (product := _PRODUCT.match(reading.source, s)) and product.end() <= end:
            product_name = product.group(0)
            name = f"{verb} {action.group('prep')} {product_name}"
            absorb_products(reading, clause, product_name.lower())
            add_tool(
                reading, name, f"{verb} {product_name.lower()}", vs, product.end(), clause, effect
            )
            more = _AND_MORE.match(reading.source, product.end())
            if more is None:
                break
            s = more.end()


def _about_the_agent(reading: Reading, clause: Clause) -> bool:
    """Whether a passive clause is said of the agent.

    An item or keyed value of a sheet about it, or a sentence that names it, is; elsewhere it
    may be the wider system or its people.
    """
    if on_list_item(reading, clause):
        return True
    start, end = reading.sentence_spans.get(clause.seg.sentence, (clause.seg.start, clause.seg.end))
    return bool(lx.AGENT_WORD.search(reading.source[start:end].lower()))
