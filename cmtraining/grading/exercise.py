"""Authored exercises: the `exercise.yaml` model, loading, and the hidden checks.

An exercise is a folder `exercises/<id>/` holding `exercise.yaml`, the master
notebooks `master-es.ipynb` and `master-en.ipynb`, and `checks.py` (the
hidden checks, never released). This module is the stable API the grader
relies on:

    load_exercise(path_or_id) -> Exercise
    list_exercises() -> tuple[str, ...]
    load_checks(exercise) -> {check_id: check_<id>(answers, lang) -> (fraction, message)}

The model is strict (unknown fields are refused) so that a typo in a rubric
is caught when the facilitator releases, not discovered in a cohort's grades.
Every problem is an `ExerciseError` that names the file and the field.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from pydantic import Field, PrivateAttr, ValidationError, model_validator

from cmtraining.core.errors import CmtrainingError
from cmtraining.core.models import Bilingual, FrozenModel
from cmtraining.core.paths import PROJECT_ROOT
from cmtraining.core.stages import stage_keys

STAGES = stage_keys()  # an exercise's `stage:` is a registered stage's key
EXERCISE_FILE = "exercise.yaml"
CHECKS_FILE = "checks.py"
ENV = "CMTRAINING_EXERCISES"
_IDENT = r"^[a-z][a-z0-9_]{0,63}$"  # a check id becomes part of a Python function name
_SLUG = r"^[a-z0-9][a-z0-9-]{0,63}$"

Check = Callable[[dict, str], tuple[float, str]]


class ExerciseError(CmtrainingError):
    """An exercise folder, file or field that cannot be used."""

    key = "grading.exercises.error.generic"


Title = Bilingual[Annotated[str, Field(min_length=3, max_length=200)]]


class CheckSpec(FrozenModel):
    id: Annotated[str, Field(pattern=_IDENT)]
    points: Annotated[float, Field(gt=0, le=100)]
    title: Title
    timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 10


class Exercise(FrozenModel):
    id: Annotated[str, Field(pattern=_SLUG)]
    version: Annotated[int, Field(ge=1)]
    title: Title
    stage: Annotated[str, Field(pattern="^(" + "|".join(STAGES) + ")$")]
    answers: list[Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]] = Field(min_length=1)
    timeout_seconds: Annotated[float, Field(gt=0, le=3600)] = 120
    memory_mb: Annotated[int, Field(ge=64, le=65536)] = 1024
    disk_mb: Annotated[int, Field(ge=8, le=4096)] = 64  # the sandbox's scratch folder (tmpfs)
    checks: list[CheckSpec] = Field(min_length=1)
    _folder: Path = PrivateAttr(default=Path("."))

    @model_validator(mode="after")
    def _unique(self):
        for name, values in (("checks", [c.id for c in self.checks]), ("answers", self.answers)):
            seen = set()
            for value in values:
                if value in seen:
                    raise ValueError(f"{name}: {value!r} appears twice")
                seen.add(value)
        return self

    @property
    def folder(self) -> Path:
        """The exercise's folder (where exercise.yaml, the masters and checks.py live)."""
        return self._folder

    @property
    def points(self) -> float:
        return sum(c.points for c in self.checks)

    def master(self, lang: str) -> Path:
        return self.folder / f"master-{lang}.ipynb"

    def check(self, check_id: str) -> CheckSpec:
        for spec in self.checks:
            if spec.id == check_id:
                return spec
        raise KeyError(check_id)


def exercises_dir() -> Path:
    """`exercises/` beside the package (override: CMTRAINING_EXERCISES)."""
    return Path(os.environ.get(ENV) or PROJECT_ROOT / "exercises")


def list_exercises() -> tuple[str, ...]:
    """Ids of the exercises in `exercises_dir()`, sorted."""
    root = exercises_dir()
    return tuple(sorted(p.parent.name for p in root.glob(f"*/{EXERCISE_FILE}")))


def _folder_of(path_or_id: str | Path) -> Path:
    text = str(path_or_id)
    candidate = Path(text)
    if candidate.name == EXERCISE_FILE:
        return candidate.parent
    if candidate.is_dir() and (candidate / EXERCISE_FILE).exists():
        return candidate
    if re.fullmatch(_SLUG, text) and (exercises_dir() / text / EXERCISE_FILE).exists():
        return exercises_dir() / text
    raise ExerciseError("grading.exercises.error.unknown", value=text,
                        allowed=", ".join(list_exercises()) or "—")


def load_exercise(path_or_id: str | Path) -> Exercise:
    """The validated exercise, from an id (under `exercises_dir()`), a folder or its yaml."""
    import yaml

    from cmtraining.core.yamlio import load_yaml

    folder = _folder_of(path_or_id)
    path = folder / EXERCISE_FILE
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ExerciseError("grading.exercises.error.unreadable", source=str(path), reason=str(exc)) from None
    except yaml.YAMLError as exc:
        raise ExerciseError("grading.exercises.error.yaml", source=str(path),
                            reason=str(exc).splitlines()[0]) from None
    if not isinstance(data, dict):
        raise ExerciseError("grading.exercises.error.not_mapping", source=str(path))
    try:
        exercise = Exercise.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "/"
        raise ExerciseError("grading.exercises.error.field", source=str(path), field=field,
                            detail=first.get("msg", ""), count=exc.error_count()) from None
    if exercise.id != folder.name:
        raise ExerciseError("grading.exercises.error.id_mismatch", source=str(path), field="id",
                            value=exercise.id, expected=folder.name)
    exercise._folder = folder.resolve()
    return exercise


def load_checks(exercise: Exercise) -> dict[str, Check]:
    """{check id: function} from the exercise's checks.py, one per declared check.

    The module is imported from its path under a private name, so two
    exercises' checks never collide in `sys.modules` and a grader can load
    them in any process.
    """
    path = exercise.folder / CHECKS_FILE
    if not path.exists():
        raise ExerciseError("grading.exercises.error.no_checks", source=str(path))
    name = f"_cmtraining_checks_{exercise.id.replace('-', '_')}_v{exercise.version}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ExerciseError("grading.exercises.error.no_checks", source=str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - any import failure is the author's to fix
        sys.modules.pop(name, None)
        raise ExerciseError("grading.exercises.error.checks_import", source=str(path),
                            reason=f"{type(exc).__name__}: {exc}") from None
    out: dict[str, Check] = {}
    for check in exercise.checks:
        func = getattr(module, f"check_{check.id}", None)
        if not callable(func):
            raise ExerciseError("grading.exercises.error.check_missing", source=str(path),
                                field=f"checks.{check.id}", function=f"check_{check.id}")
        out[check.id] = func
    declared = {f"check_{c.id}" for c in exercise.checks}
    extra = sorted(n for n in vars(module) if n.startswith("check_") and n not in declared
                   and callable(getattr(module, n)))
    if extra:
        raise ExerciseError("grading.exercises.error.check_undeclared", source=str(path),
                            function=", ".join(extra))
    return out
