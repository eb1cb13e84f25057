"""`python -m cmtraining.cli ...`."""

from cmtraining.cli.main import entry

entry()
