"""The one registry of detectable mistakes.

Adding a mistake: write its module (a :class:`Mistake` subclass with a synthetic case),
add its class to :data:`MISTAKES` below, and give it a ``[mistakes.<id>]`` entry with
its ``detection.params`` in the exercise data file (``docs/new-mistake.md``).

>>> len(MISTAKES) >= 1 and all(isinstance(m, Mistake) for m in MISTAKES)
True
>>> mistake("nap")
Traceback (most recent call last):
...
extensor._errors.KnowledgeBaseError: no detectable mistake 'nap'; registered: bounce, deep_rounding, head_not_neutral, momentum, no_settle, no_top_pause, partial_range, past_neutral, rushed_lowering
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from extensor._errors import KnowledgeBaseError
from extensor.core.mistakes._base import Group, Mistake
from extensor.core.mistakes.bounce import Bounce
from extensor.core.mistakes.deep_rounding import DeepRounding
from extensor.core.mistakes.head_not_neutral import HeadNotNeutral
from extensor.core.mistakes.momentum import Momentum
from extensor.core.mistakes.no_settle import NoSettle
from extensor.core.mistakes.no_top_pause import NoTopPause
from extensor.core.mistakes.partial_range import PartialRange
from extensor.core.mistakes.past_neutral import PastNeutral
from extensor.core.mistakes.rushed_lowering import RushedLowering

__all__ = ["MISTAKES", "MistakeRegistry", "mistake"]


class MistakeRegistry:
    """An ordered, read-only collection of mistakes with lookups by id and by group."""

    __slots__ = ("_by_id",)

    def __init__(self, mistakes: Iterable[Mistake]) -> None:
        self._by_id: dict[str, Mistake] = {}
        for m in mistakes:
            if m.id in self._by_id:
                raise KnowledgeBaseError(f"mistake {m.id!r} is registered twice")
            self._by_id[m.id] = m
        for m in self._by_id.values():
            unknown = [s for s in m.supersedes if s not in self._by_id]
            if unknown:
                raise KnowledgeBaseError(f"mistake {m.id!r} supersedes unregistered {unknown}")

    def __iter__(self) -> Iterator[Mistake]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, mistake_id: object) -> bool:
        return mistake_id in self._by_id

    def __getitem__(self, mistake_id: str) -> Mistake:
        try:
            return self._by_id[mistake_id]
        except KeyError:
            known = ", ".join(sorted(self._by_id))
            raise KnowledgeBaseError(
                f"no detectable mistake {mistake_id!r}; registered: {known}"
            ) from None

    def get(self, mistake_id: str) -> Mistake | None:
        """The mistake ``mistake_id``, or None when nothing detects it."""
        return self._by_id.get(mistake_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """Every registered id, in registry order."""
        return tuple(self._by_id)

    def in_group(self, group: Group, /, *, goal_optional: bool = True) -> frozenset[str]:
        """Ids of the mistakes in coaching ``group`` (without the goal-optional ones if False)."""
        return frozenset(
            m.id for m in self if group in m.groups and (goal_optional or not m.goal_optional)
        )

    def with_cell(self, cell: str, /) -> frozenset[str]:
        """Ids of the mistakes that colour rep-table ``cell``."""
        return frozenset(m.id for m in self if cell in m.cells)


#: Every detectable mistake.
MISTAKES = MistakeRegistry(
    [
        PastNeutral(),
        Momentum(),
        Bounce(),
        RushedLowering(),
        NoTopPause(),
        PartialRange(),
        NoSettle(),
        HeadNotNeutral(),
        DeepRounding(),
    ]
)


def mistake(mistake_id: str, /) -> Mistake:
    """The registered mistake ``mistake_id``; an unknown id raises KnowledgeBaseError."""
    return MISTAKES[mistake_id]
