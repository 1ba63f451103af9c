"""Actions the agent takes, as patterns: the verbs that name its tools and what may precede them.

Patterns run on normalised text, like those of `assistant.engine.reading.lexicon`.
"""

from __future__ import annotations

import re

from assistant.engine.reading.lexicon import rx
from assistant.schema import Effect

# What a door, gate or valve is called, after the verb that moves it.
_PHYSICAL_OBJECT = (
    # "open or close the valve": the object may follow a second verb.
    r"\w* (?:(?:or|and) [\w-]+ )?(?:the |a |an |its |their |our )?(?:[\w-]+ )?(?:doors?|gates?|valves?|windows?|garages?|"
    r"blinds?|shutters?|vents?|hatch\w*|barriers?|locks?|lockers?|cabinets?|safes?|cars?|vehicles?|"
    # Not "a dock appointment", "the bike account": a noun after it is what is opened.
    r"bikes?|scooters?|docks?)\b(?! (?:appointments?|schedules?|accounts?|bookings?|slots?|records?|profiles?))"
)
# Verb stems an agent's tool performs, with the effect of doing it. The first verb of a clause
# that the agent is the subject of (or a modal "can/may/is able to" reaches) names a tool.
ACTION_VERBS: tuple[tuple[str, Effect], ...] = (
    (
        # Only a physical object makes opening or unlocking a movement: not "opens a ticket",
        # "unlocks an account" (the object stays out of the verb, to name the tool).
        rf"(?:un)?lock(?={_PHYSICAL_OBJECT})|(?:open|close)(?={_PHYSICAL_OBJECT})|"
        r"arm|disarm|dispens|releas|fly|flies|flew|spray|irrigat|"
        r"dispatch(?=\w* (?:the |a |an |its |our )?(?:[\w-]+ )?(?:robots?|drones?|vehicles?|trucks?|"
        r"forklifts?|carts?|agvs?)\b)|"
        r"actuat|steer|drive|navigat|turn(?:s|ed)? (?:on|off)|switch(?:es|ed)? (?:on|off)|"
        r"adjust|toggl|set(?:s)? (?:the )?(?:temperature|thermostat|heating|valve|setpoints?)|start(?:s|ed)? the (?:pump|engine|motor)|"
        r"heat|cool|dim|"
        # Stopping a machine mid-task: "pauses the robot", "halts the line".
        r"(?:paus|halt|stop)(?=\w* (?:the |a |an |its )?(?:[\w-]+ )?(?:robots?|machines?|lines?|pumps?|"
        r"conveyors?|drones?|devices?|printers?|arms?|vehicles?)\b)",
        Effect.ACTUATES,
    ),
    (
        # Sending money is moving it: "sends wire transfers", "sends payouts".
        r"send(?=s? (?:[\w-]+ )?(?:money|funds|payments?|transfers?|payouts?|wires?)\b)|"
        r"refund|pay|payout|transfer|wire|charg|invoic|bill|purchas|buy|buys|sell|trad|swap|"
        r"bridg|stake|sign(?=(?:s|ed)? (?:transactions?|tx)\b)|mint|withdraw|deposit|disburs|reimburs|"
        r"credit|debit|issue(?=(?:s|d)? (?:an? |the )?(?:refunds?|credits?|payments?|vouchers?|coupons?)\b)|order|"
        r"place(?=(?:s|d)? orders?\b)|"
        # A light verb and the act: "make transfer", "do refunds", "process payments".
        r"(?:make|makes|made|do|does|did|process|processes)(?= (?:an? |the )?(?:transfers?|payments?|refunds?|payouts?|purchases?)\b)",
        Effect.MOVES_MONEY,
    ),
    (
        r"execut|run(?=(?:s|ning)? (?:bash |shell |terminal |cli |sql |python |powershell )?(?:code|scripts?|python|shell|commands?|sql|queries|tests?|jobs?)\b)|"
        r"deploy|shell|"
        # Build and check steps that run code: "runs the linters", "builds container images".
        r"run(?=(?:s|ning)? (?:the |its |our )?(?:[\w-]+ )?(?:linters?|tests?|test suites?|builds?|pipelines?|"
        r"health checks?|diagnostics?|migrations?|playbooks?|notebooks?)\b)|"
        r"build(?=(?:s|ing)? (?:the |a |an |new )?(?:[\w-]+ )?(?:images?|containers?|artifacts?|releases?)\b)|"
        r"re-trigger|"
        # Operations on running systems run with the same rights as code: "restarts pods".
        # (Lookaheads keep the object out of the verb, so it can name the tool.)
        r"trigger(?=(?:s|ed)? (?:[\w-]+ )?(?:builds?|pipelines?|jobs?|deploys?|deployments?|workflows?))|"
        r"restart|reboot|roll(?=(?:s|ed)? back)|rollback|scal(?=(?:es|ed|e) (?:up|down|out))|"
        # Stopping or removing running machines: `vm.stop_all`, "stops idle VMs".
        r"(?:terminat|stop)(?=\w* (?:[\w-]+ )?(?:instances?|servers?|vms?|services?|containers?|pods?|clusters?)\b)|"
        r"kill(?=(?:s|ed)? (?:[\w-]+ )?(?:pods?|processes|jobs?|instances?|containers?))",
        Effect.EXECUTES_CODE,
    ),
    (
        r"grant|revok|provision|deprovision|disabl(?=\w* (?:[\w-]+ )?(?:accounts?|users?)\b)|"
        r"reset(?=s? (?:[\w-]+ )?(?:passwords?|mfa|2fa|credentials|tokens?|pins?)\b)|"
        r"rotat(?=\w* (?:[\w-]+ )?(?:keys?|credentials|secrets|tokens?)\b)|"
        r"(?:un)?lock(?=\w* (?:[\w-]+ )?(?:accounts?|users?|profiles?)\b)|clos(?=\w* (?:an? |the )?(?:[\w-]+ )?accounts?\b)|"
        r"(?:network-)?isolat|quarantin|block|ban|suspend|(?:add|remove)(?=s? (?:[\w-]+ )?users?\b)|"
        # Moderation: keeping someone out of a conversation for a while.
        r"mute|unmute|kick|time(?:s|d)? out|time-?outs?|shadow-?ban",
        Effect.CHANGES_ACCESS,
    ),
    (
        r"send|sends|sent|email|e-mail|mail|text(?:s|ed)?|sms|fax|messag|notif|post|publish|tweet|"
        r"reply|replies|respond|call(?=s? (?:customers?|patients?|people)\b)|page(?:s|d)?|alert|"
        r"escalat|dm|remind|warn|broadcast|announc",
        Effect.SENDS_MESSAGES,
    ),
    (
        r"creat|updat|writ|edit|modif|delet|remov|cancel|reschedul|schedul|commit|merg|"
        r"push|(?:open|clos)(?=\w* (?:(?:or|and) [\w-]+ )?(?:an? |the )?(?:[\w-]+ )?(?:pull requests?|prs?|tickets?|issues?|"
        r"cases?|incidents?|duplicates|bugs?|requests?|work orders?|jobs?|tasks?)\b)|"
        r"file(?=[sd]? (?:[\w-]+ )?(?:tickets?|issues?|cases?|claims?|reports?|bugs?|incidents?|requests?)\b)|"
        r"upload|insert|save|store|record|log(?=(?:s|ged)? (?:tickets?|entries)\b)|assign|tag|label|"
        r"queue(?=[sd]? (?!(?:up|for|of|in|to)\b)[\w-])|"
        r"reconcil|dispatch|"
        r"draft|generat|fill(?:s)? in|register|enrol|change|amend|restock|reorder|reserv|book|mov|"
        r"hide|hides|hid|unhide|archiv|submit|comment(?=s? on\b)|"
        # Adding a record: "adds events to the calendar", "adds a note to the case".
        r"add(?=s? (?:an? |the )?(?:[\w-]+ )?(?:events?|entries|items?|rows?|records?|notes?|comments?|tasks?|"
        r"labels?|tags?|line items?|contacts?|leads?)\b)|"
        # Putting a record in someone's queue: "raises a referral", "drops a flag into".
        r"(?:rais|drop|lodg)(?=\w* (?:an? |the )?(?:[\w-]+ )?(?:referrals?|flags?|tickets?|cases?|"
        r"incidents?|requests?|claims?|complaints?|notes?)\b)|"
        r"(?:make|makes|made)(?= (?:an? |the )?(?:bookings?|reservations?|appointments?|changes?)\b)",
        Effect.WRITES_DATA,
    ),
    (
        r"look(?:s|ed)? up|lookup|search|query|queries|fetch|retriev|read|get|gets|"
        r"pull(?:s|ed)?|list|scan|browse|crawl|scrap|download|"
        # "runs a conflict search", "runs sanctions checks": a look-up, not code.
        r"run(?=(?:s|ning)? (?:an? |the )?(?:[\w-]+ )?(?:search(?:es)?|checks?|look-?ups?|screens?|screening)\b)",
        Effect.READS_DATA,
    ),
)
# Objects and destinations that make an action verb no tool of the agent's.
# Reading these is a flow or an entry, not a tool: its own store, documents or inbox.
NOT_A_TOOL_OBJECT = rx(
    r"memory|notes|history|blackboard|registry|knowledge(?: base)?|wiki|documents?|docs|"
    r"documentation|index|passages?|articles?|manuals?|handbooks?|runbooks?|faqs?|policies|polic(?:y|ies)|context|prompt|"
    r"instructions|playbook|guidelines|corpus|embeddings?|vectors?|chunks?|messages|logs?|"
    r"inbox|mailbox|e-?mails?|mail|msgs?|chats?|questions?|requests?|tickets? (?:that|as) (?:arrive|come)|"
    # What it is handed to work on: "reads the CV", "reads each claim", "reads the traceback".
    r"forms?|cvs?|resumes?|r\u00e9sum\u00e9s?|claims?|headers|attachments?|letters?|outputs?|"
    r"tracebacks?|repl(?:y|ies)|answers|comments|uploads?|photos?|images?|screenshots?|submissions?"
)
# What the agent kept itself, read back with no other system named: memory, not a tool.
ITS_OWN_PAST = rx(r"(?:its |their )?(?:own|earlier|previous|past|prior)")
FROM_ELSEWHERE = re.compile(r"\b(?:from|in|on|via|through|using)\b")
# A message to the model is the model call: "passes the form text to Claude".
TO_THE_MODEL = re.compile(
    # The first destination after the verb is a model, or "the assistant" itself (not "the
    # insurance agent", "a human agent" or "the assistant manager": people).
    r"(?:(?!\bto\b)[^.;]){0,100}\bto (?:the |a |an |our )?(?:(?:[\w.-]+ ){0,3}?(?:model|llm|gpt[\w.-]*|"
    r"claude[\w.-]*|gemini[\w.-]*|mistral[\w.-]*|llama[\w.-]*)\b|(?:assistant|chatbot)\b(?! [a-z]))"
)

