"""Tools and stores the text names by their nouns: "the carrier API", "an order database".

A tool named this way is added like any other (`tools.add_tool`); a store becomes a database,
memory or log store.
"""

from __future__ import annotations

import re

from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.actions import worst_effect
from assistant.engine.reading.state import Clause, Reading, slug
from assistant.engine.reading.text import normalise
from assistant.engine.reading.tools import STORE_KINDS, add_tool
from assistant.schema import Component, Layer

# "the carrier API", "a git MCP server", "the payments integration": a tool named by its noun.
_TOOL_NOUN = re.compile(
    r"(?<![\w'-])((?:[a-z][\w'-]* ){0,2}?[a-z][\w'-]*) "
    r"(apis?|integrations?|mcp servers?|(?<=mcp )servers?|connectors?|webhooks?|plugins?)(?![\w-])"
)
# What a tool named by its noun does, said right after it: "a gmail server ( read , search and
# send )", "an integration that can issue refunds", "the billing api , which creates invoices".
_DESCRIBED = re.compile(
    r"(?: \( ([^()]{1,120}) \))?(?:(?: ,)? (?:that|which) (?:can |may |will |also )?([^,;()]{1,120}))?"
)
# In a paragraph about MCP, "a git server" is one of its servers, each a tool of the agent.
_MCP = lx.rx(r"mcp")
_SERVER_NOUN = re.compile(r"(?<![\w'-])((?:[a-z][\w'-]* ){0,2}?[a-z][\w'-]*) (servers?)(?![\w-])")
# "an order database", "the shift log", "a Postgres blackboard": a store named by its noun.
_STORE_NOUN = re.compile(
    r"(?<![\w-])((?:[a-z][\w-]* ){0,2}?[a-z][\w-]*) "
    r"(database|db|table|ledger|registry|blackboard|log|logs|bucket|cache|store|archive|"
    r"repository|datastore|data store|warehouse)(?![\w-])"
)
_MODEL_PROVIDER = lx.rx(
    r"openai|anthropic|azure openai|bedrock|vertex|gemini|claude|gpt[\w.-]*|model|llm|"
    r"language model|completions?|chat completions?|embeddings?|inference|ai"
)
# A cloud owner alone ("Google's API", "the Azure API") names the model's endpoint, not a tool.
_CLOUD = lx.rx(r"google|microsoft|amazon|aws|azure|gcp|meta|mistral|cohere|ibm|oracle")
_NOT_A_QUALIFIER = lx.rx(
    r"a|an|the|our|its|their|his|her|my|your|this|that|each|every|any|some|one|public|rest|"
    r"graphql|http|https|scoped|private|secure|dedicated|external|"
    r"internal|own|same|no|and|or|of|to|in|on|via|through|with|by|for|from|into|new|custom|"
    r"local|remote|official|third-party|simple|single|central|shared|main|is|are|it|uses?|"
    r"calls?|reads?|writes?|keeps?|has|have|using|called|"
    # How many, and who put them there: "we installed several community plugins".
    r"several|many|few|multiple|various|numerous|all|both|other|more|most|two|three|four|five|"
    r"installed|added|enabled|configured|built|wrote|deployed|integrated"
)


# After an API noun, what makes it a credential rather than a tool: "API keys", "API tokens".
_NOT_A_TOOL_AFTER = re.compile(
    r" (?:keys?|tokens?|credentials|secrets?|quotas?|limits?|gateways?|clients?|consumers?)\b"
)
# The last word before "API" when the phrase leaves the product to the sentence: "its API", "a
# read-only API".
_POINTS_BACK = lx.rx(
    r"its|his|her|their|read-only|read-write|http|https|rest|graphql|scoped|private|secure|"
    r"dedicated|public|internal|external"
)
# A product named by its capitalised name ("Benchling", "Provet Cloud"); an acronym ("LIMS")
# only when no such name is nearer.
_PRODUCT = re.compile(r"(?<![\w-])([A-Z][a-z][\w-]*(?: [A-Z][\w-]*)*)")
_ACRONYM = re.compile(r"(?<![\w-])([A-Z]{2,}[\w-]*)")
_NOT_A_PRODUCT = lx.rx(
    r"i|we|it|they|the|our|this|that|a|an|there|when|if|each|every|all|some|"
    # Words of the interface, not of a product.
    r"api|apis|rest|http|https|json|graphql|sdk|url|sso|oauth|mcp|llm|ai|ui|saml|oidc"
)


def _product_named_tool(reading: Reading, clause: Clause, match: re.Match[str]) -> bool:
    """Add an API named only by generic words after the product its sentence names.

    "It looks up lots in Benchling (our LIMS) through a read-only API" and "we use Provet Cloud,
    with its API" name the Benchling and Provet Cloud APIs. Whether one was added.
    """
    words = match.group(1).split()
    if match.group(2) not in ("api", "apis") or not _POINTS_BACK.fullmatch(words[-1]):
        return False
    if "our" in words:
        return False  # "our public API": the system's own interface, not a tool it calls
    start, _ = reading.sentence_spans.get(clause.seg.sentence, (clause.seg.start, clause.seg.end))
    noun_start, noun_end = clause.norm.source_span(match.start(2), match.end(2))
    before = reading.source[max(start, noun_start - 100) : noun_start]
    offset = noun_start - len(before)
    for pattern in (_PRODUCT, _ACRONYM):
        found = [
            m
            for m in pattern.finditer(before)
            if not _NOT_A_PRODUCT.fullmatch(m.group(1).lower()) and offset + m.start() > start
        ]
        if found:
            product = found[-1]
            name = f"{product.group(1)} {reading.source[noun_start:noun_end]}"
            words = normalise(name).text
            add_tool(reading, name, words, offset + product.start(), noun_end, clause)
            return True
    return False


