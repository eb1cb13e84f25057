"""A page whose kernel never answers ends with a notice, not a page that loads forever.

Voila 0.5 loses the exception of a failed rendering and keeps the page open
with heartbeats (`cmtraining.runtime.serve.guard_page_rendering`). The server
here is the real `cmtraining serve` with one fault injected before it starts:
every page's kernel client fails as nbclient does when a kernel passes its
`startup_timeout` on a loaded machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, WAIT_MS, browser_context, wait_for
from tests.served import Served

KERNEL_NEVER_ANSWERS = (
    "import sys, voila.execute as ve\n"
    "async def never(self, **kw):\n"
    "    raise RuntimeError(\"Kernel didn't respond in 300 seconds\")\n"
    "ve.VoilaExecutor.async_start_new_kernel_client = never\n"
    "from cmtraining.cli.main import entry\n"
    "sys.argv = ['cmtraining', *sys.argv[1:]]\n"
    "entry()\n")


@pytest.fixture(scope="module")
def failing_server(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("failing"), launcher=("-c", KERNEL_NEVER_ANSWERS))
    yield server
    server.stop()


@pytest.mark.parametrize(("lang", "says"), [("es", "no ha podido arrancar"),
                                            ("en", "could not start")])
def test_a_page_that_cannot_start_ends_with_a_notice_in_the_readers_language(failing_server,
                                                                            lang, says):
    status, body, _ = failing_server.get(f"/voila/render/00-profile.ipynb?lang={lang}")
    assert status == 200
    assert body.rstrip().endswith("</html>")  # the page ends: no endless heartbeat
    assert says in body and "cm-page-failed" in body
    assert "cm-kernel-gone" not in body  # one notice, not the idle-kernel one as well
    # the failed page's kernel is ended, not left for the culler
    assert wait_for(lambda: not failing_server.kernels(), timeout=60, step=0.5)


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_the_trainee_sees_the_notice_and_a_reload_button(failing_server, browser):
    context = browser_context(browser)
    try:
        page = context.new_page()
        page.goto(f"{failing_server.base}/voila/render/01-objectives.ipynb", wait_until="load",
                  timeout=WAIT_MS)
        notice = page.locator(".cm-page-failed")
        notice.wait_for(state="visible", timeout=WAIT_MS)
        assert "no ha podido arrancar" in notice.inner_text()
        assert page.locator(".cm-page-failed button.cm-reload").is_visible()
        assert not page.locator("#loading").count()  # no spinner left turning
    finally:
        context.close()
