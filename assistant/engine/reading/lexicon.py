"""Patterns for the facts the component vocabulary does not cover.

Actors, approvals, entry points and controls (asset classes live in
`assistant.engine.reading.assets`, the actions that name tools live
in `assistant.engine.reading.actions`, negation cues with the scope rules in
`assistant.engine.reading.scope`).

All patterns run on normalised text (`assistant.engine.reading.text.normalise`): lower case,
identifiers split into words, single spaces. Each family has its own positive and near-miss
examples in `tests/engine/test_reading.py` and `test_reading_phrasings.py`; none is taken from an
eval description.
"""

from __future__ import annotations

import re

from assistant.schema import EntryKind


def rx(pattern: str) -> re.Pattern[str]:
    """A pattern bounded at word edges (hyphens count as part of a word)."""
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])")


# --- actors ----------------------------------------------------------------------------------

# Trades whose people are called agents: "shipping agents", "an estate agent". (Not "booking",
# "sales" or "travel" agents: teams build agents with those names too.)
TRADES = (
    "shipping",
    "estate",
    "insurance",
    "customs",
    "letting",
    "freight",
    "talent",
    "literary",
    "press",
    "land",
    "border",
    "patent",
)
HUMAN_ROLE = (
    r"humans?|persons?|people|someone|somebody|nobody|no one|no-one|noone|staff|staffer|employees?|users?|customers?|"
    r"clients?|visitors?|members?|patients?|students?|teachers?|parents?|nurses?|doctors?|"
    r"physicians?|clinicians?|pharmacists?|developers?|devs?|engineers?|maintainers?|"
    r"code ?owners?|owners?|operators?|admins?|administrators?|managers?|leads?|supervisors?|"
    r"team leads?|reviewers?|analysts?|auditors?|officers?|agents? on duty|on-call|oncall|"
    r"dispatchers?|accountants?|controllers?|lawyers?|attorneys?|paralegals?|associates?|"
    r"recruiters?|hiring managers?|approvers?|moderators?|editors?|copywriters?|coordinators?|"
    r"directors?|executives?|cfo|ceo|cto|ciso|legal|compliance|finance team|security team|"
    r"ops team|sre|mods|agronomists?|pilots?|technicians?|tenants?|guests?|buyers?|traders?|"
    r"signers?|signatories|advisers?|advisors?|caseworkers?|case workers?|officials?|clerks?|"
    r"(?:harbou?r |station |quarter)?masters?|captains?|skippers?|foreman|foremen|chefs?|producers?|"
    rf"(?:{'|'.join(TRADES)}) agents?|"
    r"specialists?|experts?|adjusters?|handlers?|receptionists?|secretar(?:y|ies)|"
    # A small business's people: "asks my wife", "my sister taps yes", "the boss signs off".
    r"wife|husband|sister|brother|mum|mom|dad|father|mother|son|daughter|nephew|niece|boss|hr|"
    r"dentists?|surgeons?|therapists?|counsel(?:l)?ors?|counsel|bankers?|brokers?|agents? on call|underwriters?|pm|product managers?|"
    r"qa|testers?|teams?|colleagues?|humans? in the loop|the business|"
    # "the vet reads it" (not "a lead vets it": the verb).
    r"(?:(?<=the )|(?<=our )|(?<=a )|(?<=any )|(?<=one )|(?<=duty ))vets?(?! (?:it|them|each|every|all|the|any)\b)|"
    r"veterinarians?|midwi(?:fe|ves)|paramedics?|"
    r"radiologists?|inspectors?|librarians?|archivists?|registrars?|curators?|bookkeepers?|cashiers?"
)
HUMAN = rx(HUMAN_ROLE)
# People who may approve: not those the system serves ("unless the customer cancels").
# The people a system serves, who approve nothing of its acts however they "agree".
SERVED = (
    r"customers?|users?|clients?|visitors?|guests?|patients?|students?|members?|people|tenants?|"
    r"buyers?|callers?|players?|applicants?|passengers?|donors?"
)
_APPROVING_ROLE = rf"(?!(?:{SERVED})\b)(?:{HUMAN_ROLE})"
# What opens a condition a person settles: "unless", "only once", "only happens after".
_ONLY = r"only (?:happens |goes out |runs |proceeds )?"
CONDITION = rf"unless|until|till|provided|once|{_ONLY}(?:after|once|if|when)"
# Software, machines and the people served, who settle no approval however they "agree".
_NOT_AN_APPROVER = (
    r"(?:agents?|bots?|models?|systems?|llms?|assistants?|checks?|tests?|engines?|readers?|"
    rf"sensors?|ci|schedulers?|services?|gateways?|scripts?|pipelines?|jobs?|validators?|classifiers?|{SERVED})\b"
)
# The clause is about something a person does ("a nurse approves ...", "customers upload ...").
AGENT_WORD = rx(r"agents?|bots?|chatbots?|assistants?|copilots?|co-pilots?|autopilots?|workers?")
HUMAN_SUBJECT = re.compile(
    # Not "it texts customers a code": the agent is the subject, the people its object.
    # Nor "for guests it e-mails a voucher": a phrase about people before the agent.
    rf"^(?!(?:it|they|this|which|for|to|with|from|about|on behalf of)\s)(?:(?:a|an|the|our|their|its|each|every|any|some|one|two|all|only)\s+)*"
    rf"(?:[\w-]+\s+){{0,2}}?(?:{HUMAN_ROLE})(?:\s|$)"
    # "the buyer agent", "the analyst bot": a role that names an agent, not a person.
    rf"(?!{AGENT_WORD.pattern})"
)

