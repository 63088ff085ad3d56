"""Tag sets: the ordered, named tags a corpus is annotated with (e.g. UD UPOS), with descriptions and colours."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence


@dataclass
class Tag:
    """One tag of a tag set, e.g. ``NOUN`` with a description and a display colour (``#rrggbb``)."""

    name: str
    description: str = ""
    color: str = ""


class TagSet:
    """An ordered set of tags, looked up by name."""

    def __init__(self, tags: Iterable[Tag | str] = ()) -> None:
        self._tags: list[Tag] = []
        self._index: dict[str, int] = {}
        for tag in tags:
            self.add(tag if isinstance(tag, Tag) else Tag(tag))

    def __len__(self) -> int:
        return len(self._tags)

    def __iter__(self):
        return iter(self._tags)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __getitem__(self, name: str) -> Tag:
        return self._tags[self._index[name]]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TagSet) and self._tags == other._tags

    @property
    def names(self) -> list[str]:
        """Tag names in display order."""
        return [tag.name for tag in self._tags]

    def index(self, name: str) -> int:
        """Position of ``name`` in the tag set; raises ``KeyError`` if absent."""
        return self._index[name]

    def at(self, position: int) -> Tag:
        """The tag at ``position`` in display order."""
        return self._tags[position]

    def add(self, tag: Tag, position: int | None = None) -> None:
        """Add ``tag`` (at ``position``, default last); raises ``ValueError`` on a duplicate name."""
        if not tag.name or tag.name in self._index:
            raise ValueError(f"tag name {tag.name!r} is empty or already in the tag set")
        self._tags.insert(len(self._tags) if position is None else position, tag)
        self._reindex()

    def remove(self, name: str) -> Tag:
        """Remove the tag called ``name`` and return it."""
        tag = self._tags.pop(self._index[name])
        self._reindex()
        return tag

    def rename(self, old: str, new: str) -> None:
        """Rename a tag in place, keeping its position, description and colour."""
        if new in self._index:
            raise ValueError(f"tag name {new!r} is already in the tag set")
        self._tags[self._index[old]].name = new
        self._reindex()

    def copy(self) -> "TagSet":
        """An independent copy (tags are copied too)."""
        return TagSet(Tag(t.name, t.description, t.color) for t in self._tags)

    def to_dict(self) -> list[dict]:
        """JSON-ready list of ``{"name", "description", "color"}``."""
        return [{"name": t.name, "description": t.description, "color": t.color} for t in self._tags]

    @classmethod
    def from_dict(cls, items: Sequence[dict]) -> "TagSet":
        """Inverse of ``to_dict``."""
        return cls(Tag(d["name"], d.get("description", ""), d.get("color", "")) for d in items)

    def _reindex(self) -> None:
        self._index = {tag.name: i for i, tag in enumerate(self._tags)}


def match_tags(names: list[str], prefix: str) -> list[str]:
    """Tag names starting with ``prefix`` (case-insensitive), an exact match first."""
    wanted = prefix.casefold()
    hits = [name for name in names if name.casefold().startswith(wanted)]
    hits.sort(key=lambda name: name.casefold() != wanted)  # stable: keeps tag-set order otherwise
    return hits
