"""The live crisis workshop's pages (issue 18): the link's contract, the team page, the console.

The pages run on the engine's real store (a SQLite file in the test's
workspace); these tests click the widgets as a person would and read what
the page shows, without a browser (tests/test_browser_workshop.py has one).
"""

from __future__ import annotations

import html
import json
import re

import papermill as pm
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.core.errors import ParameterError
from cmtraining.i18n import t
from cmtraining.runtime.serve_query import check_query
from tests.conftest import ROOT

NOTEBOOK = "91-crisis-workshop"


# --- the link: checked before a kernel starts ------------------------------------------------


@pytest.mark.parametrize("token, key", [
    ("short", "app.workshop.error.token_form"),
    ("has spaces in it", "app.workshop.error.token_form"),
    ("a" * 129, "app.workshop.error.token_form"),
    ("AbCdEf0123456789_-xy", "app.workshop.error.token_unknown"),
])
def test_a_link_no_workshop_has_is_refused_with_the_packages_error(workspace, token, key):
    with pytest.raises(ParameterError) as info:
        check_query(NOTEBOOK, {"workshop_token": token, "lang": "en"})
    assert info.value.key == key
    assert info.value.message("es") and info.value.message("en")
    assert not (workspace / "workshops.sqlite").exists()  # a link never creates a database


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=st.text(max_size=200), role=st.text(max_size=50))
def test_any_link_gets_the_packages_answer_and_creates_nothing(workspace, token, role):
    try:
        values = check_query(NOTEBOOK, {"workshop_token": token, "role": role})
    except ParameterError as exc:
        assert exc.message("es") and exc.message("en")
    else:
        assert values["workshop_token"] == "" and values["role"] == role
    assert not (workspace / "workshops.sqlite").exists()


def test_jupyters_own_token_is_not_the_workshops():
    """`token` in an address is the server's password (jupyter_server reads it), never a team's."""
    values = check_query(NOTEBOOK, {"token": "server-password", "lang": "en"})
    assert values["workshop_token"] == ""


@pytest.mark.parametrize("role", ["Lead", "lead;drop", "1", "x" * 40])
def test_a_role_that_is_not_a_name_is_refused(workspace, role):
    with pytest.raises(ParameterError) as info:
        check_query(NOTEBOOK, {"role": role})
    assert info.value.key == "app.workshop.error.role_form"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_page_without_a_link_says_how_to_get_one(workspace, tmp_path, lang):
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb"), str(out),
                        parameters={"lang": lang}, progress_bar=False, cwd=str(tmp_path))
    text = out.read_text(encoding="utf-8")
    assert "cm-ws-notice" in text
    assert json.dumps(html.escape(t("app.workshop.no_token", lang)), ensure_ascii=False)[1:-1] in text
    assert "Traceback" not in text


# --- the pages on a real workshop ---------------------------------------------------------------

SCENARIO = "saas-cloud-outage"  # 15-minute turns
STATEMENT = ("Lo sentimos: los paneles no cargan desde las 9:40. Estamos en ello y actualizaremos "
             "cada 30 minutos en esta cuenta.")
REPLY = ("Hola Niamh, lo sentimos mucho: estamos revisándolo ahora mismo y te escribimos en "
         "cuanto sepamos más.")


@pytest.fixture
def workshop(workspace):
    from cmtraining.workshop import Workshop, WorkshopConfig, open_store

    store = open_store()  # the workspace's workshops.sqlite, as the server's pages open it
    w = Workshop.create(store, WorkshopConfig(scenario_id=SCENARIO, seed=7, audience_size=400,
                                              teams=3, team_names=("Rojo", "Verde", "Azul")))
    yield w
    store.close()


def page(token: str, role: str = "", lang: str = "es"):
    from cmtraining.apps.workshop_page import build_app

    return build_app(workshop_token=token, role=role, lang=lang)


def text_of(widget) -> str:
    """Everything a page shows as text (HTML values and labels), tags and all."""
    import ipywidgets as widgets

    parts = []
    if isinstance(widget, widgets.HTML):
        parts.append(html.unescape(widget.value))
    for child in getattr(widget, "children", ()):
        parts.append(text_of(child))
    return "\n".join(parts)


