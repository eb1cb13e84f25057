"""The landing page: create or pick your workbook, then walk the journey."""

from __future__ import annotations

import html

import ipywidgets as widgets

from cmtraining.apps.common import Status, header, labelled, link, mark_ready, workbook_name
from cmtraining.core.stages import STAGES, stage_label
from cmtraining.core.stages import link_parameters as _stage_params
from cmtraining.i18n import t
from cmtraining.runtime.parameters import resolve
from cmtraining.runtime.workspace import create_workbook, list_workbooks, private_links, token_for
from cmtraining.samples.organizations import list_organizations, load_organization

BLANK = "__blank__"


class LandingApp(widgets.VBox):
    def __init__(self, *, workbook: str = "", org: str = "ngo", lang: str = "es"):
        values = resolve("index", {"workbook": workbook, "org": org, "lang": lang})
        self.lang = lang = values["lang"]
        self.org = values["org"]
        self.current = values["workbook"] if "/" not in values["workbook"] else ""

        org_options = [(load_organization(o).title.model_dump()[lang], o) for o in list_organizations()]
        org_options.append((t("app.landing.blank", lang), BLANK))
        self.trainee = widgets.Text(placeholder=t("app.landing.trainee_placeholder", lang))
        self.trainee.add_class("cm-trainee")
        self.sample = widgets.Dropdown(options=org_options, value=self.org)
        self.sample.observe(self._on_sample, names="value")
        self.create = widgets.Button(description=t("app.landing.create", lang), icon="plus",
                                     button_style="primary")
        self.create.add_class("cm-create")
        self.create.on_click(self._on_create)

        self.existing = widgets.Dropdown(options=[], layout=widgets.Layout(width="60%"))
        self.existing.add_class("cm-existing")
        self.open_button = widgets.Button(description=t("app.landing.open", lang), icon="folder-open")
        self.open_button.on_click(self._on_open)
        self.status = Status(lang)
        self.current_label = widgets.HTML()
        self.stages = widgets.HTML()
        self.stages.add_class("cm-stages-box")
        self.top = widgets.HTML()
        self._refresh_existing()
        self._render()

        create_box = widgets.VBox([
            widgets.HTML(f"<h2>{html.escape(t('app.landing.new_title', lang))}</h2>"),
            widgets.HBox([labelled(self.trainee, t("app.landing.trainee", lang)),
                          labelled(self.sample, t("app.landing.sample", lang))]),
            self.create,
        ])
        pick_box = widgets.VBox([
            widgets.HTML(f"<h2>{html.escape(t('app.landing.pick_title', lang))}</h2>"),
            widgets.HBox([self.existing, self.open_button]),
        ])
        super().__init__([
            self.top, create_box, pick_box, self.status, self.current_label,
            widgets.HTML(f"<h2>{html.escape(t('app.landing.journey', lang))}</h2>"), self.stages,
            # no link: the facilitator's page needs the token `cmtraining serve` prints
            widgets.HTML(f"<h2>{html.escape(t('app.landing.facilitators', lang))}</h2>"
                         f'<p class="cm-gradebook-note">'
                         f"{html.escape(t('runtime.server.landing_gradebook', lang))}</p>"),
        ], layout=widgets.Layout(max_width="1000px"))
        self.add_class("cm-landing")

    def _refresh_existing(self) -> None:
        # with private links, nobody is shown the others' workbooks (issue 17)
        entries = [] if private_links() else list_workbooks()
        self._entries = {e.id: e for e in entries}
        # named by trainee, organization and last edit: the id is only the option's value (19)
        self.existing.options = [(self._entry_label(e), e.id) for e in entries]
        self.existing.disabled = self.open_button.disabled = not entries
        ids = [e.id for e in entries]
        if self.current in ids:
            self.existing.value = self.current
        elif ids:
            self.existing.value = ids[0]

    def _entry_label(self, entry) -> str:
        from datetime import datetime

        from cmtraining.core.numbers import day_time

        try:
            edited = day_time(datetime.fromisoformat(entry.updated), self.lang)
        except ValueError:
            edited = entry.updated
        return t("app.landing.entry", self.lang, workbook=workbook_name(entry, self.lang),
                 org=entry.organization, edited=edited)

    def _named(self, key: str, ref: str) -> str:
        """`key`'s message about the workbook `ref` (an id or a private token), by its names."""
        entry = self._entries.get(ref)
        if entry is not None:
            name, org = workbook_name(entry, self.lang), entry.organization
        else:
            from cmtraining.core.errors import CmtrainingError
            from cmtraining.runtime.workspace import workbook_path
            from cmtraining.workbook.store import load

            try:
                wb = load(workbook_path(ref), lang=self.lang)
                name, org = workbook_name(wb, self.lang), wb.profile.name
            except CmtrainingError:
                name, org = t("app.common.workbook_unnamed", self.lang), "—"
        return t(key, self.lang, workbook=name, org=org)

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
        self.status.info(t("app.landing.created", self.lang, workbook=workbook_name(entry, self.lang),
                           org=entry.organization))
        self._refresh_existing()
        self._render()

    def _on_open(self, _button) -> None:
        if self.existing.value:
            self.current = self.existing.value
            self.status.info(self._named("app.landing.opened", self.current))
            self._render()

    def _render(self) -> None:
        lang = self.lang
        if self.current:
            params = {"workbook": self.current, "lang": lang}
            self.current_label.value = (
                f"<p>{html.escape(self._named('app.landing.current', self.current))}</p>")
        else:
            params = {"org": self.org, "lang": lang}
            title = load_organization(self.org).title.model_dump()[lang]
            self.current_label.value = (
                f"<p class='cm-banner'>{html.escape(t('app.landing.preview', lang, org=title))}</p>")
        self.top.value = header(t("app.landing.title", lang), t("app.landing.intro", lang), "index",
                                {**params, "lang": lang}, lang).value
        items = []
        for stage in STAGES:
            label = f"{stage_label(stage)}. {html.escape(t(f'common.stage.{stage.key}', lang))}"
            if stage.available():
                href = html.escape(link(stage.notebook, _stage_params(stage.notebook, params,
                                                                      preview=not self.current)))
                items.append(f'<li><a class="cm-stage" data-stage="{stage.notebook}" '
                             f'href="{href}">{label}</a></li>')
            else:
                items.append(f"<li class='cm-muted'>{label} — {html.escape(t('app.landing.soon', lang))}</li>")
        self.stages.value = f"<ol class='cm-stages' style='list-style:none;padding-left:0'>{''.join(items)}</ol>"


def build_app(*, workbook: str = "", org: str = "ngo", lang: str = "es") -> LandingApp:
    return mark_ready(LandingApp(workbook=workbook, org=org, lang=lang), "index")
