"""`cmtraining export calendar|mentions|labels|report`: a workbook's parts as files.

Every export refuses to overwrite an input or an existing file without
`--force` (`cmtraining.core.outputs.check_output`) and writes atomically.
"""

from __future__ import annotations

from pathlib import Path

import click

from cmtraining.cli import options
from cmtraining.core.errors import CmtrainingError
from cmtraining.core.outputs import check_output
from cmtraining.i18n import t
from cmtraining.runtime.parameters import DAYS, SEED


def export_group(lang: str) -> click.Group:
    """The `export` group, with help in `lang`."""
    lang_option = options.lang_option(lang)

    @click.group("export", help=t("cli.export.help", lang))
    def group():
        pass

    @group.command("calendar", help=t("cli.export.calendar_help", lang))
    @click.argument("workbook", type=click.Path(path_type=Path))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  metavar="FILE", help=t("cli.export.out", lang))
    @click.option("--format", "fmt", type=click.Choice(["ics", "csv"]), default=None,
                  help=t("cli.export.format", lang))
    @options.force_option(lang)
    @lang_option
    def export_calendar_cmd(workbook, out, fmt, force, lang):
        from cmtraining.core.outputs import write_bytes_atomic
        from cmtraining.planning.export import calendar_to_csv, calendar_to_ics
        from cmtraining.workbook.store import load

        check_output(out, force=force, inputs=[workbook], lang=lang)
        wb = load(workbook, lang=lang)
        fmt = fmt or ("csv" if out.suffix.lower() == ".csv" else "ics")
        if not wb.content_plan.calendar:
            raise CmtrainingError("cli.export.empty", path=workbook, lang=lang)
        names = {p.id: p.name for p in wb.content_plan.pillars}
        entries = wb.content_plan.calendar
        data = (calendar_to_ics(entries, org_name=wb.profile.name, lang=lang, pillar_names=names)
                if fmt == "ics" else calendar_to_csv(entries, lang=lang, pillar_names=names,
                                                   bom=True).encode())
        write_bytes_atomic(out, data, lang=lang)
        click.echo(t("cli.export.done", lang, path=out, count=len(wb.content_plan.calendar)))

    @group.command("mentions", help=t("cli.export.mentions_help", lang))
    @click.option("--org", "org_id", required=True, metavar="ID", help=t("cli.new.org", lang))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  metavar="FILE", help=t("cli.export.out", lang))
    @options.contract_option(SEED, lang)
    @options.contract_option(DAYS, lang)
    @click.option("--incident/--no-incident", default=True, help=t("runtime.param.incident", lang))
    @options.force_option(lang)
    @lang_option
    def export_mentions_cmd(org_id, out, seed, days, incident, force, lang):
        from cmtraining.core.outputs import write_bytes_atomic
        from cmtraining.listening.mentions import generate_mentions

        check_output(out, force=force, lang=lang)
        frame = generate_mentions(org_id, seed=seed, days=days, incident=incident)
        from cmtraining.core.csvout import frame_to_csv

        write_bytes_atomic(out, frame_to_csv(frame, lineterminator="\n").encode("utf-8"),
                           lang=lang)
        click.echo(t("cli.export.mentions_done", lang, path=out, count=len(frame)))

    @group.command("labels", help=t("cli.export.labels_help", lang))
    @click.argument("workbook", type=click.Path(path_type=Path))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  metavar="FILE", help=t("cli.export.out", lang))
    @options.force_option(lang)
    @lang_option
    def export_labels_cmd(workbook, out, force, lang):
        from cmtraining.core.csvout import to_csv
        from cmtraining.core.outputs import write_bytes_atomic
        from cmtraining.workbook.store import load

        check_output(out, force=force, inputs=[workbook], lang=lang)
        wb = load(workbook, lang=lang)
        if not wb.mention_labels:
            raise CmtrainingError("cli.export.no_labels", path=workbook, lang=lang)
        text = to_csv(["text", "label"], ([m.text, m.sentiment] for m in wb.mention_labels))
        write_bytes_atomic(out, text.encode("utf-8"), lang=lang)
        click.echo(t("cli.export.labels_done", lang, path=out, count=len(wb.mention_labels)))

    @group.command("report", help=t("cli.export.report_help", lang))
    @click.argument("workbook", type=click.Path(path_type=Path))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  metavar="FILE", help=t("cli.export.out", lang))
    @click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
                  help=t("cli.run.as_of", lang))
    @options.force_option(lang)
    @lang_option
    def export_report_cmd(workbook, out, as_of, force, lang):
        from cmtraining.core.clock import today
        from cmtraining.runtime.journey_run import write_report

        check_output(out, force=force, inputs=[workbook], lang=lang)
        write_report(workbook, out, lang=lang, as_of=as_of.date() if as_of else today())
        click.echo(t("cli.export.report_done", lang, path=out))

    return group