def test_the_token_opens_the_team_page_or_the_console(workshop):
    from cmtraining.apps.workshop_console import WorkshopConsoleApp
    from cmtraining.apps.workshop_team import WorkshopTeamApp

    tokens = workshop.tokens()
    assert isinstance(page(tokens["facilitator"]), WorkshopConsoleApp)
    team = page(tokens["t2"], lang="en")
    assert isinstance(team, WorkshopTeamApp) and team.team_id == "t2"
    shown = text_of(team)
    assert "Crisis workshop · Verde" in shown and "Waiting: the facilitator has not started" in shown
    assert "cm-workshop-ready" in team._dom_classes
    # no role yet: the page asks for one, each a link to the same team's page in that role
    assert "Your role" in shown and "Approval" in shown
    assert f"workshop_token={tokens['t2']}&amp;role=approval" in team.roles_bar.value
    assert not team.form.children


def test_a_role_this_workshop_does_not_have_is_explained(workshop):
    team = page(workshop.tokens()["t1"], role="legal", lang="en")
    assert "This workshop has no role “legal”" in text_of(team) and team.role == ""


def test_a_statement_waits_for_approval_and_two_pages_of_a_team_agree(workshop):
    tokens = workshop.tokens()
    console, lead, approver = (page(tokens["facilitator"]), page(tokens["t1"], "lead"),
                               page(tokens["t1"], "approval"))
    assert lead.send_button.disabled  # not started yet
    console.buttons["start"].click()
    assert lead.poll() and not lead.send_button.disabled
    lead.strategy.value = "apology"
    lead.text.value = STATEMENT
    lead.send_button.click()
    assert "Enviado: comunicado" in lead.status.value and lead.text.value == ""
    assert STATEMENT in html.unescape(lead.pending.value)
    assert STATEMENT not in html.unescape(lead.timeline.value)  # not published yet
    assert approver.poll()  # what a live refresh does every few seconds
    [_, item] = approver.queue.children
    assert STATEMENT in html.unescape(item.children[0].value)
    item.children[1].children[0].click()  # approve
    assert "Aprobado y publicado" in approver.status.value
    assert "No hay nada esperando aprobación" in text_of(approver.queue)
    lead.poll()
    console.poll()
    assert STATEMENT in html.unescape(lead.timeline.value)
    assert "Nada todavía" not in lead.pending.value and STATEMENT not in lead.pending.value
    published = html.unescape(console.published.value)
    assert "Rojo" in published and STATEMENT in published
    assert STATEMENT in html.unescape(console.teams.value)


def test_replies_are_published_at_once_and_only_in_their_teams_timeline(workshop):
    tokens = workshop.tokens()
    console, replies = page(tokens["facilitator"]), page(tokens["t2"], "replies")
    console.buttons["start"].click()
    replies.poll()
    assert [value for _, value in replies.reply_to.options] == ["opening"]
    assert replies.reply_to.value == "opening"  # the latest post is chosen, never none
    replies.kind.value = "reply"
    replies.text.value = REPLY
    replies.send_button.click()
    assert REPLY in html.unescape(replies.timeline.value)
    others = page(tokens["t3"], "monitoring")
    assert REPLY not in html.unescape(others.timeline.value)
    console.poll()
    assert "Verde" in console.published.value and REPLY in html.unescape(console.published.value)


def test_an_inject_to_one_team_reaches_only_that_team(workshop):
    tokens = workshop.tokens()
    console = page(tokens["facilitator"], lang="en")
    console.buttons["start"].click()
    console.inject_to.value = "t3"
    console.inject_text.value = "A leaked memo says the outage was known on Monday."
    console.inject_send.click()
    assert "Inject pushed to Azul" in console.status.value
    console.inject_kind.value = "journalist"
    console.inject_to.value = ""  # every team
    console.inject_send.click()
    assert "all teams" in console.status.value
    azul, verde = page(tokens["t3"], "monitoring", "en"), page(tokens["t2"], "monitoring", "en")
    assert "known on Monday" in html.unescape(azul.inbox.value)
    assert "known on Monday" not in html.unescape(verde.inbox.value)
    assert "a journalist asks" in verde.inbox.value and "a journalist asks" in azul.inbox.value