def _qualified(words: str) -> str:
    """The qualifying words before a noun, from the noun backwards, or "" if there are none."""
    kept: list[str] = []
    for word in reversed(words.split()):
        if _NOT_A_QUALIFIER.fullmatch(word):
            break
        kept.insert(0, word)
    return " ".join(kept)


def _paragraph(reading: Reading, clause: Clause) -> str:
    """The paragraph (between blank lines) a clause's sentence sits in."""
    start, end = reading.sentence_spans.get(clause.seg.sentence, (clause.seg.start, clause.seg.end))
    source = reading.source
    before = max(source.rfind("\n\n", 0, start), source.rfind("\n\r\n", 0, start))
    after = min(
        (i for i in (source.find("\n\n", end), source.find("\n\r\n", end)) if i >= 0),
        default=len(source),
    )
    return source[before + 1 if before >= 0 else 0 : after]


def named_nouns(reading: Reading, clause: Clause) -> None:
    """Tools and stores the text names by their nouns rather than by a verb."""
    if clause.scope.hypothetical:
        return
    patterns = [(_TOOL_NOUN, "tool"), (_STORE_NOUN, "database")]
    if _MCP.search(_paragraph(reading, clause).lower()):
        patterns.append((_SERVER_NOUN, "tool"))  # "tools come over MCP: a git server, ..."
    for pattern, kind in patterns:
        for match in pattern.finditer(clause.text):
            if clause.scope.covers(match.start(2), match.end(2)):
                continue
            qualifier = _qualified(match.group(1))
            owner = qualifier.removesuffix("'s")
            if kind == "tool" and _NOT_A_TOOL_AFTER.match(clause.text, match.end()):
                continue  # "scoped API keys": credentials, not a tool
            generic = all(_POINTS_BACK.fullmatch(w) for w in qualifier.split())
            if kind == "tool" and generic and _product_named_tool(reading, clause, match):
                continue  # "in Benchling through a read-only API": named after the product
            if not qualifier or _MODEL_PROVIDER.search(qualifier) or _CLOUD.fullmatch(owner):
                continue  # "the OpenAI API" is the model; "an API" names nothing
            if kind == "database" and not _a_new_store(reading, clause, match, qualifier):
                continue
            q_start = match.end(1) - len(qualifier)
            s, e = clause.norm.source_span(q_start, match.end(2))
            if _in_code_name(reading.source, s, e):
                continue  # `setStorePrice`, `sync_log_files`: one code name, read as a tool
            name = reading.source[s:e]
            if kind == "database" and _STORE_IS_MEMORY.search(match.group(0)):
                kind = "memory"
            elif kind == "database" and match.group(2) in ("log", "logs"):
                kind = "log-store"
            if kind == "tool":
                said = _DESCRIBED.match(clause.text, match.end())
                effect = worst_effect(" ".join(g for g in said.groups() if g)) if said else None
                add_tool(reading, name, f"{qualifier} {match.group(2)}", s, e, clause, effect)
            else:
                reading.add(
                    Component(
                        id=slug(name),
                        name=name,
                        kind=kind,
                        layers=[Layer.L5] if kind == "log-store" else [Layer.L2],
                        evidence=[reading.quote(clause.seg.start, clause.seg.end, (s, e))],
                    )
                )


def _a_new_store(reading: Reading, clause: Clause, match: re.Match[str], qualifier: str) -> bool:
    """Whether a store noun names a store not yet read, and is a store at all."""
    after = clause.text[match.end() :]
    if re.match(r" (?:in|into|on|out|off)\b", after):
        return False  # "staff log in": a verb, not a store
    if _NOT_A_STORE.search(match.group(0) + after[:12]):
        return False  # "we store tickets", "issues store credit": a verb or a shop
    if _SOFTWARE_SOURCE.search(match.group(0)):
        return False  # "the ElizaOS plugin registry": where code comes from, not a store
    known = any(
        normalise(c.name).text in qualifier.split() or qualifier.startswith(normalise(c.name).text)
        for c in reading.components.values()
        if c.kind in STORE_KINDS  # "a Notion database" is a store in a product
    )
    # "the Chroma DB", "a Pinecone vector store": the store already read.
    return not (known or _VOCABULARY_STORE.search(f"{qualifier} {match.group(2)}"))


def _in_code_name(source: str, start: int, end: int) -> bool:
    """Whether a noun phrase is only part of one code name that goes on after it."""
    return bool(re.match(r"[A-Za-z0-9_]", source[end : end + 1])) and not re.search(
        r"\s", source[start:end]
    )


# "store" as a verb after its subject ("we store", "it stores") or as a shop ("store credit").
_NOT_A_STORE = re.compile(
    r"(?:^|\s)(?:we|they|it|i|you|agent|bot|system|then|also|only|not|never|to|n't) (?:store|log)\b|"
    r"\bstore (?:credit|cards?|managers?|staff|hours|front|opening|locations?|brand)\b|"
    r"\b(?:issues?|gives?|grants?|offers?|refunds? as) store\b"
)
# A registry or repository of software, where the agent's code comes from.
_SOFTWARE_SOURCE = lx.rx(
    r"(?:plugins?|packages?|containers?|images?|models?|extensions?|skills?|npm|pypi|docker|"
    r"helm|charts?|artifacts?|mcp) (?:registry|repository|store)"
)
_VOCABULARY_STORE = lx.rx(
    r"vector (?:store|database|db|index)|knowledge base|document store|memory store|"
    r"embeddings? (?:store|index)"
)
_STORE_IS_MEMORY = lx.rx(r"memory|history|notes|scratchpad|blackboard|journal")
