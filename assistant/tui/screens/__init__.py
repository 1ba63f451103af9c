"""Modal screens: finding review, help, open session."""
