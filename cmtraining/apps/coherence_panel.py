"""The coherence findings of one stage, shown in that stage's app (issue 15, part 2).

One call per app, `coherence_panel(app, stage)`, adds a box that lists where
this stage contradicts the rest of the strategy (`evaluation.coherence`), and
redraws it after every save (it chains onto the app's `refresh`). Empty when
the strategy holds together.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from cmtraining.apps.findings_view import findings_table
from cmtraining.core.errors import CmtrainingError
from cmtraining.i18n import t


class CoherencePanel(widgets.HTML):
    def __init__(self, session, stage: str, lang: str):
        super().__init__()
        self.session, self.stage, self.lang = session, stage, lang
        self.add_class("cm-coherence")
        self.refresh()

    def refresh(self) -> None:
        from cmtraining.evaluation.coherence import for_stage

        try:
            found = for_stage(self.session.workbook, self.stage)
        except CmtrainingError as exc:  # a rule that cannot run says why, it does not break the app
            self.value = f"<div class='cm-error'>✖ {html.escape(exc.message(self.lang))}</div>"
            return
        if not found:
            self.value = ""
            return
        self.value = (f"<h3>{html.escape(t('app.coherence_panel.title.title', self.lang))}</h3>"
                      + findings_table(found, self.lang))


def coherence_panel(app, stage: str) -> CoherencePanel:
    """The panel for `app` (a StageApp with `session` and `lang`), redrawn on each save."""
    panel = CoherencePanel(app.session, stage, app.lang)
    redraw = app.refresh

    def refresh() -> None:
        redraw()
        panel.refresh()

    app.refresh = refresh
    return panel
