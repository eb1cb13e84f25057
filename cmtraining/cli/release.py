"""`cmtraining release`: write the trainee versions of the authored exercises.

    cmtraining release <exercise> | --all --out DIR [--lang es|en|both] [--force]

Each released notebook has the solutions replaced by stubs and the hidden
checks removed (see `cmtraining.grading.release`). Bad input (an unknown
exercise, a broken exercise.yaml or master) is an `ExerciseError`, which the
main command prints as one message with exit status 2. A notebook that
already exists in DIR is only replaced with `--force` (a trainee's copy may
already hold their answers), and every target is checked before any is written.
"""

from __future__ import annotations

from pathlib import Path

import click

from cmtraining.core.errors import CmtrainingError
from cmtraining.core.outputs import OutputPathError, check_output, write_failure
from cmtraining.i18n import t


def release_command(lang: str) -> click.Command:
    """The `release` command, with help in `lang`."""

    @click.command("release", help=t("cli.exercises.help", lang))
    @click.argument("exercise", required=False, metavar="EXERCISE")
    @click.option("--all", "all_", is_flag=True, help=t("cli.exercises.all", lang))
    @click.option("--out", required=True, metavar="DIR",
                  type=click.Path(file_okay=False, path_type=Path), help=t("cli.exercises.out", lang))
    @click.option("--lang", "which", type=click.Choice(["es", "en", "both"]), default="both",
                  show_default=True, help=t("cli.exercises.lang", lang))
    @click.option("--force", is_flag=True, help=t("cli.new.force", lang))
    def release_cmd(exercise, all_, out, which, force):
        from cmtraining.grading.exercise import list_exercises, load_exercise
        from cmtraining.grading.release import release

        if bool(exercise) == bool(all_):
            raise CmtrainingError("cli.exercises.one_or_all", lang=lang)
        ids = list_exercises() if all_ else (exercise,)
        if not ids:
            raise CmtrainingError("cli.exercises.none", lang=lang)
        langs = ("es", "en") if which == "both" else (which,)
        exercises = [load_exercise(i) for i in ids]  # every file checked before writing any
        for ex in exercises:
            for code in langs:
                check_output(out / f"{ex.id}-{code}.ipynb", force=force, inputs=[ex.master(code)],
                             lang=lang, exists_key="core.safety.release.exists")
        for ex in exercises:
            for code in langs:
                try:
                    path = release(ex, code, out)
                except OutputPathError:
                    raise  # the atomic writer already names the path and the reason
                except OSError as exc:
                    raise write_failure(out / f"{ex.id}-{code}.ipynb", exc, lang=lang) from None
                click.echo(t("cli.exercises.released", lang, id=ex.id, code=code, path=path))

    return release_cmd
