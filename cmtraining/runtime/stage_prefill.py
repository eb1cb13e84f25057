"""Each stage's prefill: what a facilitator preparing a course gets filled in.

Registered per stage in `cmtraining.core.stages` (`Stage.prefill`); each function
takes the notebook's checked parameters and the workbook's file (None for a
preview) and returns a change for `Session.update` (workbook -> data).
What a prefill writes (personas, pillars, level names, findings) is in the
workbook's language (`Workbook.lang`), whatever the language of the page
that runs it: an English workbook opened in Spanish gets English content,
and one workbook never mixes the two.
The listening audit reads the organization's adapted sentiment model when
one lives beside the workbook (`cmtraining.listening.adapt`), as its app does.
"""

from __future__ import annotations

from pathlib import Path


def _today():
    from cmtraining.core.clock import today

    return today()


def _adapted(path: Path | None):
    from cmtraining.listening.adapt import load_adapted

    return load_adapted(path)


def objectives(values: dict, path: Path | None):
    from cmtraining.planning import prefill

    today = _today()
    return lambda wb: prefill.prefill_objectives(wb, today=today)


def audiences(values: dict, path: Path | None):
    from cmtraining.planning import prefill

    return lambda wb: prefill.prefill_audiences(wb, lang=wb.lang)


def listening(values: dict, path: Path | None):
    from cmtraining.listening.inbox import prefill_listening

    backend = _adapted(path)
    return lambda wb: prefill_listening(wb, seed=values["seed"], days=values["days"],
                                        incident=values["incident"], lang=wb.lang,
                                        backend=backend)


def crisis(values: dict, path: Path | None):
    from cmtraining.crisis.protocol import default_protocol

    def fill_protocol(wb):
        data = wb.model_dump()
        if not wb.crisis_protocol.levels:
            data["crisis_protocol"] = default_protocol(wb, wb.lang).model_dump()
        return data
    return fill_protocol


def response(values: dict, path: Path | None):
    from cmtraining.response.playbook import prefill_response

    return prefill_response


def evaluation(values: dict, path: Path | None):
    """What the evaluation reads, where it is still missing."""
    from cmtraining.listening.inbox import prefill_listening
    from cmtraining.planning import prefill
    from cmtraining.response.playbook import prefill_response
    from cmtraining.workbook.models import Workbook

    today = _today()

    def fill_evaluation(wb):
        wb = Workbook.model_validate(prefill.prefill_objectives(wb, today=today))
        if wb.listening.summary is None:
            wb = Workbook.model_validate(prefill_listening(
                wb, seed=values.get("seed", 1), days=28, incident=True, lang=wb.lang,
                backend=_adapted(path)))
        return prefill_response(wb)
    return fill_evaluation


def content(values: dict, path: Path | None):
    from cmtraining.planning import prefill
    from cmtraining.planning.content import next_monday

    today = _today()
    return lambda wb: prefill.prefill_content(wb, lang=wb.lang, start=next_monday(today),
                                              weeks=values["weeks"], seed=values["seed"])
