"""Stage 5 app: the crisis protocol editor, then the live exercise with its debrief.

The two halves are their own modules (`crisis_protocol.ProtocolEditor`,
`crisis_player.ExercisePlayer`); this app puts them on one page under the
stage header and the coherence panel, and owns the saving and the status line.
"""

from __future__ import annotations

import ipywidgets as widgets

from cmtraining.apps.coherence_panel import coherence_panel
from cmtraining.apps.common import StageApp, Status, heading, mark_ready, stage_header
from cmtraining.apps.crisis_player import ExercisePlayer
from cmtraining.apps.crisis_protocol import ProtocolEditor
from cmtraining.apps.field_errors import COLUMN, FieldErrorsMixin
from cmtraining.runtime.session import Session


class CrisisApp(FieldErrorsMixin, StageApp):
    """Named parts: `protocol` (the editor), `player` (the exercise), `status`."""

    def __init__(self, session: Session, *, debrief_runs: int | None = None):
        self.session, self.lang = session, session.lang
        lang = self.lang
        self.status = Status(lang)
        self.protocol = ProtocolEditor(self)
        self.player = ExercisePlayer(self, debrief_runs=debrief_runs)
        children = stage_header(session, "crisis", "app.crisis.intro", "05-crisis")
        children.append(coherence_panel(self, "crisis"))  # issue 15: coherence
        children += [
            heading("app.crisis.protocol_title", lang, "app.crisis.protocol_help"), self.protocol,
            heading("app.crisis.exercise_title", lang, "app.crisis.exercise_help"), self.player,
            self.status,
        ]
        super().__init__(children, layout=widgets.Layout(max_width=COLUMN))
        self.add_class("cm-crisis-app")
        self.refresh()

    def refresh(self) -> None:
        self.protocol.refresh()


def build_app(session: Session, *, debrief_runs: int | None = None) -> CrisisApp:
    return mark_ready(CrisisApp(session, debrief_runs=debrief_runs), "05-crisis")
