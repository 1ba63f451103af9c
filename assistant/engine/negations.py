"""Phrases that settle a capability as absent, for the rules-mode extractor.

Checked before the positive terms of `vocabulary` so that "keeps no memory" marks memory False
instead of finding the word "memory". Each entry is a regular expression (matched
case-insensitively on word boundaries) and the capability it rules out.
"""

from __future__ import annotations

# Phrases that settle a capability as absent. Checked before the positive terms so that
# "keeps no memory" marks memory False instead of finding the word "memory".
_DONT = r"(?:do|does|did)(?: not|n't)"
NEGATIONS: tuple[tuple[str, str], ...] = (
    (
        rf"(?:no|without|keeps no|has no|{_DONT} (?:keep|have|use)|never (?:stores?|keeps?)|no persistent) "
        r"(?:long-term |persistent |conversation |any )?(?:memory|state|history)|forgets everything|is stateless|stateless",
        "memory",
    ),
    (
        rf"(?:no|without|{_DONT} use|not using) (?:any )?(?:rag|(?:document |doc |knowledge |semantic |vector )?retrieval|"
        r"vector (?:store|database|db)|knowledge base)",
        "rag",
    ),
    (
        rf"(?:no|without|{_DONT} (?:call|use|have)|cannot call|can't call) (?:any )?(?:external )?"
        r"(?:tools?|apis?|function calls?|integrations?)|"
        # The agent itself read-only ("it is read-only"), not one read-only tool or account.
        r"(?:^|(?<=it )|(?<=they )|(?<=agent )|(?<=agents )|(?<=assistant )|(?<=bot )|(?<=copilot )|(?<=system ))"
        r"(?:is|are|stays|remains) (?:strictly |purely |entirely )?read-only(?! \w)|"
        r"read-only (?:agent|assistant|bot|chatbot|copilot)|only answers questions|just answers questions|only chats",
        "tools",
    ),
    (
        rf"(?:no|without|never|{_DONT}|cannot|can't) (?:\w+ )?(?:(?:generate|write|create) (?:or|and) )?"
        r"(?:run|runs|execute|executes|exec|generate and run) "
        r"(?:any |the |its |their )?(?:code|scripts|shell commands|commands)|no code execution|"
        r"(?:no|never|without) (?:writing|generating) or (?:running|executing) (?:any )?code",
        "code-execution",
    ),
    (
        rf"single[- ]agent|one agent|only agent|no other agents|{_DONT} (?:talk|delegate) to other agents|works alone|"
        r"not multi-agent|no multi-agent",
        "multi-agent",
    ),
    (
        rf"(?:no|without|{_DONT} use|not using|never uses?) (?:any )?(?:mcp|model context protocol)",
        "mcp",
    ),
    (rf"(?:no|without|{_DONT} use|not using) (?:any )?plugins?", "plugins"),
    (
        r"(?:no|without) (?:human[- ]in[- ]the[- ]loop|hitl|human (?:review|approval|oversight|reviewers?)|humans? in the loop)"
        r"|fully autonomous|nobody reviews",
        "human-in-loop",
    ),
    (
        # Not "internal calendars only": what is internal is who uses it.
        r"internal[- ]only|internal (?:use|users?|staff|tool|app|access|team|teams|employees|tenant|network|"
        r"workspace|channels?|slack) only|not (?:internet|publicly|externally)[- ]?(?:facing|accessible|exposed)|"
        r"only (?:used|accessible) (?:internally|by employees)|behind (?:the|our|a) (?:vpn|firewall)|no external users|"
        # Who may use it, said as a limit: "staff only", "used internally, not by customers".
        # Not "staff only look at the figures" or "staff-only doors".
        r"for (?:our )?(?:own )?(?:staff|employees|colleagues) only|only (?:for|by) (?:our )?(?:own )?(?:staff|employees|colleagues)|"
        r"(?:staff|employee)-only (?:tool|app|assistant|bot|chatbot|agent|system|service)|"
        r"internally ?,? (?:and )?not by (?:customers|the public|outsiders|external users)|"
        # "not reachable from the internet", "not exposed to customers or to the internet"
        r"not (?:reachable|exposed|accessible|visible|available)(?: (?:to|from) [\w' ]{1,30}? or)? "
        r"(?:to|from) (?:the )?(?:internet|outside|public|web)|"
        r"(?:isolated|cut off|air-?gapped) from the (?:internet|outside)|air-?gapped|closed network|"
        r"(?:no one|nobody|no-one) (?:from )?outside|"
        r"not (?:public|customer|client|internet|externally|outward)[- ]?(?:facing|accessible)|"
        # "patients never see or use it", "customers don't interact with it": the outsiders
        # it might serve are said not to reach it.
        r"(?:customers|patients|clients|the public|members of the public|guests|students|candidates|"
        r"outsiders|applicants|citizens|residents|shoppers|players|tenants|visitors|passengers|donors|pupils|parents) (?:never|don't|do not|can't|cannot|won't) "
        r"(?:\w+ (?:or|and) )?(?:see|use|reach|access|interact with|talk to|contact|chat with) "
        r"(?:it|the (?:app|tool|agent|assistant|bot|system))\b(?!['\u2019]s)|"
        r"not exposed (?:outside|beyond) (?:the|our) (?:company|organi[sz]ation|firm|practice|hospital|"
        r"school|business|network|office)|"
        # Said of the system itself ("it's on the surgery network only"), not of one part.
        r"(?:^|(?<=it )|(?<=it's )|(?<=it is )|(?<=it sits )|(?<=it runs )|(?<=it lives )|(?<=system is )|"
        r"(?<=tool is )|(?<=app is )|(?<=bot is ))"
        r"(?:only )?on (?:the|our) (?:[\w-]+ )?(?:network|intranet|lan)(?: only)?\b|"
        r"no (?:route|path|connection|access) to the internet",
        "external-facing",
    ),
    (
        rf"(?:no|without|{_DONT} (?:use|require)) (?:any )?(?:authentication|login|auth)\b|anonymous(?:ly)? access",
        "authentication",
    ),
    (
        rf"(?:no|{_DONT} handle|without) (?:any )?(?:pii|personal data|sensitive data|confidential data)|only public data|public data only",
        "sensitive-data",
    ),
    (
        rf"(?:not|never|no|{_DONT}) (?:fine-?tune\w*|trained|trains?|re-?train\w*|training)|off-the-shelf model|no fine-?tuning|"
        r"no (?:\w+ )?models? (?:is|are|gets?|will be) (?:ever )?(?:trained|fine-?tuned|re-?trained)",
        "fine-tuning",
    ),
    (
        # "we don't train or host any model ourselves": the weights are someone else's.
        rf"(?:{_DONT}|never|not) (?:train (?:or|and) )?(?:host|run|serve) (?:any |the |a |our own |its own )?"
        # Not "don't run the model on our laptops": where it does not run.
        r"(?:[\w-]+ )?models?(?=\s*(?:[.;,)]|$| ourselves| in-house| on[- ]prem\w*| locally| at all))|"
        # "The model (GPT-4.1 on Azure) is not hosted by the company".
        r"(?:model|llm)s?(?: \([^()]{0,60}\))? (?:is|are) not (?:hosted|run|served) by (?:the company|us|ourselves|our \w+)",
        "self-hosted-model",
    ),
    (rf"(?:without|no|{_DONT}|never) (?:any )?(?:planning|plans?)\b", "planning"),
    (rf"(?:no|without|{_DONT} use) (?:any )?(?:blockchain|wallets?|crypto\w*)", "blockchain"),
)
