"""Exercises and cohort grading (issue 9).

Imported lazily, like the other engines, so that `import cmtraining.grading`
stays cheap for the CLI; each name is loaded from its module on first use.
"""

from __future__ import annotations

_EXPORTS = {
    "Exercise": "exercise", "ExerciseError": "exercise", "load_exercise": "exercise",
    "list_exercises": "exercise", "load_checks": "exercise", "exercises_dir": "exercise",
    "release": "release", "reference": "release",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
