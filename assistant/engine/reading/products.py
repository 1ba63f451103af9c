"""An act the agent does in a product the vocabulary does not know: "files drafts in Arc XP".

The verb is any, the product is named as users name products (capitalised, or camelCase such
as "iThenticate"); the tool is the act in that product. Tried only where no known verb of
`actions` opens the phrase, after the agent as subject.
"""

from __future__ import annotations

import re

from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.state import Clause, Reading
from assistant.engine.vocabulary import TERMS

# A third-person verb, a short object, the word that puts the act in a product, and what may
# stand before the product's name ("into the group's Zotero").
_ACT_IN = re.compile(
    r"(?P<verb>[a-z]{3,}s) (?:[\w'-]+ ){0,4}?(?:in|into|through|via|to|on) "
    r"(?:the |our |its |their |a |an )?(?:[\w'-]+ ?['\u2019]s )?"
)
# Verbs that say where the agent is or how it speaks, not an act in a product.
_NOT_AN_ACT = lx.rx(
    r"is|was|has|does|lives|sits|works|stays|comes|goes|talks|speaks|replies|answers|responds|"
    r"relies|depends|focuses|belongs|appears|seems|exists|helps|thinks|plans|reasons|converses|"
    # Keeping or reading its own data there is a store, not a tool; running there is hosting.
    r"keeps|stores|holds|saves|looks|reads|sees|finds|discovers|traces|runs as|runs on|runs in|uses"
)
# Capitalised words that are no product: languages, days, months, the writer.
_NOT_A_PRODUCT = re.compile(
    r"(?:English|French|German|Spanish|Dutch|Welsh|Irish|Italian|Portuguese|Polish|Arabic|"
    r"Chinese|Japanese|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|"
    r"February|March|April|May|June|July|August|September|October|November|December|I|APIs?)\b"
)
_PRODUCT_WORD = re.compile(r"(?:[A-Z][\w.-]*|[a-z]+[A-Z][\w.-]*)")


def product_act(reading: Reading, clause: Clause, at: int, end: int) -> tuple[int, int] | None:
    """The source span of "verb object in Product" opening at `at` (up to `end`), or None."""
    head = _ACT_IN.match(clause.text, at, end)
    if head is None or _NOT_AN_ACT.match(clause.text, at):
        return None
    product = _product_after(reading, clause, head.end())
    if product is None:
        return None
    return clause.norm.source_span(at, head.end())[0], product


def _product_after(reading: Reading, clause: Clause, at: int) -> int | None:
    """Where a product named right at normalised position `at` ends in the source, or None."""
    start, _ = clause.norm.source_span(at, min(at + 1, len(clause.text)))
    words = re.finditer(r"\S+", reading.source[start : clause.seg.end])
    end = None
    for n, word in enumerate(words):
        token = word.group(0).rstrip(".,;:)")
        if n >= 3 or not _PRODUCT_WORD.fullmatch(token) or _NOT_A_PRODUCT.fullmatch(token):
            break
        if _KNOWN_PART.search(token.lower()) or (n == 0 and re.fullmatch(r"[A-Z]{1,2}", token)):
            return None  # a model, a cloud, a protocol, a standard's initials: no tool's product
        end = start + word.start() + len(token)
    return end


# Parts the vocabulary knows as something other than a service the agent acts in.
_KNOWN_PART = lx.rx(
    "|".join(f"(?:{t.pattern})" for t in TERMS if t.kind and t.kind != "external-api")
    + r"|openai|anthropic|azure|aws|google|gcp|mqtt|amqp|modbus|opc|bacnet|ocpp|http|https"
)
