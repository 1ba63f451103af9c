"""`maestro-tm import mcp`: the MCP servers a developer's clients run, as a grounded system model."""

from assistant.integrations.mcp_config.build import SetupModel, build_setup
from assistant.integrations.mcp_config.discover import default_config_paths
from assistant.integrations.mcp_config.read import ConfigFile, read_config

__all__ = ["ConfigFile", "SetupModel", "build_setup", "default_config_paths", "read_config"]
