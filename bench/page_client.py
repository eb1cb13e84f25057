"""A page's kernel handshake: the page client against jupyter_client's own client.

Voila waits for a page's kernel with its client's `wait_for_ready` before it
runs the notebook. On one kernel (warm, as the pool hands it out) this opens a
fresh connection and waits for ready, alternating jupyter_client's
`AsyncKernelClient` and `cmtraining.runtime.page_client.PageKernelClient`,
and prints the medians and their ratio. Never fails the build.
"""

from __future__ import annotations

import asyncio
import os
import time

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from medians import medians_with_ratio

from cmtraining.runtime.page_client import PageKernelClient

RUNS = int(os.environ.get("BENCH_RUNS", "5")) * 4


async def handshake(km: AsyncKernelManager, factory: type) -> float:
    client = km.client()
    client.__class__ = factory  # the same connection, either handshake
    start = time.perf_counter()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=120)
        return time.perf_counter() - start
    finally:
        client.stop_channels()


async def measure() -> dict[str, list[float]]:
    km = AsyncKernelManager(kernel_name="python3", transport="ipc")
    await km.start_kernel()
    times: dict[str, list[float]] = {"stock": [], "page": []}
    try:
        await handshake(km, AsyncKernelClient)  # the kernel is up and idle, as a warm one
        for run in range(RUNS):
            order = [("stock", AsyncKernelClient), ("page", PageKernelClient)]
            for name, factory in order if run % 2 else reversed(order):
                times[name].append(await handshake(km, factory))
    finally:
        await km.shutdown_kernel(now=True)
    return times


def main() -> dict:
    times = asyncio.run(measure())
    result = medians_with_ratio(times, "page", "stock")
    print(f"Handshake with an idle kernel (median of {RUNS}): page client "
          f"{result['page'] * 1000:.0f} ms, jupyter_client's {result['stock'] * 1000:.0f} ms: "
          f"{result['ratio']:.2f}x (the rest is jupyter_client's 0.2 s wait for a quiet channel)")
    return result


if __name__ == "__main__":
    main()
