"""The `cmtraining` command for facilitators: the root group and the error handling.

Each command group lives in its own module of this package (`workbooks`:
orgs, new, validate; `export`; `run`; `serve`; `sentiment`; `listening`;
`grade`; `release`) and is added to the root group here.

Help texts and messages come from the catalogue; the language is chosen by
`--lang` (anywhere on the line) or CMTRAINING_LANG, Spanish by default.
Every error a user can cause prints one line (or a list of problems) on
stderr and exits with status 2: no traceback.
"""

from __future__ import annotations

import logging
import os
import sys

import click

from cmtraining.cli import options
from cmtraining.cli.export import export_group
from cmtraining.cli.grade import grade_group
from cmtraining.cli.listening import listening_group
from cmtraining.cli.release import release_command
from cmtraining.cli.run import run_command
from cmtraining.cli.sentiment import sentiment_group
from cmtraining.cli.serve import serve_command
from cmtraining.cli.workbooks import workbook_commands
from cmtraining.cli.workshop import workshop_group
from cmtraining.core.errors import CmtrainingError
from cmtraining.i18n import LANGS, default_lang, t

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
    lang_option = options.lang_option(lang)

    @click.group(help=t("cli.help", lang), context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="cmtraining")
    @lang_option
    def cli(lang):
        """--lang here only picks the language of help and messages (read before parsing)."""

    for command in workbook_commands(lang):
        cli.add_command(command)
    cli.add_command(export_group(lang))
    cli.add_command(run_command(lang))
    cli.add_command(serve_command(lang))
    cli.add_command(sentiment_group(lang))
    cli.add_command(listening_group(lang))
    cli.add_command(grade_group(lang))
    cli.add_command(release_command(lang))
    cli.add_command(workshop_group(lang))
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
            raise CmtrainingError("core.safety.path_nul", lang=lang)
        build_cli(lang).main(argv, prog_name="cmtraining", standalone_mode=False)
    except CmtrainingError as exc:
        click.echo(f"{t('cli.error', lang)}: {exc.message(lang)}", err=True)
        return 2
    except OSError as exc:
        if os.environ.get("CMTRAINING_DEBUG"):
            raise
        path = exc.filename if exc.filename is not None else "?"
        click.echo(f"{t('cli.error', lang)}: " + t("core.safety.os_error", lang, path=path,
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
                   + t("core.safety.unexpected", lang, kind=type(exc).__name__), err=True)
        return 2
    return 0


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
