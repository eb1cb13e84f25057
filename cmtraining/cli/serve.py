"""`cmtraining serve`: the journey's pages for a classroom (Voila on 127.0.0.1 by default)."""

from __future__ import annotations

from pathlib import Path

import click

from cmtraining.cli import options
from cmtraining.i18n import t
from cmtraining.runtime.serve_options import (
    DEFAULT_CULL_MINUTES,
    DEFAULT_PER_TRAINEE,
    DEFAULT_POOL_SIZE,
)


def serve_command(lang: str) -> click.Command:
    """The `serve` command, with help in `lang`."""
    lang_option = options.lang_option(lang)

    @click.command("serve", help=t("cli.serve.help", lang))
    @click.option("--host", default="127.0.0.1", show_default=True, help=t("cli.serve.host", lang))
    @click.option("--port", default=8866, show_default=True, type=int, help=t("cli.serve.port", lang))
    @click.option("--token", default=None, help=t("cli.serve.token", lang))
    @click.option("--facilitator-token", default=None,
                  help=t("cli.server.facilitator_token", lang))
    @click.option("--gradebook", default="", metavar="URL", help=t("cli.server.gradebook", lang))
    @click.option("--workshop-db", default=None, metavar="URL",
                  help=t("cli.server.workshop_db", lang))
    @click.option("--cull-idle", default=DEFAULT_CULL_MINUTES, show_default=True, type=float, metavar="MINUTES",
                  help=t("cli.server.cull_idle", lang))
    @click.option("--workspace", type=click.Path(file_okay=False, path_type=Path),
                  default=None, help=t("cli.serve.workspace", lang))
    @click.option("--open/--no-open", "open_browser", default=False, help=t("cli.serve.open", lang))
    @click.option("--pool-size", default=DEFAULT_POOL_SIZE, show_default=True, type=int,
                  help=t("cli.classroom.pool_size", lang))
    @click.option("--max-kernels", default=None, type=int,
                  help=t("cli.classroom.max_kernels", lang))
    @click.option("--max-per-trainee", default=DEFAULT_PER_TRAINEE, show_default=True, type=int,
                  help=t("cli.classroom.max_per_trainee", lang))
    @click.option("--private-links/--named-links", "private", default=None,
                  help=t("cli.classroom.private", lang))
    @lang_option
    def serve_cmd(host, port, token, facilitator_token, gradebook, workshop_db, cull_idle,
                  workspace, open_browser, pool_size, max_kernels, max_per_trainee, private, lang):
        from cmtraining.runtime.serve import serve

        serve(host=host, port=port, token=token, facilitator_token=facilitator_token,
              gradebook=gradebook, workshop_db=workshop_db, cull_idle=cull_idle, workspace=workspace, lang=lang,
              open_browser=open_browser, pool_size=pool_size, max_kernels=max_kernels,
              max_per_trainee=max_per_trainee, private=private)

    return serve_cmd
