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

from cmtraining.i18n import t


def listening_group(lang: str) -> click.Group:
    """The `listening` command group, with help in `lang`."""

    @click.group("listening", help=t("importer.cli.help", lang))
    def group():
        pass

    @group.command("import", help=t("importer.cli.import_help", lang))
    @click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--csv", "csv_path", required=True, metavar="FILE",
                  type=click.Path(dir_okay=False, path_type=Path), help=t("importer.cli.csv", lang))
    @click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
                  help=t("importer.cli.map", lang))
    @click.option("--brand", default=None, metavar="NAME", help=t("importer.cli.brand", lang))
    @click.option("--preview", is_flag=True, help=t("importer.cli.preview", lang))
    @click.option("--lang", type=click.Choice(["es", "en"]), default=lang, show_default=True,
                  help=t("cli.lang", lang))
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
        click.echo(t("importer.cli.layout", lang, source=read.source,
                     layout=layout_title(mapping.layout, lang) or "—"))
        for name, column in mapping.columns.items():
            label = t(f"importer.field.{name}", lang)
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
        click.echo(t("importer.cli.done", lang, count=audit.total, path=workbook,
                     alerts=len(audit.alerts), gaps=gaps))
        for finding in audit.findings():
            click.echo(f"  - {finding.message(lang)}")

    return group
