"""Pydantic models of an exercise data file, and the cross-checks run when one is loaded.

Every model forbids unknown fields and is frozen. Shapes, types, units and ranges are
checked field by field; references between parts of the file (step ids, mistake ids,
variant ids, equipment ids, source ids, required detection parameters) are checked once
the whole file is parsed, by :meth:`Exercise._cross_check`. Each problem is reported as
``"<field path>: <what is wrong>"``; :mod:`extensor.knowledge._loader` adds the file name.

>>> Param(value=0.15, unit="s", reason="a short reason").unit
's'
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from extensor._errors import KnowledgeBaseError
from extensor.core import MISTAKES

__all__ = [
    "CATEGORIES",
    "LEVEL_IDS",
    "OBSERVABLE_SOURCES",
    "REQUIRED_ANALYSIS_PARAMS",
    "REQUIRED_DETECTION_PARAMS",
    "SECTION_IDS",
    "UNITS",
    "Benefit",
    "Breathing",
    "Camera",
    "Category",
    "ChooseWhen",
    "Detection",
    "Equipment",
    "Exercise",
    "FaqEntry",
    "Goal",
    "IntRange",
    "Level",
    "LevelId",
    "Load",
    "Mistake",
    "Observable",
    "Overview",
    "Param",
    "PlanRules",
    "ProgressionRule",
    "SafetyRule",
    "SectionId",
    "SectionText",
    "Sections",
    "Source",
    "StartDeviation",
    "Step",
    "Tempo",
    "Tip",
    "Unit",
    "Variant",
]


def _collapse(text: str) -> str:
    """Join the lines of a (multi-line) TOML string into one paragraph; refuse blank text."""
    collapsed = " ".join(text.split())
    if not collapsed:
        raise ValueError("must not be empty")
    return collapsed


#: An identifier: lower-case letters, digits and underscores (``45_degree_bench``).
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$")]
#: Prose: whitespace is collapsed to single spaces; must not be empty.
Text = Annotated[str, AfterValidator(_collapse)]

Unit = Literal["deg", "s", "deg/s", "fraction", "percent", "ratio", "Hz", "count", "px"]
Observable = Literal["video", "imu", "encoder"]
Category = Literal["safety", "tempo", "range", "position", "breathing"]
LevelId = Literal["beginner", "intermediate", "advanced"]
Phase = Literal["bottom", "lift", "top", "lower"]
SectionId = Literal[
    "overview",
    "variants",
    "setup",
    "execution",
    "breathing",
    "tips",
    "mistakes",
    "goals",
    "levels",
    "progression",
    "equipment",
    "faq",
    "safety",
]

#: Units a parameter may use.
UNITS: tuple[str, ...] = get_args(Unit)
#: Inputs a fault can be detected from.
OBSERVABLE_SOURCES: tuple[str, ...] = get_args(Observable)
#: Kinds of mistakes.
CATEGORIES: tuple[str, ...] = get_args(Category)
#: Training levels, easiest first.
LEVEL_IDS: tuple[str, ...] = get_args(LevelId)
#: Guide sections in the order they are rendered.
SECTION_IDS: tuple[str, ...] = get_args(SectionId)

#: Detection parameters the analysis reads by name: mistake id -> parameter -> unit, as
#: each registered mistake plug-in declares them (``extensor.core.MISTAKES``).
REQUIRED_DETECTION_PARAMS: Mapping[str, Mapping[str, str]] = {
    m.id: dict(m.params) for m in MISTAKES
}

#: The data file layout this code reads; files of an older layout fail with how to upgrade.
SCHEMA_VERSION = 2

#: Segmentation parameters the analysis reads by name: parameter -> unit.
REQUIRED_ANALYSIS_PARAMS: Mapping[str, str] = {
    "smoothing_window_s": "s",
    "velocity_window_s": "s",
    "min_rep_range_deg": "deg",
    "min_rep_duration_s": "s",
    "min_cut_rep_fraction": "fraction",
    "max_bridged_gap_s": "s",
    "hold_band_fraction": "fraction",
    "motion_speed_dps": "deg/s",
    "drift_speed_dps": "deg/s",
    "min_rest_s": "s",
    "rest_zone_fraction": "fraction",
    "despike_window_s": "s",
    "despike_threshold_deg": "deg",
    "min_keypoint_confidence": "fraction",
    "min_sample_rate_hz": "Hz",
    "max_unusable_share": "fraction",
    "min_rotation_axis_share": "fraction",
    "neutral_hold_max_motion_deg": "deg",
    "neutral_hold_max_past_share": "fraction",
    "neutral_hold_idle_band_share": "fraction",
    "face_line_offset_deg": "deg",
    "movement_max_hip_travel_trunks": "fraction",
    "movement_max_pivot_ratio": "fraction",
    "movement_max_thigh_rotation_share": "fraction",
    "movement_min_failed_checks": "count",
    "side_view_max_angle_deg": "deg",
    "max_view_angle_deg": "deg",
    "max_oblique_view_spread": "fraction",
    "plausible_max_range_deg": "deg",
    "plausible_max_flexion_deg": "deg",
    "plausible_max_past_neutral_deg": "deg",
    "plausible_max_speed_dps": "deg/s",
    "rep_min_tracked_share": "fraction",
    "rep_min_keypoint_confidence": "fraction",
    "min_cue_confidence": "fraction",
    "max_side_view_spread": "fraction",
    "video_analysis_rate_hz": "Hz",
    "video_max_stride": "count",
    "camera_side_view_quantile": "fraction",
    "camera_min_confidence": "fraction",
    "camera_min_visible_share": "fraction",
    "camera_min_short_side_px": "px",
    "camera_max_gap_intervals": "count",
    "confidence_at_threshold": "fraction",
    "confidence_growth_per_scale": "ratio",
    "velocity_loss_reps": "count",
    "min_velocity_loss_reps": "count",
    "max_cues": "count",
    "live_warmup_s": "s",
    "live_still_s": "s",
    "set_rest_s": "s",
    "live_idle_timeout_s": "s",
    "signal_max_rep_frequency_hz": "Hz",
    "signal_min_rep_band_enrichment": "ratio",
    "signal_max_roughness": "fraction",
    "signal_min_samples": "count",
    "signal_smoothing_window_s": "s",
    "signal_min_gravity": "ratio",
    "signal_max_gravity": "ratio",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """A document (or the project itself) that facts in the file come from."""

    title: Text
    kind: Literal["seed", "project"]


class SectionText(_Model):
    """Title and one-paragraph introduction of a guide section."""

    title: Text
    intro: Text


class Sections(_Model):
    """One entry per guide section; the field names are the section ids."""

    overview: SectionText
    variants: SectionText
    setup: SectionText
    execution: SectionText
    breathing: SectionText
    tips: SectionText
    mistakes: SectionText
    goals: SectionText
    levels: SectionText
    progression: SectionText
    equipment: SectionText
    faq: SectionText
    safety: SectionText

    def get(self, section_id: str) -> SectionText:
        """The section called ``section_id`` (assumed to be one of :data:`SECTION_IDS`)."""
        text: SectionText = getattr(self, section_id)
        return text


class Benefit(_Model):
    """Something the exercise is good for."""

    id: Id
    text: Text
    sources: tuple[Id, ...] = Field(min_length=1)


class Overview(_Model):
    """Quick facts (body part, muscles, equipment, difficulty) and what the lift is for."""

    body_part: Text
    difficulty: Text
    primary_muscle: Text
    equipment: Text
    secondary_muscles: tuple[Text, ...] = Field(min_length=1)
    description: Text
    movement_quality: Text
    benefits: tuple[Benefit, ...] = Field(min_length=1)


class Param(_Model):
    """A named threshold: value, unit and a one-line reason for the value."""

    value: float
    unit: Unit
    reason: Annotated[Text, StringConstraints(max_length=200)]

    @model_validator(mode="after")
    def _check_value(self) -> Param:
        if not math.isfinite(self.value) or self.value < 0:
            raise ValueError(f"value must be a finite number >= 0, got {self.value}")
        if self.unit == "fraction" and self.value > 1:
            raise ValueError(f"value must be between 0 and 1 for a fraction, got {self.value}")
        if self.unit == "percent" and self.value > 100:
            raise ValueError(f"value must be between 0 and 100 for a percent, got {self.value}")
        return self


class Detection(_Model):
    """How the analysis detects a mistake: its named parameters and an optional note."""

    params: dict[Id, Param] = Field(min_length=1)
    notes: Text | None = None


class Mistake(_Model):
    """A common fault: how it looks, why it matters, a cue, and how it is detected."""

    id: Id
    title: Text
    category: Category
    looks_like: Text
    why_it_matters: Text
    cue: Annotated[Text, StringConstraints(max_length=60)]
    #: The cue as live mode says it: a few words, said at the end of a rep.
    spoken: Annotated[Text, StringConstraints(max_length=30)] | None = None
    guide_section: SectionId
    related_steps: tuple[Id, ...] = ()
    observable_from: tuple[Observable, ...]
    detection: Detection | None = None
    sources: tuple[Id, ...] = Field(min_length=1)
    #: Order among the cues of one set (1 = first); unranked mistakes follow, by category.
    cue_rank: int | None = Field(default=None, ge=1)
    #: Set on mistakes that mean the load is too heavy: what the lifter did, for the verdict.
    load_too_heavy_sign: Text | None = None

    @property
    def observable(self) -> bool:
        """True when some input (video, IMU, encoder) can detect this mistake."""
        return bool(self.observable_from)


class StartDeviation(_Model):
    """How far below neutral (degrees of trunk angle) a rep usually starts."""

    typical: float = Field(gt=0, le=180)
    max: float = Field(gt=0, le=180)
    reason: Text

    @model_validator(mode="after")
    def _check_order(self) -> StartDeviation:
        if self.typical > self.max:
            raise ValueError(f"typical must be <= max, got typical={self.typical}, max={self.max}")
        return self


class Camera(_Model):
    """Where to put the phone to film this variant."""

    view: Literal["side", "front", "oblique"]
    advice: Text


class Load(_Model):
    """Where the resistance comes from."""

    kind: Literal["machine_stack", "bodyweight_plus_plate"]
    notes: Text


class Variant(_Model):
    """A way of doing the exercise, with the geometry the analysis needs."""

    id: Id
    name: Text
    source: Id
    equipment: Id
    description: Text
    neutral_reference: Literal["trunk_in_line_with_thigh", "trunk_vertical"]
    neutral_description: Text
    start_deviation_deg: StartDeviation
    camera: Camera
    load: Load


class Step(_Model):
    """A setup or execution step; ``variants`` empty means it applies to every variant."""

    id: Id
    title: Text
    text: Text
    phase: Phase | None = None
    variants: tuple[Id, ...] = ()
    variant_notes: dict[Id, Text] = Field(default_factory=dict)
    sources: tuple[Id, ...] = Field(min_length=1)

    def applies_to(self, variant_id: str | None) -> bool:
        """Whether the step belongs in a guide for ``variant_id`` (None: every variant)."""
        return variant_id is None or not self.variants or variant_id in self.variants


class Breathing(_Model):
    """What to do with the breath in each phase of the rep."""

    summary: Text
    lift: Text
    top: Text
    lower: Text
    bottom: Text
    caution: Text
    sources: tuple[Id, ...] = Field(min_length=1)


class Tip(_Model):
    """A short coaching reminder, linked to the mistakes it prevents."""

    id: Id
    title: Text
    text: Text
    related_mistakes: tuple[Id, ...] = ()
    sources: tuple[Id, ...] = Field(min_length=1)


class IntRange(_Model):
    """An inclusive range of whole numbers, ``min <= max``."""

    min: int = Field(ge=0)
    max: int = Field(ge=0)

    @model_validator(mode="after")
    def _check_order(self) -> IntRange:
        if self.min > self.max:
            raise ValueError(f"min must be <= max, got min={self.min}, max={self.max}")
        return self

    def __str__(self) -> str:
        return str(self.min) if self.min == self.max else f"{self.min}-{self.max}"


class Tempo(_Model):
    """Target seconds per phase of a rep, with the reason for the choice."""

    lift_s: float = Field(gt=0, le=10)
    top_s: float = Field(ge=0, le=10)
    lower_s: float = Field(gt=0, le=10)
    bottom_s: float = Field(ge=0, le=10)
    reason: Text

    @property
    def rep_s(self) -> float:
        """Seconds per rep at this tempo."""
        return self.lift_s + self.top_s + self.lower_s + self.bottom_s

    def __str__(self) -> str:
        parts = (self.lift_s, self.top_s, self.lower_s, self.bottom_s)
        return "/".join(f"{p:g}" for p in parts) + " s"


class Goal(_Model):
    """A training goal: set, rep, tempo and rest targets, and where it sits in a session."""

    id: Id
    name: Text
    source: Id
    sets: IntRange
    reps: IntRange
    intensity: Text
    focus: Text
    tempo: Tempo
    requires_top_pause: bool
    top_pause_reason: Text
    rest_s: IntRange
    placement: Text
    progresses_load: bool
    load_note: Text
    defaults_note: Text


class Level(_Model):
    """How a training level places sets and reps inside a goal's ranges."""

    id: Id
    name: Text
    summary: Text
    sets_position: float = Field(ge=0, le=1)
    reps_start_position: float = Field(ge=0, le=1)
    reps_end_position: float = Field(ge=0, le=1)
    deload_every_weeks: int = Field(ge=2, le=12)
    load: Text
    focus: Text
    recommended_variants: tuple[Id, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_order(self) -> Level:
        if self.reps_start_position > self.reps_end_position:
            raise ValueError(
                "reps_start_position must be <= reps_end_position, got "
                f"{self.reps_start_position} > {self.reps_end_position}"
            )
        return self


class ProgressionRule(_Model):
    """One ordered rule: when ``condition`` holds, do ``action``."""

    id: Id
    condition: Text
    action: Text
    sources: tuple[Id, ...] = Field(min_length=1)


class PlanRules(_Model):
    """Texts the plan builder puts into each week."""

    clean_rep_gate: Text
    start_load: Text
    hold_load: Text
    load_step: Text
    technique_week: Text
    technique_load: Text


class ChooseWhen(_Model):
    """When to pick a piece of equipment: by space, training level and stability."""

    space: Text
    level: Text
    stability: Text


class Equipment(_Model):
    """A recommended piece of equipment."""

    id: Id
    name: Text
    use: Text
    choose_when: ChooseWhen
    sources: tuple[Id, ...] = Field(min_length=1)


class FaqEntry(_Model):
    """A frequently asked question and its answer."""

    id: Id
    question: Text
    answer: Text
    related_mistakes: tuple[Id, ...] = ()
    related_variants: tuple[Id, ...] = ()
    sources: tuple[Id, ...] = Field(min_length=1)


class SafetyRule(_Model):
    """A rule that always applies."""

    id: Id
    title: Text
    text: Text
    sources: tuple[Id, ...] = Field(min_length=1)


_KEYED = ("variants", "mistakes", "goals", "levels")
_M = TypeVar("_M")


def normalise_name(text: str) -> str:
    """An id as typed by a person turned into the data file's spelling: case folded,
    hyphens and spaces to underscores.

    >>> normalise_name(" Warm-up "), normalise_name("Seated Lever Machine")
    ('warm_up', 'seated_lever_machine')
    """
    return "_".join(text.strip().casefold().replace("-", " ").replace("_", " ").split())


def _lookup(table: Mapping[str, _M], key: str, what: str, owner: str) -> _M:
    """``table[key]``, accepting any case and hyphen/space/underscore spelling of an id
    (or of an entry's ``name``); an unknown key suggests the closest id."""
    if key in table:
        return table[key]
    wanted = normalise_name(key)
    for entry_id, entry in table.items():
        name = getattr(entry, "name", None)
        if wanted == normalise_name(entry_id) or (
            isinstance(name, str) and wanted == normalise_name(name)
        ):
            return entry
    close = difflib.get_close_matches(wanted, list(table), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise KnowledgeBaseError(
        f"unknown {what} {key!r} for {owner}; choose one of: {', '.join(table)}{hint}"
    )


class Exercise(_Model):
    """Everything extensor knows about one exercise, as loaded from its data file.

    >>> from extensor.knowledge import load_exercise
    >>> ex = load_exercise()
    >>> ex.variant("seated_lever_machine").neutral_reference
    'trunk_vertical'
    >>> ex.mistake("ribs_flared").detection is None
    True
    >>> m = next(iter(MISTAKES))
    >>> name = next(iter(m.params))
    >>> ex.mistake(m.id).detection.params[name].unit == m.params[name]
    True
    >>> ex.param(m.id, name) == ex.detection_values()[m.id][name]
    True
    >>> ex.goal("nap")
    Traceback (most recent call last):
    ...
    extensor._errors.KnowledgeBaseError: unknown goal 'nap' for lever_back_extension; choose one of: endurance, strength, hypertrophy, warm_up, technique
    """

    schema_version: Literal[2]
    id: Id
    name: Text
    summary: Text
    sources: dict[Id, Source] = Field(min_length=1)
    sections: Sections
    overview: Overview
    variants: dict[Id, Variant] = Field(min_length=1)
    setup: tuple[Step, ...] = Field(min_length=1)
    execution: tuple[Step, ...] = Field(min_length=1)
    breathing: Breathing
    tips: tuple[Tip, ...] = Field(min_length=1)
    mistakes: dict[Id, Mistake] = Field(min_length=1)
    analysis: dict[Id, Param] = Field(min_length=1)
    goals: dict[Id, Goal] = Field(min_length=1)
    levels: dict[Id, Level] = Field(min_length=1)
    progression: tuple[ProgressionRule, ...] = Field(min_length=1)
    plan: PlanRules
    equipment: tuple[Equipment, ...] = Field(min_length=1)
    faq: tuple[FaqEntry, ...] = Field(min_length=1)
    safety: tuple[SafetyRule, ...] = Field(min_length=1)

    _source: str | None = PrivateAttr(default=None)

    # -- construction ---------------------------------------------------------------------

    @model_validator(mode="before")
    @classmethod
    def _ids_from_keys(cls, data: Any) -> Any:
        """Tables keyed by id (``[mistakes.<id>]``) get that key as their ``id``."""
        if not isinstance(data, dict):
            return data
        old = data.get("schema_version")
        if isinstance(old, int) and old < SCHEMA_VERSION:
            raise ValueError(
                f"schema_version must be {SCHEMA_VERSION}, got {old}: add the confidence, "
                "velocity-loss and cue-count parameters (see docs/new-mistake.md, 'Upgrading "
                "an exercise file')"
            )
        data = dict(data)
        for name in _KEYED:
            table = data.get(name)
            if isinstance(table, dict):
                data[name] = {
                    key: ({"id": key, **value} if isinstance(value, dict) else value)
                    for key, value in table.items()
                }
        return data

    @model_validator(mode="after")
    def _validate_references(self) -> Exercise:
        problems = list(self._cross_check())
        if problems:
            more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
            raise ValueError(problems[0] + more)
        return self

    def _cross_check(self) -> Iterable[str]:
        """Yield ``"<path>: <problem>"`` for every broken reference or duplicate."""
        for name in _KEYED:
            table: Mapping[str, Any] = getattr(self, name)
            for key, item in table.items():
                if item.id != key:
                    yield f"{name}.{key}.id: must equal the table key {key!r}, got {item.id!r}"
        lists: dict[str, tuple[Any, ...]] = {
            "overview.benefits": self.overview.benefits,
            "tips": self.tips,
            "progression": self.progression,
            "equipment": self.equipment,
            "faq": self.faq,
            "safety": self.safety,
        }
        for path, items in lists.items():
            yield from _duplicates(path, items)
        # setup and execution steps share one id space: mistakes refer to both
        yield from _duplicates("setup", self.setup, "execution", self.execution)

        step_ids = {s.id for s in (*self.setup, *self.execution)}
        equipment_ids = {e.id for e in self.equipment}
        for path, ref, known, what in self._references(step_ids, equipment_ids):
            if ref not in known:
                yield f"{path}: unknown {what} {ref!r}; known: {', '.join(sorted(known))}"

        for key in self.levels:
            if key not in LEVEL_IDS:
                yield f"levels.{key}: unknown level; must be one of {', '.join(LEVEL_IDS)}"
        missing_levels = [lvl for lvl in LEVEL_IDS if lvl not in self.levels]
        if missing_levels:
            yield f"levels: missing level(s) {', '.join(missing_levels)}"

        for mid, mistake in self.mistakes.items():
            path = f"mistakes.{mid}"
            if mistake.observable_from and mistake.detection is None:
                yield (
                    f"{path}.detection: required because observable_from is "
                    f"{list(mistake.observable_from)}; add detection.params"
                )
            if not mistake.observable_from and mistake.detection is not None:
                yield (
                    f"{path}.detection: must be absent when observable_from is empty "
                    "(nothing can detect this mistake)"
                )
            if len(set(mistake.observable_from)) != len(mistake.observable_from):
                inputs = list(mistake.observable_from)
                yield f"{path}.observable_from: must not repeat an input, got {inputs}"

        for plugin in MISTAKES:
            mid, path = plugin.id, f"mistakes.{plugin.id}"
            found = self.mistakes.get(mid)
            if found is None:
                yield f"{path}: required mistake is missing (the analysis detects it)"
                continue
            have = found.detection.params if found.detection else {}
            yield from _required_params(f"{path}.detection.params", have, plugin.params)
            for name in have:
                if name not in plugin.params:
                    yield (
                        f"{path}.detection.params.{name}: unknown parameter; the detector "
                        f"reads {', '.join(plugin.params)}"
                    )
            for source in found.observable_from:
                if source not in plugin.inputs:
                    yield (
                        f"{path}.observable_from: the detector cannot see it from {source!r}; "
                        f"it works from {', '.join(plugin.inputs)}"
                    )
        yield from _required_params("analysis", self.analysis, REQUIRED_ANALYSIS_PARAMS)

    def _references(
        self, step_ids: set[str], equipment_ids: set[str]
    ) -> Iterable[tuple[str, str, Iterable[str], str]]:
        """Every (path, referenced id, known ids, kind) pair in the file."""
        sources, variants, mistakes = set(self.sources), set(self.variants), set(self.mistakes)
        for key, variant in self.variants.items():
            yield f"variants.{key}.source", variant.source, sources, "source"
            yield f"variants.{key}.equipment", variant.equipment, equipment_ids, "equipment"
        for key, goal in self.goals.items():
            yield f"goals.{key}.source", goal.source, sources, "source"
        for key, level in self.levels.items():
            for i, ref in enumerate(level.recommended_variants):
                yield f"levels.{key}.recommended_variants[{i}]", ref, variants, "variant"
        for key, mistake in self.mistakes.items():
            for i, ref in enumerate(mistake.related_steps):
                yield f"mistakes.{key}.related_steps[{i}]", ref, step_ids, "step"
            for i, ref in enumerate(mistake.sources):
                yield f"mistakes.{key}.sources[{i}]", ref, sources, "source"
        for group, steps in (("setup", self.setup), ("execution", self.execution)):
            for n, step in enumerate(steps):
                for i, ref in enumerate(step.variants):
                    yield f"{group}[{n}].variants[{i}]", ref, variants, "variant"
                for ref in step.variant_notes:
                    yield f"{group}[{n}].variant_notes.{ref}", ref, variants, "variant"
        for n, tip in enumerate(self.tips):
            for i, ref in enumerate(tip.related_mistakes):
                yield f"tips[{n}].related_mistakes[{i}]", ref, mistakes, "mistake"
        for n, faq in enumerate(self.faq):
            for i, ref in enumerate(faq.related_mistakes):
                yield f"faq[{n}].related_mistakes[{i}]", ref, mistakes, "mistake"
            for i, ref in enumerate(faq.related_variants):
                yield f"faq[{n}].related_variants[{i}]", ref, variants, "variant"
        listed: dict[str, tuple[Any, ...]] = {
            "overview.benefits": self.overview.benefits,
            "setup": self.setup,
            "execution": self.execution,
            "tips": self.tips,
            "progression": self.progression,
            "equipment": self.equipment,
            "faq": self.faq,
            "safety": self.safety,
        }
        for path, items in listed.items():
            for n, item in enumerate(items):
                for i, ref in enumerate(item.sources):
                    yield f"{path}[{n}].sources[{i}]", ref, sources, "source"
        for i, ref in enumerate(self.breathing.sources):
            yield f"breathing.sources[{i}]", ref, sources, "source"

    # -- lookups --------------------------------------------------------------------------

    @property
    def source(self) -> str | None:
        """The file this exercise was loaded from (None when built in memory)."""
        return self._source

    def variant(self, variant_id: str) -> Variant:
        """The variant ``variant_id``; an unknown id raises KnowledgeBaseError listing them."""
        return _lookup(self.variants, variant_id, "variant", self.id)

    def mistake(self, mistake_id: str) -> Mistake:
        """The mistake ``mistake_id``; an unknown id raises KnowledgeBaseError listing them."""
        return _lookup(self.mistakes, mistake_id, "mistake", self.id)

    def goal(self, goal_id: str) -> Goal:
        """The goal ``goal_id``; an unknown id raises KnowledgeBaseError listing them."""
        return _lookup(self.goals, goal_id, "goal", self.id)

    def level(self, level_id: str) -> Level:
        """The level ``level_id``; an unknown id raises KnowledgeBaseError listing them."""
        return _lookup(self.levels, level_id, "level", self.id)

    def section(self, section_id: str) -> SectionText:
        """Title and introduction of a guide section."""
        if section_id not in SECTION_IDS:
            raise KnowledgeBaseError(
                f"unknown section {section_id!r}; choose one of: {', '.join(SECTION_IDS)}"
            )
        return self.sections.get(section_id)

    def step(self, step_id: str) -> Step:
        """A setup or execution step by id."""
        steps = {s.id: s for s in (*self.setup, *self.execution)}
        return _lookup(steps, step_id, "step", self.id)

    def param(self, mistake_id: str, name: str) -> float:
        """The value of detection parameter ``name`` of mistake ``mistake_id``."""
        mistake = self.mistake(mistake_id)
        if mistake.detection is None:
            with_params = [m for m, v in self.mistakes.items() if v.detection is not None]
            raise KnowledgeBaseError(
                f"mistake {mistake_id!r} has no detection parameters (it is not observable); "
                f"mistakes with parameters: {', '.join(with_params)}"
            )
        params = mistake.detection.params
        if name not in params:
            raise KnowledgeBaseError(
                f"mistake {mistake_id!r} has no detection parameter {name!r}; "
                f"choose one of: {', '.join(params)}"
            )
        return params[name].value

    def analysis_param(self, name: str) -> float:
        """The value of segmentation parameter ``name`` from the ``[analysis]`` table."""
        return _lookup(self.analysis, name, "analysis parameter", self.id).value

    def detection_values(self) -> dict[str, dict[str, float]]:
        """mistake id -> parameter name -> value, for every mistake with a detector."""
        return {
            mid: {name: p.value for name, p in m.detection.params.items()}
            for mid, m in self.mistakes.items()
            if m.detection is not None
        }

    def analysis_values(self) -> dict[str, float]:
        """parameter name -> value for the ``[analysis]`` table."""
        return {name: p.value for name, p in self.analysis.items()}


def _duplicates(*groups: Any) -> Iterable[str]:
    """Yield a problem per repeated id; ``groups`` alternates path and items."""
    seen: dict[str, str] = {}
    for path, items in zip(groups[::2], groups[1::2], strict=True):
        for n, item in enumerate(items):
            where = f"{path}[{n}]"
            if item.id in seen:
                yield f"{where}.id: duplicate id {item.id!r} (already used at {seen[item.id]})"
            else:
                seen[item.id] = where


def _required_params(
    path: str, have: Mapping[str, Param], required: Mapping[str, str]
) -> Iterable[str]:
    for name, unit in required.items():
        if name not in have:
            yield f"{path}.{name}: required parameter is missing (the analysis reads it by name)"
        elif have[name].unit != unit:
            got = have[name].unit
            yield f"{path}.{name}.unit: must be {unit!r} for this parameter, got {got!r}"
