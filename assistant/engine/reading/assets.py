"""Words that name a class of asset the system handles: health records, money, physical actuation.

Patterns run on normalised text, as those of `assistant.engine.reading.lexicon`; each class has
its positive and near-miss examples in the reader tests.
"""

from __future__ import annotations

from assistant.schema import DataClass

ASSETS: tuple[tuple[DataClass, str], ...] = (
    (
        DataClass.PHI,
        r"phi|patients?'? (?:records?|data|notes|history|charts?)|medical (?:records?|history|data|notes)|"
        r"health (?:records?|data|information)|ehr|emr|fhir|diagnos\w*|prescriptions?|medications?|"
        r"lab results?|radiology|clinical (?:notes?|data|records?)|allerg\w*|doses?|dosage",
    ),
    (
        DataClass.PII,
        r"pii|personal (?:data|information|details)|names? and (?:addresses|emails?|phone)|"
        r"addresses|phone numbers?|dates? of birth|passports?|social security|ssn|national id|"
        r"cvs?|resumes?|customer (?:data|records?|details|profiles?)|user (?:data|profiles?)|"
        r"contact details|employee (?:records?|data)|hr records?|salar\w*|payroll|gdpr|biometric\w*|"
        r"location (?:data|history)|children'?s? data|student records?|"
        # Someone's mail: correspondence is personal data.
        r"(?:their|his|her|my|your|employees'?|users'?|customers'?|staff'?s?) (?:e-?mails?|mail|inbox|mailbox)|"
        r"mailbox(?:es)?|inbox(?:es)?|(?:e-?mail|mail|message) (?:content|bodies|body|contents)",
    ),
    (
        DataClass.CREDENTIALS,
        r"api keys?|access keys?|secret keys?|private keys?|passwords?|credentials?|"
        r"(?:access|api|bearer|oauth|refresh|personal access) tokens?|tokens?|secrets?|"
        r"wallet keys?|seed phrases?|certificates?|ssh keys?|service accounts?",
    ),
    (
        DataClass.MONEY,
        r"refunds?|payments?|payouts?|transfers?|funds?|money|wallets?|treasury|invoices?|"
        r"purchase orders?|bank accounts?|credit cards?|usdc|eth|btc|"
        r"crypto\w*|tokens? (?:transfers?|swaps?)|trades?|trading|expenses?|reimburse\w*|"
        r"budgets?|\$\s?\d+|\u20ac\s?\d+|\u00a3\s?\d+|\d+ (?:usd|eur|gbp|dollars|euros)",
    ),
    (
        DataClass.PHYSICAL_ACTUATION,
        r"(?:door )?locks?|doors?|valves?|heating|thermostats?|hvac|boilers?|drones?|robots?|"
        r"vehicles?|cars?|trucks?|forklifts?|pumps?|motors?|dispensers?|infusion pumps?|"
        r"machines?|actuators?|sprayers?|irrigation|garage|gates?|alarms?|lights?|ovens?|"
        r"medical devices?|insulin|ventilators?|conveyors?|cranes?|elevators?",
    ),
    (
        DataClass.SOURCE_CODE,
        r"source code|repositor\w+|repos?|codebase|code base|pull requests?|prs?|commits?|"
        r"branch(?:es)?|git|github|gitlab|bitbucket|ci/?cd|pipelines?|infrastructure as code|terraform",
    ),
    (
        DataClass.CONFIDENTIAL,
        # Not "smart contracts" (code on a chain) nor a "task board" (a work list).
        r"confidential|trade secrets?|(?<!smart )contracts?(?! (?:attorneys?|lawyers?|workers?))|"
        r"legal (?:documents?|files?|advice)|privileged|board (?:papers?|minutes|packs?|materials?)|"
        r"financial (?:statements?|records?|data|reports?)|ledger|m&a|pricing|rate sheets?|"
        r"intellectual property|proprietary|internal documents?|strategy",
    ),
)
