"""The rules-mode extractor's vocabulary: words and products mapped to components and capabilities.

Each term is a regular expression (matched case-insensitively on word boundaries) with what it
tells us: a component kind and its MAESTRO layer(s), and capabilities from the catalogue's
vocabulary (`knowledge/catalogue.yaml`). A term without a component kind only sets capabilities.
Specific products come before generic words so the component gets the product's name.
"""

from __future__ import annotations

from assistant.engine.behaviours import (
    HOSTING_BEHAVIOUR,
    LOG_IN,
    LOG_STORES,
    MEMORY_BEHAVIOUR,
    PLANNING_BEHAVIOUR,
    RETRIEVAL_BEHAVIOUR,
)
from assistant.engine.term import Term
from assistant.schema import AgenticFactor, Layer

L1, L2, L3, L4, L5, L6, L7 = Layer.L1, Layer.L2, Layer.L3, Layer.L4, Layer.L5, Layer.L6, Layer.L7
A2A = AgenticFactor.AGENT_TO_AGENT
AUTONOMY = AgenticFactor.AUTONOMY
IDENTITY = AgenticFactor.IDENTITY_MANAGEMENT

TERMS: tuple[Term, ...] = (
    # L1: models and model hosting
    Term(r"azure openai", "llm", "Azure OpenAI model", (L1,)),
    Term(r"gpt-?[345][\w.-]*|openai|chatgpt|o[134]-mini", "llm", "OpenAI model", (L1,)),
    Term(
        r"claude[\w.-]*(?: (?:opus|sonnet|haiku)[\w.-]*)?|anthropic",
        "llm",
        "Anthropic Claude",
        (L1,),
    ),
    Term(r"gemini|vertex ai|palm", "llm", "Google Gemini", (L1,)),
    Term(r"bedrock", "llm", "Amazon Bedrock model", (L1,)),
    Term(
        r"llama[\s-]?[\d.]*(?: \d+b)?|mistral[\w.-]*|mixtral[\w.-]*|qwen[\w.-]*|deepseek[\w.-]*|"
        r"phi-\d[\w.-]*|gemma[\w.-]*|falcon[- ]?(?:\d+b|\d[\w.-]*|instruct|llm)|granite[\w.-]*",
        "llm",
        "open-weights model",
        (L1,),
    ),
    Term(
        r"ollama|vllm|llama\.cpp|text generation inference|self-hosted (?:model|llm)|"
        + HOSTING_BEHAVIOUR,
        "model-server",
        "self-hosted model server",
        (L1, L4),
        ("self-hosted-model",),
    ),
    Term(
        r"fine[- ]?tun\w*|re-?train\w*|trains? (?:the|its|our) model|continual learning|learns from feedback",
        "",
        "",
        (),
        ("fine-tuning",),
    ),
    Term(
        r"llms?|large language models?|foundation models?|language models?",
        "llm",
        "LLM",
        (L1,),
        generic=True,
    ),
    # L2: data operations
    Term(
        r"pinecone|weaviate|qdrant|chroma(?:db)?|milvus|pgvector|faiss|lancedb|vespa|opensearch|elasticsearch",
        "vector-store",
        "",
        (L2,),
        ("rag",),
    ),
    Term(
        r"vector (?:store|database|db|index)|embeddings? (?:store|index)|semantic search",
        "vector-store",
        "vector store",
        (L2,),
        ("rag",),
        generic=True,
    ),
    Term(
        r"rag|retrieval[- ]augmented|retrieves? (?:\w+ ){0,3}(?:documents|policies|policy|passages|knowledge)|knowledge base|document store|"
        r"(?:document|doc|knowledge|semantic|vector|passage) retrieval|retrieval over|"
        + RETRIEVAL_BEHAVIOUR
        + "|"
        # Answers tied to indexed documents: "grounded in the handbook", "chunked and embedded".
        r"grounded in|grounds? (?:its |their )?(?:answers|replies|responses) (?:in|on)|"
        r"(?:chunked|split) and (?:embedded|indexed)|"
        r"(?:is|are|get|gets) (?:\w+ )?(?:embedded|vectori[sz]ed) (?:every|each|nightly|daily|weekly|hourly|into|as vectors)",
        "knowledge-base",
        "knowledge base",
        (L2,),
        ("rag",),
        generic=True,
    ),
    Term(
        r"shared (?:[\w-]+ )?(?:memory|knowledge|vector store|context|scratchpad|blackboard|workspace|state|"
        r"store|board|notebook|cache)|"
        # One store several agents use: "every agent reads and writes it", "written by both agents".
        r"(?:every|each|all|both|several|many) (?:of the |the )?agents? (?:can )?(?:reads?|writes?|updates?) ?(?:and|/|&) ?(?:reads?|writes?|updates?)|"
        r"(?:agents|they) share (?:a|one|the|their|an) (?:[\w-]+ )?(?:blackboard|memory|scratchpad|workspace|state|notebook|board|store|ledger)|"
        r"(?:read|written|updated) and (?:read|written|updated) by (?:every|each|all|both|several|many) (?:of the |the )?agents?",
        "shared-memory",
        "shared memory",
        (L2,),
        ("memory", "shared-knowledge"),
    ),
    Term(
        r"long-term memory|persistent memory|memory store|remembers?|remembered|recollections?|conversation history|chat history|user preferences|memory|(?:adds?|added|writes?|written|saves?|saved|stores?|stored|appends?|appended) (?:[\w-]+ ){0,4}(?:to|into) (?:that|the|its|our|this) (?:\w+ )?(?:library|database|db|store|index|knowledge base|notes)|"
        + MEMORY_BEHAVIOUR,
        "memory",
        "agent memory",
        (L2,),
        ("memory",),
        generic=True,
    ),
    # L3: frameworks, tools, code execution
    Term(
        r"langchain|langgraph|llamaindex|llama-index|autogen|crewai|semantic kernel|haystack|dspy|openai agents sdk|agents sdk|smolagents|pydantic-ai|elizaos|eliza",
        "agent-framework",
        "",
        (L3,),
    ),
    Term(
        # Planning as the agent's verb ("re-plans", "works out a plan"), never the noun alone.
        r"plans? (?:its|their) own|planner|planning|decides (?:its|their) own steps|react loop|reflect\w*|self-critique|breaks? (?:tasks|goals) into|"
        r"re-?plans?|re-?plann\w*|plans (?:the|a|an|its|their|which|how|what|when|out)\b|"
        r"(?:makes?|builds?|works? out|comes? up with|draws? up|drafts?|sketch(?:es)?|proposes?|sets? out|lays? out|revises?) (?:a |an |its |their |the )?(?:rough |first |new )?plan\b|"
        r"(?:decides|chooses|works out|figures out|determines) (?:(?:which|what) (?:tools?|steps?|actions?|sub-?tasks?|checks?|to do next)|the order)\b|"
        r"multi-?step|step[- ]by[- ]step|(?:iterates?|loops?|keeps? going) until|"
        r"breaks? (?:it|them|(?:the|each|every|a|an|its|their) [\w-]+) (?:down|into|up into)|"
        + PLANNING_BEHAVIOUR,
        "",
        "",
        (),
        ("planning",),
    ),
    Term(
        r"code interpreter|code execution|executes? (?:python|code|scripts|shell|sql)|runs? (?:python|code|scripts|shell commands)|shell access|generates? and runs? code|terminal commands|"
        r"(?:python|code|javascript|js|shell|sql) sandbox|sandbox(?:ed)? (?:python|code|interpreter)|jupyter|notebook kernel|"
        # Code it writes and then runs itself ("drafts SQL ... and runs it"); not "for a person to run".
        r"(?:writes|generates|drafts|builds|composes|produces|creates) (?:[\w-]+ ){0,2}(?:sql|python|bash|shell|javascript|scripts?|code|queries|commands|one-liners)(?: [\w'-]+){0,5}? and (?:then )?(?:runs|executes)|"
        r"(?:writes?|generates?|drafts?) and (?:runs?|executes?) (?:[\w-]+ ){0,2}(?:python|code|scripts?|snippets?|sql|queries|commands|programs?)\b|"
        # What it wrote, run later in the sentence: "writes Python scripts that draw charts, and
        # runs them in a sandbox".
        r"(?:writes|generates|builds|creates) (?:[\w-]+ ){0,2}(?:python|bash|shell|javascript|scripts?|code|programs?)\b"
        r"[^.;]{0,80}?\band (?:then )?(?:runs|executes) (?:them|it)\b|"
        # Running a project's scripts, or a shell among its tools.
        r"runs? (?:[\w'-]+ ){0,5}?(?:scripts|test suites?|build scripts)\b|(?:a|the) shell(?= ?,| tool| access| and| as)",
        "code-runner",
        "code execution",
        (L3,),
        ("code-execution", "tools"),
    ),
    Term(
        r"plugins?|extensions?|skills marketplace", "plugin", "plugins", (L3,), ("plugins", "tools")
    ),
    # Someone else's code the agent loads: "a third-party MCP server", "community connectors",
    # "skills from a marketplace". Only the qualifier is matched, so the MCP server or connector
    # is still named by its own term.
    Term(
        r"(?:third[- ]party|community(?:-[\w]+)?|open[- ]source)"
        r"(?= (?:[\w-]+ ){0,2}?(?:mcp servers?|connectors?|skills?|add-ons?|plugins?)\b)|"
        r"(?<=mcp )(?:marketplace|gallery|store|registry)|"
        r"(?:plugin|skills?|connector|extension)s? (?:marketplace|gallery|store|registry)|"
        r"(?:public|community) (?:marketplace|gallery|registry)",
        capabilities=("plugins",),
    ),
    Term(
        r"mcp|model context protocol",
        "mcp-server",
        "MCP server",
        (L3, L7),
        ("mcp", "agent-protocol", "tools"),
    ),
    Term(
        r"a2a|agent-to-agent protocol|agent2agent",
        "agent-protocol",
        "A2A protocol",
        (L3, L7),
        ("agent-protocol", "multi-agent"),
        (A2A,),
    ),
    Term(
        r"tools?|function call\w*|tool call\w*|calls? (?:the |an? )?(?:\w+ ){0,2}apis?|integrations?|web search|browser|browses",
        "tool",
        "tools",
        (L3,),
        ("tools",),
        generic=True,
    ),
    Term(
        r"jira|servicenow|salesforce|hubspot|zendesk|slack|teams|github|gitlab|confluence|notion|sharepoint|google drive|gmail|outlook|e-?mails?(?! address| (?:the|a|an|them|him|her|it|customers?|users?|people|staff|patients?|clients?)\b)|calendars?|crm|erp|sap|stripe|paypal|payments? (?:system|api|gateway)|ticketing",
        "external-api",
        "",
        (L3, L7),
        ("tools",),
    ),
    Term(r"exports? (?:\w+ ){0,2}(?:reports?|data|records|files|csv)", "", "", (), ("tools",)),
    Term(
        r"sql|postgres\w*|mysql|mongo\w*|dynamodb|snowflake|bigquery|database|sqlite|redis|"
        r"valkey|memcached|cassandra|firestore|supabase|s3 buckets?|blob storage|data lake",
        "database",
        "",
        (L2,),
    ),
    # Agents and their ecosystem
    Term(
        r"multi[- ]?agent|multiple agents|several agents|agents (?:talk|communicate|delegate|hand off|collaborate|coordinate|cooperate|negotiate|share)\w*|"
        # One agent with another as the other party: "the agent hands off to a billing agent".
        r"agent (?:talk|communicate|delegate|hand|collaborate|coordinate|cooperate|negotiate)\w*(?: off)? (?:with|to) "
        r"(?:an?|the|other|another|its|our) (?:[\w-]+ ){0,2}agents?\b|sub-?agents?|supervisor agent|orchestrator agent|agent swarm|crew of agents|other agents|peer agents?|(?:a )?second agent|another agent|(?:two|three|four|five|six|\d+|several|multiple|many) (?:[\w-]+ )?agents",
        "agent",
        "peer agents",
        (L3, L7),
        ("multi-agent",),
        (A2A,),
    ),
    Term(
        r"agent registry|agent directory|agent marketplace|agent store|agent discovery|tool registry|"
        # Agents that look each other up: "agents find each other via an internal registry".
        r"(?:agents|they) (?:find|discover|look up|locate) (?:each other|one another)",
        "registry",
        "agent registry",
        (L7,),
        ("agent-registry",),
    ),
    Term(
        r"solana|ethereum|blockchain|smart contracts?|web3|wallets?|defi|on-chain|crypto\w*",
        "blockchain",
        "blockchain",
        (L7,),
        ("blockchain",),
    ),
    Term(
        r"(?:soc|security|threat detection|incident response|alert triage|siem) agent|triages? (?:security )?alerts",
        "security-agent",
        "security AI agent",
        (L6,),
        ("security-agent",),
    ),
    # L4: deployment and infrastructure
    Term(r"kubernetes|k8s|eks|gke|aks|openshift", "orchestrator", "Kubernetes cluster", (L4,)),
    Term(
        r"docker|containers?|ecs|cloud run|fargate",
        "container-runtime",
        "containers",
        (L4,),
        generic=True,
    ),
    Term(
        r"lambda|serverless|cloud functions|azure functions",
        "serverless",
        "serverless functions",
        (L4,),
    ),
    Term(
        # Not "Azure AD" / "Azure Active Directory": an identity provider, read below.
        r"aws|amazon web services|azure(?! ad\b| active directory)|gcp|google cloud|on-?prem\w*|"
        r"virtual machines?|vms?",
        "cloud",
        "",
        (L4,),
    ),
    Term(
        # Not a bare "queue": "the attorney's queue" and "a review queue" are people's work lists.
        r"kafka|rabbitmq|sqs|sns|pub/?sub|message (?:bus|queue|broker)s?|event bus|(?:job|task|event) queues?|"
        r"nats|zeromq|zmq|amqp|redis streams",
        "queue",
        "",
        (L4,),
        ("agent-protocol",),
    ),
    Term(
        r"airflow|temporal|step functions|celery|workflow engine|orchestrat\w+",
        "workflow-engine",
        "workflow orchestrator",
        (L3, L4),
    ),
    Term(
        # Identities the agent uses on services ("a read-only integration user", "one API client
        # on the payroll provider"): authentication the system relies on, not a control on who
        # reaches the agent.
        r"service accounts?|iam roles?|api keys?|access keys?|(?:personal )?access tokens?|api tokens?|credentials|secrets? manager|vault|kms|"
        r"integration users?|(?:machine|workload) identit(?:y|ies)|api clients? (?:on|for|in|at|with) (?:the |our |a |an )?[\w-]+",
        "identity",
        "service identity",
        (L4, L6),
        ("authentication",),
        (IDENTITY,),
    ),
    Term(r"api gateway|load balancer|waf|cdn", "gateway", "", (L4,)),
    # L5: evaluation and observability
    Term(
        r"datadog|splunk|prometheus|grafana|opentelemetry|otel|langsmith|langfuse|arize|phoenix|elk|cloudwatch|new relic|sentry",
        "observability",
        "",
        (L5,),
    ),
    Term(
        # Not "staff log in": a login, not logging (but "a log in S3" is a log).
        r"audit (?:log|trail)s?|logging|logs?(?! (?:into|on|out)\b)(?! in\b(?! (?:"
        + LOG_STORES
        + r")\b))|"
        r"monitoring|dashboards?|traces?|tracing|telemetry|evaluations?|evals?",
        "observability",
        "logging and monitoring",
        (L5,),
        generic=True,
    ),
    # L6: security and compliance
    Term(
        r"okta|auth0|entra(?: id)?|azure ad|active directory|keycloak|cognito|ping identity",
        "identity-provider",
        "",
        (L6,),
        ("authentication",),
    ),
    Term(
        r"oauth\S*|oidc|openid connect|sso|saml|single sign-on|"
        + LOG_IN
        + r"|sign(?:s|ed)?[- ](?:in|on)|sign-ins?|"
        r"authenticat\w+|mfa|rbac|role-based access|permissions?",
        "access-control",
        "authentication and access control",
        (L6,),
        ("authentication",),
        generic=True,
    ),
    Term(
        r"guardrails?|nemo guardrails|llama guard|lakera|policy engine|opa|open policy agent|cedar|content filter\w*",
        "guardrail",
        "guardrails / policy engine",
        (L6,),
    ),
    # Laws that restrict where personal data may go, and residency stated outright: what makes
    # a data-residency finding specific (see MAS-DATA-RESIDENCY-VIOLATION's specific_when).
    Term(
        r"(?:uk )?gdpr|ccpa|cpra|lgpd|pipl|pipeda|dpdp act|data (?:residency|sovereignty|locali[sz]ation)|"
        r"residency (?:rules?|requirements?)|cross-border (?:data )?transfers?",
        "data-protection-law",
        "",
        (L6,),
        ("sensitive-data",),
    ),
    Term(
        r"hipaa|sox|sarbanes|pci(?:-dss)?|eu ai act|iso 27001|soc 2|dora|nis2|glba|ferpa",
        "regulation",
        "",
        (L6,),
        ("sensitive-data",),
    ),
    # Humans, exposure and data
    Term(
        r"human[- ]in[- ](?:the[- ])?loop|hitl|human (?:review|reviewer|approval|oversight|sign-off)|manual review|reviewers?|approv\w+ by (?:a |an )?(?:human|manager|analyst)|escalat\w+ to (?:a |an |the |our )?(?:human|agent|person|staff)|human (?:engineer|operator|analyst|staff|team|support)s?|(?:asks?|prompts?) (?:the )?(?:user|developer|operator|engineer) to (?:confirm|approve)|approval queue|(?:has|have|must|needs?) to approve",
        "human-reviewer",
        "human reviewers",
        (L5, L7),
        ("human-in-loop", "human-users"),
    ),
    Term(
        r"customers?|end[- ]users?|employees|users|patients|students|members of the public|chat(?:s)? with|chatbot|assistant",
        "",
        "",
        (),
        ("human-users",),
    ),
    Term(
        # Only words that say who can reach it; "customers", "public" or "website" alone also
        # name data ("customer records", "public facts") or somewhere the agent reads. People
        # who reach it are read as entry points, which settle this too.
        r"(?:public|customer|client|consumer)[- ]facing|publicly[- ]accessible|internet[- ](?:facing|exposed)|"
        r"external users|external[- ]facing|b2c",
        "",
        "",
        (),
        ("external-facing",),
    ),
    Term(
        r"pii|personal (?:data|information|details)|financial|payments?|invoices?|expenses?|health|medical|patients?|"
        r"credit cards?|(?<!capacitor )(?<!battery )bank\w*|confidential|restricted|sensitive|salar\w+|payroll|hr records",
        "",
        "",
        (),
        ("sensitive-data",),
    ),
    Term(
        r"autonomous\w*|without (?:any )?human|fully automated|no human (?:approval|review|in the loop)|acts on its own|unattended",
        "",
        "",
        (),
        (),
        (AUTONOMY,),
    ),
)
