"""`maestro-tm mcp`: the validated engine as an MCP server, for coding agents (stdio only).

`tools` holds the tool logic as plain functions over the core APIs (testable without a client);
`server` registers them with the official MCP SDK and runs the stdio transport.
"""