def test_a_pause_closes_the_forms_and_says_who_paused(workshop):
    tokens = workshop.tokens()
    console, lead = page(tokens["facilitator"], lang="en"), page(tokens["t1"], "lead", "en")
    console.buttons["start"].click()
    console.buttons["pause"].click()
    assert console.buttons["resume"].disabled is False and console.buttons["pause"].disabled
    assert console.buttons["advance"].disabled
    lead.poll()
    assert "Paused by the facilitator." in lead.state.value
    assert lead.send_button.disabled and lead.text.disabled
    console.buttons["resume"].click()
    lead.poll()
    assert "Running." in lead.state.value and not lead.send_button.disabled


def test_the_clock_moves_and_the_timeline_only_grows(workshop):
    tokens = workshop.tokens()
    console, monitor = page(tokens["facilitator"]), page(tokens["t1"], "monitoring")
    console.buttons["start"].click()
    seen = []
    for turn in (1, 2, 3):
        console.buttons["advance"].click()
        monitor.poll()
        assert f"data-turn='{turn}'" in monitor.clock.value
        assert f"data-minute='{15 * turn}'" in monitor.clock.value
        items = re.findall(r"<(?:blockquote|p class='cm-ws-arrivals).*?</(?:blockquote|p)>",
                           monitor.timeline.value)
        assert items[:len(seen)] == seen  # earlier items stay, in their place
        seen = items
    assert len(seen) > 1
    # the public's messages are in the inbox, whole; the timeline counts them per minute
    inbox_texts = re.findall(r"<blockquote class='cm-ws-(?:opening|message)'.*?<br>(.*?)"
                             r"</blockquote>", monitor.inbox.value)
    assert inbox_texts and not any(text in monitor.timeline.value for text in inbox_texts)
    assert "cm-ws-arrivals" in monitor.timeline.value
    assert monitor.view.curve and bytes(monitor.chart.value).startswith(b"\x89PNG")
    assert bytes(console.chart.value).startswith(b"\x89PNG")


def test_a_page_opened_again_shows_where_the_team_was(workshop):
    """A server restart: every Python object gone, the pages rebuilt from the store."""
    import gc

    from cmtraining.workshop.access import _store, configured_store  # noqa: PLC2701

    tokens = workshop.tokens()
    console, lead = page(tokens["facilitator"]), page(tokens["t1"], "lead")
    console.buttons["start"].click()
    lead.poll()
    lead.text.value = STATEMENT
    lead.send_button.click()
    console.buttons["advance"].click()
    console.buttons["pause"].click()
    lead.poll()
    before = (lead.state.value, lead.clock.value, lead.pending.value, lead.timeline.value,
              console.published.value, console.teams.value)
    configured_store().close()  # the pages' database connections, as when the server stops
    workshop.store.close()
    _store.cache_clear()
    del console, lead
    gc.collect()
    console, lead = page(tokens["facilitator"]), page(tokens["t1"], "lead")
    assert (lead.state.value, lead.clock.value, lead.pending.value, lead.timeline.value,
            console.published.value, console.teams.value) == before
    assert "data-status='paused'" in before[0] and STATEMENT in html.unescape(before[2])


def test_the_live_refresh_redraws_a_page_when_the_store_changes(workshop):
    """The kernel-side timer: another page's change shows without a click."""
    import asyncio

    tokens = workshop.tokens()
    lead = page(tokens["t1"], "lead")

    async def scenario():
        assert lead.live.start()  # in a running loop, as in a page's kernel
        lead.live.interval = 0.05
        workshop.start()  # the facilitator, from another page
        for _ in range(200):
            await asyncio.sleep(0.05)
            if "data-status='running'" in lead.state.value:
                break
        lead.live.stop()

    asyncio.run(scenario())
    assert "data-status='running'" in lead.state.value


