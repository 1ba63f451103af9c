"""The system's name when the user gave none: read from how the description opens.

In order of preference:

1. the first Markdown heading (ATX `# ...` or setext underlined with `===`/`---`), skipping
   generic ones such as `Overview`, a leading `Threat model:` and a trailing gloss
   (`Alert triage agent: design notes` gives `Alert triage agent`);
2. a `name`/`title` key: for YAML or JSON text, a top-level `name`, `title`, `system`, `product`,
   `service` or `project` string (or the `name` inside such a mapping) beats a `#` comment; in
   prose, a `Name:` line near the top counts after the headings;
3. the first noun phrase of the first sentence (for structured text, of its `description`):
   determiners and possessives go ("Our support assistant answers customers..." gives
   `Support assistant`), an opening "We built" or "ok so we run" is skipped, and the phrase ends
   at the first verb-like word from a small list, a relative or prepositional word, or
   punctuation. A clause without a noun phrase ("In our company, ...") gives way to the next.

A name is at most `MAX_NAME_CHARS` characters, cut at a word boundary (never mid-word), with the
first letter of a plain lower-case word capitalised (identifiers keep their spelling). When
nothing fits, the name is `UNTITLED`. No language model or NLP library is involved: the same
text always gives the same name.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

MAX_NAME_CHARS = 60
UNTITLED = "Untitled system"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Headings that name a section, not the system: a design doc often opens with one of these.
_GENERIC_HEADINGS = frozenset(
    {
        "overview",
        "introduction",
        "intro",
        "description",
        "system description",
        "system overview",
        "summary",
        "background",
        "context",
        "architecture",
        "design",
        "about",
        "system",
        "details",
        "notes",
        "readme",
        "threat model",
        "table of contents",
        "contents",
        "toc",
    }
)
# "Threat model: Support bot", "Design of the billing agent": the part after the prefix names it.
_HEADING_PREFIX = re.compile(
    r"^(?:threat[- ]model(?:ling|ing)?|system|design(?:\s+doc(?:ument)?)?|architecture|overview)"
    r"(?:\s*[:\-\u2013\u2014|]\s*|\s+(?:of|for)\s+)",
    re.IGNORECASE,
)
_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_BULLET = re.compile(r"^\s*(?:[-*+>]|\d{1,3}[.)])\s+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# A YAML key: short (at most three words), so a prose line ending in a colon is not one.
_YAML_KEY_LINE = re.compile(r"^[\"']?[A-Za-z_][\w-]*(?: [\w-]+){0,2}[\"']?\s*:(?:\s|$)")
_TOP_KEY = re.compile(r"^[\"']?(name|title|system[_-]?name)[\"']?\s*:\s*(.+?)\s*,?\s*$", re.I)
# Keys whose string value names the system; with a mapping value, its own `name` does.
_NAME_KEYS = (
    *("name", "title", "system_name", "system-name", "systemName"),
    *("system", "product", "service", "project", "app", "application"),
)
# In a name or a heading, what follows these is a gloss: "Gatekeeper - resale agent for...",
# "Alert triage agent: design notes", "Tenant assistant (Harbourview)".
_GLOSS = re.compile(r"\s*(?::\s|\s[-\u2013\u2014|]\s|[\u2013\u2014(,;])")
_TEXT_KEYS = ("description", "summary", "purpose", "overview")
# In prose, a `Name:` line counts only near the top (later it is more likely a field of a form).
_PROSE_KEY_LINES = 5

# The end of a noun phrase: punctuation, or a word that starts a verb phrase or a modifier.
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_CLAUSE_END = re.compile(r"[;:,()\[\]{}\"\u2013\u2014]|\s[-/]\s")
_WORD = re.compile(r"[\w][\w'\u2019.+-]*")
_DETERMINERS = _words(
    "a an the our my your their his her its this that these those some one each every any another"
)
_SUBJECTS = _words(
    "we i you they it this that there here which who "
    "we're we've i'm i've it's this's that's there's here's they're you're"
)
# Common verbs and auxiliaries that follow a noun phrase in a description's first sentence:
# third-person forms, past forms and the base forms that are rarely nouns ("Three agents
# coordinate"). Base forms that often name a thing ("support assistant", "review bot", "search
# agent", "triage agent", "build agent") are left out on purpose. A miss only makes the name
# longer, and the length cap still holds.
_VERBS = _words(
    """
    is are was were be been being am has have had do does did can could will would shall should
    may might must need needs got gets get
    accepts acts adjusts alerts allows analyses analyzes answers approves asks assigns assists
    automates blocks books browses builds buys calculates calls charges chats checks classifies
    closes collects communicates comprises computes connects consists contains controls converts
    coordinates crawls creates decides delegates depends deploys detects downloads drafts drives
    edits emails enables escalates estimates evaluates executes exports extracts fetches files
    finds fixes flags flies gathers generates gives grades grants handles helps holds imports
    includes indexes integrates interacts invokes issues keeps learns lets listens lives locks
    logs looks makes manages matches merges monitors moves navigates notifies offers opens
    operates orchestrates owns parses patches pays picks plans posts predicts prescribes
    processes provides publishes pulls pushes queries ranks reads receives recommends reconciles
    records refunds rejects relies remembers replies reports resets responds retrieves reviews
    revokes routes runs scans schedules scores scrapes screens searches sells sends serves sets
    shares ships shows signs sits sorts speaks starts stops stores suggests summarises
    summarizes supports syncs takes talks tells tests texts tracks trades transfers translates
    triages tries turns unlocks updates uploads uses validates verifies wants watches works
    writes
    accept adjust allow analyse analyze approve assist automate classify collect communicate
    connect coordinate create decide delegate detect enable escalate execute extract fetch
    generate handle integrate interact invoke manage notify operate orchestrate provide publish
    receive respond retrieve send summarise summarize talk translate write read keep hold make
    take let sit live
    made wrote developed created designed deployed hosted powered based written running using built
    coordinated orchestrated managed operated driven backed called named
    """
)
# Words that open a relative clause, a prepositional phrase or an adverbial: the noun phrase
# ends before them. `of` and `and` are kept inside ("fleet of drones", "billing and refunds
# agent") but never end a name.
_STOPS = _words(
    "that which who whom whose where when while whereas because so to for with without in on "
    "at from by into onto via through across over under between within about like as than "
    "but or if unless then also only just now currently mostly usually simply basically "
    "always never often automatically after before during since until upon"
)
_OPENING_VERBS = _VERBS | {"not", "going", "to", "currently", "now", "just", "also", "built"}
# Chatty openings ("hey so basically we got...") carry no name.
_FILLERS = _words("hey hi hello so ok okay well basically um uh right yeah yes alright")
# How far past "we" a determiner may be and still open the name ("we manage nine flats and
# built a guest concierge agent").
_SUBJECT_WINDOW = 6
_NEW_SUBJECTS = frozenset({"we", "i", "you", "they"})  # a second clause, not an object ("call it")
_TRAILING = _words("of and & the a an to for with in on at by or")


def system_name(description: str) -> str:
    """A short name for the system described, from its heading, a name key or its first sentence.

    Returns `UNTITLED` when the text gives nothing usable (empty, structured text without a name
    or a description, or a first sentence that opens with a verb).
    """
    text = description.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return UNTITLED
    data = _mapping(text)
    if data is not None:
        # In YAML a `#` line is a comment, so a name key beats it; prose never opens YAML.
        found = _name_key(data) or _key_line(text) or _from_heading(text) or _text_key(data)
    else:
        found = _from_heading(text) or _key_line(text, within=_PROSE_KEY_LINES)
        found = found or _from_sentence(_first_prose_line(text))
    return found or UNTITLED


def _mapping(text: str) -> dict[str, Any] | None:
    """The top-level mapping when the text is YAML or JSON; None for prose and Markdown."""
    opening = next(
        (line for line in text.splitlines() if line.strip() and not line.startswith("#")), ""
    ).strip()
    if not (opening.startswith("{") or opening == "---" or _YAML_KEY_LINE.match(opening)):
        return None
    try:
        data = json.loads(text) if opening.startswith("{") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _name_key(data: dict[str, Any], depth: int = 0) -> str:
    for key in _NAME_KEYS:
        value = data.get(key)
        if isinstance(value, str) and (name := _label(value)):
            return name
    if depth:
        return ""
    for key in _NAME_KEYS:
        nested = data.get(key)
        if isinstance(nested, dict) and (name := _name_key(nested, depth + 1)):
            return name
    return ""


def _key_line(text: str, within: int | None = None) -> str:
    """A `name:` or `title:` line at the left margin (also in YAML that does not parse)."""
    lines = [line for line in text.splitlines() if line.strip()][:within]
    for line in lines:
        match = _TOP_KEY.match(line)
        if match and (name := _label(match.group(2).strip("\"'"))):
            return name
    return ""


def _text_key(data: dict[str, Any]) -> str:
    for key in _TEXT_KEYS:
        value = data.get(key)
        if isinstance(value, str) and (name := _from_sentence(value.strip().split("\n")[0])):
            return name
    return ""


def _lines_outside_fences(text: str) -> list[str]:
    lines: list[str] = []
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            lines.append("")
            continue
        lines.append("" if fenced else line)
    return lines


def _from_heading(text: str) -> str:
    lines = _lines_outside_fences(text)
    for i, line in enumerate(lines):
        match = _ATX.match(line)
        heading = match.group(1) if match else ""
        if not heading and i and _SETEXT.match(line) and lines[i - 1].strip():
            previous = lines[i - 1]
            if not _BULLET.match(previous) and not _ATX.match(previous):
                heading = previous
        if _plain(heading).lower().rstrip(":") in _GENERIC_HEADINGS:
            continue
        if name := _label(heading):
            return name
    return ""


def _label(text: str) -> str:
    """A heading or a name value as a name: marks, a `Threat model:` prefix and glosses removed."""
    text = _plain(text)
    unprefixed = _HEADING_PREFIX.sub("", text, count=1).strip()
    if unprefixed != text:  # "Design of the payroll copilot": the article goes too
        unprefixed = _strip_determiners(unprefixed)
    head = _GLOSS.split(unprefixed, maxsplit=1)[0].strip()
    return _cap(head or unprefixed)


def _first_prose_line(text: str) -> str:
    """The first line that is not a heading, a setext underline, a rule or a fence."""
    lines = _lines_outside_fences(text)
    for i, line in enumerate(lines):
        if not line.strip() or _ATX.match(line) or _SETEXT.match(line):
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if _SETEXT.match(following):
            continue  # a setext heading's text
        return line
    return ""


def _plain(text: str) -> str:
    """Markdown inline marks removed: links keep their text; emphasis and code marks go."""
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"[*`]+", "", text)
    text = re.sub(r"(?<!\w)_+|_+(?!\w)", "", text)  # `_em_`, not `intake_agent`
    return " ".join(text.split())


def _from_sentence(line: str) -> str:
    """The first noun phrase of the line's first sentence (its first clause that has one)."""
    text = _plain(_BULLET.sub("", line, count=1)).replace("\u2019", "'")
    text = _HEADING_PREFIX.sub("", text, count=1)
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    # "In our company, an orchestrator agent coordinates...": a clause with no noun phrase of its
    # own (it opens with a preposition or a verb) gives way to the next.
    for clause in _CLAUSE_END.split(sentence):
        if name := _noun_phrase(_WORD.findall(clause)):
            return name
    return ""


