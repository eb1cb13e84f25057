"""Options the command groups share: the language, `--force`, numbers bounded by the contract.

A number a notebook also takes (a seed, a number of days) gets its default,
bounds and help from the notebook's parameter contract
(`cmtraining.runtime.parameters`), so a command and a notebook refuse the
same values.
"""

from __future__ import annotations

import click

from cmtraining.i18n import LANGS, t
from cmtraining.runtime.parameters import Param, Range


def lang_option(lang: str):
    """`--lang es|en`: the language of the command's messages (help is already in `lang`)."""
    return click.option("--lang", type=click.Choice(LANGS), default=lang, show_default=True,
                        help=t("cli.lang", lang))


def force_option(lang: str, help_key: str = "cli.new.force"):
    """`--force`: replace an existing output (never an input: `core.outputs.check_output`)."""
    return click.option("--force", is_flag=True, help=t(help_key, lang))


def contract_option(param: Param, lang: str):
    """`--<name>`: an integer with the contract's default, bounds and help."""
    bounds = param.check
    if param.type is not int or not isinstance(bounds, Range) or bounds.zero:
        raise TypeError(f"{param.name} is not an integer with a plain range")
    return click.option(f"--{param.name.replace('_', '-')}", param.name, default=param.default,
                        show_default=True, type=click.IntRange(bounds.low, bounds.high),
                        help=param.help(lang))
