"""`cmtraining grade EXERCISE FOLDER`, `grade adjust`, `grade export`.

`grade` is a group whose default command is the run, so the facilitator
types `cmtraining grade objectives-smart entregas/` (an exercise named like a
subcommand can still be graded with `grade run ...`). Every problem a
facilitator can cause is a `CmtrainingError`: one message, exit status 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cmtraining.cli import options
from cmtraining.i18n import t


class _DefaultGroup(click.Group):
    """A group that runs `run` when the first argument is not a subcommand."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


def summary_text(summary, lang: str, url: str, feedback_root: Path) -> str:
    """The table printed at the end of a run."""
    lines = [t("cli.grade.summary_title", lang, exercise=summary.exercise, total=summary.total,
               graded=summary.graded, skipped=summary.skipped)]
    if summary.mean is not None:
        lines.append(t("cli.grade.mean", lang, mean=f"{summary.mean:.2f}",
                       max=f"{summary.max_points:g}"))
    else:
        lines.append(t("cli.grade.no_mean", lang))
    for key, counter in (("failed", summary.failed), ("rejected", summary.rejected)):
        for reason, count in sorted(counter.items()):
            lines.append(t(f"cli.grade.{key}", lang, reason=reason, count=count))
    for name, key, params in summary.messages:
        lines.append(t("cli.grade.file_message", lang, file=name, message=t(key, lang, **params)))
    if summary.similar:
        lines.append(t("cli.grade.similar_title", lang, threshold=f"{summary.threshold:.2f}"))
        lines += [t("cli.grade.similar_pair", lang, a=a, b=b, score=f"{s:.2f}")
                  for a, b, s in summary.similar]
    if summary.sandbox:
        from cmtraining.grading.sandbox import sandbox_status

        lines.append(t("cli.grade.sandbox", lang, status=sandbox_status(summary.sandbox, lang)))
    lines.append(t("cli.grade.feedback", lang, path=feedback_root / "feedback" / summary.exercise))
    return "\n".join(lines)


def _sqlite_path_of(url: str, sqlite_path) -> Path | None:
    """The SQLite file of `url` (an input an export must never overwrite), or None."""
    try:
        return sqlite_path(url)
    except Exception:  # noqa: BLE001 - a malformed URL is refused by Gradebook with its reason
        return None


def grade_group(lang: str) -> click.Group:
    """The `grade` command group, with help in `lang`."""
    lang_option = options.lang_option(lang)
    db_option = click.option("--db", "db_url", default=None, metavar="URL",
                             help=t("cli.grade.db", lang))

    @click.group("grade", cls=_DefaultGroup, help=t("cli.grade.help", lang))
    def group():
        pass

    @group.command("run", help=t("cli.grade.run_help", lang))
    @click.argument("exercise")
    @click.argument("folder", type=click.Path(path_type=Path))
    @db_option
    @click.option("--workers", type=click.IntRange(1, 256), default=None,
                  help=t("cli.grade.workers", lang))
    @click.option("--scheduler", default=None, metavar="ADDRESS",
                  help=t("cli.grade.scheduler", lang))
    @click.option("--force", is_flag=True, help=t("cli.grade.force", lang))
    @lang_option
    def run_cmd(exercise, folder, db_url, workers, scheduler, force, lang):
        from cmtraining.grading.gradebook import default_url
        from cmtraining.grading.grader import feedback_root, grade

        try:
            summary = grade(exercise, folder, db_url=db_url, workers=workers,
                            scheduler=scheduler, lang=lang, force=force,
                            progress=sys.stderr.isatty())
        except KeyboardInterrupt:
            # Ctrl-C: the grader has killed its workers, and their sandboxes died with them;
            # the gradebook holds every result recorded so far. Leave now rather than let
            # Python's exit join job threads still unwinding. (The test's Ctrl-C that
            # "outlived its minute" in CI was never seen: CI started in the background
            # gave the grader SIGINT ignored; the test now starts it as a terminal would)
            click.echo(t("cli.aborted", lang), err=True)
            sys.stderr.flush()
            os._exit(1)
        from cmtraining.grading.exercise import load_exercise

        ex = load_exercise(exercise)
        url = db_url or default_url()
        click.echo(summary_text(summary, lang, url, feedback_root(url, ex)))

    @group.command("adjust", help=t("cli.grade.adjust_help", lang))
    @click.argument("exercise")
    @click.argument("trainee")
    @click.argument("check")
    @click.argument("points", type=float)
    @click.option("--note", default="", help=t("cli.grade.note", lang))
    @db_option
    @lang_option
    def adjust_cmd(exercise, trainee, check, points, note, db_url, lang):
        from cmtraining.grading.adjust import adjust_check

        path = adjust_check(exercise, trainee, check, points, note, db_url=db_url)
        click.echo(t("cli.grade.adjusted", lang, trainee=trainee, check=check,
                     points=f"{points:g}", path=path))

    @group.command("export", help=t("cli.grade.export_help", lang))
    @click.argument("exercise", required=False)
    @db_option
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  metavar="FILE", help=t("cli.grade.out", lang))
    @click.option("--force", is_flag=True, help=t("cli.new.force", lang))
    @lang_option
    def export_cmd(exercise, db_url, out, force, lang):
        from cmtraining.core.outputs import check_output, write_bytes_atomic
        from cmtraining.grading.gradebook import Gradebook, default_url, sqlite_path
        from cmtraining.grading.grader import GradingError

        ex = None
        if exercise:
            from cmtraining.grading.exercise import load_exercise

            ex = load_exercise(exercise)
        if db_url is None and ex is None:
            raise GradingError("grading.error.db_or_exercise")
        url = db_url or default_url()
        check_output(out, force=force, inputs=[_sqlite_path_of(url, sqlite_path)], lang=lang,
                     exists_key="cli.grade.exists")
        book = Gradebook(url, create=False)  # a reader: a missing database is an error
        text = book.export_csv(ex.id if ex else None)
        write_bytes_atomic(out, text.encode("utf-8"), lang=lang)
        click.echo(t("cli.grade.exported", lang, count=text.count("\n") - 1, path=out))

    return group
