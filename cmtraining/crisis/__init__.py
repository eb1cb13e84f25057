"""The crisis simulation's engine: audience graphs, SIR / independent cascade, the crisis model.

Pure, seeded and widget-free. Importing this package is cheap: every name is
resolved lazily from `_EXPORTS` (name -> module), so numpy, scipy and pandas
load only when a simulation is asked for. Add a line to `_EXPORTS` to export
a new name.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "CrisisEngineError": "graphs",
    "barabasi_albert": "graphs",
    "small_world": "graphs",
    "powerlaw_cluster": "graphs",
    "stochastic_block": "graphs",
    "audience": "graphs",
    "to_adjacency": "graphs",
    "simulate_sir": "diffusion",
    "simulate_ic": "diffusion",
    "Action": "public",
    "Response": "public",
    "ScenarioParams": "public",
    "CrisisOutcome": "public",
    "CrisisGraphWarning": "public",
    "simulate_crisis": "public",
    "simulate_crisis_batch": "public",
    "summarize": "public",
    "compare": "public",
    "EFFECTS": "effects",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
