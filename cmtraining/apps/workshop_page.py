"""The live crisis workshop's page (notebooks/91-crisis-workshop.ipynb): whose link is it?

The link's token picks the workshop and the seat: a team's token opens the
team's page (`workshop_team`), the facilitator's opens the console
(`workshop_console`). The server refuses an unknown token before a kernel
starts (the parameter contract); a page opened without one, or whose
workshop is gone since, says what to do instead of failing.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from cmtraining.apps.common import header
from cmtraining.apps.workshop_live import NOTEBOOK
from cmtraining.i18n import t
from cmtraining.runtime.parameters import resolve
from cmtraining.workshop.access import open_seat


def notice_page(message: str, lang: str) -> widgets.VBox:
    """A page with one explanation (no token, an unknown one), ready for a test to find."""
    box = widgets.VBox([
        header(t("app.workshop.title", lang), "", NOTEBOOK, {}, lang),
        widgets.HTML(f"<p class='cm-ws-notice cm-banner'>{html.escape(message)}</p>")])
    box.add_class("cm-workshop-notice")
    box.add_class("cm-workshop-ready")
    return box


def build_app(*, workshop_token: str = "", role: str = "", debrief_runs: int = 60,
              lang: str = "es") -> widgets.VBox:
    """The team page or the facilitator's console for this token (papermill, Voila or a test)."""
    values = resolve(NOTEBOOK, {"workshop_token": workshop_token, "role": role,
                                "debrief_runs": debrief_runs, "lang": lang})
    lang, token = values["lang"], values["workshop_token"]
    if not token:
        return notice_page(t("app.workshop.no_token", lang), lang)
    seat = open_seat(token)
    if seat is None:  # gone between the server's check and now
        return notice_page(t("app.workshop.error.token_unknown", lang), lang)
    if seat.is_facilitator:
        from cmtraining.apps.workshop_console import WorkshopConsoleApp

        return WorkshopConsoleApp(seat.workshop, token=token, lang=lang,
                                  debrief_runs=values["debrief_runs"])
    from cmtraining.apps.workshop_team import WorkshopTeamApp

    return WorkshopTeamApp(seat.workshop, seat.team_id, token=token, role=values["role"],
                           lang=lang)
