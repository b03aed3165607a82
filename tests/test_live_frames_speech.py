"""The live coach's frame hand-over and speech layer."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from extensor.live import FrameSlot, LiveFrame, RecordingSpeaker, SilentSpeaker, open_speaker


def _frame(k: int) -> LiveFrame:
    return LiveFrame(index=k, time=k / 30.0, image=None, captured=time.monotonic())


def test_a_slow_consumer_gets_the_newest_frame_and_the_rest_are_counted_dropped() -> None:
    """Frames put while one waits replace it: the coach never works on an old picture."""
    slot = FrameSlot()
    for k in range(5):
        slot.put(_frame(k))
    got = slot.get(timeout=0.1)
    assert got is not None
    assert got.index == 4
    assert slot.dropped == 4
    assert slot.put_count == 5


def test_a_blocking_slot_drops_nothing_and_delivers_in_order() -> None:
    """``--fast`` replay: the source waits for the coach, every frame is analysed."""
    slot = FrameSlot(block=True)
    seen: list[int] = []

    def consume() -> None:
        while (f := slot.get(timeout=2.0)) is not None:
            seen.append(f.index)
            time.sleep(0.002)

    thread = threading.Thread(target=consume)
    thread.start()
    for k in range(50):
        slot.put(_frame(k))
    slot.close()
    thread.join(timeout=5.0)
    assert seen == list(range(50))
    assert slot.dropped == 0


def test_get_returns_none_once_closed_and_empty() -> None:
    slot = FrameSlot()
    slot.close()
    assert slot.get(timeout=1.0) is None


def test_no_engine_gives_a_silent_speaker_that_says_why() -> None:
    speaker = open_speaker(voice=True, which=lambda _: None)
    assert isinstance(speaker, SilentSpeaker)
    assert speaker.reason is not None
    assert "espeak-ng" in speaker.reason


def test_no_voice_flag_silences() -> None:
    assert open_speaker(voice=False).reason == "voice off (--no-voice)"


def test_recording_speaker_keeps_phrases_in_order() -> None:
    s = RecordingSpeaker(clock=iter([1.0, 2.0]).__next__)
    s.say("one")
    s.say("two")
    assert s.phrases == ["one", "two"]
    assert s.times == [1.0, 2.0]


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_espeak_speaks_a_phrase_and_becomes_idle() -> None:
    """Smoke test of the real engine: it starts at once and finishes on its own."""
    speaker = open_speaker(voice=True)
    try:
        t0 = time.monotonic()
        speaker.say("Lower slower.")
        assert speaker.reason is None
        deadline = t0 + 10.0
        while speaker.busy and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not speaker.busy
        spoken = getattr(speaker, "spoken", [])
        assert [p for _, p in spoken] == ["Lower slower."]
        assert spoken[0][0] - t0 < 0.5  # started within half a second of being asked
    finally:
        speaker.close()
