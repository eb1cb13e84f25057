"""The Workbook: typed models, validation, persistence and the workspace."""

from cmtraining.workbook.models import SCHEMA_VERSION, Workbook
from cmtraining.workbook.store import dumps, load, loads, save, update

__all__ = ["SCHEMA_VERSION", "Workbook", "dumps", "load", "loads", "save", "update"]
