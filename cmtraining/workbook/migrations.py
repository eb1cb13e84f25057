"""Schema versions and the hook that upgrades old workbooks on load.

A change to the Workbook schema bumps `SCHEMA_VERSION` in `models.py` and
registers one function here that turns a version-N mapping into version
N+1. Loading applies them in order; a file from a *newer* cmtraining is
refused with a clear error instead of being silently mangled.
"""

from __future__ import annotations

from collections.abc import Callable

from cmtraining.core.errors import SchemaVersionError
from cmtraining.workbook.models import SCHEMA_VERSION

Migration = Callable[[dict], dict]



def _v1_to_v2(data: dict) -> dict:
    """v2 gave listening and the response playbook room to grow.

    `listening` was a list of findings and becomes `{findings: [...]}`;
    `response_playbook` was a list of rules with one `template` and becomes
    `{rules: [...]}` with `templates` per language (the old text is kept
    under the workbook's language).
    """
    listening = data.get("listening")
    if isinstance(listening, list):
        data["listening"] = {"findings": listening}
    playbook = data.get("response_playbook")
    if isinstance(playbook, list):
        lang = data.get("lang") if data.get("lang") in ("es", "en") else "es"
        rules = []
        for rule in playbook:
            if isinstance(rule, dict) and "template" in rule:
                rule = dict(rule)
                text = rule.pop("template")
                rule["templates"] = {lang: text} if text else {}
            rules.append(rule)
        data["response_playbook"] = {"rules": rules}
    return data


#: version N -> function returning the same data as version N+1
MIGRATIONS: dict[int, Migration] = {1: _v1_to_v2}


def migrate(data: dict, *, source: str = "", current: int = SCHEMA_VERSION) -> dict:
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SchemaVersionError(
            "core.error.schema_missing", source=source, value=version, current=current
        )
    if version > current:
        raise SchemaVersionError(source=source, value=version, current=current)
    while version < current:
        step = MIGRATIONS.get(version)
        if step is None:
            raise SchemaVersionError(
                "core.error.schema_no_migration", source=source, value=version, current=current
            )
        data = step(dict(data))
        version += 1
        data["schema_version"] = version
    return data
