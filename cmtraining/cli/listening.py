"""`cmtraining listening import`: audit a real mentions export into a workbook, from the shell.

The same two steps as the listening app's mapping step: the file is read
and its columns matched to an export layout (printed), `--map field=column`
changes any of them, `--preview` stops there (5 rows shown, nothing
written); otherwise the mentions are imported, audited, and the audit's
summary and alerts saved to the workbook (the app's "Save to workbook").
"""

from __future__ import annotations

from pathlib import Path

import click

from cmtraining.cli import options
from cmtraining.i18n import t


def listening_group(lang: str) -> click.Group:
    """The `listening` command group, with help in `lang`."""

    @click.group("listening", help=t("cli.importer.help", lang))
    def group():
        pass

    @group.command("import", help=t("cli.importer.import_help", lang))
    @click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--csv", "csv_path", required=True, metavar="FILE",
                  type=click.Path(dir_okay=False, path_type=Path), help=t("cli.importer.csv", lang))
    @click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
                  help=t("cli.importer.map", lang))
    @click.option("--brand", default=None, metavar="NAME", help=t("cli.importer.brand", lang))
    @click.option("--preview", is_flag=True, help=t("cli.importer.preview", lang))
    @options.lang_option(lang)
    def import_cmd(workbook, csv_path, maps, brand, preview, lang):
        from cmtraining.listening.adapt import load_adapted
        from cmtraining.listening.audit import audit_mentions
        from cmtraining.listening.dates import org_time_zone
        from cmtraining.listening.importer import (
            MentionsFileError,
            import_mentions,
            read_mentions_table,
        )
        from cmtraining.listening.inbox import audit_change, brand_terms
        from cmtraining.listening.layouts import layout_title, parse_map_options
        from cmtraining.workbook.store import load, update

        wb = load(workbook, lang=lang)
        read = read_mentions_table(csv_path)
        mapping = parse_map_options(maps, read.header, read.mapping, MentionsFileError)
        click.echo(t("cli.importer.layout", lang, source=read.source,
                     layout=layout_title(mapping.layout, lang) or "—"))
        for name, column in mapping.columns.items():
            label = t(f"listening.importer.field.{name}", lang)
            click.echo(f"  {label:<32} {column or '—'}")
        if preview:
            for row in read.preview():
                click.echo("  | " + " | ".join(cell.replace("\n", " ")[:30] for cell in row))
            return
        own, handle = brand_terms(wb)
        result = import_mentions(read, mapping, brand=brand or own,
                                 tz=org_time_zone(wb.profile.country))
        for key, params in result.notes:
            click.echo(t(key, lang, **params))
        audit = audit_mentions(result.frame, brand=brand or own, handle=handle,
                               sensitivity=wb.listening.sensitivity, source=read.source,
                               backend=load_adapted(workbook))
        update(workbook, audit_change(audit, sensitivity=wb.listening.sensitivity), lang=lang)
        gaps = int(audit.daily["missing"].sum()) if "missing" in audit.daily else 0
        from cmtraining.i18n.plural import tn

        click.echo(t("cli.importer.done", lang, count=audit.total, path=workbook,
                     alerts=tn("common.n.alert_day", len(audit.alerts), lang),
                     gaps=tn("common.n.day", gaps, lang)))
        for finding in audit.findings():
            click.echo(f"  - {finding.message(lang)}")

    return group
