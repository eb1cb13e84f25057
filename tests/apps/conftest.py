"""Fixtures of the app tests: one served Voila shared by every browser test of the apps."""

from __future__ import annotations

import pytest

from tests.served import Served


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`cmtraining serve` for the whole session: each browser test makes its own trainee's
    workbook in it (distinct names), so sharing one server costs nothing but its start."""
    served = Served(tmp_path_factory.mktemp("served"))
    yield {"base": served.base, "workspace": served.workspace, "env": served.env,
           "gradebook": served.gradebook, "served": served}
    served.stop()
