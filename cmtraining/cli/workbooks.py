"""`cmtraining orgs`, `new`, `validate`: the sample organizations and the trainees' workbooks."""

from __future__ import annotations

from pathlib import Path

import click

from cmtraining.cli import options
from cmtraining.core.errors import CmtrainingError
from cmtraining.core.outputs import check_output
from cmtraining.i18n import t


def workbook_commands(lang: str) -> list[click.Command]:
    """The commands on workbooks, with help in `lang`."""
    lang_option = options.lang_option(lang)

    @click.command("orgs", help=t("cli.orgs.help", lang))
    @lang_option
    def orgs_cmd(lang):
        from cmtraining.samples.organizations import list_organizations, load_organization

        for org_id in list_organizations():
            org = load_organization(org_id)
            click.echo(f"{org_id:10} {org.title.model_dump()[lang]} — {org.profile.name}")

    @click.command("new", help=t("cli.new.help", lang))
    @click.option("--org", "org_id", metavar="ID", help=t("cli.new.org", lang))
    @click.option("--blank", is_flag=True, help=t("cli.new.blank", lang))
    @click.option("--trainee", default="", metavar="NAME", help=t("cli.new.trainee", lang))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                  help=t("cli.new.out", lang))
    @options.force_option(lang)
    @lang_option
    def new_cmd(org_id, blank, trainee, out, force, lang):
        from cmtraining.runtime.workspace import create_workbook, new_workbook
        from cmtraining.workbook.store import save

        if bool(org_id) == bool(blank):
            raise CmtrainingError("cli.new.org_or_blank", lang=lang)
        if out is None:
            if not trainee:
                raise CmtrainingError("cli.new.out_or_trainee", lang=lang)
            entry = create_workbook(trainee, org_id, lang=lang)
            click.echo(t("cli.new.done", lang, path=entry.path))
            return
        check_output(out, force=force, lang=lang)
        wb = new_workbook(org_id, trainee, lang=lang)
        save(wb, out, lang=lang, touch=False)
        click.echo(t("cli.new.done", lang, path=out))

    @click.command("validate", help=t("cli.validate.help", lang))
    @click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
    @lang_option
    def validate_cmd(files, lang):
        from cmtraining.workbook.store import load

        failed = 0
        for path in files:
            try:
                wb = load(path, lang=lang)
            except CmtrainingError as exc:
                failed += 1
                click.echo(exc.message(lang), err=True)
                continue
            click.echo(t("cli.validate.ok", lang, path=path, org=wb.profile.name,
                         version=wb.schema_version))
        if failed:
            raise CmtrainingError("cli.validate.failed", count=failed, total=len(files), lang=lang)

    return [orgs_cmd, new_cmd, validate_cmd]
