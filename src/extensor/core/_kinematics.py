"""From raw recordings to the one analysis signal: trunk extension in degrees.

The motion series (``info["kind"] == "motion"``) has the channel ``extension``:
the trunk angle along the movement, **increasing toward the top**. When the variant's
neutral is known (keypoints, a calibrated encoder) 0 is neutral, negative is below
neutral (flexed, not yet up) and positive is past neutral; ``info["neutral_known"]``
says so. The signed deviation from neutral of the issue tracker's convention
(positive = not yet at neutral) is ``-extension``.

Conventions for keypoints (image y points down; converted to y up here):

* trunk vector ``v`` = shoulder - hip; thigh vector ``u`` = hip - knee.
* ``trunk_in_line_with_thigh`` (prone machine, 45-degree bench, Roman chair): neutral
  is ``v`` parallel to ``u``; the angle is signed, so going past the line is negative
  flexion, never folded back as with an unsigned 0-180 degree joint angle.
* ``trunk_vertical`` (seated machine): neutral is ``v`` pointing straight up.
* Two anatomical channels come with every keypoint series: ``hip_flexion`` (trunk
  against the thigh line, 0 = in line) and ``trunk_inclination`` (trunk against the
  image vertical, 0 = upright), both positive toward the front (flexion) and negative
  backward, so a lean past the line reads negative.
* Flexion is rotation toward the body's front. The front is found from anatomy, not
  from the camera: the face (ear to nose), else the feet (heel to toes), else, seated,
  the thighs; so a lifter facing left or right gives the same signs.

>>> import numpy as np
>>> round(float(signed_angle_deg(np.array([[-1.0, 0.0]]), np.array([[0.0, 1.0]]))[0]), 1)
-90.0
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from extensor._errors import AnalysisError, EmptyInputError
from extensor.core._keypoints import has_world, point_conf, point_world, point_xy
from extensor.core._timeseries import FloatArray, TimeSeries
from extensor.core._world import body_plane_vectors, plane_angle_deg, view_angle_deg

__all__ = [
    "NeutralReference",
    "choose_side",
    "encoder_to_motion",
    "keypoints_to_motion",
    "signed_angle_deg",
]

NeutralReference = Literal["trunk_in_line_with_thigh", "trunk_vertical"]
Side = Literal["left", "right"]


def signed_angle_deg(u: FloatArray, v: FloatArray) -> FloatArray:
    """Signed angle from ``u`` to ``v`` (n, 2), degrees in (-180, 180], counter-clockwise positive."""
    cross = u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
    dot = (u * v).sum(axis=1)
    out: FloatArray = np.degrees(np.arctan2(cross, dot))
    return out


def _cross(a: FloatArray, b: FloatArray) -> FloatArray:
    return a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]


def choose_side(ts: TimeSeries, /, *, min_confidence: float) -> Side:
    """The body side better seen by the camera: higher mean confidence of shoulder, hip, knee."""
    scores: dict[Side, float] = {}
    for side in ("left", "right"):
        names = [f"{side}_shoulder", f"{side}_hip", f"{side}_knee"]
        if all(n in ts.data for n in names):
            conf = np.stack([point_conf(ts, n) for n in names])
            scores[side] = float(np.mean(conf.min(axis=0) >= min_confidence) + conf.mean() * 1e-3)
    if not scores:
        raise AnalysisError(
            "keypoints must include shoulder, hip and knee of at least one side",
            source=ts.info.get("source"),
        )
    return max(scores, key=lambda s: scores[s])


def _yup(xy: FloatArray) -> FloatArray:
    out = xy.copy()
    out[:, 1] = -out[:, 1]
    return out


def _masked_point(ts: TimeSeries, name: str, min_confidence: float) -> FloatArray:
    xy = _yup(point_xy(ts, name))
    xy[point_conf(ts, name) < min_confidence] = np.nan
    return xy


def _front_sign(
    ts: TimeSeries,
    trunk: FloatArray,
    side: Side,
    reference: NeutralReference,
    min_confidence: float,
) -> tuple[float, str]:
    """+1 or -1: the sign of cross(trunk, front) over the recording, and the cue used."""
    cues: list[tuple[str, FloatArray]] = []
    ears = [n for n in (f"{side}_ear", "left_ear", "right_ear") if n in ts.data]
    if "nose" in ts.data and ears:
        nose = _masked_point(ts, "nose", min_confidence)
        ear = _masked_point(ts, ears[0], min_confidence)
        cues.append(("face", nose - ear))
    if f"{side}_heel" in ts.data and f"{side}_foot_index" in ts.data:
        toe = _masked_point(ts, f"{side}_foot_index", min_confidence)
        heel = _masked_point(ts, f"{side}_heel", min_confidence)
        cues.append(("feet", toe - heel))
    if reference == "trunk_vertical":
        knee = _masked_point(ts, f"{side}_knee", min_confidence)
        hip = _masked_point(ts, f"{side}_hip", min_confidence)
        cues.append(("thighs", knee - hip))
    for name, front in cues:
        c = _cross(trunk, front)
        c = c[np.isfinite(c)]
        if c.size >= max(3, trunk.shape[0] // 10):
            return (1.0 if np.median(c) > 0 else -1.0), name
    return 0.0, "largest_excursion"


def keypoints_to_motion(
    ts: TimeSeries,
    /,
    *,
    neutral_reference: NeutralReference,
    min_confidence: float,
    face_line_offset_deg: float,
    side_view_max_angle_deg: float | None = None,
    side: Side | None = None,
    front_sign: float | None = None,
) -> TimeSeries:
    """Signed trunk extension (deg, 0 = neutral) and head deviation from a keypoint series.

    Frames where a needed point is below ``min_confidence`` become NaN (bridged or split
    later by the analysis). ``head_deviation`` is positive when the chin is raised toward
    the back and negative when the head drops, relative to the trunk's line; the ear-to-
    nose line of a neutral head runs ``face_line_offset_deg`` below the trunk's normal.

    With 3D world landmarks (channels ``world:<point>``) and a camera more than
    ``side_view_max_angle_deg`` off the side (:func:`~extensor.core._world.view_angle_deg`),
    trunk and thigh are measured in the body's own plane
    (:mod:`extensor.core._world`) instead of the image, so an oblique phone reads the
    angles of a side view; ``info["angle_source"]`` says which (``"image"`` or
    ``"body_plane_3d"``) and ``info["view_angle_deg"]`` how oblique the view was. Whether
    the recording shows a back extension at all is :mod:`extensor.core._movement`'s job.
    ``side`` and ``front_sign`` (+1 or -1, ``info["front_sign"]`` of an earlier call) fix
    what is otherwise decided from the whole recording: the live coach decides them once
    and then converts one frame at a time.
    """
    src = ts.info.get("source")
    use = side or choose_side(ts, min_confidence=min_confidence)
    shoulder = _masked_point(ts, f"{use}_shoulder", min_confidence)
    hip = _masked_point(ts, f"{use}_hip", min_confidence)
    knee = _masked_point(ts, f"{use}_knee", min_confidence)
    trunk = shoulder - hip
    up = np.tile([0.0, 1.0], (trunk.shape[0], 1))
    raw_hip = signed_angle_deg(hip - knee, trunk)  # trunk against the thigh line
    raw_incline = signed_angle_deg(up, trunk)  # trunk against the vertical
    reference_is_vertical = neutral_reference == "trunk_vertical"
    view = view_angle_deg(ts)
    body = body_plane_vectors(ts, min_confidence=min_confidence)
    in_3d = (
        body is not None
        and view is not None
        and side_view_max_angle_deg is not None
        and view > side_view_max_angle_deg
    )
    if in_3d and body is not None:
        trunk3, thigh3, axis3 = body
        vertical = np.tile([0.0, -1.0, 0.0], (trunk3.shape[0], 1))  # world y points down
        raw_hip = plane_angle_deg(thigh3, trunk3, axis3)
        raw_incline = plane_angle_deg(vertical, trunk3, axis3)
    angle = raw_incline if reference_is_vertical else raw_hip
    usable = np.isfinite(angle)
    if not usable.any():
        raise EmptyInputError(
            f"shoulder, hip and knee are never all seen with confidence >= {min_confidence}",
            source=src,
        )
    if front_sign is not None:
        sign, cue = (1.0 if front_sign > 0 else -1.0), "given"
    elif in_3d and body is not None:
        sign, cue = _front_sign_3d(ts, body, use, neutral_reference, min_confidence)
    else:
        sign, cue = _front_sign(ts, trunk, use, neutral_reference, min_confidence)
    if sign == 0.0:
        # No anatomical cue: the larger excursion from neutral is taken as flexion.
        lo, hi = np.nanpercentile(angle, [5, 95])
        sign = -1.0 if abs(lo) > abs(hi) else 1.0
    # Flexion turns the trunk toward the front, so flexion = sign * angle and extension = -that.
    extension = np.where(usable, -sign * angle, np.nan)
    # Both anatomical angles, flexion (toward the front) positive, whatever the variant:
    hip_flexion = sign * raw_hip
    inclination = sign * raw_incline
    quality = np.stack([point_conf(ts, f"{use}_{p}") for p in ("shoulder", "hip", "knee")]).min(
        axis=0
    )
    data = {
        "extension": extension,
        "hip_flexion": hip_flexion,
        "trunk_inclination": inclination,
        "quality": quality,
    }
    units = {
        "extension": "deg",
        "hip_flexion": "deg",
        "trunk_inclination": "deg",
        "quality": "fraction",
    }
    head = None
    if in_3d and body is not None:
        head = _head_deviation_3d(ts, body, sign, use, min_confidence, face_line_offset_deg)
    if head is None:
        head = _head_deviation(ts, trunk, sign, use, min_confidence, face_line_offset_deg)
    if head is not None:
        data["head_deviation"] = head
        units["head_deviation"] = "deg"
    notices = list(ts.info.get("notices", []))
    info = {
        **ts.info,
        "notices": notices,
        "kind": "motion",
        "input_kind": "keypoints",
        "neutral_known": True,
        "neutral_reference": neutral_reference,
        "side": use,
        "front_cue": cue,
        "front_sign": sign,
        "vertical_reference": reference_is_vertical,
        "angle_source": "body_plane_3d" if in_3d else "image",
    }
    if view is not None:
        info["view_angle_deg"] = round(view, 1)
    return TimeSeries(ts.time, data, units=units, events=ts.events, info=info)


def _front_sign_3d(
    ts: TimeSeries,
    body: tuple[FloatArray, FloatArray, FloatArray],
    side: Side,
    reference: NeutralReference,
    min_confidence: float,
) -> tuple[float, str]:
    """:func:`_front_sign` in the body's plane: the sign of (trunk x front) . hip axis."""
    trunk, thigh, axis = body
    cues: list[tuple[str, FloatArray]] = []

    def seen(name: str) -> FloatArray:
        w = point_world(ts, name).copy()
        w[point_conf(ts, name) < min_confidence] = np.nan
        return w

    ears = [n for n in (f"{side}_ear", "left_ear", "right_ear") if n in ts.data]
    if "nose" in ts.data and ears and has_world(ts, ["nose", ears[0]]):
        cues.append(("face", seen("nose") - seen(ears[0])))
    if has_world(ts, [f"{side}_heel", f"{side}_foot_index"]):
        cues.append(("feet", seen(f"{side}_foot_index") - seen(f"{side}_heel")))
    if reference == "trunk_vertical":
        cues.append(("thighs", -thigh))
    for name, front in cues:
        c = (np.cross(trunk, front) * axis).sum(axis=1)
        c = c[np.isfinite(c)]
        if c.size >= max(3, trunk.shape[0] // 10):
            return (1.0 if np.median(c) > 0 else -1.0), name
    return 0.0, "largest_excursion"


def _head_deviation(
    ts: TimeSeries,
    trunk: FloatArray,
    sign: float,
    side: Side,
    min_confidence: float,
    offset_deg: float,
) -> FloatArray | None:
    ear_name = next((n for n in (f"{side}_ear", "left_ear", "right_ear") if n in ts.data), None)
    if ear_name is None or "nose" not in ts.data:
        return None
    face = _masked_point(ts, "nose", min_confidence) - _masked_point(ts, ear_name, min_confidence)
    with np.errstate(invalid="ignore", divide="ignore"):  # a zero-length trunk: missing
        along = trunk / np.linalg.norm(trunk, axis=1, keepdims=True)
    # The trunk's front normal: trunk turned a quarter toward the front.
    normal = np.stack([along[:, 1], -along[:, 0]], axis=1) * (-sign)
    raw = np.degrees(np.arctan2((face * along).sum(axis=1), (face * normal).sum(axis=1)))
    # a neutral head points the ear-to-nose line offset_deg below the trunk's normal
    out: FloatArray = raw + offset_deg
    return out


def _head_deviation_3d(
    ts: TimeSeries,
    body: tuple[FloatArray, FloatArray, FloatArray],
    sign: float,
    side: Side,
    min_confidence: float,
    offset_deg: float,
) -> FloatArray | None:
    """:func:`_head_deviation` in the body's plane, from the world ear and nose (None when
    the world landmarks lack them): an oblique phone reads the side view's head angle."""
    ear_name = next((n for n in (f"{side}_ear", "left_ear", "right_ear") if n in ts.data), None)
    if ear_name is None or "nose" not in ts.data or not has_world(ts, ["nose", ear_name]):
        return None

    def seen(name: str) -> FloatArray:
        w = point_world(ts, name).copy()
        w[point_conf(ts, name) < min_confidence] = np.nan
        return w

    trunk, _, axis = body
    with np.errstate(invalid="ignore", divide="ignore"):
        n = axis / np.linalg.norm(axis, axis=1, keepdims=True)
        along = trunk - (trunk * n).sum(axis=1, keepdims=True) * n
        along /= np.linalg.norm(along, axis=1, keepdims=True)
    # The trunk's front normal in the body's plane (the front sign's convention: the trunk
    # turns toward cross(hip axis, trunk) when sign is +1).
    normal = np.cross(n, along) * sign
    face = seen("nose") - seen(ear_name)
    raw = np.degrees(np.arctan2((face * along).sum(axis=1), (face * normal).sum(axis=1)))
    out: FloatArray = raw + offset_deg
    return out


def encoder_to_motion(ts: TimeSeries, /) -> TimeSeries:
    """A lever encoder/goniometer angle series as a motion series (the angle rises to the top)."""
    info = {
        **ts.info,
        "kind": "motion",
        "input_kind": "encoder",
        "neutral_known": bool(ts.info.get("neutral_known", False)),
    }
    return TimeSeries(
        ts.time, {"extension": ts.channel("angle")}, units={"extension": "deg"}, info=info
    )
