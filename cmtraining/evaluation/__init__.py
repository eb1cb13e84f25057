"""Evaluation engine: KPI formulas (each defined once, with its source)."""
