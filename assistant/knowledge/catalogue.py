"""The loaded catalogue: lookup by id or alias, by kind and by layer."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from assistant.errors import UnknownEntryError
from assistant.knowledge.model import Entry, MitigationEntry, Source, ThreatEntry
from assistant.schema import Layer

E = TypeVar("E", bound=Entry)


class Catalogue:
    """The MAESTRO catalogue of record, read-only once built.

    Attributes:
        release: The human release name from `catalogue.yaml`.
        version: `<release>+<content hash>`; changes whenever any catalogue file changes.
        sources: The source registry, by key.
        capabilities: The capability vocabulary, name to meaning.
        entries: Every entry by canonical id, in file order.
        aliases: Alias to canonical id.
        files: Canonical id to the file (relative to `knowledge/`) that defines it.
    """

    def __init__(
        self,
        *,
        release: str,
        version: str,
        sources: Mapping[str, Source],
        capabilities: Mapping[str, str],
        entries: Iterable[Entry],
        files: Mapping[str, str],
    ) -> None:
        self.release = release
        self.version = version
        self.sources = dict(sources)
        self.capabilities = dict(capabilities)
        self.entries: dict[str, Entry] = {}
        for entry in entries:
            self.entries.setdefault(entry.id, entry)
        self.aliases = {a: e.id for e in self.entries.values() for a in e.aliases}
        self.files = dict(files)
        # Case-insensitive lookup: users type `t6` or `mas-rpa:t16`.
        self._folded = {
            key.casefold(): cid
            for key, cid in {**self.aliases, **{i: i for i in self.entries}}.items()
        }
        names = {e.name.casefold(): e.id for e in self.entries.values()}
        self._suggestion_pool = {**self._folded, **names}
        # Suggestions are looked up again and again for the same bad id (a model repeating
        # itself, a 1,000-finding file): computed once each.
        self._suggestions: dict[tuple[str, int], list[str]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def resolve(self, id_or_alias: str) -> str | None:
        """The canonical id for an id or alias (case-insensitive), or None."""
        key = id_or_alias.strip()
        if key in self.entries:
            return key
        return self.aliases.get(key) or self._folded.get(key.casefold())

    def get(self, id_or_alias: str) -> Entry | None:
        """The entry for an id or alias, or None."""
        cid = self.resolve(id_or_alias)
        return self.entries[cid] if cid else None

    def require(self, id_or_alias: str) -> Entry:
        """The entry for an id or alias; `UnknownEntryError` with suggestions if none."""
        entry = self.get(id_or_alias)
        if entry is None:
            raise UnknownEntryError(id_or_alias, self.suggest(id_or_alias))
        return entry

    def threat(self, id_or_alias: str) -> ThreatEntry | None:
        """The threat entry for an id or alias, or None if it is not a threat."""
        entry = self.get(id_or_alias)
        return entry if isinstance(entry, ThreatEntry) else None

    def mitigation(self, id_or_alias: str) -> MitigationEntry | None:
        """The mitigation entry for an id or alias, or None if it is not a mitigation."""
        entry = self.get(id_or_alias)
        return entry if isinstance(entry, MitigationEntry) else None

    def linked(self, mitigation: MitigationEntry, threat: ThreatEntry) -> bool:
        """Whether the catalogue links a mitigation to a threat (either entry names the other)."""
        return mitigation.id in threat.mitigations or threat.id in mitigation.threats

    def of_type(self, cls: type[E]) -> list[E]:
        """All entries of one model class, in catalogue order."""
        return [e for e in self.entries.values() if isinstance(e, cls)]

    def select(self, *, kind: str | None = None, layer: Layer | None = None) -> list[Entry]:
        """Entries filtered by kind and by allowed layer, in catalogue order."""
        return [
            e
            for e in self.entries.values()
            if (kind is None or getattr(e, "kind", None) == kind)
            and (layer is None or layer in e.layers)
        ]

    def suggest(self, query: str, limit: int = 5) -> list[str]:
        """The canonical ids closest to `query` (by id, alias or name), best first."""
        key = (query.strip().casefold(), limit)
        if key not in self._suggestions:
            self._suggestions[key] = self._closest(*key)
        return list(self._suggestions[key])

    def _closest(self, folded: str, limit: int) -> list[str]:
        pool = self._suggestion_pool
        matches = difflib.get_close_matches(folded, list(pool), n=limit * 3, cutoff=0.5)
        # Substring hits help with partial ids like "T4" -> "T40".
        matches += [k for k in pool if folded and folded in k and k not in matches]
        ordered: list[str] = []
        for match in matches:
            if pool[match] not in ordered:
                ordered.append(pool[match])
        return ordered[:limit]

    def describe(self, entry: Entry) -> dict[str, Any]:
        """An entry as a JSON-ready mapping, with its sources expanded from the registry."""
        data = entry.model_dump(mode="json", exclude_defaults=False)
        data["sources"] = [
            {
                "document": self.sources[s.doc].title if s.doc in self.sources else s.doc,
                "version": self.sources[s.doc].version if s.doc in self.sources else "",
                "section": s.section,
                "key": s.doc,
            }
            for s in entry.sources
        ]
        data["file"] = self.files.get(entry.id, "")
        return data
