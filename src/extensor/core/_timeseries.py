"""The one time-series type of extensor.

A :class:`TimeSeries` holds a ``time`` vector in seconds (strictly increasing, any
rate, gaps allowed), named ``data`` channels whose first axis is time, a ``units``
mapping per channel, a tuple of :class:`Event` (time, name) and an ``info`` dict.
Repetitions and phases are events on the series. Every method returns a copy.

>>> ts = TimeSeries([0.0, 0.5, 1.0], {"extension": [0.0, 10.0, 20.0]}, units={"extension": "deg"})
>>> ts.add_event(0.5, "top").events
(Event(time=0.5, name='top'),)
>>> ts.get_ts_between_times(0.4, 1.0).time.tolist()
[0.5, 1.0]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from extensor._errors import EmptyInputError, InputFormatError

__all__ = ["Event", "FloatArray", "TimeSeries", "validate_time"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True, order=True)
class Event:
    """A named instant on a series, in seconds."""

    time: float
    name: str


def validate_time(time: ArrayLike, *, source: str | None = None) -> FloatArray:
    """Return ``time`` as a float array after checking it is usable.

    Raises :class:`InputFormatError` (non-finite, not strictly increasing) or
    :class:`EmptyInputError` (no samples), naming the first offending sample.

    >>> validate_time([0.0, 0.1, 0.1])
    Traceback (most recent call last):
    ...
    extensor._errors.InputFormatError: time must be strictly increasing, got 0.1 after 0.1 at sample 2
    """
    t = np.asarray(time, dtype=np.float64)
    if t.ndim != 1:
        raise InputFormatError(f"time must be one-dimensional, got shape {t.shape}", source=source)
    if t.size == 0:
        raise EmptyInputError("time must hold at least one sample, got none", source=source)
    finite = np.isfinite(t)
    if not finite.all():
        i = int(np.argmin(finite))
        raise InputFormatError(f"time must be finite, got {t[i]} at sample {i}", source=source)
    steps = np.diff(t)
    if (steps <= 0).any():
        i = int(np.argmax(steps <= 0)) + 1
        raise InputFormatError(
            f"time must be strictly increasing, got {t[i]:g} after {t[i - 1]:g} at sample {i}",
            source=source,
        )
    return t


class TimeSeries:
    """Time in seconds, named channels with units, events and info. Immutable by convention."""

    __slots__ = ("data", "events", "info", "time", "units")

    time: FloatArray
    data: dict[str, FloatArray]
    units: dict[str, str]
    events: tuple[Event, ...]
    info: dict[str, Any]

    def __init__(
        self,
        time: ArrayLike,
        data: Mapping[str, ArrayLike] | None = None,
        *,
        units: Mapping[str, str] | None = None,
        events: Iterable[Event] = (),
        info: Mapping[str, Any] | None = None,
    ) -> None:
        source = (info or {}).get("source")
        self.time = validate_time(time, source=source)
        self.data = {}
        for name, values in (data or {}).items():
            arr = np.asarray(values, dtype=np.float64)
            if arr.ndim == 0 or arr.shape[0] != self.time.size:
                raise InputFormatError(
                    f"channel {name!r} must have {self.time.size} samples along its first axis, "
                    f"got shape {arr.shape}",
                    source=source,
                )
            self.data[name] = arr
        self.units = dict(units or {})
        unknown = set(self.units) - set(self.data)
        if unknown:
            raise InputFormatError(
                f"units given for unknown channels {sorted(unknown)}", source=source
            )
        self.events = tuple(sorted(events))
        self.info = dict(info or {})

    # -- basic facts -------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.time.size)

    def __repr__(self) -> str:
        chans = ", ".join(f"{k}[{self.units.get(k, '')}]" for k in self.data)
        return f"TimeSeries({len(self)} samples, {self.duration:.3g} s, channels: {chans})"

    @property
    def duration(self) -> float:
        """Seconds from the first to the last sample."""
        return float(self.time[-1] - self.time[0])

    @property
    def sample_rate(self) -> float:
        """Median sample rate in Hz (``nan`` for a single sample)."""
        if self.time.size < 2:
            return float("nan")
        return float(1.0 / np.median(np.diff(self.time)))

    def channel(self, name: str) -> FloatArray:
        """The values of channel ``name``; a clear error lists the channels that exist."""
        try:
            return self.data[name]
        except KeyError:
            raise InputFormatError(
                f"channel {name!r} is required, got only {sorted(self.data)}",
                source=self.info.get("source"),
            ) from None

    # -- copies ------------------------------------------------------------------------------
    def copy(self, **changes: Any) -> TimeSeries:
        """A copy with some of ``time``, ``data``, ``units``, ``events``, ``info`` replaced."""
        return TimeSeries(
            changes.get("time", self.time),
            changes.get("data", self.data),
            units=changes.get("units", self.units),
            events=changes.get("events", self.events),
            info=changes.get("info", self.info),
        )

    def with_channel(self, name: str, values: ArrayLike, unit: str) -> TimeSeries:
        """A copy with channel ``name`` added or replaced."""
        return self.copy(data={**self.data, name: values}, units={**self.units, name: unit})

    def add_event(self, time: float, name: str) -> TimeSeries:
        """A copy with one more event."""
        return self.copy(events=(*self.events, Event(float(time), name)))

    def add_events(self, events: Iterable[Event]) -> TimeSeries:
        """A copy with several more events."""
        return self.copy(events=(*self.events, *events))

    # -- lookups -----------------------------------------------------------------------------
    def get_index_at_time(self, time: float) -> int:
        """Index of the sample nearest to ``time``.

        >>> TimeSeries([0.0, 1.0, 2.0]).get_index_at_time(1.4)
        1
        """
        i = int(np.searchsorted(self.time, time))
        if i <= 0:
            return 0
        if i >= self.time.size:
            return int(self.time.size - 1)
        return i if self.time[i] - time < time - self.time[i - 1] else i - 1

    def get_event_times(self, name: str) -> list[float]:
        """Times of every event called ``name``, in order."""
        return [e.time for e in self.events if e.name == name]

    def get_ts_between_times(self, start: float, end: float) -> TimeSeries:
        """A copy holding the samples with ``start <= time <= end`` and the events inside."""
        keep = (self.time >= start) & (self.time <= end)
        if not keep.any():
            raise EmptyInputError(
                f"no samples between {start:g} s and {end:g} s", source=self.info.get("source")
            )
        return TimeSeries(
            self.time[keep],
            {k: v[keep] for k, v in self.data.items()},
            units=self.units,
            events=[e for e in self.events if start <= e.time <= end],
            info=self.info,
        )

    def get_ts_between_events(self, first: str, second: str, occurrence: int = 0) -> TimeSeries:
        """The part between the ``occurrence``-th event ``first`` and the next ``second`` after it."""
        starts = self.get_event_times(first)
        if occurrence >= len(starts):
            raise EmptyInputError(f"no occurrence {occurrence} of event {first!r}")
        t0 = starts[occurrence]
        ends = [t for t in self.get_event_times(second) if t > t0]
        if not ends:
            raise EmptyInputError(f"no event {second!r} after {first!r} at {t0:g} s")
        return self.get_ts_between_times(t0, ends[0])
