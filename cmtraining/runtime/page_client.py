"""The server's client to a page's kernel: ready as soon as the kernel answers.

Voila runs a page's notebook through nbclient, which first waits for the
kernel with jupyter_client's `wait_for_ready`: a kernel_info handshake, then
a "flush" of the kernel's output channel that returns only after 0.2 s with
no message at all. For a kernel taken warm from the pool that quiet fifth of
a second was the largest single wait between a trainee's click and the page
(measured 7 Dec: the notebook's first output came 220 ms after the kernel was
handed out, 25 ms without it). Nothing needs the quiet: nbclient keeps only
the output messages whose parent is the request it sent, so a status message
of the handshake that comes late is skipped anyway. `PageKernelClient` makes
the same handshake and drains only what has already arrived.

Wired in as the kernel managers' `client_factory` (`serve_options`, the
JupyterHub single-user config); papermill runs keep jupyter_client's client.
"""

from __future__ import annotations

import math
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import KernelManager

#: how long the handshake waits for the output channel's first message after the kernel's
#: reply: proof that the channel is connected (jupyter_client's figure)
IOPUB_CONNECTED_SECONDS = 0.2
#: how long a kernel_info request waits for its reply before it is sent again (jupyter_client's)
REPLY_SECONDS = 1.0


class PageKernelClient(AsyncKernelClient):
    """jupyter_client's asynchronous client, without the 0.2 s quiet wait once ready."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        if not isinstance(self.parent, KernelManager):
            # not started by a manager: jupyter_client's way (heartbeats first)
            return await super().wait_for_ready(timeout=timeout)
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=REPLY_SECONDS)
            except Empty:
                pass
            else:
                if reply["msg_type"] == "kernel_info_reply":
                    try:  # the output channel is connected once it carries anything
                        await self.iopub_channel.get_msg(timeout=IOPUB_CONNECTED_SECONDS)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        await self.drain_iopub()

    async def drain_iopub(self) -> int:
        """Read off the output messages already received; how many there were."""
        drained = 0
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                return drained
            drained += 1
