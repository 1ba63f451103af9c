"""The starter system file `maestro-tm init` writes: valid as written, commented to be edited."""

STARTER_NAME = "maestro.yaml"

STARTER = """\
# The system this repository builds, described for `maestro-tm analyze maestro.yaml`.
# Commit it next to the code and review changes to it like any other change; CI analyses it and
# fails a pull request that adds a high risk (docs/CI.md). Format: docs/SYSTEM-FILES.md.
# Anything left out is unknown, not absent: say `present: false` or `capability: false` to rule
# something out. This starter is valid as written; replace the example parts with your own.
# Completion in editors: `maestro-tm schema --system > system.schema.json`, then make the first
# line `# yaml-language-server: $schema=system.schema.json`.

name: My agent
description: >-
  One or two sentences a reviewer can check: what the agent does, for whom, and with what.

components:                     # every agent, model, tool or API, data store and channel
  - id: assistant
    kind: agent                 # agent, llm, tool, mcp-server, vector-store, database, ...
    name: The assistant
  - id: llm
    kind: llm
    name: Hosted model
    hosting: provider API       # where the model runs
  - id: search-tool
    kind: tool
    name: Web search
    effect: reads-data          # reads-data, writes-data, sends-messages, executes-code,
                                # changes-access, moves-money or actuates
  - id: notes-db
    kind: database
    name: Notes database

controls:                       # stated present, or `present: false` when known to be missing
  - id: search-allowlist
    kind: allowlist
    applies_to: [search-tool]
    scope: only approved domains

assets:                         # what is of value: pii, phi, credentials, money, source-code, ...
  - id: user-notes
    name: notes users save
    data_class: confidential
    components: [notes-db]

entry_points:                   # where content the system does not control gets in
  - id: web-results
    name: web search results
    kind: web-content
    untrusted: true
    target: assistant

data_flows:
  - id: notes-write
    source: assistant
    target: notes-db
    protocol: SQL

capabilities:                   # true, false, or leave out when unknown
  memory: false
  # tools follows from the search tool above and need not be repeated.

unknowns:                       # open questions that would change the analysis
  - Can a web page the assistant reads change what it writes to the notes database?
"""
