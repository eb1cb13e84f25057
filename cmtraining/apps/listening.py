"""Stage 0 app: the listening audit of the organization's mentions.

The inbox is the seeded sample (parameters `seed`, `days`, `incident`) or a
CSV the trainee uploads. The audit (sentiment, share of voice, top terms,
authors, spike alerts) is recomputed when the source or the alert
sensitivity changes; "Save to workbook" keeps its summary and alerts, and
the trainee's own findings are edited as rows.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from cmtraining.apps.coherence_panel import coherence_panel
from cmtraining.apps.common import (
    StageApp,
    Status,
    heading,
    labelled,
    mark_ready,
    stage_header,
    upload_button,
)
from cmtraining.apps.drawing import chart_image, draw_later
from cmtraining.apps.findings_view import findings_table
from cmtraining.apps.listening_charts import share_png, volume_png
from cmtraining.apps.listening_mapping import MappingStep
from cmtraining.apps.rows import Column, RowsEditor
from cmtraining.apps.tables import table_html
from cmtraining.core.numbers import count, day_time, percent
from cmtraining.i18n import t
from cmtraining.listening.adapt import load_adapted
from cmtraining.listening.alerts import thresholds
from cmtraining.listening.audit import audit_mentions, negative_counts
from cmtraining.listening.inbox import audit_change, brand_terms, competitors_in_use, inbox_for
from cmtraining.runtime.session import Session

SHOWN_MENTIONS = 40


class ListeningApp(StageApp):
    def __init__(self, session: Session, *, defer_charts: bool | None = None):
        from cmtraining.apps.profile import under_voila

        # matplotlib takes about a second: under Voila the tables come first
        self.defer_charts = under_voila() if defer_charts is None else defer_charts
        self.session, self.lang = session, session.lang
        lang, wb, off = self.lang, session.workbook, session.preview
        params = session.params
        self.status = Status(lang)
        self.frame, self.source = inbox_for(wb, seed=params.get("seed", 1),
                                            days=params.get("days", 28),
                                            incident=params.get("incident", True),
                                            lang=session.lang)
        self.sample_source = (self.frame, self.source)
        self.upload = upload_button(t("app.listening.upload", lang), accept=".csv,.tsv,.txt,.xlsx")
        self.upload.observe(self._on_upload, names="value")
        self.use_sample = widgets.Button(description=t("app.listening.use_sample", lang),
                                         icon="refresh")
        self.use_sample.on_click(self._on_sample)
        self.source_line = widgets.HTML()
        self.mapping_step = MappingStep(lang, self._on_import, self._on_cancel_import)
        # empty: the sample inbox's own competitors, named in the placeholder
        self.competitors = widgets.Text(value=", ".join(wb.listening.competitors),
                                        placeholder=t("app.listening.competitors_sample", lang,
                                                      names=", ".join(competitors_in_use(wb))),
                                        continuous_update=False, disabled=off,
                                        layout=widgets.Layout(width="auto"))
        self.competitors.observe(self._on_competitors, names="value")
        self.sensitivity = widgets.FloatSlider(
            value=wb.listening.sensitivity, min=1.0, max=6.0, step=0.5, continuous_update=False,
            description=t("app.listening.sensitivity", lang),
            # the long label takes its width: the track needs room of its own
            style={"description_width": "initial"}, readout=False,
            layout=widgets.Layout(width="660px", max_width="100%"))
        # the slider's own readout is the browser's "3.00": this one is the reader's "3"/"3,5"
        self.sensitivity_value = widgets.HTML(self._sensitivity_text())
        self.sensitivity_value.add_class("cm-sensitivity-value")
        self.sensitivity.observe(lambda _: self._recompute(), names="value")
        self.sensitivity.observe(lambda _: setattr(self.sensitivity_value, "value",
                                                   self._sensitivity_text()), names="value")
        self.kpis = widgets.HTML()
        self.kpis.add_class("cm-listening-kpis")
        self.volume = chart_image()
        self.sov = chart_image()
        self.findings = widgets.HTML()
        self.findings.add_class("cm-listening-findings")
        self.networks = widgets.HTML()
        self.terms = widgets.HTML()
        self.authors = widgets.HTML()
        self.filter = widgets.Dropdown(
            options=[(t("app.listening.all", lang), "")] + [
                (t(f"listening.sentiment.label.{s}", lang), s) for s in ("negative", "neutral", "positive")],
            description=t("app.listening.filter", lang))
        self.filter.observe(lambda _: self._render_mentions(), names="value")
        self.mentions = widgets.HTML()
        self.save = widgets.Button(description=t("app.listening.save", lang), icon="save",
                                   button_style="primary", disabled=off)
        self.save.on_click(self._on_save)
        self.own_findings = RowsEditor([
            Column("topic", "app.listening.finding_topic", width="260px"),
            Column("sentiment", "app.listening.finding_sentiment", kind="choice", options=(
                # "" for no tone: a Dropdown shows a None value as no choice at all (blank)
                (t("app.listening.no_tone", lang), ""), *((t(f"listening.sentiment.label.{s}", lang), s)
                                                         for s in ("positive", "neutral", "negative"))),
                default="",
                width="130px"),
            # a sentence to act on: a text area, read whole (a one-line box cut it off)
            Column("note", "app.listening.finding_note", kind="textarea", width="760px"),
        ], [{**f.model_dump(include={"topic", "note"}), "sentiment": f.sentiment or ""}
            for f in wb.listening.findings],
            lang, self._save_findings, disabled=off)

        children = stage_header(session, "listening", "app.listening.intro", "00-listening")
        children.append(coherence_panel(self, "listening"))  # issue 15: coherence
        children += [
            heading("app.listening.source_title", lang, "app.listening.source_help"),
            widgets.HBox([self.use_sample, self.upload]), self.mapping_step, self.source_line,
            labelled(self.competitors, t("app.listening.competitors", lang),
                     t("app.listening.competitors_help", lang)),
            heading("app.listening.summary_title", lang), self.kpis,
            widgets.HBox([self.sensitivity, self.sensitivity_value]), self.volume, self.findings, self.sov,
            heading("app.listening.networks_title", lang), self.networks,
            heading("app.listening.terms_title", lang), self.terms,
            heading("app.listening.authors_title", lang, "app.listening.authors_help"), self.authors,
            heading("app.listening.mentions_title", lang), self.filter, self.mentions,
            heading("app.listening.own_title", lang, "app.listening.own_help"), self.own_findings,
            self.save, self.status,
        ]
        super().__init__(children, layout=widgets.Layout(max_width="1000px"))
        self.add_class("cm-listening-app")
        self._recompute()

    # --- source -------------------------------------------------------------------

    def _on_upload(self, change) -> None:
        """Read the file and show the mapping step; the import waits for "Import"."""
        from cmtraining.core.csvinput import guarded
        from cmtraining.listening.importer import MentionsFileError, read_mentions_table

        read = self.read_upload(change, guarded(read_mentions_table, MentionsFileError))
        if read is None:
            return
        table = read[1]
        self.mapping_step.show(table)
        if table.mapping.column("text") is None:  # say so now; the trainee may pick it
            from cmtraining.listening.importer import MentionsFileError

            self.status.error(MentionsFileError(
                "listening.error.no_text", source=table.source,
                columns=", ".join(h for h in table.header if h) or "—"))

    def _on_import(self, mapping) -> None:
        from cmtraining.core.errors import CmtrainingError
        from cmtraining.listening.dates import org_time_zone
        from cmtraining.listening.importer import import_mentions

        read, wb = self.mapping_step.read, self.session.workbook
        try:
            result = import_mentions(read, mapping, brand=wb.profile.name,
                                     tz=org_time_zone(wb.profile.country))
        except CmtrainingError as exc:
            self.status.error(exc)
            return
        self.mapping_step.hide()
        self.frame, self.source = result.frame, read.source
        notes = " ".join(t(key, self.lang, **params) for key, params in result.notes)
        self.status.info(t("app.listening.importer.imported_notes", self.lang, count=len(result.frame),
                           source=read.source, notes=notes).strip())
        self._recompute()

    def _on_cancel_import(self) -> None:
        self.mapping_step.hide()

    def _on_sample(self, _button) -> None:
        self.frame, self.source = self.sample_source
        self._recompute()

    def _on_competitors(self, change) -> None:
        names = [n.strip() for n in change["new"].split(",") if n.strip()]

        def edit(wb):
            data = wb.model_dump()
            data["listening"]["competitors"] = names
            return data
        if self.apply(edit) and self.frame is self.sample_source[0]:
            params = self.session.params
            self.sample_source = inbox_for(self.session.workbook, seed=params.get("seed", 1),
                                           days=params.get("days", 28),
                                           incident=params.get("incident", True),
                                           lang=self.lang)
            self.frame, self.source = self.sample_source
            self._recompute()

    # --- audit --------------------------------------------------------------------

    def _sensitivity_text(self) -> str:
        from cmtraining.core.numbers import decimal

        return f"&nbsp;<b>{decimal(self.sensitivity.value, self.lang, trim=True)}</b>"

    def _recompute(self) -> None:
        brand, handle = brand_terms(self.session.workbook)
        self.audit = audit_mentions(self.frame, brand=brand, handle=handle,
                                    sensitivity=self.sensitivity.value, source=self.source,
                                    backend=load_adapted(self.session.path))
        self._render()

    def _render(self) -> None:
        a, lang = self.audit, self.lang
        self.source_line.value = (f"<span class='cm-muted cm-source'>"
                                  f"{html.escape(t('app.listening.source_now', lang, source=a.source, count=a.total))}"
                                  "</span>")
        accuracy = ("" if a.accuracy is None else
                    " · " + html.escape(t("app.listening.accuracy", lang, value=percent(a.accuracy, lang))))
        self.kpis.value = (
            f"<b>{a.total}</b> {html.escape(t('app.listening.mentions', lang))} · "
            f"{html.escape(t('app.listening.net', lang))} <b>{percent(a.net_sentiment, lang)}</b> · "
            f"{html.escape(t('app.listening.sov', lang))} <b>{percent(a.own_share, lang)}</b> · "
            f"{html.escape(t('app.listening.alerts', lang))} <b class='cm-alert-count'>{len(a.alerts)}</b>"
            f"<span class='cm-muted'>{accuracy}</span>")
        if self.defer_charts:
            draw_later(self._draw_charts, a, name="cm-listening-charts")
        else:
            self._draw_charts(a)
        self.findings.value = findings_table(a.findings(), lang)
        self.networks.value = table_html(
            [[t(f"common.network.{r.network}", lang) if r.network else "—", r.mentions, r.positive,
              r.neutral, r.negative, percent(r.net_sentiment, lang)] for r in a.by_network.itertuples()],
            [t(f"app.listening.col.{c}", lang) for c in
             ("network", "mentions", "positive", "neutral", "negative", "net")])
        terms = ", ".join(f"{w} ({n})" for w, n in a.top_terms[:15]) or "—"
        tags = ", ".join(f"{w} ({n})" for w, n in a.top_hashtags[:10]) or "—"
        self.terms.value = (f"<p class='cm-terms'>{html.escape(terms)}</p>"
                            f"<p><b>{html.escape(t('app.listening.hashtags', lang))}</b>: "
                            f"{html.escape(tags)}</p>")
        self.authors.value = table_html(
            [[r.author, count(r.followers, lang), r.mentions, r.positive, r.negative]
             for r in a.top_authors.itertuples()],
            [t(f"app.listening.col.{c}", lang) for c in
             ("author", "followers", "mentions", "positive", "negative")])
        self._render_mentions()

    def _draw_charts(self, a) -> None:
        limits = thresholds(negative_counts(a.daily), sensitivity=a.sensitivity) \
            if len(a.daily) else []
        self.volume.value = volume_png(a.daily, limits, a.alerts, self.lang)
        self.sov.value = share_png(a.share_of_voice, self.session.workbook.profile.name, self.lang)

    def _render_mentions(self) -> None:
        frame = self.audit.mentions
        if self.filter.value:
            frame = frame[frame["predicted"] == self.filter.value]
        frame = frame.tail(SHOWN_MENTIONS).iloc[::-1]
        lang = self.lang
        # a date and time on one line: "4 jun 2027, 9:40" broken in two read as two values
        rows = [[(day_time(r.at, lang).replace(" ", "\u00a0") if _has_time(r.at) else "—"),
                 t(f"common.network.{r.network}", lang) if r.network else "—", r.author or "—",
                 r.text, t(f"listening.sentiment.label.{r.predicted}", lang)] for r in frame.itertuples()]
        self.mentions.value = table_html(rows, [t(f"app.listening.col.{c}", lang) for c in
                                                ("when", "network", "author", "text", "sentiment")],
                                         "cm-mentions")

    # --- saving -------------------------------------------------------------------

    def _on_save(self, _button) -> None:
        if self.apply(audit_change(self.audit, sensitivity=self.sensitivity.value)):
            from cmtraining.i18n.plural import tn

            n = len(self.audit.alerts)
            self.status.info(t("app.listening.saved", self.lang, count=n,
                               days=tn("common.n.alert_day", n, self.lang)))

    def _save_findings(self, rows: list[dict]) -> bool:
        findings = [{**r, "sentiment": r.get("sentiment") or None, "source": self.source[:200]}
                    for r in rows]

        def edit(wb):
            data = wb.model_dump()
            data["listening"]["findings"] = findings
            return data
        return self.apply(edit)


def _has_time(value) -> bool:
    import pandas as pd

    return hasattr(value, "strftime") and not pd.isna(value)


def build_app(session: Session, *, defer_charts: bool | None = None) -> ListeningApp:
    return mark_ready(ListeningApp(session, defer_charts=defer_charts), "00-listening")
