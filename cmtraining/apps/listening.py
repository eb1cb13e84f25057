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
    stage_header,
)
from cmtraining.apps.findings_view import findings_table
from cmtraining.apps.listening_charts import share_png, volume_png
from cmtraining.apps.listening_mapping import MappingStep
from cmtraining.apps.rows import Column, RowsEditor
from cmtraining.i18n import t
from cmtraining.listening.adapt import load_adapted
from cmtraining.listening.alerts import thresholds
from cmtraining.listening.audit import audit_mentions, negative_counts
from cmtraining.listening.inbox import audit_change, brand_terms, competitors_in_use, inbox_for
from cmtraining.numbers import count, percent
from cmtraining.session import Session

SHOWN_MENTIONS = 40


def table_html(rows: list[list], head: list[str], css: str = "") -> str:
    header = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table class='cm-table {css}'><tr>{header}</tr>{body}</table>"


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
        self.upload = widgets.FileUpload(accept=".csv,.tsv,.txt,.xlsx", multiple=False,
                                         description=t("listening.app.upload", lang))
        self.upload.observe(self._on_upload, names="value")
        self.use_sample = widgets.Button(description=t("listening.app.use_sample", lang),
                                         icon="refresh")
        self.use_sample.on_click(self._on_sample)
        self.source_line = widgets.HTML()
        self.mapping_step = MappingStep(lang, self._on_import, self._on_cancel_import)
        # empty: the sample inbox's own competitors, named in the placeholder
        self.competitors = widgets.Text(value=", ".join(wb.listening.competitors),
                                        placeholder=t("listening.app.competitors_sample", lang,
                                                      names=", ".join(competitors_in_use(wb))),
                                        continuous_update=False, disabled=off,
                                        layout=widgets.Layout(width="100%"))
        self.competitors.observe(self._on_competitors, names="value")
        self.sensitivity = widgets.FloatSlider(
            value=wb.listening.sensitivity, min=1.0, max=6.0, step=0.5, continuous_update=False,
            description=t("listening.app.sensitivity", lang),
            # the long label takes its width: the track needs room of its own
            style={"description_width": "initial"},
            layout=widgets.Layout(width="720px", max_width="100%"))
        self.sensitivity.observe(lambda _: self._recompute(), names="value")
        self.kpis = widgets.HTML()
        self.kpis.add_class("cm-listening-kpis")
        self.volume = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.sov = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.findings = widgets.HTML()
        self.findings.add_class("cm-listening-findings")
        self.networks = widgets.HTML()
        self.terms = widgets.HTML()
        self.authors = widgets.HTML()
        self.filter = widgets.Dropdown(
            options=[(t("listening.app.all", lang), "")] + [
                (t(f"sentiment.label.{s}", lang), s) for s in ("negative", "neutral", "positive")],
            description=t("listening.app.filter", lang))
        self.filter.observe(lambda _: self._render_mentions(), names="value")
        self.mentions = widgets.HTML()
        self.save = widgets.Button(description=t("listening.app.save", lang), icon="save",
                                   button_style="primary", disabled=off)
        self.save.on_click(self._on_save)
        self.own_findings = RowsEditor([
            Column("topic", "listening.app.finding_topic", width="260px"),
            Column("sentiment", "listening.app.finding_sentiment", kind="choice", options=(
                ("—", None), *((t(f"sentiment.label.{s}", lang), s)
                               for s in ("positive", "neutral", "negative"))), default=None,
                width="130px"),
            Column("note", "listening.app.finding_note", width="360px"),
        ], [f.model_dump(include={"topic", "sentiment", "note"}) for f in wb.listening.findings],
            lang, self._save_findings, disabled=off)

        children = stage_header(session, "listening", "listening.app.intro", "00-listening")
        children.append(coherence_panel(self, "listening"))  # issue 15: coherence
        children += [
            heading("listening.app.source_title", lang, "listening.app.source_help"),
            widgets.HBox([self.use_sample, self.upload]), self.mapping_step, self.source_line,
            labelled(self.competitors, t("listening.app.competitors", lang),
                     t("listening.app.competitors_help", lang)),
            heading("listening.app.summary_title", lang), self.kpis,
            self.sensitivity, self.volume, self.findings, self.sov,
            heading("listening.app.networks_title", lang), self.networks,
            heading("listening.app.terms_title", lang), self.terms,
            heading("listening.app.authors_title", lang, "listening.app.authors_help"), self.authors,
            heading("listening.app.mentions_title", lang), self.filter, self.mentions,
            heading("listening.app.own_title", lang, "listening.app.own_help"), self.own_findings,
            self.save, self.status,
        ]
        super().__init__(children, layout=widgets.Layout(max_width="1000px"))
        self.add_class("cm-listening-app")
        self._recompute()

    # --- source -------------------------------------------------------------------

    def _on_upload(self, change) -> None:
        """Read the file and show the mapping step; the import waits for "Import"."""
        from cmtraining.csvinput import guarded
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
        from cmtraining.errors import CmtrainingError
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
        self.status.info(t("importer.app.imported_notes", self.lang, count=len(result.frame),
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

    def _recompute(self) -> None:
        brand, handle = brand_terms(self.session.workbook)
        self.audit = audit_mentions(self.frame, brand=brand, handle=handle,
                                    sensitivity=self.sensitivity.value, source=self.source,
                                    backend=load_adapted(self.session.path))
        self._render()

    def _render(self) -> None:
        a, lang = self.audit, self.lang
        self.source_line.value = (f"<span class='cm-muted cm-source'>"
                                  f"{html.escape(t('listening.app.source_now', lang, source=a.source, count=a.total))}"
                                  "</span>")
        accuracy = ("" if a.accuracy is None else
                    " · " + html.escape(t("listening.app.accuracy", lang, value=percent(a.accuracy, lang))))
        self.kpis.value = (
            f"<b>{a.total}</b> {html.escape(t('listening.app.mentions', lang))} · "
            f"{html.escape(t('listening.app.net', lang))} <b>{percent(a.net_sentiment, lang)}</b> · "
            f"{html.escape(t('listening.app.sov', lang))} <b>{percent(a.own_share, lang)}</b> · "
            f"{html.escape(t('listening.app.alerts', lang))} <b class='cm-alert-count'>{len(a.alerts)}</b>"
            f"<span class='cm-muted'>{accuracy}</span>")
        if self.defer_charts:
            import threading

            threading.Thread(target=self._draw_charts, args=(a,), name="cm-listening-charts",
                             daemon=True).start()
        else:
            self._draw_charts(a)
        self.findings.value = findings_table(a.findings(), lang)
        self.networks.value = table_html(
            [[t(f"network.{r.network}", lang) if r.network else "—", r.mentions, r.positive,
              r.neutral, r.negative, percent(r.net_sentiment, lang)] for r in a.by_network.itertuples()],
            [t(f"listening.app.col.{c}", lang) for c in
             ("network", "mentions", "positive", "neutral", "negative", "net")])
        terms = ", ".join(f"{w} ({n})" for w, n in a.top_terms[:15]) or "—"
        tags = ", ".join(f"{w} ({n})" for w, n in a.top_hashtags[:10]) or "—"
        self.terms.value = (f"<p class='cm-terms'>{html.escape(terms)}</p>"
                            f"<p><b>{html.escape(t('listening.app.hashtags', lang))}</b>: "
                            f"{html.escape(tags)}</p>")
        self.authors.value = table_html(
            [[r.author, count(r.followers, lang), r.mentions, r.positive, r.negative]
             for r in a.top_authors.itertuples()],
            [t(f"listening.app.col.{c}", lang) for c in
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
        rows = [[(r.at.strftime("%Y-%m-%d %H:%M") if _has_time(r.at) else "—"),
                 t(f"network.{r.network}", lang) if r.network else "—", r.author or "—",
                 r.text, t(f"sentiment.label.{r.predicted}", lang)] for r in frame.itertuples()]
        self.mentions.value = table_html(rows, [t(f"listening.app.col.{c}", lang) for c in
                                                ("when", "network", "author", "text", "sentiment")],
                                         "cm-mentions")

    # --- saving -------------------------------------------------------------------

    def _on_save(self, _button) -> None:
        if self.apply(audit_change(self.audit, sensitivity=self.sensitivity.value)):
            self.status.info(t("listening.app.saved", self.lang, count=len(self.audit.alerts)))

    def _save_findings(self, rows: list[dict]) -> bool:
        findings = [{**r, "source": self.source[:200]} for r in rows]

        def edit(wb):
            data = wb.model_dump()
            data["listening"]["findings"] = findings
            return data
        return self.apply(edit)


def _has_time(value) -> bool:
    import pandas as pd

    return hasattr(value, "strftime") and not pd.isna(value)


def build_app(session: Session, *, defer_charts: bool | None = None) -> ListeningApp:
    return ListeningApp(session, defer_charts=defer_charts)
