"""The MAESTRO catalogue: data model, loader and lookups."""

from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.loader import check_catalogue, default_catalogue, load_catalogue

__all__ = ["Catalogue", "check_catalogue", "default_catalogue", "load_catalogue"]
