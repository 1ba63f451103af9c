"""Phrases that show a capability by what the agent does, not by a word that names it.

"Reads back yesterday's log", "pulls the notes up the next time": a reviewer reads memory from
behaviour as often as from the word. Kept apart from `assistant.engine.vocabulary` because the
behaviours are many; matched the same way (case-insensitively, on word boundaries).
"""

MEMORY_BEHAVIOUR = (
    # What it keeps and uses again later is memory, whatever the store is called.
    r"(?:reads?|looks?|looked|checks?|checked) (?:[\w'-]+ ){0,3}back (?:in|at|on|later|next|every|each)\b|"
    # "reads back the last two weeks of it": its own earlier record, by a span of time.
    r"(?:reads?|looks?|pulls?) back (?:over |through )?(?:the )?(?:last|past|previous) (?:\w+ )?"
    # Not "pulls back the last 30 days of tickets from Zendesk": another system's data.
    r"(?:days?|weeks?|months?|years?|runs?|shifts?|seasons?|entries|decisions)\b(?![^.;]{0,40}\bfrom\b)|"
    # A history it keeps and then goes back to: "keeps a ticket history and checks it".
    r"keeps? (?:a |an |the |its )?(?:[\w-]+ ){0,5}?(?:history|log|journal|records?|notes) (?:[\w-]+ ){0,4}?"
    r"and (?:checks|consults|reads|uses|searches|looks at|refers to) (?:it|them)\b|"
    r"(?:kept|carried|persisted|remembered|stored|saved) (?:across|between|over) (?:sessions|runs|conversations|chats|visits|questions|shifts|days|calls|contacts)|"
    # A profile the agent keeps up itself; what is brought back "next time".
    r"(?:maintains?|keeps?|builds?|updates?) (?:a |an |the |its )?(?:[\w-]+ ){0,2}profiles?|"
    r"recalled (?:[\w-]+ ){0,3}(?:next time|later|in (?:later|future|the next) \w+)|"
    # What it wrote before and reads again: "reads the previous night's log", "looks up
    # earlier decisions", "a count per member", "reuse what worked".
    r"(?:reads?|consults?|checks?|looks? up|reuses?|re-uses?|recalls?|sees?) (?:[\w'-]+ ){0,3}?(?:previous|earlier|past|prior|last) "
    r"(?:[\w'-]+ ){0,2}?(?:log|logs|notes|verdicts|cases|answers|runs|shifts?|decisions|history|"
    r"ledger|entries|records|incidents|outcomes|conversations|chats|sessions|tickets|results|failures)\b|"
    r"recalls? what (?:[\w'-]+ ){0,3}?(?:said|asked|wrote|told|ordered|chose|preferred)\b|"
    r"so (?:it|they) can (?:reuse|re-use|look back)|reuses? what (?:worked|it learned)|"
    r"(?:consults?|checks?) (?:that|the|its) (?:[\w-]+ )?(?:ledger|log|notes|history|book|record|journal|file) first|"
    r"keeps? (?:a |an )?(?:running )?(?:[\w-]+ ){0,2}?(?:count|score|note|notes|record|file|profile|log|ledger|book|tally) "
    r"(?:per|on|of|about|for) (?:each |every )?(?:[\w-]+ )?(?:customer|client|user|player|patient|member|caller|employee|"
    r"account|prospect|person|supplier|vendor|tenant|student|learner)s?\b|"
    # A book or file kept per anything it deals with again: "a notebook for each visitor".
    r"keeps? (?:a |an )?(?:running )?(?:[\w-]+ ){0,2}?(?:book|notebook|file|dossier|profile|notes) "
    r"(?:per|on|for) (?:each|every) \w+|"
    r"persists? (?:across|between|over) (?:[\w-]+ )?(?:sessions|runs|conversations|chats|visits|requests|jobs|tasks|cases|days|\w+s)\b|"
    r"picks? up where (?:it|they) left off|resumes? (?:[\w-]+ ){0,3}(?:days|weeks|hours) later|"
    # What it kept and opens again on a later visit: "brings the caller's notes up next time".
    r"(?:re-?opens?|re-?reads?|revisits?|reuses?|consults?|pulls? (?:[\w'-]+ ){0,3}?up|"
    r"brings? (?:[\w'-]+ ){0,2}?(?:up|back)|goes? back to|looks? (?:at|through)) (?:[\w'-]+ ){0,4}?"
    r"(?:the )?next time\b|"
    # Results carried into a later run, not an error handed back to the model to retry.
    r"(?:fed|feeds?|passed|passes) (?:[\w'-]+ ){0,2}?back (?:in|into)\b(?! (?:the |its )?(?:model|llm|prompt))|"
    r"(?:goes?|went|scrolls?|looks?|leafs?|flicks?|reads?) back (?:through|over) (?:its|their|that|the|those) (?:own )?(?:[\w-]+ )?"
    # Not "the records in Salesforce": another system's, not its own.
    r"(?:notes|log|logs|history|records|journal|memory|workspace|scratchpad|files?)\b"
    r"(?! (?:in|from) (?!(?:earlier|previous|past|its|their|last)\b))|"
    # Kept or compared across runs: "keeps a list of flagged hosts ... across runs".
    r"(?:keeps?|kept|stores?|stored|tracks?|tracked|carries|carried|holds?|held|spots?|compares?) "
    r"(?:[\w'-]+ ){0,8}?(?:across|between) (?:runs|sessions|conversations|chats|visits|restarts)\b|"
    # State of a conversation or a task kept for its next step.
    r"(?:conversation|session|dialogue|chat|working|scratch) (?:state|context|notes) "
    r"(?:is |are )?(?:kept|stored|held|cached|persisted|saved|lives?|stays?)\b|"
    r"(?:keeps?|stores?|caches?|persists?|saves?) (?:the |its |their )?(?:conversation|session|dialogue|"
    r"chat|working|scratch) (?:state|context|notes)|"
    r"(?:kept|carried|stored|remembered|saved|passed) (?:[\w-]+ ){0,3}?from one (?:run|session|visit|shift|"
    r"conversation|call|day|night) to the next|"
    # A kept record the agent goes back to: "the notebook is consulted", "keeps a diary of
    # outages and uses it", "keeps a list ... the next season". Keeping alone is not memory (an
    # audit log kept for others), nor is a record someone else consults.
    r"(?:log|ledger|notebook|notes|history|record|records|tally|diary|journal|register|almanac|casebook) "
    r"(?:that |which )?(?:is |are |gets |get )?(?:consulted|read back|re-?read|revisited)\b"
    # Not consulted by someone else, or read back to someone.
    r"(?![^.;]{0,60}\bby (?!(?:it|the (?:agent|assistant|bot)s?)\b))(?! to\b)|"
    r"(?:keeps?|kept|maintains?|builds? up|accumulates?) (?:[\w'-]+ ){0,6}?"
    r"(?:log|ledger|notebook|notes|history|record|records|tally|diary|journal|register|almanac|list)\b"
    # Not kept for someone else to use: "so the auditors can pull it next quarter".
    r"(?:(?!\bso (?:that )?(?:the |our )?\w+ can\b|\bfor (?:the |our )?(?:auditors?|regulators?|team|staff)\b)"
    r"[^.;:]){0,80}?\b(?:next time|the next (?:season|year|quarter|month|week|run|visit|shift|round|time)\b|"
    r"(?:year|season|month|week|shift|night|day) (?:on|after|by|to) (?:year|season|month|week|shift|night|day)\b|"
    r"(?:on|in|for) (?:later|future|subsequent) \w+|at the start of (?:every|each) \w+|"
    r"and (?:then )?(?:uses?|consults?|reads?|draws? on) (?:it|them|that|those)\b)|"
    # A store the agent both reads and adds to: "it both consults it and adds to it".
    r"(?:consults?|reads?|checks?) (?:it|them) and (?:adds? to|updates?|writes? to|amends?) (?:it|them)\b|"
    # Said only to rule memory out: "nothing is kept", "nothing gets saved between visits"; not
    # "nothing is stored on the phone", which says where things are not kept.
    r"nothing (?:[\w-]+ ){0,3}?(?:is |gets |will be |was )?(?:stored|kept|saved|retained|persisted|remembered)"
    r"(?=\s*(?:[.;,)]|$|between|after|once|across|beyond|when|from one))"
)

