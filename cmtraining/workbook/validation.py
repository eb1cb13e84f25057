"""Turn pydantic's errors into the package's own, in the user's language.

Each pydantic error becomes a `Problem`: the field path a person can find in
the YAML (``objectives[0].target``) and a catalogue key that says what to do.
"""

from __future__ import annotations

import reprlib
from typing import Any

from pydantic import ValidationError

from cmtraining.core.errors import Problem, WorkbookValidationError
from cmtraining.i18n import catalogue

# pydantic error types that share one message
_ALIASES = {
    "int_type": "number", "int_parsing": "number", "int_from_float": "integer",
    "float_type": "number", "float_parsing": "number", "finite_number": "number",
    "bool_type": "boolean", "bool_parsing": "boolean",
    "date_type": "date", "date_parsing": "date", "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date", "datetime_type": "datetime",
    "datetime_parsing": "datetime", "datetime_from_date_parsing": "datetime",
    "string_type": "text", "list_type": "list", "tuple_type": "list",
    "dict_type": "mapping", "model_type": "mapping", "model_attributes_type": "mapping",
    "enum": "literal_error", "too_long": "too_long", "too_short": "too_short",
}


def path_of(loc: tuple[Any, ...], field: str = "") -> str:
    """``('objectives', 0, 'target')`` -> ``objectives[0].target``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.startswith(("function-after", "literal[", "nullable")):
            continue  # pydantic's internal validator names, meaningless to a user
        else:
            out += f".{part}" if out else str(part)
    if field:
        if field.startswith("["):
            out += field
        else:
            out = f"{out}.{field}" if out else field
    return out


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 2, 60, 60, 40
_REPR.maxdict = _REPR.maxlist = _REPR.maxtuple = _REPR.maxset = 4


def _show(value: Any) -> str:
    """At most 60 characters of `value`, without ever rendering all of a huge value."""
    text = value[:61] if isinstance(value, str) else _REPR.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def problem_from(error: dict) -> Problem:
    kind = error["type"]
    ctx = dict(error.get("ctx") or {})
    field = ctx.pop("field", "")
    if kind.startswith("cm_"):
        kind = kind[3:]
    kind = _ALIASES.get(kind, kind)
    # a value that shows itself (a percentage, a number) is kept for the reader's language
    params = {k: _show(v) if k == "value" and not hasattr(v, "render") else v
              for k, v in ctx.items()}
    params.setdefault("value", _show(error.get("input")))
    if "expected" in params:
        params["expected"] = str(params["expected"]).replace("'", "")
    key = f"workbook.field.{kind}"
    if key not in catalogue("en"):
        key = "workbook.field.generic"
        params["detail"] = error.get("msg", kind)
    return Problem(path=path_of(tuple(error.get("loc", ())), field), key=key, params=params)


def problems_from(exc: ValidationError) -> list[Problem]:
    return [problem_from(e) for e in exc.errors(include_url=False)]


def validate_model(model_cls, data: Any, *, source: str = "", lang: str | None = None):
    """Validate `data` as `model_cls`, raising `WorkbookValidationError`."""
    try:
        return model_cls.model_validate(data)
    except ValidationError as exc:
        raise WorkbookValidationError(problems_from(exc), source=source, lang=lang) from None


def check_references(workbook, *, source: str = "", lang: str | None = None):
    """Refuse names that point at nothing: an `org_id` that is not a sample organization.

    The schema accepts any short text there, but the stages load the sample's
    data by that id, so a typo would fail later, far from its cause.
    """
    org_id = getattr(workbook, "org_id", "")
    if org_id:
        from cmtraining.core.paths import organization_ids

        allowed = organization_ids()
        if org_id not in allowed:
            problem = Problem(path="org_id", key="workbook.field.literal_error",
                              params={"value": _show(org_id), "expected": ", ".join(allowed)})
            raise WorkbookValidationError([problem], source=source, lang=lang)
    return workbook
