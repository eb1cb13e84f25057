"""The landing page: create or pick your workbook, then walk the journey."""

from __future__ import annotations

import html

import ipywidgets as widgets

from cmtraining.apps.common import Status, header, labelled, link
from cmtraining.i18n import t
from cmtraining.parameters import resolve
from cmtraining.samples.organizations import list_organizations, load_organization
from cmtraining.stages import STAGES
from cmtraining.stages import link_parameters as _stage_params
from cmtraining.workspace import create_workbook, list_workbooks, private_links, token_for

BLANK = "__blank__"


class LandingApp(widgets.VBox):
    def __init__(self, *, workbook: str = "", org: str = "ngo", lang: str = "es"):
        values = resolve("index", {"workbook": workbook, "org": org, "lang": lang})
        self.lang = lang = values["lang"]
        self.org = values["org"]
        self.current = values["workbook"] if "/" not in values["workbook"] else ""

        org_options = [(load_organization(o).title.model_dump()[lang], o) for o in list_organizations()]
        org_options.append((t("landing.blank", lang), BLANK))
        self.trainee = widgets.Text(placeholder=t("landing.trainee_placeholder", lang))
        self.trainee.add_class("cm-trainee")
        self.sample = widgets.Dropdown(options=org_options, value=self.org)
        self.sample.observe(self._on_sample, names="value")
        self.create = widgets.Button(description=t("landing.create", lang), icon="plus",
                                     button_style="primary")
        self.create.add_class("cm-create")
        self.create.on_click(self._on_create)

        self.existing = widgets.Dropdown(options=[], layout=widgets.Layout(width="60%"))
        self.existing.add_class("cm-existing")
        self.open_button = widgets.Button(description=t("landing.open", lang), icon="folder-open")
        self.open_button.on_click(self._on_open)
        self.status = Status(lang)
        self.current_label = widgets.HTML()
        self.stages = widgets.HTML()
        self.stages.add_class("cm-stages-box")
        self.top = widgets.HTML()
        self._refresh_existing()
        self._render()

        create_box = widgets.VBox([
            widgets.HTML(f"<h2>{html.escape(t('landing.new_title', lang))}</h2>"),
            widgets.HBox([labelled(self.trainee, t("landing.trainee", lang)),
                          labelled(self.sample, t("landing.sample", lang))]),
            self.create,
        ])
        pick_box = widgets.VBox([
            widgets.HTML(f"<h2>{html.escape(t('landing.pick_title', lang))}</h2>"),
            widgets.HBox([self.existing, self.open_button]),
        ])
        super().__init__([
            self.top, create_box, pick_box, self.status, self.current_label,
            widgets.HTML(f"<h2>{html.escape(t('landing.journey', lang))}</h2>"), self.stages,
            # no link: the facilitator's page needs the token `cmtraining serve` prints
            widgets.HTML(f"<h2>{html.escape(t('landing.facilitators', lang))}</h2>"
                         f'<p class="cm-gradebook-note">'
                         f"{html.escape(t('server.landing_gradebook', lang))}</p>"),
        ], layout=widgets.Layout(max_width="1000px"))
        self.add_class("cm-landing")

    def _refresh_existing(self) -> None:
        # with private links, nobody is shown the others' workbooks (issue 17)
        entries = [] if private_links() else list_workbooks()
        self.existing.options = [
            (f"{e.trainee or e.id} — {e.organization} ({e.id})", e.id) for e in entries]
        self.existing.disabled = self.open_button.disabled = not entries
        ids = [e.id for e in entries]
        if self.current in ids:
            self.existing.value = self.current
        elif ids:
            self.existing.value = ids[0]

    def _on_sample(self, change) -> None:
        if change["new"] != BLANK and not self.current:
            self.org = change["new"]
            self._render()

    def _on_create(self, _button) -> None:
        org = None if self.sample.value == BLANK else self.sample.value
        try:
            entry = create_workbook(self.trainee.value, org, lang=self.lang)
        except Exception as exc:  # noqa: BLE001 - one message whatever fails (Status.failure)
            self.status.failure(exc, self._on_create)
            return
        self.current = token_for(entry.id, lang=self.lang) if private_links() else entry.id
        self.trainee.value = ""
        self.status.info(t("landing.created", self.lang, id=entry.id))
        self._refresh_existing()
        self._render()

    def _on_open(self, _button) -> None:
        if self.existing.value:
            self.current = self.existing.value
            self.status.info(t("landing.opened", self.lang, id=self.current))
            self._render()

    def _render(self) -> None:
        lang = self.lang
        if self.current:
            params = {"workbook": self.current, "lang": lang}
            self.current_label.value = (
                f"<p>{html.escape(t('landing.current', lang, id=self.current))}</p>")
        else:
            params = {"org": self.org, "lang": lang}
            title = load_organization(self.org).title.model_dump()[lang]
            self.current_label.value = (
                f"<p class='cm-banner'>{html.escape(t('landing.preview', lang, org=title))}</p>")
        self.top.value = header(t("landing.title", lang), t("landing.intro", lang), "index",
                                {**params, "lang": lang}, lang).value
        items = []
        for stage in STAGES:
            label = f"{stage.number}. {html.escape(t(f'stage.{stage.key}', lang))}"
            if stage.available():
                href = html.escape(link(stage.notebook, _stage_params(stage.notebook, params,
                                                                      preview=not self.current)))
                items.append(f'<li><a class="cm-stage" data-stage="{stage.notebook}" '
                             f'href="{href}">{label}</a></li>')
            else:
                items.append(f"<li class='cm-muted'>{label} — {html.escape(t('landing.soon', lang))}</li>")
        self.stages.value = f"<ol class='cm-stages' style='list-style:none;padding-left:0'>{''.join(items)}</ol>"


def build_app(*, workbook: str = "", org: str = "ngo", lang: str = "es") -> LandingApp:
    return LandingApp(workbook=workbook, org=org, lang=lang)
