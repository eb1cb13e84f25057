"""A stage notebook's session: its checked parameters and its workbook.

The first cell after `parameters` in every stage notebook is
``session = open_session(<notebook>, workbook=..., org=..., lang=...)``.
With a `workbook` the session reads and writes that file (each edit is one
locked `update`); without one it is a read-only *preview* of the sample
organization `org`, so nothing a visitor types is silently lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cmtraining.core.stages import prefill_for
from cmtraining.runtime.parameters import resolve
from cmtraining.workbook.models import Workbook


@dataclass
class Session:
    notebook: str
    lang: str
    org: str
    workbook_id: str
    path: Path | None
    workbook: Workbook
    params: dict = field(default_factory=dict)  # every checked parameter (seed, days...)

    @property
    def preview(self) -> bool:
        return self.path is None

    def update(self, change: Callable[[Workbook], Workbook | None]) -> Workbook:
        """Apply `change` to the file on disk (locked, validated, atomic)."""
        from cmtraining.workbook.store import update

        if self.path is None:
            raise RuntimeError("preview sessions are read-only")
        self.workbook = update(self.path, change, lang=self.lang)
        return self.workbook

    def reload(self) -> Workbook:
        from cmtraining.workbook.store import load

        if self.path is not None:
            self.workbook = load(self.path, lang=self.lang)
        return self.workbook


def open_session(notebook: str, **params) -> Session:
    from cmtraining.runtime.workspace import workbook_path
    from cmtraining.samples.organizations import sample_workbook
    from cmtraining.workbook.store import load

    values = resolve(notebook, params, source="papermill")
    ref = values.get("workbook", "")
    lang = values["lang"]
    if ref:
        path = workbook_path(ref)  # a private token, an id or a path
        workbook = load(path, lang=lang)
    else:
        path = None
        workbook = sample_workbook(values["org"], lang=lang)
    session = Session(notebook=Path(notebook).stem, lang=lang, org=values["org"],
                      workbook_id=ref, path=path, workbook=workbook, params=values)
    change = prefill_for(session.notebook, values, path)
    if change is not None:
        if session.preview:  # a prepared preview: filled in memory, nothing written
            session.workbook = Workbook.model_validate(change(workbook))
        else:
            session.update(change)
    return session
