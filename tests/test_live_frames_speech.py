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


def test_a_stalled_pose_drops_frames_instead_of_lagging() -> None:
    """A 100 fps source while pose takes 40 ms a frame: most frames are dropped, and no
    analysed frame waited longer than about one pose call plus one frame interval."""
    from extensor._analysis import analysis_params
    from extensor.core import RepSpec, synthetic_set
    from extensor.knowledge import load_exercise
    from extensor.live import LiveCoach, LiveSession, live_settings

    ex = load_exercise()
    coach = LiveCoach(
        params=analysis_params(ex, variant="45_degree_bench", goal="hypertrophy"),
        settings=live_settings(ex, variant="45_degree_bench"),
    )
    kp = synthetic_set([RepSpec()], noise_deg=0.0, keypoints=True, rate_hz=100.0).keypoints
    assert kp is not None
    names = [n for n in kp.data if kp.data[n].ndim == 2]

    def slow_pose(f: LiveFrame) -> dict[str, tuple[float, float, float]]:
        time.sleep(0.04)
        return {n: tuple(float(v) for v in kp.data[n][f.index]) for n in names}  # type: ignore[misc]

    def camera():  # type: ignore[no-untyped-def]
        start = time.monotonic()
        for k, t in enumerate(kp.time[:100]):
            wait = start + float(t) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            yield LiveFrame(k, float(t), None, time.monotonic())

    session = LiveSession(coach=coach, pose=slow_pose, speaker=RecordingSpeaker())
    session.run(camera(), block=False)
    timing = session.timing.to_dict()
    assert timing["frames_in"] == 100
    assert timing["frames_dropped"] >= 50  # pose keeps up with at most 1 in 4 frames
    assert timing["frames_analysed"] + timing["frames_dropped"] == 100
    # no growing queue: the worst wait is about one pose call plus its own (~90 ms)
    assert timing["frame_to_event_latency"]["max_ms"] < 400  # a queue would reach seconds
