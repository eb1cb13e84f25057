"""The channel metrics: KPI formulas and an organization's baseline history.

Below the planning, listening and evaluation engines, which all read them.
"""
