"""The terminal UI (Textual). The only package that imports textual; the core never does."""
