"""The stages of the journey, registered in one place.

Each `Stage` says everything the rest of the package needs to know about
it: its number as trainees read it (the notebooks' and the README's: the
profile and the listening audit are both stage 0), its notebook, its
catalogue key (`stage.<key>`), the names of its parameters (the contract in
`cmtraining.runtime.parameters` is built from them), the module of its app
(`build_app(session)`), its prefill (a facilitator preparing a course), and
the report sections it feeds. From this one table come the parameter
contracts, the session's prefill, the generated notebooks (`nbtools`), the
landing page's links and numbers, the exercises' stage list, the journey
run and the report's order; catalogue strings name a stage as
`{stage_<key>}` and get its number from here.

Adding a stage: one entry here, an engine, an app and a generated notebook
(`python -m cmtraining.runtime.nbtools`). The registry sits in the core, not
in the runtime, because the catalogue (stage numbers), the exercises and the
report read it too: it imports only the standard library at load time and
names the apps and prefills as module strings, imported when used.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

#: weeks of editorial calendar a prefilled course (and `cmtraining run`) generates; the report
#: shows the first two
CALENDAR_WEEKS = 4

#: every stage notebook opens a workbook (or a sample's preview) in a language
BASE_PARAMS = ("workbook", "org", "lang")


@dataclass(frozen=True)
class Stage:
    number: int  # as trainees read it (landing page, cross-references, README)
    notebook: str  # file stem in notebooks/
    key: str  # catalogue key under `stage.`, and the exercises' `stage:`
    params: tuple[str, ...]  # parameter names, in the notebook's order (cmtraining.runtime.parameters)
    app: str  # module with `build_app(session)`
    prefill: str | None = None  # "module:function(values, path) -> change or None"
    report_sections: tuple[str, ...] = ()  # the report's sections this stage feeds, in order

    def available(self) -> bool:
        from cmtraining.core.paths import notebooks_dir

        return (notebooks_dir() / f"{self.notebook}.ipynb").is_file()

    def build_app(self):
        """The app's `build_app` function (imports the app: widgets and all)."""
        return importlib.import_module(self.app).build_app

    def prefill_change(self, values: dict, path: Path | None = None):
        """The facilitator's prefill as a change to the workbook, or None.

        `values` are the notebook's checked parameters; `path` is the
        workbook's file (None for a preview), beside which an adapted
        sentiment model may live.
        """
        if self.prefill is None or not values.get("prefill"):
            return None
        module, name = self.prefill.split(":")
        return getattr(importlib.import_module(module), name)(values, path)


_PREFILLS = "cmtraining.runtime.stage_prefill"
_PREFILL = (*BASE_PARAMS, "prefill")
_INBOX = ("seed", "days", "incident")

STAGES: tuple[Stage, ...] = (
    Stage(0, "00-profile", "profile", BASE_PARAMS, "cmtraining.apps.profile",
          report_sections=("profile",)),
    Stage(0, "00-listening", "listening", (*_PREFILL, *_INBOX), "cmtraining.apps.listening",
          f"{_PREFILLS}:listening", ("listening",)),
    Stage(1, "01-objectives", "objectives", _PREFILL, "cmtraining.apps.objectives",
          f"{_PREFILLS}:objectives", ("objectives",)),
    Stage(2, "02-audiences-networks", "audiences", _PREFILL, "cmtraining.apps.audiences",
          f"{_PREFILLS}:audiences", ("audiences",)),
    Stage(3, "03-content-plan", "content", (*_PREFILL, "weeks", "seed"), "cmtraining.apps.content",
          f"{_PREFILLS}:content", ("content",)),
    Stage(4, "04-response", "response", (*_PREFILL, *_INBOX), "cmtraining.apps.response",
          f"{_PREFILLS}:response", ("response",)),
    Stage(5, "05-crisis", "crisis",
          (*_PREFILL, "scenario", "seed", "graph_size", "minutes_per_turn"),
          "cmtraining.apps.crisis", f"{_PREFILLS}:crisis", ("crisis",)),
    Stage(6, "06-evaluation", "evaluation", _PREFILL, "cmtraining.apps.evaluation",
          f"{_PREFILLS}:evaluation", ("kpis", "attainment", "recommendations")),
    Stage(7, "07-self-assessment", "self_assessment", BASE_PARAMS,
          "cmtraining.apps.self_assessment", report_sections=("self_assessment",)),
)

#: notebooks that are not stages of the journey: the start page, the facilitators' gradebook,
#: the live crisis workshop
OTHER_NOTEBOOKS: dict[str, tuple[str, ...]] = {
    "index": BASE_PARAMS,
    "90-gradebook": ("db", "exercise", "risk", "lang"),
    # the live crisis workshop (issue 18): a team's page or the facilitator's console
    "91-crisis-workshop": ("workshop_token", "role", "debrief_runs", "lang"),
}


def stage(notebook_or_key: str) -> Stage:
    """The registered stage with this notebook stem or key (KeyError if none)."""
    for entry in STAGES:
        if notebook_or_key in (entry.notebook, entry.key):
            return entry
    raise KeyError(notebook_or_key)


def stage_keys() -> tuple[str, ...]:
    return tuple(s.key for s in STAGES)


def report_sections() -> tuple[str, ...]:
    """The report's stage sections, in the journey's order."""
    return tuple(section for s in STAGES for section in s.report_sections)


def stage_label(entry: Stage) -> str:
    """The stage's number as trainees read it: "0a" and "0b" where two stages share
    a number (the profile and the listening audit), else the number alone.

    The notebooks' file names keep the shared number (00-profile, 00-listening);
    screens and cross-references need one label per stage (sweep 3: a start page
    listing two stages "0" left trainees unsure which one a message meant)."""
    peers = [s for s in STAGES if s.number == entry.number]
    if len(peers) == 1:
        return str(entry.number)
    return f"{entry.number}{'abcdefgh'[peers.index(entry)]}"


def catalogue_numbers() -> dict[str, str]:
    """`{stage_<key>}` → the stage's label, for cross-references in the catalogue."""
    return {f"stage_{s.key}": stage_label(s) for s in STAGES}


def prefill_for(notebook: str, values: dict, path: Path | None = None):
    """The prefill change of the stage with this notebook, or None (not a stage, no prefill)."""
    try:
        entry = stage(Path(notebook).stem)
    except KeyError:
        return None
    return entry.prefill_change(values, path)


def link_parameters(notebook: str, params: dict, *, preview: bool) -> dict:
    """A stage link's parameters: a preview opens filled in, as a worked example.

    Nothing is saved in a preview; a trainee's workbook opens as it is. A
    calendar to look at gets the weeks a prepared course gets.
    """
    names = stage(notebook).params
    if not (preview and "prefill" in names):
        return params
    if "weeks" in names:
        return {**params, "prefill": True, "weeks": CALENDAR_WEEKS}
    return {**params, "prefill": True}
