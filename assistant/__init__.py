"""MAESTRO Assistant: threat modelling for agentic AI systems."""
