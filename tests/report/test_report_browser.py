"""A board member opens the strategy report in a real browser (Playwright on Debian's chromium)
and reads the executive summary and the 90-day action plan, in Spanish and in English."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ARTIFACTS, browser_context, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]
RUNS = (("ngo", "es"), ("saas", "en"))
WORDS = {
    "es": {"summary": "Resumen ejecutivo", "plan": "Plan de acción a 90 días",
           "situation": "La situación", "priorities": "Las tres prioridades",
           "success": "Cómo se verá el éxito", "hours": "h/semana", "owner": "Responsable",
           "followers": "seguidores",
           # a date as a Spanish reader writes it: "24 may 2027"
           "date": r"\b\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\.? \d{4}\b"},
    "en": {"summary": "Executive summary", "plan": "90-day action plan",
           "situation": "The situation", "priorities": "The three priorities",
           "success": "What success looks like", "hours": "h/week", "owner": "Owner",
           "followers": "followers",
           # a date as an English reader writes it: "May 24, 2027"
           "date": r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}\b"},
}


@pytest.fixture(scope="module")
def reports(journey_run):
    """The prefilled journey of two sample organizations, as a facilitator runs it."""
    return {(org, lang): journey_run(org, lang)[0] / "report.html" for org, lang in RUNS}


@pytest.mark.parametrize("org, lang", RUNS)
def test_board_member_reads_the_summary_and_the_action_plan(reports, browser, org, lang):
    words = WORDS[lang]
    context = browser_context(browser, locale=None)
    page = context.new_page()
    try:
        page.goto(reports[(org, lang)].as_uri())
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"report-board-{org}-{lang}.png"), full_page=False)

        summary = page.locator("section#summary")
        assert summary.locator("h2").inner_text() == words["summary"]
        # first in the report: the summary is above every stage's section
        assert summary.bounding_box()["y"] < page.locator("section#profile").bounding_box()["y"]
        headings = summary.locator("h3").all_inner_texts()
        assert headings == [words["situation"], words["priorities"], words["success"]]
        situation = summary.locator("p.situation").inner_text()
        assert words["followers"] in situation and len(re.findall(r"\.(?:\s|$)", situation)) >= 3
        priorities = summary.locator("ol.priorities > li").all_inner_texts()
        assert len(priorities) == 3 and all(len(p) > 20 for p in priorities)
        success = summary.locator("ul.success > li").all_inner_texts()
        assert success and all(re.search(words["date"], line) for line in success)
        assert not any(re.search(r"\d{4}-\d{2}-\d{2}", line) for line in success), success

        plan = page.locator("section#action_plan")
        plan.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"report-plan-{org}-{lang}.png"))
        assert plan.locator("h2").inner_text() == words["plan"]
        assert words["owner"] in plan.locator("table.plan tr").first.inner_text()
        rows = plan.locator("table.plan tr[data-kind]")
        assert rows.count() >= 5
        owners = [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())]
        assert all(o.strip() for o in owners)
        when = [rows.nth(i).locator("td").nth(0).inner_text() for i in range(rows.count())]
        assert all(re.search(words["date"], w) for w in when), when
        hours = plan.locator("table.plan tr[data-kind='network'] td.num").all_inner_texts()
        assert hours and all(words["hours"] in h for h in hours)
        body = page.locator("body").inner_text()
        for internal in ("semilla", "seed ", "escribe aquí la idea", "write the idea here",
                         "00-profile"):
            assert internal not in body, internal
    finally:
        context.close()