PLANNING_BEHAVIOUR = (
    # "it works out what else it needs", "writes itself a to-do list", "tries a different
    # approach": the agent sets and changes its own course.
    r"(?:it|agent|bot|assistant) (?:works? out|figures? out|decides) what (?:else )?(?:it|they) "
    r"(?:still )?(?:needs?|lacks?|is missing|has to do|must do)\b|"
    r"(?:sketch|draft|draw|writ|mak|build|propos)\w* (?:up |out )?(?:itself |themselves )?(?:a |an |its |their )"
    r"(?:own )?(?:[\w-]+ )?(?:game plans?|to-do lists?|task lists?|sequences? of steps|course of action)\b"
    r"(?! for (?:the |a |each |every )?(?:customers?|users?|clients?|guests?|travell?ers?))|"
    r"tries (?:a |another )?(?:different|another|new|fresh) (?:approach|fix|strategy|route|angle|way)\b"
)

RETRIEVAL_BEHAVIOUR = (
    # Answers found in documents it searches: "searches our help-centre articles", "looks up
    # answers in the FAQ" (not "searches the web" or "looks up orders").
    r"(?:search\w*|looks? (?:\w+ )?up (?:\w+ )?in|consults?|draws? on|answers? (?:\w+ ){0,2}(?:from|using|out of)) "
    r"(?:the |our |its |their |a |an )?(?:[\w'-]+ ){0,3}?(?:articles|documentation|docs|documents|faqs?|faq documents|"
    r"manuals?|handbooks?|wiki|runbooks?|help[- ]?cent(?:er|re)s?)\b"
    # Not what people hand it: "searches the documents customers upload".
    r"(?! (?:that |which )?(?:customers?|users?|clients?|people|patients?|applicants?|they|you|we|staff) "
    r"(?:upload|send|attach|submit|e-?mail|forward)\w*)"
)

