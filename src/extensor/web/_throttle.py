"""Login throttling (multi-user mode): back-off by account and by client, never a lock.

Every login attempt first *reserves* its place under one lock, before the password is
looked at: parallel guesses cannot slip past the count. Three counters are kept:

* one client guessing one account: ``free`` failures, then back-off;
* one client over all names (unknown names too): ``shared_free`` failures;
* one account from all clients: ``shared_free`` failures (a spread-out attack).

After its free failures a counter makes the next attempt wait ``base_s`` seconds,
doubling with each failure up to ``max_s``: a wait, never a lock-out, so the owner of an
account under attack can still log in from their own machine (their own counters are
clean) or at most ``max_s`` after the last guess. A success clears the client's counters
for that account. Password checks run at most ``max_checks`` at a time.

>>> clock = [0.0]
>>> t = LoginThrottle(free=2, shared_free=10, base_s=1.0, max_s=8.0, clock=lambda: clock[0])
>>> for _ in range(2):
...     t.reserve("coach", "10.0.0.9").failed()
>>> t.wait_s("coach", "10.0.0.9"), t.wait_s("coach", "10.0.0.1")
(1.0, 0.0)
>>> clock[0] = 1.0
>>> t.wait_s("coach", "10.0.0.9")
0.0
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from extensor.web._options import (
    LOGIN_BACKOFF_BASE_S,
    LOGIN_BACKOFF_MAX_S,
    LOGIN_FREE_FAILURES,
    LOGIN_SHARED_FREE_FAILURES,
    LOGIN_WINDOW_S,
    MAX_PASSWORD_CHECKS,
    PASSWORD_CHECK_WAIT_S,
)

__all__ = ["MAX_TRACKED", "LoginBusyError", "LoginThrottle", "Reservation", "ThrottledError"]

#: Counters kept at most (the oldest are dropped first): bounds the memory a spray of
#: made-up names or addresses can take.
MAX_TRACKED = 10_000


class ThrottledError(Exception):
    """Too many failed logins: try again in ``retry_after_s`` seconds."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"retry in {retry_after_s:.0f} s")
        self.retry_after_s = retry_after_s


class LoginBusyError(Exception):
    """Every password check is busy; the login should be retried shortly."""


@dataclass(slots=True)
class _Counter:
    failures: int = 0
    last: float = 0.0


class Reservation:
    """One admitted attempt: counted as a failure unless :meth:`succeeded` is called."""

    def __init__(self, throttle: LoginThrottle, keys: tuple[tuple[str, ...], ...]) -> None:
        self._throttle = throttle
        self._keys = keys
        self._open = True

    def failed(self) -> None:
        """The password was wrong (counted when the attempt began; the back-off runs from now)."""
        if self._open:
            self._throttle._touch(self._keys)
            self._open = False

    def cancel(self) -> None:
        """The password was never checked (the server was busy): the attempt does not count."""
        if self._open:
            self._throttle._undo(self._keys)
            self._open = False

    def succeeded(self) -> None:
        """The password was right: forget this client's failures for this account."""
        if self._open:
            self._throttle._undo(self._keys)
            self._throttle._clear(self._keys[0])
            self._open = False


class LoginThrottle:
    """The counters of one app (kept on ``app.state``); safe from any thread."""

    def __init__(
        self,
        *,
        free: int = LOGIN_FREE_FAILURES,
        shared_free: int = LOGIN_SHARED_FREE_FAILURES,
        base_s: float = LOGIN_BACKOFF_BASE_S,
        max_s: float = LOGIN_BACKOFF_MAX_S,
        window_s: float = LOGIN_WINDOW_S,
        max_checks: int = MAX_PASSWORD_CHECKS,
        check_wait_s: float = PASSWORD_CHECK_WAIT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.shared_free = shared_free
        self.base_s = base_s
        self.max_s = max_s
        self.window_s = window_s
        self.check_wait_s = check_wait_s
        self._clock = clock
        self._counters: OrderedDict[tuple[str, ...], _Counter] = OrderedDict()
        self._lock = threading.Lock()
        self._checks = threading.BoundedSemaphore(max_checks)

    @staticmethod
    def _keys(name: str, client: str) -> tuple[tuple[str, ...], ...]:
        account = name.strip().lower()
        return (("pair", account, client), ("client", client), ("account", account))

    def _free(self, key: tuple[str, ...]) -> int:
        return self.free if key[0] == "pair" else self.shared_free

    def _wait(self, key: tuple[str, ...], now: float) -> float:
        counter = self._counters.get(key)
        if counter is None:
            return 0.0
        if now - counter.last > self.window_s:
            del self._counters[key]
            return 0.0
        over = counter.failures - self._free(key)
        if over < 0:
            return 0.0
        delay = min(self.max_s, self.base_s * 2.0**over)
        return max(0.0, counter.last + delay - now)

    def wait_s(self, name: str, client: str) -> float:
        """Seconds before ``client`` may try ``name`` again (0 when it may now)."""
        with self._lock:
            now = self._clock()
            return max(self._wait(k, now) for k in self._keys(name, client))

    def reserve(self, name: str, client: str) -> Reservation:
        """Admit one attempt, counted as a failure at once; raises :class:`ThrottledError`."""
        keys = self._keys(name, client)
        with self._lock:
            now = self._clock()
            wait = max(self._wait(k, now) for k in keys)
            if wait > 0:
                raise ThrottledError(wait)
            for key in keys:
                counter = self._counters.pop(key, None) or _Counter()
                counter.failures += 1
                counter.last = now
                self._counters[key] = counter  # most recent last
            while len(self._counters) > MAX_TRACKED:
                self._counters.popitem(last=False)
        return Reservation(self, keys)

    def _touch(self, keys: tuple[tuple[str, ...], ...]) -> None:
        with self._lock:
            now = self._clock()
            for key in keys:
                counter = self._counters.get(key)
                if counter is not None:
                    counter.last = max(counter.last, now)

    def _undo(self, keys: tuple[tuple[str, ...], ...]) -> None:
        with self._lock:
            for key in keys:
                counter = self._counters.get(key)
                if counter is not None:
                    counter.failures = max(0, counter.failures - 1)

    def _clear(self, key: tuple[str, ...]) -> None:
        with self._lock:
            self._counters.pop(key, None)

    @contextlib.contextmanager
    def password_check(self) -> Iterator[None]:
        """Hold one of the few password-check slots; raises :class:`LoginBusyError`."""
        if not self._checks.acquire(timeout=self.check_wait_s):
            raise LoginBusyError
        try:
            yield
        finally:
            self._checks.release()