def test_a_real_time_turn_moves_when_its_time_is_up(workspace, monkeypatch):
    from cmtraining.workshop import Workshop, WorkshopConfig, open_store

    store = open_store()
    w = Workshop.create(store, WorkshopConfig(scenario_id=SCENARIO, seed=3, audience_size=400,
                                              teams=2, real_seconds_per_turn=60))
    console, team = page(w.tokens()["facilitator"], lang="en"), page(w.tokens()["t2"], "lead", "en")
    assert console.buttons["advance"].layout.display == "none"  # the clock advances, not a click
    console.buttons["start"].click()
    team.poll()
    assert "s left in this turn" in team.countdown.value
    monkeypatch.setattr(team.workshop, "seconds_left", lambda: 0.0)  # a minute later
    team.poll()  # a live refresh moves the clock: no one needs to click
    assert "data-turn='1'" in team.clock.value
    console.poll()
    assert "data-turn='1'" in console.clock.value
    store.close()


def test_the_debrief_ranks_the_teams_and_offers_every_report(workshop):
    import base64

    tokens = workshop.tokens()
    console = page(tokens["facilitator"], lang="en")
    console.debrief_runs = 10
    console.buttons["start"].click()
    lead, approver = page(tokens["t1"], "lead", "en"), page(tokens["t1"], "approval", "en")
    lead.strategy.value = "apology"
    lead.text.value = STATEMENT
    lead.send_button.click()
    approver.poll()
    approver.queue.children[1].children[1].children[0].click()
    console.buttons["advance"].click()
    console.show_debrief()  # before the end: it says when
    assert "once the workshop has ended" in console.status.value and not console.debrief.value
    assert console.debrief_button.disabled
    # the greyed-out button says why beside it (the sweep found it silent)
    assert console.debrief_note.layout.display is None
    assert "once the workshop has ended" in console.debrief_note.value
    console.buttons["end"].click()
    assert not console.debrief_button.disabled and console.debrief_note.layout.display == "none"
    console.debrief_button.click()
    shown = html.unescape(console.debrief.value)
    ranks = re.findall(r"data-team='(t\d)' data-rank='(\d)'", console.debrief.value)
    assert sorted(rank for _, rank in ranks) == ["1", "2", "2"]  # t2 and t3 did nothing: a tie
    assert {team for team, _ in ranks} == {"t1", "t2", "t3"}
    for component in ("timing", "fit", "consistency", "quality", "outcome"):  # column titles
        label = t(f"crisis.score.component.{component}", "en")
        assert f"<th class='cm-num'>{label[:1].upper()}{label[1:]}</th>" in shown
    assert shown.count("<li data-team=") == 3  # a bend minute (or "never") per team
    assert "did differently" in shown and "class='cm-ws-best'><li>" in console.debrief.value
    assert console.debrief.value.count("class='cm-ws-cf'") == 3
    reports = re.findall(r"download='([^']+)' href='data:text/markdown;charset=utf-8;base64,"
                         r"([^']+)'", console.debrief.value)
    assert len(reports) == 4  # the workshop's and one per team
    texts = {name: base64.b64decode(data).decode("utf-8") for name, data in reports}
    workshop_report = next(v for k, v in texts.items() if k.count("-") == 2)
    assert all(team in workshop_report for team in ("Rojo", "Verde", "Azul"))
    assert any(STATEMENT in text for text in texts.values())


# --- the server comes back where the pages look for it ------------------------------------------


def test_a_server_restarted_at_once_gets_its_port_back_and_a_busy_one_is_refused():
    """The stopped server's connections wait in TIME_WAIT: its port is free for the new one."""
    import socket

    from cmtraining.runtime.serve import free_port

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tornado listens
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    assert free_port("127.0.0.1", port) != port  # a server is listening there
    client = socket.create_connection(("127.0.0.1", port))
    served, _ = listener.accept()
    served.close()  # the server closes first: its side of the connection waits in TIME_WAIT
    client.close()
    listener.close()
    assert free_port("127.0.0.1", port) == port


