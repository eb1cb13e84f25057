"""The served pages' kernel: ipykernel with room on its IOPub queue for a page's burst.

A kernel publishes every widget it makes on IOPub (ZeroMQ), and ZeroMQ keeps
at most 1,000 unread messages for a reader (its default high-water mark,
which ipykernel leaves as it is); past that it drops the newest ones without
a word. One click on the crisis page ("Start from a default protocol") makes
about 1,340 messages in a fifth of a second. When the server stopped reading
for a moment (a loaded two-core machine: CI of 7 Dec, twice), the page got
the first ~990, showed the levels and never the triggers or the contacts,
with no error anywhere; stalling the server for 2 s after that click lost
the same messages every time (`tests/runtime/test_served_kernel.py`). The
same flaw and the same remedy, a much higher mark, are in voila-dashboards/
voila issue 534 (2020) and posit-dev/ark pull 129 (2023, 100,000).

`ServedKernelSpecs` is Voila's kernel-spec manager (`serve_options`): it
starts the Python kernel through this module instead of `ipykernel_launcher`.
Facilitators' papermill runs keep the stock kernel: no websocket there.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager

#: the most IOPub messages a kernel keeps for a reader that is behind (ZeroMQ's default is
#: 1,000): a page's heaviest click sends ~1,340; posit-dev/ark chose 100,000 (pull 129, 2023)
IOPUB_QUEUE = 100_000
#: the module every stock Python kernel spec starts
STOCK_LAUNCHER = "ipykernel_launcher"


class ServedKernelSpecs(KernelSpecManager):
    """The kernel specs Voila starts pages with: a Python kernel runs `served_kernel`."""

    def get_kernel_spec(self, kernel_name: str):
        spec = super().get_kernel_spec(kernel_name)
        argv = list(spec.argv)
        if STOCK_LAUNCHER in argv:
            argv[argv.index(STOCK_LAUNCHER)] = __name__
            spec.argv = argv
        return spec


def _kernel_app():
    import zmq
    from ipykernel.kernelapp import IPKernelApp

    class ServedKernelApp(IPKernelApp):
        """IPKernelApp whose IOPub socket keeps IOPUB_QUEUE messages for a slow reader."""

        def init_iopub(self, context):
            # a context's default options apply to the sockets it makes next: the IOPub
            # socket is made, bound and handed to its thread inside `init_iopub`
            context.setsockopt(zmq.SNDHWM, IOPUB_QUEUE)
            try:
                super().init_iopub(context)
            finally:
                context.sockopts.pop(zmq.SNDHWM, None)

    return ServedKernelApp


if __name__ == "__main__":
    # as ipykernel_launcher: the working folder leaves sys.path while the kernel loads
    # (InteractiveShellApp.init_path puts it back)
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
        del sys.path[0]
    _kernel_app().launch_instance()