# --- negatives -------------------------------------------------------------------------------

# A negative that a later "without", "unless" or "until" turns into a condition ("won't pay
# unless the CFO approves"). "won't" as one word (the boundaries of `rx` keep a bare "n't" from
# matching inside it), with a curly apostrophe, and spelt without one. Lower case.
NEGATIVE = rx(
    r"no|nothing|never|not|none|nobody|no one|noone|neither|cannot|"
    r"[a-z]+n['\u2019]t|wont|dont|doesnt|cant|wouldnt|shouldnt|isnt|arent"
)

# --- approval --------------------------------------------------------------------------------

APPROVAL = rx(
    r"approv\w*|sign(?:s|ed|ing)?[- ]?off|sign(?:s|ed|ing)? (?:it|them|these|those|this|that|each(?: one)?|every one|all)(?: of them)?(?: all)? off|sign-offs?|signoffs?|countersign\w*|"
    r"review(?:s|ed|ing)?|confirm(?:s|ed|ing|ation|ations)?|authori[sz]\w*|"
    r"green[- ]?light\w*|ok's|ok'd|ok'ed|okays?|okayed|gives? (?:it |them |this |that )?(?:the |an? )?(?:ok|nod|go-ahead|green light|thumbs[- ]up)|vets?(?= (?:it|them|each|every|all|the|any|its|their|new|incoming)\b)|vetted|vetting|"
    r"accept(?:s|ed)? or reject\w*|accepts? or declines?|check(?:s|ed)? (?:and|before) \w+|"
    r"multi-?sig\w*|four[- ]eyes|two[- ]person|co-?sign\w*|"
    r"(?:\d+|two|three|four|five) of (?:\d+|two|three|four|five|six|seven|nine|ten)(?: [\w-]+)? "
    r"(?:signers?|signatures|keys|approvers?|key ?holders?)|"
    r"human[- ]in[- ]the[- ]loop|hitl|(?:in|on) the loop|manual(?:ly)? (?:review\w*|approv\w*|check\w*)|"
    r"sanity[- ]checks?|double[- ]checks?|allows? or denies?|approve or deny|approve or reject|"
    r"says? (?:yes|ok|okay|go)\b|(?:repl(?:y|ies)|answers?|responds?) (?:with )?(?:yes|ok|okay)\b|"
    # The writer's own say: "bigger ones need my OK", "waits for my yes", "until I've seen it".
    r"(?:my|our) (?:ok|okay|yes|go-ahead|sign-?off|say-so|thumbs-up|nod|approval)\b"
    r"(?! (?:button|buttons|key|page|screen|flow|process|policy))|"
    r"until (?:i|we)(?:'ve| have)? (?:seen|checked|read|looked at|approved|reviewed) (?:it|them)\b|"
    r"click\w* (?:approve|confirm|accept)|"
    # A person does the final act: "clicks send", "hits publish", "taps accept".
    r"(?:clicks?|hits?|press(?:es)?|taps?) (?:the )?(?:send|publish|submit|release|post|deploy|go|accept|approve|confirm|ok)\b|"
    r"(?:waits?|waiting|wait|held|parked|paused) (?:\w+ )?(?:until|till|til) (?:\w+ ){0,4}?(?:taps?|clicks?|press(?:es)?|approves?|confirms?|signs?|okays?|accepts?|"
    # Someone's answer to a question it asks first: "texts me and waits till I reply yes".
    r"(?:repl(?:y|ies)|answers?|responds?|says?) (?:with )?(?:yes|y|ok|okay|go|approve\w*))\b|"
    # Not done unless a person agrees: "won't reorder unless the buyer accepts it", "only after
    # a dentist has cleared it" (not "unless the customer cancels").
    rf"(?:{CONDITION}) "
    rf"(?:a |an |the |our |my |their |one of the )?(?:[\w-]+ ){{0,3}}?{_APPROVING_ROLE} (?:has |have |first )?(?:approves?|approved|accepts?|accepted|"
    rf"confirms?|confirmed|okays?|okayed|oks|ok's|clears?|cleared|allows?|allowed|authori[sz]e[sd]?|"
    rf"sanctions?|sanctioned|agrees?|agreed|signs? (?:it |them )?off|signed (?:it |them )?off)\b|"
    # Anyone but an agent agreeing first, named however: "only once the on-call signaller
    # agrees" (not "only once the agent agrees", nor "until the queue clears").
    rf"(?:unless|until|till|{_ONLY}(?:after|once|if|when)) (?:a |an |the |our |my |their |one of the )?"
    rf"(?:[\w-]+ ){{0,2}}?(?!{_NOT_AN_APPROVER})[\w-]+ "
    r"(?:approves?|agrees?|confirms?|signs? off|countersigns?|okays?|authori[sz]es)\b|"
    # "only after a clerk has read it over", "only once the partner has signed the drafts".
    rf"{_ONLY}(?:after|once|when) (?:a |an |the |our |one of (?:the |our )?)?"
    rf"(?:[\w-]+ ){{0,4}}?(?!{_NOT_AN_APPROVER})[\w-]+ (?:has|have) (?:read|checked|watched|reviewed|signed|"
    r"ticked|released|approved|seen|okayed|countersigned|vetted)\b|"
    # A person's button: "the skipper must press send", "someone has to click it".
    rf"{_APPROVING_ROLE} (?:must|has to|have to|needs? to) (?:first )?(?:press|click|tap|hit)\b|"
    # A person goes through it and only then is it used: "the dentist reads it, fixes anything
    # wrong, and only then sends it" (not "the model reads it and only then answers").
    r"(?:a|an|the|our|each|every) (?!(?:model|llm|system|agent|bot|assistant|app|tool)\b)[\w-]+ "
    r"(?:reads|checks|edits|reviews|looks over|goes over|corrects|proofreads) (?:it|them|each one)\b"
    r"[^.;]{0,80}?\bonly then\b|"
    # ", no check" closing a clause: a remark that nobody checks the act (read as negated).
    r"(?<=, no )(?:human |manual |extra |further |second )?checks?(?=\s*(?:[.;)!]|$))|"
    # "I sanction it or strike it out": a person's verb of permission on the agent's act.
    rf"(?:\b(?:i|we)\b|{_APPROVING_ROLE})[^.;]{{0,40}}? sanction(?:s|ed)? (?:it|them|each|every)\b|"
    # The decision is someone's: "the head of rights has the final word".
    r"(?:has|have|gets?|with) the (?:final|last) (?:word|say)|final say|"
    r"check(?:s|ed)? (?:\w+ ){0,2}(?:answers?|outputs?|responses?|drafts?|results?|replies|work)|"
    r"(?:verified|checked|validated|vetted|inspected|cleared) by|"
    r"queued for (?:a |an )?(?:human|person|review|approval|sign-?off)|"
    r"(?:held|parked|waits?|waiting) (?:\w+ )?for (?:a |an )?(?:human |manual |explicit |written |final )?"
    r"(?:human|review|approval|sign-?off|confirmation|go-ahead)|"
    # Put aside for someone to look at: "queued for the duty pharmacist to check".
    r"(?:queued|held|parked|flagged|set aside) for (?:a |an |the |our )?(?:[\w-]+ ){0,2}?[\w-]+ to "
    r"(?:check|review|approve|confirm|sign|vet|verify|look at)|"
    r"gated (?:on|behind|by)|looks? (?:at|over|through) (?:\w+ ){0,4}before|"
    # A person acts before it happens: "a mod has to react before the ban goes through".
    r"(?:has|have|must|needs? to) (?:\S+ ){1,3}?before (?:the |a |an |any |each |it )?(?:[\w-]+ )?"
    r"(?:goes|go|gets|get) (?:thru|through|out|live|ahead|sent|applied)|"
    r"(?:person|human|manager|someone|somebody)'s (?:ok|okay|approval|sign-?off|go-ahead|consent)|"
    # Anyone's say-so: "the dispatch lead's OK", "needs a thumbs-up from a supervisor".
    r"[\w-]+'s (?:ok|okay|go-ahead|sign-?off|say-so|nod|thumbs-up|blessing)\b|"
    r"needs? (?:a |an |the )?(?:[\w-]+ ){0,2}?(?:thumbs[- ]up|go-ahead|say-so|green light|nod)\b|"
    r"requires? (?:the |a |an |their |our )?(?:[\w-]+ ){1,2}?to (?:confirm|approve|sign off|ok|okay|"
    r"accept|authori[sz]e)\b|human-(?:approv|review|check)\w*|"
    # A person who checks it: "a supervisor checks it" (not "it checks it on the next run").
    rf"(?:{HUMAN_ROLE}) check(?:s|ed)? (?:it|them|each one|every one)\b|"
    r"(?:has|have|needs?|must) to (?:approve|confirm|ok|okay|accept|sign|review|verify|acknowledge)|verif(?:y|ies)|"
    # "the physician must sign the summary"; not "must sign in" (a login).
    r"(?:must|shall) (?:first |also |personally )?(?:co-?|counter)?sign\b(?! (?:in|up|on|out|into)\b)|"
    r"needs? (?:a |an )?(?:human |manual )?(?:ok|okay|nod|go-ahead|sign-?off)|"
    # Routed to a person whose job is to check it: "large claims go to a reviewer in finance".
    r"(?:goes|go|are sent|is sent|are routed|is routed|routed|passed|handed) (?:on )?to "
    r"(?:a |an |the |our )?(?:[\w-]+ ){0,2}?(?:reviewers?|approvers?|review queue|approval queue)|"
    # Above a threshold, routed to a person: "larger ones go to the finance manager".
    rf"(?:larger|bigger|higher|anything (?:larger|bigger|higher|above|over|else)|the rest|above \S+|"
    rf"over \S+|more than \S+) (?:[\w-]+ ){{0,3}}?(?:go|goes|are sent|is sent|are routed|is routed|"
    rf"are escalated|is escalated|are passed|is passed) (?:on )?to (?:a |an |the |our )?(?:[\w-]+ ){{0,2}}?"
    rf"(?:{HUMAN_ROLE})\b|"
    # Waiting on a person's act: "the pull request waits for the on-call engineer to merge it".
    rf"(?:waits?|waiting|held|parked|sits?) (?:\w+ )?(?:for|until) (?:a |an |the |our )?"
    rf"(?:[\w-]+ ){{0,3}}?(?!(?:users?|customers?|clients?|visitors?|guests?|players?|patients?|"
    rf"students?|members?|people|tenants?|buyers?)\b)(?:{HUMAN_ROLE}) (?:to|has|have)"
)
# "goes out automatically", "on its own": an action stated to need no approval.
AUTOMATIC = rx(
    r"automatic(?:ally)?|auto-?approv\w*|auto[- ](?:execut\w*|run\w*|appl\w*|send\w*|merg\w*|publish\w*)|"
    # "labels: auto", "auto up to 25k": the bare word as a value (not "auto parts").
    r"auto(?= ?(?:[.;,)]|$| (?:up to|below|under|within|if|when|for (?:all|every|each))\b))|"
    # Not "on its own servers": a possessive before a noun.
    r"on (?:its|their) own(?! (?:[\w-]+ )?(?:servers?|hardware|gpus?|infrastructure|machines?|box(?:es)?|"
    r"cloud|account|tenant|network|premises|cluster|devices?|laptops?|phones?))|by (?:itself|themselves)|"
    r"autonomous(?:ly)?|unattended|without (?:asking|confirmation|review|approval|"
    r"a human|human|anyone|any human|sign-off|checking)|no (?:human|manual) (?:step|approval|review|check)|"
    r"straight (?:away|through)|immediately|directly|"
    # Said plainly: "(just does it)", "both of those just happen", "no one looks first".
    r"(?:(?<=\( )|(?<=, )|(?<=it )|(?<=also )|(?<=and ))just (?:does|do|did) (?:it|that|this|those|them)\b"
    r"(?! (?:myself|themselves|yourself|himself|herself|ourselves))|just happens?\b|"
    # The act fronted: "price changes it just does."
    r"(?<=it )just (?:does|did)(?=\s*(?:[.;,)!]|$))|"
    r"(?:no one|nobody|noone) (?:looks|checks|approves|signs off) first|"
    # "no one checks", "nobody looks at it": said of the act, with nothing checked after it.
    r"(?:no one|no-one|nobody|noone) (?:ever )?(?:checks|looks at|looks over)"
    r"(?: (?:it|them|that|those|these|anything|beforehand))?(?=\s*(?:[.;,)!]|$))|"
    # "that just goes through": not "goes through a manager", nor "before the ban goes through".
    r"(?:just|simply|straight) goes (?:thru|through)(?=\s*(?:[.;,)!]|$| (?:automatically|straight|on its own)))|"
    # A prompt turned off: "I ticked always allow", "set to auto-accept", "approvals switched off".
    r"always[- ]allow\w*|auto-?accept\w*|yolo mode|"
    r"(?:confirmations?|approvals?|prompts?) (?:turned|switched) off|skip\w* (?:the )?(?:confirmation|approval)s?"
)
# Roles of an agent in approval sentences ("the review agent approves") are not human approval.
AGENT_REVIEWER = rx(
    r"(?:agent|bot|model|llm|classifier|validator|assistant)s? (?:must |has to |will |then )?"
    r"(?:approv|review|check|sign)\w*|"
    r"(?:approv\w*|review\w*|validat\w*|verif\w*) (?:agent|bot|model|llm|step)s?"
)

