"""Spoken cues, offline: a local speech engine behind one small contract.

:class:`Speaker` is what the live session calls: ``say(phrase)`` queues a phrase and
returns at once (the session never waits for the voice), ``busy`` tells whether it is
still speaking, ``close()`` stops it. Three speakers ship:

* :class:`EspeakSpeaker` runs Debian's ``espeak-ng`` (or ``espeak``) in a background
  thread, one phrase at a time; a phrase that arrives while another is spoken waits, and
  a newer one replaces a waiting one (a stale cue is worse than none).
* :class:`SilentSpeaker` says nothing and carries the reason (``--no-voice``, no engine).
* :class:`RecordingSpeaker` keeps the phrases with their times: for tests and for the
  ``--json`` document.

>>> s = RecordingSpeaker()
>>> s.say("Lower slower.")
>>> s.phrases
['Lower slower.']
>>> open_speaker(voice=False).reason
'voice off (--no-voice)'
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "ESPEAK_COMMANDS",
    "EspeakSpeaker",
    "RecordingSpeaker",
    "SilentSpeaker",
    "Speaker",
    "open_speaker",
]

#: Speech engines looked for on the PATH, in order.
ESPEAK_COMMANDS: tuple[str, ...] = ("espeak-ng", "espeak")


class Speaker:
    """The contract every speaker follows (the base class says nothing)."""

    #: Why there is no voice, or None when the speaker talks.
    reason: str | None = None

    def say(self, phrase: str) -> None:
        """Queue ``phrase``; returns at once."""

    @property
    def busy(self) -> bool:
        """True while a phrase is being spoken or waits to be."""
        return False

    def close(self) -> None:
        """Stop speaking and free the engine."""


@dataclass
class SilentSpeaker(Speaker):
    """No voice; ``reason`` says why (shown to the lifter once)."""

    reason: str | None = "no voice"


@dataclass
class RecordingSpeaker(Speaker):
    """Keeps every phrase and when it was asked for (``clock()`` seconds)."""

    clock: Callable[[], float] = time.monotonic
    phrases: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    reason: str | None = None

    def say(self, phrase: str) -> None:
        self.phrases.append(phrase)
        self.times.append(self.clock())


class EspeakSpeaker(Speaker):
    """``espeak-ng`` in a background thread; the newest waiting phrase wins.

    ``words_per_minute`` is espeak's ``-s``: 165 is a calm, clear coaching pace
    (espeak's default of 175 sounds hurried through a phone speaker).
    """

    def __init__(self, command: str, *, words_per_minute: int = 165) -> None:
        self.reason = None
        self._argv = [command, "-s", str(words_per_minute)]
        self._pending: str | None = None
        self._speaking = False
        self._closed = False
        self._proc: subprocess.Popen[bytes] | None = None
        self._cond = threading.Condition()
        self.spoken: list[tuple[float, str]] = []  # (start time, phrase)
        self._thread = threading.Thread(target=self._run, name="extensor-speech", daemon=True)
        self._thread.start()

    def say(self, phrase: str) -> None:
        with self._cond:
            self._pending = phrase
            self._cond.notify()

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._speaking or self._pending is not None

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._pending = None
            proc = self._proc
            self._cond.notify()
        if proc is not None and proc.poll() is None:
            proc.terminate()
        self._thread.join(timeout=2.0)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                phrase, self._pending = self._pending, None
                self._speaking = True
                assert phrase is not None
                self._proc = subprocess.Popen(
                    [*self._argv, phrase], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
                self.spoken.append((time.monotonic(), phrase))
            try:
                self._proc.wait()
            finally:
                with self._cond:
                    self._speaking = False
                    self._proc = None


def open_speaker(
    *, voice: bool = True, which: Callable[[str], str | None] = shutil.which
) -> Speaker:
    """The best speaker this machine has: espeak-ng, else a silent one that says why."""
    if not voice:
        return SilentSpeaker(reason="voice off (--no-voice)")
    for command in ESPEAK_COMMANDS:
        path = which(command)
        if path:
            return EspeakSpeaker(path)
    return SilentSpeaker(
        reason="no speech engine found (install espeak-ng, e.g. apt-get install espeak-ng): "
        "cues are shown, not spoken"
    )