HOSTING_BEHAVIOUR = (
    # The model itself said to run on the organisation's hardware: "the model runs locally".
    r"(?:model|llm)s? (?:runs?|is (?:hosted|served|run|deployed)) (?:locally|on[- ]prem\w*|in-house|"
    r"on (?:our|the company's|its) own (?:[\w-]+ )?(?:gpus?|servers?|hardware|machines?))|"
    # A model, then the machine it runs on, which is theirs or in a room of theirs: "the model
    # (a small Llama) runs on a server inside the plant", "Mixtral, which we run on the
    # council's own servers". Not when a provider, an API or the app comes in between.
    r"(?:model|llm|weights|llama|mistral|mixtral|qwen|gemma|phi|deepseek|falcon|granite)"
    r"(?:(?!\b(?:api|apis|openai|azure|bedrock|vertex|anthropic|google|aws|cloud|app|bot|website|site|"
    r"frontend|backend|service)\b)(?:[^.;]|\.(?=\w))){0,100}?"
    r"\b(?:runs?|is|'s|hosted|served|run|host) (?:[\w.()-]+ ){0,3}?(?:on|from) (?:a |an |our |the |its |one )?"
    r"(?:(?:[\w'-]+ ){0,2}?(?:own|[\w-]+-owned) (?:[\w-]+ ){0,2}?(?:servers?|box(?:es)?|machines?|gpus?|hardware|workstations?|pcs?)|"
    r"(?:[\w-]+ ){0,2}?(?:servers?|box(?:es)?|machines?|gpus?|workstations?|mini ?pcs?) "
    r"(?:inside|in|at|under|behind) (?:the|our) (?!cloud\b)[\w-]+)"
)

# Where a log is kept, after "log in": "a decision log in Postgres" is a log, not a login.
LOG_STORES = (
    r"postgres\w*|mysql|redis|s3|sqlite|mongo\w*|bigquery|dynamodb|elasticsearch|splunk|datadog|"
    r"cloudwatch|(?:our|the|a) siem|(?:our|the|a) (?:[\w-]+ )?(?:database|table|bucket)"
)
# People logging in, not a log kept somewhere: "staff log in with SSO" (not "a log in S3").
LOG_IN = (
    r"(?<!decision )(?<!audit )(?<!error )(?<!event )(?<!access )(?<!change )(?<!activity )"
    r"(?<!a )(?<!the )(?<!its )(?<!our )(?<!shift )(?<!run )(?<!every )"
    rf"log(?:s|ged)? in\b(?! (?:{LOG_STORES})\b)"
)
