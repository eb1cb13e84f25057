"""A served kernel keeps every message for a server that fell behind (CI of 7 Dec).

The crisis page's "default protocol" click makes ~1,340 IOPub messages; a
stock kernel keeps 1,000 for a reader that is not reading and drops the rest,
so the page showed half a protocol and no error. Here a client stops
reading while the kernel makes 2,000 widgets (6,000 messages, each widget
with its layout and style), then reads: the stock kernel's messages are cut
short (the control: this is the loss the page suffered), the served one's
all arrive, in order.
"""

from __future__ import annotations

import queue

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from cmtraining.runtime.kernel_pool import KERNEL_ARGUMENTS
from cmtraining.runtime.serve_options import voila_argv
from cmtraining.runtime.served_kernel import IOPUB_QUEUE, ServedKernelSpecs

WIDGETS = 2000
#: each widget opens three comms: itself, its layout and its style
MESSAGES = 3 * WIDGETS
BURST = ("import ipywidgets as w\n"
         f"made = [w.Label(str(i)) for i in range({WIDGETS})]")


def _messages_after_a_stall(specs: KernelSpecManager) -> list[dict]:
    """The comm_open messages a client reads after not reading while the kernel made them."""
    km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    km.start_kernel()
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        while True:  # what the start said, read before the burst
            try:
                client.get_iopub_msg(timeout=1)
            except queue.Empty:
                break
        client.execute(BURST)
        reply = client.get_shell_msg(timeout=180)  # IOPub unread all this while
        assert reply["content"]["status"] == "ok"
        opened = []
        while True:
            try:
                msg = client.get_iopub_msg(timeout=5)
            except queue.Empty:
                return opened
            if msg["msg_type"] == "comm_open":
                opened.append(msg)
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def test_the_served_kernel_keeps_a_burst_a_stalled_server_has_not_read():
    stock = _messages_after_a_stall(KernelSpecManager())
    assert len(stock) < MESSAGES  # the loss the crisis page suffered
    served = _messages_after_a_stall(ServedKernelSpecs())
    assert len(served) == MESSAGES
    labels = [m["content"]["data"]["state"]["value"] for m in served
              if m["content"]["data"]["state"].get("_model_name") == "LabelModel"]
    assert labels == [str(i) for i in range(WIDGETS)]


def test_pages_are_served_by_that_kernel_and_papermill_keeps_the_stock_one():
    spec = ServedKernelSpecs().get_kernel_spec("python3")
    assert "cmtraining.runtime.served_kernel" in spec.argv
    assert "ipykernel_launcher" not in spec.argv
    assert "{connection_file}" in spec.argv
    assert IOPUB_QUEUE >= 10 * MESSAGES
    argv = voila_argv("127.0.0.1", 8866, "", ".")
    assert ("--VoilaConfiguration.kernel_spec_manager_class="
            "cmtraining.runtime.served_kernel.ServedKernelSpecs") in argv
    assert "ipykernel_launcher" in KernelSpecManager().get_kernel_spec("python3").argv


def test_the_served_kernel_takes_the_kernels_usual_options(tmp_path):
    """The served kernel is IPKernelApp underneath: the pool's options still apply."""
    km = KernelManager(kernel_name="python3", kernel_spec_manager=ServedKernelSpecs())
    km.start_kernel(extra_arguments=KERNEL_ARGUMENTS, cwd=str(tmp_path))
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        msg_id = client.execute(
            "from ipykernel.kernelapp import IPKernelApp\n"
            "app = IPKernelApp.instance()\n"
            "print(type(app).__name__, get_ipython().history_manager.enabled,"
            " app.iopub_thread.socket.get_hwm())")
        out = []
        while True:
            msg = client.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        assert "".join(out).split() == ["ServedKernelApp", "False", str(IOPUB_QUEUE)]
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)
