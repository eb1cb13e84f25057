"""The `cmtraining` command: one module per command group (see `main`).

`python -m cmtraining.cli ...` and the `cmtraining` console script both run
`main.entry`.
"""

from cmtraining.cli.main import build_cli, entry, main

__all__ = ["build_cli", "entry", "main"]
