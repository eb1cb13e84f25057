"""A facilitator's prefill writes in the workbook's language (issue 19, sweep finding 5).

The sweep's English workbook showed Spanish sample text: each stage's prefill
wrote in the language of the page that ran it (and the objectives' in the
workbook's), so one workbook mixed both. Whatever page runs it, a prefill
now writes in `Workbook.lang`.
"""

from __future__ import annotations

import pytest

from cmtraining.core.stages import STAGES
from cmtraining.runtime.session import open_session
from cmtraining.runtime.workspace import create_workbook


def prefilled(trainee: str, org: str, wb_lang: str, page_lang: str):
    """A new workbook in `wb_lang` after every stage page ran its prefill in `page_lang`."""
    entry = create_workbook(trainee, org, lang=wb_lang)
    for stage in STAGES:
        params = {"workbook": entry.id, "lang": page_lang}
        if "prefill" in stage.params:
            params["prefill"] = True
        if "weeks" in stage.params:
            params["weeks"] = 2  # a calendar too
        session = open_session(stage.notebook, **params)
    return session.workbook


def texts(wb) -> dict[str, set[str]]:
    """The sample text each prefilled stage wrote, by stage."""
    return {
        "audiences": {x for p in wb.audiences
                      for x in (p.name, p.description, p.expectations, *p.needs, *p.questions)},
        "objectives": {o.audience for o in wb.objectives if o.audience},
        "pillars": {p.name for p in wb.content_plan.pillars},
        "calendar": {x for e in wb.content_plan.calendar for x in (e.format, e.idea, e.note)},
        "listening": {x for f in wb.listening.findings for x in (f.topic, f.note)},
        "crisis levels": {lv.name for lv in wb.crisis_protocol.levels},
    } if wb else {}


@pytest.mark.parametrize("org", ["cafe", "ngo"])
def test_an_english_workbook_is_prefilled_in_english_from_any_page(workspace, org):
    spanish = texts(prefilled("Ana", org, "es", "es"))
    english = texts(prefilled("Ben", org, "en", "en"))
    # the worst case: each workbook's stages prefilled from a page in the other language
    english_from_es = texts(prefilled("Carla", org, "en", "es"))
    spanish_from_en = texts(prefilled("Dani", org, "es", "en"))
    assert spanish["audiences"] and spanish["crisis levels"] and spanish["listening"]
    for stage in spanish:
        if not spanish[stage]:
            continue  # e.g. no objective measured by the listening audit, so no audience text
        neutral = spanish[stage] & english[stage]  # names that read the same in both
        only_es, only_en = spanish[stage] - neutral - {""}, english[stage] - neutral - {""}
        assert only_es and only_en, f"{stage}: nothing prefilled to compare"
        assert not english_from_es[stage] & only_es, f"{stage}: Spanish text in an English workbook"
        assert not english[stage] & only_es
        assert not spanish_from_en[stage] & only_en, f"{stage}: English text in a Spanish workbook"
        assert english_from_es[stage] == english[stage], stage