# A label saying that what follows is what the agent does: "It can:", "What it does on its
# own:", "The bot may:", "Actions it takes alone:".
ACTION_LABEL = rx(
    # It may open on its occasion: "when someone is being toxic it can:".
    r"(?:(?:when|whenever|if|once|after|before|for|on|during|besides|apart from|other than|beyond|as well as|in addition to) [\w' -]{1,60}?,? )?"
    r"(?:what )?(?:it|they|the (?:[\w-]+ )?(?:agent|bot|assistant|system)) "
    r"(?:can|may|will|is allowed to|is able to)(?: do)?(?: [\w ]{0,30})?|"
    r"what (?:it|the (?:[\w-]+ )?(?:agent|bot|assistant)) (?:does|can do|may do)(?: [\w ]{0,30})?|"
    r"actions?(?: (?:it|the agent|the bot) (?:takes|performs|can take))?(?: [\w ]{0,20})?"
)
ACTION = re.compile(
    r"(?<![\w-])(?P<verb>(?:"
    + "|".join(f"(?:{p})" for p, _ in ACTION_VERBS)
    + r")[\w-]*)(?P<rest>(?: [\w$%-]+){0,4})"
)
# What may stand between the subject and its verb: "it can", "the agent is able to", "they",
# "it only". An opening phrase may come first ("for refunds, it ...").
AGENT_SUBJECT = re.compile(
    # An opening phrase may come first: "every friday the bot ...", "through stripe it ...".
    # Not "Only payments taken at the desk ...": "only" is a modal after a subject, not before.
    r"^(?!only\b)(?:(?:(?:every|each|for|through|via|using|with|after|before|once|on|at|in|during|when|if)\b"
    r"[^,]{0,80}?,? )?(?:(?:and )?(?:then|first|next|finally|later|afterwards),? (?=it |they ))?"
    r"(?:it|they|he|she|we let it|the system|this|that|which|who|and|also|then|"
    r"(?:(?:the|our|an?|each|every|this|that) )?(?:[\w-]+ ){0,2}?(?:agents?|bots?|chatbots?|"
    r"assistants?|copilots?|workers?|orchestrators?|planners?|helpers?|system|service|pipeline|"
    r"automation|app|application|workflow|model|llm|ai))\s+)?"
    r"(?:(?:can|may|will|is able to|are able to|is allowed to|are allowed to|also|then|"
    r"automatically|directly|actually|even|just|only|often|usually|sometimes|is permitted to|"
    r"has (?:the )?(?:ability|permission|tools?) to|uses? (?:a |an |the |our |its )?(?:[\w-]+ ){1,3}?(?:tool |api |integration )?to|"
    r"gets to|needs to|must|should|"
    # A negative modal: what it governs is ruled out by the negation scope, unless a double
    # negative makes it a condition ("won't cancel an order without asking").
    r"won't|won\u2019t|wont|will not|cannot|can't|can\u2019t|can not|never|does not|doesn't|"
    r"doesn\u2019t|doesnt|must not|may not|is not allowed to|isn't allowed to)\s+)*"
)
# Objects too vague to name a tool by ("it reads it", "it checks that").
VAGUE_OBJECT = rx(
    r"it|them|that|this|these|those|what|which|whether|if|how|the|a|an|and|or|to|for|with|from|in|on|at|by|of|any|all|every|each|its|their|our|your|his|her|up|"
    # "won't cancel anything without asking": the act, on whatever it is, is another tool's.
    r"anything|everything|something"
)
# Words that end an object noun phrase.
OBJECT_STOP = rx(
    r"to|for|with|from|in|into|on|at|by|of|via|through|using|and|or|but|when|if|before|after|"
    r"until|unless|so|as|that|which|who|where|while|because|than|then|under|over|above|below|"
    r"up|per|within|without|across|automatically|every|each|once|twice|daily|nightly|weekly|"
    # Examples and circumstances after the object: "runs commands like the test suite".
    r"like|such|including|between|about|during"
)