# Keys whose value names a tool in a structured record: `name: cancel_job`, `- tool: refund`.
NAMING_KEY = r"name|id|tool|tool name|function|function name|action|operation"

# --- entry points ------------------------------------------------------------------------------

# People outside the organisation who use what it offers.
_AUDIENCE = (
    r"(?:customers?|guests?|shoppers?|citizens?|residents?|tenants?|patients?|students?|parents?|"
    r"players?|end[- ]users?|consumers?|applicants?|candidates?|subscribers?|fans?|buyers?|"
    r"members|users|visitors|pet owners|travell?ers|passengers|callers|policyholders?|claimants?|"
    r"pupils?|learners?|enquirers?|homeowners?|borrowers?|donors?|account holders?|"
    # Not "readers": card and badge readers are devices.
    r"(?:prospective |new |existing )?clients|viewers|listeners|followers|(?<!card )(?<!badge )readers)"
)

ENTRY_POINTS: tuple[tuple[EntryKind, str], ...] = (
    (
        EntryKind.PUBLIC_USERS,
        # "public" alone says nothing about people: "a public MCP registry", "public data", and
        # "the public web" is content, not people.
        r"the public(?! (?:web|internet|registry|repos?|repositor\w+|cloud|data|records?|domain))|"
        r"general public|public[- ]facing|public users?|visitors?|anonymous\w*|"
        # "anyone can", "anyone with a phone": not "before anyone approaches a patient".
        r"anyone (?:can|could|may|with|who|in|from|online|on the (?:internet|web)|in the world|at all)\b|"
        r"public (?:[\w-]+ )?(?:website|site|page|portal|app|chat|form)s?|"
        r"no (?:account|acct|login|log-in|sign[- ]?in|sign[- ]?up|auth|authentication)s?(?: needed| required)?|"
        r"website|web chat|webchat|"
        r"chat widget|mobile app|public portal|storefront|"
        r"(?:customer|patient|client|member|citizen|self-service)(?: [\w-]+)? portal|"
        # Used at consumer scale: "30k monthly players", "some 80,000 shoppers use it". A count
        # alone ("records for 1.2M customers", "since 2023 users") says nothing of who reaches it.
        r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)? ?(?:k|m|million|thousand)) (?:monthly|daily|weekly|active|registered) "
        r"(?:users|people|customers|players|members|visitors)\b|"
        r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)? ?(?:k|m|million|thousand)) (?:users|people|customers|players|members|"
        r"visitors) (?:use|chat with|talk to|download|visit|play|open) (?:it|the app|our app|the bot|the site)\b|"
        # "customers from many companies chat", "tenants just text our number".
        rf"{_AUDIENCE}(?: (?:from|of|at|in) [\w' -]{{1,40}}?|(?: \([^)]{{1,60}}\)))? "
        r"(?:can |may |also |often |just |simply |usually |sometimes )*(?:chat|ask|asks|message|messages|"
        r"report|reports|register|registers|log|logs|file|files|fill in|fills in|fill out|fills out|"
        r"comment|comments|post|posts|review|reviews|"
        r"text|texts|talk|talks|type|types|use|uses|write|writes|send|sends|submit|submits|"
        r"upload|uploads|call|calls|request|requests|book|books|reach|reaches|open|opens|dm|dms|"
        r"e-?mails|reply|replies)\b|(?:customers|users|clients|patients|members|guests) e-?mail\b|"
        rf"(?:answers?|serves?|helps?|talks? to|chats? with|supports?|assists?) (?:our |the |its )?{_AUDIENCE}|"
        # Made for them: "a scheduling assistant for patients", "a chatbot for our customers".
        r"(?:assistant|bot|chatbot|agent|copilot|helper|concierge|app) for (?:our |the |its |their )?"
        rf"(?:[\w-]+ )?{_AUDIENCE}",
    ),
    (
        EntryKind.INTERNAL_USERS,
        r"employees?|staff|our team|colleagues?|internal users?|analysts?|developers?|engineers?|"
        r"agents? on the floor|reps?|representatives?|nurses?|clinicians?|doctors?|recruiters?|"
        r"accountants?|lawyers?|dispatchers?|operators?|moderators?|teachers?",
    ),
    (
        EntryKind.INBOUND_EMAIL,
        r"(?:inbound|incoming|customer|support|shared|received) (?:e-?mails?|mail|mailbox|inbox)|"
        r"(?:reads?|receives?|monitors?|watches|triages?|processes|parses|ingests?|handles?) "
        r"(?:[\w-]+ ){0,3}(?:e-?mails?|mailbox|inbox|mail)|mailbox|inbox|e-?mails? (?:in|that arrive|from)|"
        # Content that comes in by mail: "claims arrive by e-mail", "send their invoices in via email".
        r"(?:arrive|arrives|arriving|arrived|comes? in|coming in)(?: [\w-]+){0,2}? (?:by|via|over|through) e-?mail|"
        r"(?:send|sends|sent|submit|submits|submitted|forward|forwards|forwarded)(?: [\w'-]+){0,3}? in (?:by|via|over|through) e-?mail|"
        # People who write in: "customers email support@acme.com", "users send questions by
        # email", "customers reply to our notification emails".
        # A plural before "email": the verb ("customers email us"), not "a candidate email".
        rf"{_AUDIENCE}(?<=s) e-?mail\b|{_AUDIENCE} (?:e-?mails|write to|writes to|reply to|replies to)\b|"
        rf"{_AUDIENCE} (?:send|sends|submit|submits)(?: [\w'-]+){{0,3}}? (?:by|via|over|through) e-?mail",
    ),
    (
        EntryKind.INBOUND_MESSAGES,
        r"sms|whatsapp|telegram|signal|imessage|text messages?|slack|discord|teams messages?|"
        r"microsoft teams|messenger|instagram|wechat|line app|twitter|x dms?|dms?|social media|"
        # People who write in by text: "patients text the clinic number".
        rf"{_AUDIENCE} (?:can |may |also |often )*(?:text|texts|whatsapp)\b",
    ),
    (
        EntryKind.WEB_CONTENT,
        r"brows\w*|web ?pages?|websites? (?:it|the agent) (?:reads|visits)|web search\w*|"
        r"search\w* (?:the )?(?:public |open )?(?:web|internet)|(?:across|from) the (?:public |open )?web|internet search|fetch\w* (?:[\w-]+ ){0,2}(?:urls?|pages?|links?)|urls?|"
        r"scrap\w*|crawl\w*|rss|news feeds?|online sources",
    ),
    (
        EntryKind.UPLOADED_FILES,
        r"upload\w*|attachments?|attached (?:files?|documents?|pdfs?|contracts?|letters?|forms?|images?|photos?)|"
        # Pictures and scans people send along: "plus an optional photo of the damage".
        r"(?:with|plus|and|or|optional|can send|can share|sends? (?:us|in)|submits?|including|along with) "
        r"(?:an? |any |the |their |some )?(?:optional )?(?:photos?|pictures?|scans?|screenshots?|pdfs?) "
        r"(?:of|from)\b|(?:with|including) (?:any |the )?attached \w+|"
        r"(?:files?|documents?|photos?|images?|cvs?|resumes?|receipts?|invoices?) (?:that )?(?:users?|customers?|people|they|candidates?) (?:send|submit|upload)|"
        # Files people hand over: "clients drop their paperwork into the portal", "can attach
        # photos of the damage", "receipts attached to it", "CVs as PDF".
        rf"(?:{_AUDIENCE}|clients?|consignors?|sellers?) (?:can |may |also |often )*"
        r"(?:send|submit|hand|drop|donate|share|attach|upload|scan)\w* (?:[\w'-]+ ){0,4}?"
        r"(?:photos?|photographs?|pictures?|scans?|pdfs?|documents?|paperwork|files?|cvs?|letters?|"
        r"receipts?|statements?|spreadsheets?|csvs?)\b|"
        r"attach(?:es)? (?:[\w'-]+ ){0,2}?(?:photos?|pictures?|scans?|screenshots?|pdfs?|files?|documents?)\b|"
        r"(?:receipts?|invoices?|photos?|documents?|files?|pdfs?|scans?) attached\b|"
        r"(?:cvs?|resumes?|r\u00e9sum\u00e9s?) (?:as|in) (?:pdf|docx|word)",
    ),
    (
        EntryKind.RETRIEVED_DOCUMENTS,
        r"knowledge base|wiki|documentation|help[- ]cent(?:re|er)|articles?|confluence|sharepoint|"
        r"notion|(?:retriev\w*|index\w*|embedd\w*) (?:[\w-]+ ){0,3}(?:documents?|pages?|articles?|policies|notes|tickets?|papers?)|"
        r"vector (?:store|database|db|index)|rag|corpus|papers?|literature",
    ),
    (
        EntryKind.TOOL_OUTPUT,
        r"(?:api|tool) (?:responses?|results?|outputs?)|search results?|issues? (?:descriptions?|comments?)|"
        r"tickets? (?:text|content|descriptions?)|issue comments|product listings?|"
        r"third[- ]party (?:data|feeds?|apis?)|supplier (?:quotes?|catalogues?|data)|market data|price feeds?|"
        # What others wrote, returned by a tool: news, release notes, transcripts, threat intel.
        r"news (?:headlines?|feeds?|apis?|articles?|items?)|release notes|change-?logs?|"
        r"call (?:transcripts?|recordings?) (?:from|in|out of)|threat[- ]intel\w*|(?:scanner|scan) (?:results?|reports?|findings|output)",
    ),
    (
        EntryKind.OTHER_AGENTS,
        r"(?:external|partner|supplier|vendor|third[- ]party|other companies'?|peer|remote|"
        r"outside) agents?|agents? (?:from|of|at|run by) (?:other|partner|external|third)",
    ),
    (
        EntryKind.THIRD_PARTY_EXTENSIONS,
        r"(?:third[- ]party|community|public|open[- ]source|marketplace|external|remote) "
        r"(?:[\w-]+ ){0,2}(?:plugins?|extensions?|mcp servers?|servers?|skills?|tools?|packages?|integrations?)|"
        # Code a vendor supplies and the system runs; "our open-source library" is the product.
        r"(?:third[- ]party|vendor'?s?) (?:[\w-]+ ){0,2}(?:components?|librar(?:y|ies)|sdks?|scripts?|"
        r"widgets?|modules?|dependenc(?:y|ies)|actions?|images?|containers?)|"
        # Code fetched from a public package registry when the system runs or is built.
        r"(?:installs?|installed|installing|downloads?|downloaded|fetch(?:es|ed)?|pulls?|pulled) "
        r"(?:[\w-]+ ){0,4}from (?:npm|pypi|pip|crates\.io|rubygems|maven central|docker hub|"
        r"(?:a|the) public (?:package )?registry)|"
        r"plugins?|plugin marketplace|skills marketplace|mcp registry|(?:installed|downloaded) from",
    ),
    (
        EntryKind.DEVICES,
        # Not product analytics: "the telemetry dashboards (retention, crash rate)".
        r"sensors?|cameras?|iot|(?<!app )(?<!game )(?<!product )(?<!player )(?<!user )telemetry(?! dashboards?)|gps|thermostats?|smart (?:locks?|plugs?|meters?|home)|"
        r"devices?|drones?|robots?|wearables?|monitors? (?:readings|data)|readings|scanners?|"
        r"microphones?|plc|scada|eld|lidar|weather station",
    ),
    (
        EntryKind.API_CLIENTS,
        r"(?:public|rest|graphql|partner|open|external) apis?|webhooks?|api (?:clients?|consumers?|callers?)|"
        r"(?:partners?|shippers?|clients?|systems?|apps?) call (?:our|its|the) (?:api|endpoint)|"
        r"endpoints? (?:for|that) (?:partners?|clients?|shippers?)|exposes? (?:an? )?apis?",
    ),
)
# Channels that are entry points only when content arrives through them.
NEEDS_INBOUND = {EntryKind.INBOUND_MESSAGES}
# Keys of structured text whose items are approvals, or actions that run without one.
APPROVAL_KEY = rx(
    r"approv\w*|sign[- ]?offs?|reviews?|human[- ]in[- ]the[- ]loop|hitl|requires? approval|needs? approval|confirm\w*"
)
# `auto_send:`, `automatic:` or `autonomous_actions:` say the values run unattended; `autonomy:`
# only names a field, its value says how much.
AUTOMATIC_KEY = rx(
    r"auto(?:matic\w*|nomous\w*|[- ]?(?:run|send|approve|apply|execute|merge|publish)\w*)?|"
    r"unattended|"
    r"no approval|without approval"
)
# A plain application that calls a model, stated as such.
NON_AGENTIC = rx(
    r"single (?:api |model |llm |completion )?(?:call|request|prompt|completion)|"
    r"one (?:api |model |llm |completion )?(?:call|request|completion)|one-shot|"
    r"not an? (?:ai )?agent|no (?:ai )?agents?|isn't an? agent|no agent loop|plain (?:web )?app\w*|"
    r"crud app\w*|batch job|no chatbot"
)
INBOUND = rx(
    r"receiv\w*|reads?|answers?|repl(?:y|ies)|chats?|talks?|texts?|messages?|inbound|incoming|"
    # What people send in over it: "photos and voice notes from the crew", "sms comes in".
    r"photos?|pictures?|voice (?:notes?|messages?)|comes? in|coming in|"
    r"customers?|users?|guests?|tenants?|patients?|public|anyone|members|people|community|players?"
)
# Entry kinds whose content comes from inside the organisation's control.
TRUSTED_ENTRIES = {EntryKind.INTERNAL_USERS}
# Entry kinds that are people.
PEOPLE_ENTRIES = {EntryKind.PUBLIC_USERS, EntryKind.INTERNAL_USERS}