def _noun_phrase(words: list[str]) -> str:
    start = 0
    while start < len(words) and words[start].lower() in _FILLERS:
        start += 1
    if start < len(words) and words[start].lower() in _STOPS:
        # "At Larchwood care home we are piloting MediRound": the name follows the subject.
        start = next((i for i in range(start, len(words)) if _is_subject(words[i])), len(words))
    if start < len(words) and _is_subject(words[start]):
        # "We built a support bot", "ok so we run a discord server", "This is an agent": the
        # subject and its verbs are skipped, up to a determiner a few words on.
        start += 1
        window = words[start : start + _SUBJECT_WINDOW]
        det = next((i for i, w in enumerate(window) if w.lower() in _DETERMINERS), None)
        if det is not None and not {w.lower() for w in window[:det]} & _NEW_SUBJECTS:
            start += det
        else:
            while start < len(words) and _opening_verb(words[start].lower()):
                start += 1
    while start < len(words) and words[start].lower() in _DETERMINERS:
        start += 1
    phrase: list[str] = []
    for word in words[start:]:
        lower = word.lower()
        if lower in _VERBS or lower in _STOPS or (phrase and _is_subject(word)):
            break
        if lower in _DETERMINERS and phrase:
            break
        phrase.append(word)
    return _cap(" ".join(phrase))