def worst_effect(words: str) -> Effect | None:
    """The worst effect of the coordinated verbs in `words` ("read, search and send": sends).

    Actuation is left out: a tool's description rarely moves things ("opens web pages").
    """
    split = words.split()
    # A verb opens the description or follows "and", "or", a comma: "read , search and send",
    # not the "pages" of "open web pages".
    heads = [n for n in range(len(split)) if n == 0 or split[n - 1] in {"and", "or", ",", "then"}]
    found = [verb_effect(" ".join(split[n:])) for n in heads]
    effects = [e for e in found if e is not None and e != Effect.ACTUATES]
    return min(effects, key=list(Effect).index, default=None)


def verb_effect(rest: str) -> Effect | None:
    """The effect of the action verb `rest` begins with, if it begins with one."""
    for pattern, effect in _VERB_EFFECTS:
        if pattern.match(rest):
            return effect
    return None


# Compiled once: recompiling these long patterns on every call dominated the reader's time.
_VERB_EFFECTS = [(re.compile(rf"(?:{pattern})"), effect) for pattern, effect in ACTION_VERBS]


def first_effect(words: str) -> Effect | None:
    """The effect of the first word that is an action verb (the verb decides, not its object)."""
    split = words.split()
    return next(
        (e for n in range(len(split)) if (e := verb_effect(" ".join(split[n:]))) is not None),
        None,
    )