def test_a_stale_page_gets_the_engines_message_not_a_traceback(workshop):
    """Two approvers see the same draft; the second click is told it is no longer waiting."""
    tokens = workshop.tokens()
    workshop.start()
    lead = page(tokens["t1"], "lead", "en")
    lead.text.value = STATEMENT
    lead.send_button.click()
    first, second = page(tokens["t1"], "approval", "en"), page(tokens["t1"], "approval", "en")
    first.queue.children[1].children[1].children[0].click()
    second.queue.children[1].children[1].children[0].click()  # its page has not refreshed yet
    assert "cm-error" in second.status.value
    assert "is not waiting for approval" in html.unescape(second.status.value)
    assert "No hay" not in second.status.value and "Traceback" not in second.status.value


def test_the_approver_can_send_a_statement_back(workshop):
    tokens = workshop.tokens()
    workshop.start()
    lead, approver = page(tokens["t1"], "lead", "en"), page(tokens["t1"], "approval", "en")
    lead.strategy.value = "denial"
    lead.text.value = "Nothing happened: the dashboards work for everyone."
    lead.send_button.click()
    approver.poll()
    approver.queue.children[1].children[1].children[1].click()  # send back
    assert "Sent back" in approver.status.value
    assert "Nothing is waiting for approval" in text_of(approver.queue)
    lead.poll()
    assert "dashboards work" not in html.unescape(lead.timeline.value)
    assert "dashboards work" not in html.unescape(lead.pending.value)


# --- words the sweep found confusing ----------------------------------------------------------

@pytest.mark.parametrize("lang", ["es", "en"])
def test_each_role_is_named_and_described_by_what_the_code_lets_it_do(workshop, lang):
    """The statements role drafts and Approval approves (a Spanish reader took "Dirección" for
    the approver); when what a role writes is published follows the workshop's protocol."""
    from dataclasses import replace

    from cmtraining.apps.workshop_team import role_does
    from cmtraining.workshop.models import ROLE_ACTIONS

    assert ROLE_ACTIONS["approval"] == () and "statement" in ROLE_ACTIONS["lead"]
    assert t("app.workshop.role.lead", lang) == {"es": "Comunicados", "en": "Statements"}[lang]
    lead = role_does(workshop, "lead", lang)
    assert t("app.workshop.role_publish.statements_approved", lang) in lead
    assert t("app.workshop.role_publish.replies_at_once", lang) in role_does(workshop, "replies",
                                                                             lang)
    approval = role_does(workshop, "approval", lang)
    assert ("Apruebas" if lang == "es" else "You approve") in approval
    workshop.config = replace(workshop.config, replies_need_approval=True)
    assert t("app.workshop.role_publish.replies_approved", lang) in role_does(
        workshop, "replies", lang)
    shown = text_of(page(workshop.tokens()["t1"], "lead", lang))
    assert lead in shown


@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_injects_heading_agrees_with_its_text_and_posts_name_the_organization(workshop,
                                                                                  lang):
    tokens = workshop.tokens()
    console = page(tokens["facilitator"], lang=lang)
    console.buttons["start"].click()
    console.inject_kind.value = "journalist"
    console.inject_send.click()
    inbox = html.unescape(page(tokens["t1"], "monitoring", lang).inbox.value)
    if lang == "es":
        assert "pregunta una periodista" in inbox and "Una periodista escribe" in inbox
        assert "pregunta un periodista" not in inbox
    assert "la organización" not in inbox and "the organization" not in inbox.lower()
    assert "Tallyfold" in inbox  # the scenario's organization, as its posts' @tallyfold