def _strip_determiners(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in _DETERMINERS:
        words.pop(0)
    return " ".join(words)


def _opening_verb(lower: str) -> bool:
    return lower in _OPENING_VERBS or (len(lower) > 4 and lower.endswith(("ing", "ed")))


def _is_subject(word: str) -> bool:
    # `IT` (as in "IT helpdesk agent") is a noun, not the pronoun.
    return word.lower() in _SUBJECTS and not (len(word) > 1 and word.isupper())


def _cap(text: str) -> str:
    """At most `MAX_NAME_CHARS` characters at a word boundary, no dangling joiner, capitalised."""
    words = text.split()
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) > MAX_NAME_CHARS:
            break
        kept.append(word)
    if not kept and words:
        return ""  # one word longer than a name can be: not a name
    while kept and kept[-1].lower() in _TRAILING:
        kept.pop()
    name = " ".join(kept).strip(" -:|")
    # "support assistant" -> "Support assistant", "tier-1 desk" -> "Tier-1 desk"; an identifier
    # (`intake_agent`, `noc-copilot`, `iOS app`) keeps its spelling.
    first, _, rest = name.partition(" ")
    plain_word = first.isalpha() or (bool(rest) and first.replace("-", "").isalnum())
    if plain_word and first.islower():
        name = name[:1].upper() + name[1:]
    return name
