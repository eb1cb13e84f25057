"""`cmtraining workshop create|status|start|pause|resume|inject|advance|end|debrief`.

The facilitator's side of the live crisis workshop (issue 18) from a
terminal: the same `Workshop` the console page drives, in the same database
(`--db`: a SQLite file or a SQLAlchemy URL; default the workspace's
workshops.sqlite). Every problem is a `CmtrainingError` (one message, exit
status 2); a command on a workshop never creates a database by mistake.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from cmtraining.i18n import LANGS, t


def _number(value, lang: str) -> str:
    from cmtraining.core.numbers import count

    return "-" if value is None else count(value, lang)


def _print_links(workshop, base: str, lang: str) -> None:
    names = workshop.team_names()
    for key, link in workshop.links(base).items():
        who = names.get(key) or t("workshop.facilitator", lang)
        click.echo(t("workshop.cli.link", lang, who=who, link=link))


def _print_state(workshop, lang: str) -> None:
    view = workshop.console_view(lang)
    click.echo(t("workshop.cli.state", lang, id=workshop.id,
                 status=t(f"workshop.status.{view.status}", lang), turn=view.turn,
                 minute=view.minute, duration=view.duration))
    for team in view.teams:
        click.echo(t("workshop.cli.team_line", lang, name=team["name"], team=team["team_id"],
                     reach=_number(team["negative_reach"], lang), published=team["published"],
                     pending=team["pending"]))


def workshop_group(lang: str) -> click.Group:
    """The `workshop` command group, with help in `lang`."""
    from cmtraining.workshop.models import INJECT_KINDS, ROLES

    lang_option = click.option("--lang", type=click.Choice(LANGS), default=lang,
                               show_default=True, help=t("cli.lang", lang))
    db_option = click.option("--db", "db_url", default=None, metavar="URL",
                             help=t("workshop.cli.db", lang))
    base_option = click.option("--base-url", default="", metavar="URL",
                               help=t("workshop.cli.base_url", lang))
    id_argument = click.argument("workshop_id", metavar="WORKSHOP")

    def _open(db_url, workshop_id):
        from cmtraining.workshop import Workshop, open_store

        return Workshop.load(open_store(db_url, create=False), workshop_id)

    @click.group("workshop", help=t("workshop.cli.help", lang))
    def group():
        pass

    @group.command("create", help=t("workshop.cli.create", lang))
    @click.option("--scenario", required=True, metavar="ID", help=t("workshop.cli.scenario", lang))
    @click.option("--seed", type=int, default=1, show_default=True,
                  help=t("workshop.cli.seed", lang))
    @click.option("--audience", type=int, default=3000, show_default=True,
                  help=t("workshop.cli.audience", lang))
    @click.option("--teams", type=int, default=2, show_default=True,
                  help=t("workshop.cli.teams", lang))
    @click.option("--team-name", "team_names", multiple=True, metavar="NAME",
                  help=t("workshop.cli.team_name", lang))
    @click.option("--minutes", type=int, default=None, help=t("workshop.cli.minutes", lang))
    @click.option("--seconds", type=int, default=None, help=t("workshop.cli.seconds", lang))
    @click.option("--roles", default=",".join(ROLES), show_default=True,
                  help=t("workshop.cli.roles", lang))
    @click.option("--replies-need-approval", is_flag=True,
                  help=t("workshop.cli.replies_approval", lang))
    @db_option
    @base_option
    @lang_option
    def create_cmd(scenario, seed, audience, teams, team_names, minutes, seconds, roles,
                   replies_need_approval, db_url, base_url, lang):
        from cmtraining.workshop import Workshop, WorkshopConfig, open_store

        config = WorkshopConfig(  # every value checked before the database is touched
            scenario_id=scenario, seed=seed, audience_size=audience, teams=teams,
            team_names=team_names, sim_minutes_per_turn=minutes, real_seconds_per_turn=seconds,
            roles=tuple(r.strip() for r in roles.split(",") if r.strip()), lang=lang,
            replies_need_approval=replies_need_approval)
        workshop = Workshop.create(open_store(db_url), config)
        click.echo(t("workshop.cli.created", lang, id=workshop.id, teams=teams,
                     scenario=scenario, seed=seed))
        _print_links(workshop, base_url, lang)

    @group.command("status", help=t("workshop.cli.status", lang))
    @id_argument
    @db_option
    @base_option
    @lang_option
    def status_cmd(workshop_id, db_url, base_url, lang):
        workshop = _open(db_url, workshop_id)
        _print_state(workshop, lang)
        _print_links(workshop, base_url, lang)

    def _transition(name: str):
        @group.command(name, help=t(f"workshop.cli.{name}", lang))
        @id_argument
        @db_option
        @lang_option
        def cmd(workshop_id, db_url, lang):
            workshop = _open(db_url, workshop_id)
            getattr(workshop, name)()
            click.echo(t("workshop.cli.done", lang, id=workshop.id,
                         status=t(f"workshop.status.{workshop.status}", lang)))

        return cmd

    for name in ("start", "pause", "resume", "end"):
        _transition(name)

    @group.command("inject", help=t("workshop.cli.inject", lang))
    @id_argument
    @click.option("--kind", type=click.Choice(INJECT_KINDS), default=None,
                  help=t("workshop.cli.kind", lang, kinds=", ".join(INJECT_KINDS)))
    @click.option("--text", default=None, help=t("workshop.cli.text", lang))
    @click.option("--team", "team_id", default=None, metavar="TEAM",
                  help=t("workshop.cli.team", lang))
    @db_option
    @lang_option
    def inject_cmd(workshop_id, kind, text, team_id, db_url, lang):
        from cmtraining.workshop import WorkshopError

        if bool(kind) == bool(text):
            raise WorkshopError("workshop.error.inject_empty", lang=lang,
                                allowed=", ".join(INJECT_KINDS))
        workshop = _open(db_url, workshop_id)
        inject_id = workshop.inject(kind or text, team_id=team_id)
        who = workshop.team_names()[team_id] if team_id else t("workshop.cli.everyone", lang)
        click.echo(t("workshop.cli.injected", lang, id=inject_id, who=who,
                     minute=workshop.minute))

    @group.command("advance", help=t("workshop.cli.advance", lang))
    @id_argument
    @db_option
    @lang_option
    def advance_cmd(workshop_id, db_url, lang):
        workshop = _open(db_url, workshop_id)
        result = workshop.advance()
        click.echo(t("workshop.cli.turn_done", lang, turn=result.turn, minute=result.minute,
                     status=t(f"workshop.status.{result.status}", lang)))
        _print_state(workshop, lang)

    @group.command("debrief", help=t("workshop.cli.debrief", lang))
    @id_argument
    @click.option("--runs", type=int, default=None, help=t("workshop.cli.runs", lang))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  metavar="FILE", help=t("workshop.cli.out", lang))
    @click.option("--force", is_flag=True, help=t("cli.new.force", lang))
    @db_option
    @lang_option
    def debrief_cmd(workshop_id, runs, out, force, db_url, lang):
        from cmtraining.core.outputs import check_output, write_failure
        from cmtraining.workshop.debrief import DEBRIEF_RUNS, debrief
        from cmtraining.workshop.store import resolve_url

        if out is not None:
            sqlite = resolve_url(db_url).removeprefix("sqlite:///")
            check_output(out, force=force, lang=lang,
                         inputs=[sqlite] if resolve_url(db_url).startswith("sqlite:///") else [])
        workshop = _open(db_url, workshop_id)
        report = debrief(workshop, lang, runs=DEBRIEF_RUNS if runs is None else runs).report
        if out is None:
            click.echo(report)
            return
        try:  # whole or nothing: a temporary file beside the target, then renamed
            fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(report)
            os.replace(tmp, out)
        except OSError as exc:
            raise write_failure(out, exc, lang=lang) from None
        click.echo(str(out))

    return group
