"""Readers for the configuration of tools users already run (MCP clients), into system models."""
