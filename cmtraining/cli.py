"""The `cmtraining` command for facilitators: new, validate, orgs, serve.

Help texts and messages come from the catalogue; the language is chosen by
`--lang` (anywhere on the line) or CMTRAINING_LANG, Spanish by default.
Every error a user can cause prints one line (or a list of problems) on
stderr and exits with status 2: no traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from cmtraining.cli_sentiment import sentiment_group
from cmtraining.errors import CmtrainingError
from cmtraining.i18n import LANGS, default_lang, t
from cmtraining.outputs import check_output

log = logging.getLogger("cmtraining.cli")


def _lang_from_argv(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in LANGS else default_lang()
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in LANGS else default_lang()
    return default_lang()


def build_cli(lang: str) -> click.Group:
    """The command tree, with help in `lang`."""
    lang_option = click.option("--lang", type=click.Choice(LANGS), default=lang,
                               show_default=True, help=t("cli.lang", lang))

    @click.group(help=t("cli.help", lang), context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="cmtraining")
    @lang_option
    def cli(lang):
        """--lang here only picks the language of help and messages (read before parsing)."""

    @cli.command("orgs", help=t("cli.orgs.help", lang))
    @lang_option
    def orgs_cmd(lang):
        from cmtraining.samples.organizations import list_organizations, load_organization

        for org_id in list_organizations():
            org = load_organization(org_id)
            click.echo(f"{org_id:10} {org.title.model_dump()[lang]} — {org.profile.name}")

    @cli.command("new", help=t("cli.new.help", lang))
    @click.option("--org", "org_id", metavar="ID", help=t("cli.new.org", lang))
    @click.option("--blank", is_flag=True, help=t("cli.new.blank", lang))
    @click.option("--trainee", default="", metavar="NAME", help=t("cli.new.trainee", lang))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                  help=t("cli.new.out", lang))
    @click.option("--force", is_flag=True, help=t("cli.new.force", lang))
    @lang_option
    def new_cmd(org_id, blank, trainee, out, force, lang):
        from cmtraining.workbook.store import save
        from cmtraining.workspace import create_workbook, new_workbook

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

    @cli.command("validate", help=t("cli.validate.help", lang))
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

    @cli.group("export", help=t("cli.export.help", lang))
    def export_group():
        pass

    @export_group.command("calendar", help=t("cli.export.calendar_help", lang))
    @click.argument("workbook", type=click.Path(path_type=Path))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  metavar="FILE", help=t("cli.export.out", lang))
    @click.option("--format", "fmt", type=click.Choice(["ics", "csv"]), default=None,
                  help=t("cli.export.format", lang))
    @click.option("--force", is_flag=True, help=t("cli.new.force", lang))
    @lang_option
    def export_calendar_cmd(workbook, out, fmt, force, lang):
        from cmtraining.planning.export import calendar_to_csv, calendar_to_ics
        from cmtraining.workbook.store import load, write_bytes_atomic

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

    @export_group.command("mentions", help=t("cli.export.mentions_help", lang))
    @click.option("--org", "org_id", required=True, metavar="ID", help=t("cli.new.org", lang))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  metavar="FILE", help=t("cli.export.out", lang))
    @click.option("--seed", default=1, show_default=True, type=click.IntRange(0, 2**31 - 1),
                  help=t("param.seed", lang))
    @click.option("--days", default=28, show_default=True, type=click.IntRange(7, 120),
                  help=t("param.days", lang))
    @click.option("--incident/--no-incident", default=True, help=t("param.incident", lang))
    @click.option("--force", is_flag=True, help=t("cli.new.force", lang))
    @lang_option
    def export_mentions_cmd(org_id, out, seed, days, incident, force, lang):
        from cmtraining.listening.mentions import generate_mentions
        from cmtraining.workbook.store import write_bytes_atomic

        check_output(out, force=force, lang=lang)
        frame = generate_mentions(org_id, seed=seed, days=days, incident=incident)
        from cmtraining.csvout import frame_to_csv

        write_bytes_atomic(out, frame_to_csv(frame, lineterminator="\n").encode("utf-8"),
                           lang=lang)
        click.echo(t("cli.export.mentions_done", lang, path=out, count=len(frame)))

    @export_group.command("labels", help=t("cli.export.labels_help", lang))
    @click.argument("workbook", type=click.Path(path_type=Path))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  metavar="FILE", help=t("cli.export.out", lang))
    @click.option("--force", is_flag=True, help=t("cli.new.force", lang))
    @lang_option
    def export_labels_cmd(workbook, out, force, lang):
        from cmtraining.csvout import to_csv
        from cmtraining.workbook.store import load, write_bytes_atomic

        check_output(out, force=force, inputs=[workbook], lang=lang)
        wb = load(workbook, lang=lang)
        if not wb.mention_labels:
            raise CmtrainingError("cli.export.no_labels", path=workbook, lang=lang)
        text = to_csv(["text", "label"], ([m.text, m.sentiment] for m in wb.mention_labels))
        write_bytes_atomic(out, text.encode("utf-8"), lang=lang)
        click.echo(t("cli.export.labels_done", lang, path=out, count=len(wb.mention_labels)))

    @export_group.command("report", help=t("cli.export.report_help", lang))
    @click.argument("workbook", type=click.Path(path_type=Path))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  metavar="FILE", help=t("cli.export.out", lang))
    @click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
                  help=t("cli.run.as_of", lang))
    @click.option("--force", is_flag=True, help=t("cli.new.force", lang))
    @lang_option
    def export_report_cmd(workbook, out, as_of, force, lang):
        from cmtraining.clock import today
        from cmtraining.journey_run import write_report

        check_output(out, force=force, inputs=[workbook], lang=lang)
        write_report(workbook, out, lang=lang, as_of=as_of.date() if as_of else today())
        click.echo(t("cli.export.report_done", lang, path=out))

    @cli.command("run", help=t("cli.run.help", lang))
    @click.option("--org", "source", required=True, metavar="ID|FILE", help=t("cli.run.org", lang))
    @click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
                  metavar="DIR", help=t("cli.run.out", lang))
    @click.option("--seed", default=1, show_default=True, type=click.IntRange(0, 2**31 - 1),
                  help=t("param.seed", lang))
    @click.option("--prefill/--no-prefill", default=True, show_default=True,
                  help=t("cli.run.prefill", lang))
    @click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
                  help=t("cli.run.as_of", lang))
    @click.option("--force", is_flag=True, help=t("cli.run.force", lang))
    @lang_option
    def run_cmd(source, out, seed, prefill, as_of, force, lang):
        from tqdm import tqdm

        from cmtraining.journey_run import run_journey

        bars = []  # the bar appears with the first stage: a refusal prints its message alone

        def progress(stage, number, total):
            if not bars:
                bars.append(tqdm(total=total, unit=t("cli.run.unit", lang), file=sys.stderr,
                                 leave=True, dynamic_ncols=True))
            bar = bars[0]
            bar.set_description(t("run.progress", lang, number=number, total=total, stage=stage))
            bar.update(1 if number > 1 else 0)

        try:
            result = run_journey(source, out, lang=lang, seed=seed, prefill=prefill,
                                 as_of=as_of.date() if as_of else None, force=force,
                                 progress=progress)
            for bar in bars:
                bar.update(1)
        finally:
            for bar in bars:
                bar.close()
        if result.skipped:
            click.echo(t("run.skipped", lang, stages=", ".join(result.skipped)))
        click.echo(t("run.done", lang, path=result.report, count=len(result.ran)))

    @cli.command("serve", help=t("cli.serve.help", lang))
    @click.option("--host", default="127.0.0.1", show_default=True, help=t("cli.serve.host", lang))
    @click.option("--port", default=8866, show_default=True, type=int, help=t("cli.serve.port", lang))
    @click.option("--token", default=None, help=t("cli.serve.token", lang))
    @click.option("--facilitator-token", default=None,
                  help=t("server.cli.facilitator_token", lang))
    @click.option("--gradebook", default="", metavar="URL", help=t("server.cli.gradebook", lang))
    @click.option("--cull-idle", default=20.0, show_default=True, type=float, metavar="MINUTES",
                  help=t("server.cli.cull_idle", lang))
    @click.option("--workspace", type=click.Path(file_okay=False, path_type=Path),
                  default=None, help=t("cli.serve.workspace", lang))
    @click.option("--open/--no-open", "open_browser", default=False, help=t("cli.serve.open", lang))
    @click.option("--pool-size", default=0, show_default=True, type=int,
                  help=t("classroom.cli.pool_size", lang))
    @click.option("--max-kernels", default=None, type=int,
                  help=t("classroom.cli.max_kernels", lang))
    @click.option("--max-per-trainee", default=6, show_default=True, type=int,
                  help=t("classroom.cli.max_per_trainee", lang))
    @click.option("--private-links/--named-links", "private", default=None,
                  help=t("classroom.cli.private", lang))
    @lang_option
    def serve_cmd(host, port, token, facilitator_token, gradebook, cull_idle, workspace,
                  open_browser, pool_size, max_kernels, max_per_trainee, private, lang):
        from cmtraining.serve import serve

        serve(host=host, port=port, token=token, facilitator_token=facilitator_token,
              gradebook=gradebook, cull_idle=cull_idle, workspace=workspace, lang=lang,
              open_browser=open_browser, pool_size=pool_size, max_kernels=max_kernels,
              max_per_trainee=max_per_trainee, private=private)

    cli.add_command(sentiment_group(lang))
    cli.add_command(__import__("cmtraining.cli_listening", fromlist=["x"]).listening_group(lang))
    cli.add_command(__import__("cmtraining.cli_grade", fromlist=["grade_group"]).grade_group(lang))
    cli.add_command(__import__("cmtraining.cli_release", fromlist=["release_command"]).release_command(lang))
    return cli


def main(argv: list[str] | None = None) -> int:
    """Run the command; every failure is one message on stderr (exit 2), never a traceback.

    The package's own errors say what to do; an OSError (a path the system
    refuses) names the path and the reason; anything else is a bug, reported
    in one line (CMTRAINING_DEBUG=1 re-raises it with its traceback).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_from_argv(argv)
    try:
        if any("\x00" in arg for arg in argv):  # no file name can hold one; os.stat raises
            raise CmtrainingError("safety.path_nul", lang=lang)
        build_cli(lang).main(argv, prog_name="cmtraining", standalone_mode=False)
    except CmtrainingError as exc:
        click.echo(f"{t('cli.error', lang)}: {exc.message(lang)}", err=True)
        return 2
    except OSError as exc:
        if os.environ.get("CMTRAINING_DEBUG"):
            raise
        path = exc.filename if exc.filename is not None else "?"
        click.echo(f"{t('cli.error', lang)}: " + t("safety.os_error", lang, path=path,
                                                     reason=exc.strerror or type(exc).__name__),
                   err=True)
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo(t("cli.aborted", lang), err=True)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        if os.environ.get("CMTRAINING_DEBUG"):
            raise
        log.debug("unexpected error", exc_info=True)
        click.echo(f"{t('cli.error', lang)}: "
                   + t("safety.unexpected", lang, kind=type(exc).__name__), err=True)
        return 2
    return 0


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
