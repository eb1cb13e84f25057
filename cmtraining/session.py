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

from cmtraining.parameters import resolve
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


def _prefill(stem: str, values: dict):
    """The facilitator's `prefill` for a stage, as a change to the workbook (or None)."""
    if not values.get("prefill"):
        return None
    from cmtraining.clock import today as today_
    from cmtraining.planning import prefill

    today, lang = today_(), values["lang"]
    if stem == "01-objectives":
        return lambda wb: prefill.prefill_objectives(wb, today=today)
    if stem == "02-audiences-networks":
        return lambda wb: prefill.prefill_audiences(wb, lang=lang)
    if stem == "00-listening":
        from cmtraining.listening.inbox import prefill_listening

        return lambda wb: prefill_listening(wb, seed=values["seed"], days=values["days"],
                                            incident=values["incident"], lang=lang)
    if stem == "05-crisis":
        from cmtraining.crisis.protocol import default_protocol

        def fill_protocol(wb):
            data = wb.model_dump()
            if not wb.crisis_protocol.levels:
                data["crisis_protocol"] = default_protocol(wb, lang).model_dump()
            return data
        return fill_protocol
    if stem == "04-response":
        from cmtraining.response.playbook import prefill_response

        return prefill_response
    if stem == "06-evaluation":  # what the evaluation reads, where it is still missing
        from cmtraining.listening.inbox import prefill_listening
        from cmtraining.response.playbook import prefill_response

        def fill_evaluation(wb):
            wb = Workbook.model_validate(prefill.prefill_objectives(wb, today=today))
            if wb.listening.summary is None:
                wb = Workbook.model_validate(prefill_listening(
                    wb, seed=values.get("seed", 1), days=28, incident=True, lang=lang))
            return prefill_response(wb)
        return fill_evaluation
    if stem == "03-content-plan":
        from cmtraining.planning.content import next_monday

        return lambda wb: prefill.prefill_content(wb, lang=lang, start=next_monday(today),
                                                  weeks=values["weeks"], seed=values["seed"])
    return None


def open_session(notebook: str, **params) -> Session:
    from cmtraining.samples.organizations import sample_workbook
    from cmtraining.workbook.store import load
    from cmtraining.workspace import workbook_path

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
    change = _prefill(session.notebook, values)
    if change is not None:
        if session.preview:  # a prepared preview: filled in memory, nothing written
            session.workbook = Workbook.model_validate(change(workbook))
        else:
            session.update(change)
    return session
