"""Stage 4 engines (community response): the reply checker.

Imported lazily so that `import cmtraining.response` stays cheap; the engine
loads the post checker and the network catalogue only when first used.
"""

from __future__ import annotations

_EXPORTS = {"check_reply": "replies", "ReplyReview": "replies", "ReplyInputError": "replies"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
