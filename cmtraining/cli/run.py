"""`cmtraining run`: the whole journey for one organization, from notebook to report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cmtraining.cli import options
from cmtraining.i18n import t
from cmtraining.runtime.parameters import SEED


def run_command(lang: str) -> click.Command:
    """The `run` command, with help in `lang`."""
    lang_option = options.lang_option(lang)

    @click.command("run", help=t("cli.run.help", lang))
    @click.option("--org", "source", required=True, metavar="ID|FILE", help=t("cli.run.org", lang))
    @click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
                  metavar="DIR", help=t("cli.run.out", lang))
    @options.contract_option(SEED, lang)
    @click.option("--prefill/--no-prefill", default=True, show_default=True,
                  help=t("cli.run.prefill", lang))
    @click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
                  help=t("cli.run.as_of", lang))
    @options.force_option(lang, "cli.run.force")
    @lang_option
    def run_cmd(source, out, seed, prefill, as_of, force, lang):
        from tqdm import tqdm

        from cmtraining.runtime.journey_run import run_journey

        bars = []  # the bar appears with the first stage: a refusal prints its message alone

        def progress(stage, number, total):
            if not bars:
                bars.append(tqdm(total=total, unit=t("cli.run.unit", lang), file=sys.stderr,
                                 leave=True, dynamic_ncols=True))
            bar = bars[0]
            bar.set_description(t("runtime.run.progress", lang, number=number, total=total, stage=stage))
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
            click.echo(t("runtime.run.skipped", lang, stages=", ".join(result.skipped)))
        click.echo(t("runtime.run.done", lang, path=result.report, count=len(result.ran)))

    return run_cmd
