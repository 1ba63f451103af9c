"""CLI subcommands that live in their own modules (registered lazily in `assistant/cli.py`)."""