def test_the_workshop_pages_keep_inside_the_stage_pages_column(workshop):
    """The chart, the incident's text area and the teams' columns ran past the content
    column (1100 px against 980): the pages take the stages' column, widths of 100 %
    count their border and padding, and text areas fill the column within their margins."""
    from cmtraining.apps.field_errors import COLUMN
    from cmtraining.apps.workshop_live import LINK_STYLE

    tokens = workshop.tokens()
    console, team = page(tokens["facilitator"], lang="en"), page(tokens["t1"], "lead", "en")
    for app in (console, team):
        assert app.layout.max_width == COLUMN and app.chart.layout.max_width == "100%"
    assert "box-sizing:border-box" in LINK_STYLE and "textarea" in LINK_STYLE
    assert LINK_STYLE in console.links.value and LINK_STYLE in team.roles_bar.value
    assert "flex-wrap:wrap" in console.teams.value  # six teams wrap instead of running on
    # a width of 100 % plus the widget's own 2 px margins cut off the incident's text area's
    # right border: the text areas (and the wide dropdown, the debrief) stretch to the column
    for wide in (console.inject_text, console.debrief, team.text, team.reply_to):
        assert wide.layout.width == "auto"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_two_teams_with_the_same_curve_are_both_visible_on_the_chart(lang):
    from cmtraining.apps.workshop_charts import reach_figure

    same = ([0, 5, 10], [60.0, 108.0, 161.0])
    fig = reach_figure({"Rojo": same, "Verde": same, "Azul": ([0, 5, 10], [60, 90, 100])},
                       lang, 300, title="")
    lines = fig.axes[0].get_lines()
    assert lines[0].get_linewidth() > lines[1].get_linewidth()  # the earlier one shows around
    assert lines[0].get_marker() != lines[1].get_marker()
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    assert labels == ["Rojo", t("app.workshop.chart_same", lang, team="Verde", other="Rojo"),
                      "Azul"]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_charts_axis_says_who_it_counts_in_plain_words(lang):
    """«cuentas alcanzadas por lo negativo» was awkward Spanish: the axis says the accounts
    that have seen negative posts."""
    from cmtraining.apps.workshop_charts import reach_figure

    fig = reach_figure({"Rojo": ([0, 5], [60.0, 108.0])}, lang, 300, title="")
    assert fig.axes[0].get_ylabel() == {
        "es": "cuentas que vieron lo negativo",
        "en": "accounts that saw negative posts"}[lang]


# what a role's description starts with, addressed to the trainee (tú / you)
YOU = {"es": ("Redactas", "Respondes", "Apruebas", "Vigilas"),
       "en": ("You draft", "You answer", "You approve", "You watch")}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_role_is_described_to_the_trainee_as_tu(workshop, lang):
    """«Tu papel: Comunicados · Redacta … y puede escalar» mixed tú and a third person: each
    role's description, on the chooser and on the role's own page, speaks to the trainee."""
    tokens = workshop.tokens()
    chooser = html.unescape(page(tokens["t1"], lang=lang).roles_bar.value)
    for role, start in zip(("lead", "replies", "approval", "monitoring"), YOU[lang], strict=True):
        mine = html.unescape(page(tokens["t1"], role, lang).roles_bar.value)
        does = re.search(r"class='cm-muted'>([^<]*)</span><br>", mine)[1]
        assert does.startswith(start) and f"· <span class='cm-muted'>{does}</span>" in chooser
        if lang == "es":  # no third person about the trainee's own role
            assert not re.search(r"\b(puede|Redacta|Responde|Aprueba|Vigila|avisa|redacta|"
                                 r"aprueba)\b", t(f"app.workshop.role_does.{role}", lang))
        else:
            assert not re.search(r"\b(it|Drafts|Answers|Approves|Watches)\b",
                                 t(f"app.workshop.role_does.{role}", lang))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_console_says_what_each_control_did_as_a_sentence(workshop, lang):
    """«Hecho: Puesta en común con la sala.» put a capital after a colon (and «Hecho:
    Empezar.» a verb): each control says what happened, a sentence of its own."""
    console = page(workshop.tokens()["facilitator"], lang=lang)
    for name in ("start", "pause", "resume", "end"):
        console.buttons[name].click()
        said = html.unescape(console.status.value)
        assert t(f"app.workshop.done.{name}", lang) in said and ": " not in said
    console.debrief_runs = 4
    console.debrief_button.click()
    said = html.unescape(console.status.value)
    assert t("app.workshop.done.debrief", lang) in said and "Hecho:" not in said
    assert "cm-ws-ranking" in console.debrief.value
