"""Other apps' exercise names and extensor's variants, as data
(``extensor/store/data/exercise_names.toml``): import keeps the machine a set was done on,
and export writes a name that imports back to the same variant.

>>> table = load_names()
>>> table.variant_for("Back Extension (Machine)"), table.variant_for("Hyperextension")
('seated_lever_machine', '45_degree_bench')
>>> table.variant_for("Back Extension") is None
True
>>> table.export_name("roman_chair")
'Back Extension (Roman Chair)'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from extensor._errors import KnowledgeBaseError

__all__ = ["DEFAULT_EXPORT_NAME", "NameTable", "load_names"]

#: Name written for a variant the table does not know.
DEFAULT_EXPORT_NAME = "Back Extension"


@dataclass(frozen=True, slots=True)
class NameEntry:
    variant: str
    export_name: str
    contains: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NameTable:
    """The ordered name rules; the first entry whose words a name contains wins."""

    entries: tuple[NameEntry, ...]

    def variant_for(self, name: str) -> str | None:
        """The variant a source's exercise name means, or None when it does not say."""
        normal = " " + " ".join(name.casefold().replace("-", " ").split()) + " "
        for entry in self.entries:
            if any(word in normal for word in entry.contains):
                return entry.variant
        return None

    def export_name(self, variant: str) -> str:
        """The exercise name written for ``variant`` in a Strong or Hevy export."""
        for entry in self.entries:
            if entry.variant == variant:
                return entry.export_name
        return DEFAULT_EXPORT_NAME


@cache
def load_names() -> NameTable:
    """The bundled table (read once; it is package data, never changed at run time)."""
    path = files("extensor.store").joinpath("data", "exercise_names.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        entries = tuple(
            NameEntry(
                variant=str(e["variant"]),
                export_name=str(e["export_name"]),
                contains=tuple(str(w).casefold() for w in e["contains"]),
            )
            for e in data["variants"]
        )
    except (KeyError, TypeError, tomllib.TOMLDecodeError) as err:
        raise KnowledgeBaseError(f"exercise_names.toml: malformed ({err})") from None
    table = NameTable(entries)
    for entry in entries:
        if table.variant_for(entry.export_name) != entry.variant:
            raise KnowledgeBaseError(
                f"exercise_names.toml: export_name {entry.export_name!r} must map back to "
                f"{entry.variant!r}"
            )
    return table
