"""The server's client to a page's kernel is ready as soon as the kernel answers.

jupyter_client's handshake ends only after a fifth of a second in which the
kernel says nothing at all: the largest wait of a page on a warm kernel. The
page client drains what has arrived instead. Checked here on real kernels:
a notebook run right after the handshake gets exactly its own outputs (a
late message of the handshake never lands in a cell), a kernel that keeps
talking (a thread printing) still gets its page where the stock client
waits for silence that never comes, and both the served journey and the
JupyterHub single-user servers are configured with it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import nbformat
import pytest
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
from nbclient import NotebookClient
from traitlets.config import Config
from traitlets.config.loader import KVArgParseConfigLoader, PyFileConfigLoader

from cmtraining.runtime.page_client import PageKernelClient
from cmtraining.runtime.serve_options import PAGE_CLIENT, voila_argv

ROOT = Path(__file__).resolve().parents[2]
#: a thread in the kernel that prints every 50 ms, for ever
CHATTY = ("import threading, time\n"
          "def _talk():\n"
          "    while True:\n"
          "        print('.', flush=True)\n"
          "        time.sleep(0.05)\n"
          "threading.Thread(target=_talk, daemon=True).start()\n")


async def _with_kernel(work):
    km = AsyncKernelManager(kernel_name="python3", client_factory=PageKernelClient)
    await km.start_kernel()
    try:
        return await work(km)
    finally:
        await km.shutdown_kernel(now=True)


def test_a_notebook_run_right_after_the_handshake_gets_exactly_its_own_outputs():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('hola')"),
                nbformat.v4.new_code_cell("40 + 2"),
                nbformat.v4.new_markdown_cell("*texto*"),
                nbformat.v4.new_code_cell("import sys; print('adiós', file=sys.stderr)")]

    async def run(km):
        client = NotebookClient(nb, km=km, timeout=120, startup_timeout=120)
        async with client.async_setup_kernel():
            assert isinstance(client.kc, PageKernelClient)
            for index, cell in enumerate(nb.cells):
                await client.async_execute_cell(cell, index)
        return nb

    done = asyncio.run(_with_kernel(run))
    outputs = [[(o.output_type, o.get("name"), o.get("text") or o.get("data", {}).get("text/plain"))
                for o in cell.get("outputs", [])] for cell in done.cells]
    assert outputs == [[("stream", "stdout", "hola\n")], [("execute_result", None, "42")], [],
                       [("stream", "stderr", "adiós\n")]]


def test_a_kernel_that_keeps_talking_is_ready_for_the_page_client_only():
    async def ready(km):
        talker = km.client()
        talker.start_channels()
        await talker.wait_for_ready(timeout=120)
        reply = await talker.execute_interactive(CHATTY, timeout=60,
                                                 output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok"
        talker.stop_channels()
        verdicts = {}
        for name, factory in (("stock", AsyncKernelClient), ("page", PageKernelClient)):
            client = km.client()
            client.__class__ = factory  # the same manager's connection, either handshake
            client.start_channels()
            try:
                await asyncio.wait_for(client.wait_for_ready(timeout=30), 10)
                verdicts[name] = "ready"
            except TimeoutError:
                verdicts[name] = "still waiting for silence"
            finally:
                client.stop_channels()
        return verdicts

    verdicts = asyncio.run(_with_kernel(ready))
    # the control: jupyter_client's handshake waits for 0.2 s of silence, which never comes
    assert verdicts == {"stock": "still waiting for silence", "page": "ready"}


def _client_factory(config: Config):
    return ServerKernelManager(config=config).client_factory


def test_the_served_journey_talks_to_its_pages_kernels_with_the_page_client(tmp_path):
    argv = voila_argv("127.0.0.1", 8866, "", tmp_path)
    assert f"--ServerKernelManager.client_factory={PAGE_CLIENT}" in argv
    flags = [arg for arg in argv if arg.startswith("--ServerKernelManager.")]
    config = KVArgParseConfigLoader(flags).load_config()
    assert _client_factory(config) is PageKernelClient


def test_the_trainees_jupyterhub_servers_use_the_page_client_too():
    pytest.importorskip("voila")
    folder = ROOT / "deploy" / "singleuser"
    config = PyFileConfigLoader("jupyter_server_config.py", path=str(folder)).load_config()
    assert _client_factory(config) is PageKernelClient
