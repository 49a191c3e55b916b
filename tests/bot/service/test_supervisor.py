"""The supervisor's restart policy: a crashed child comes back, one that keeps crashing stops all,
and one that is alive but no longer answers its health check is killed (so it comes back too)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import AsyncIterator, Tuple

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.service.supervisor import RESTART_DELAYS, RESTART_WINDOW_SECONDS, Child, kill_when_hung


def test_restart_delays_grow_then_give_up() -> None:
    child = Child("actions", ["true"])
    delays = [child.next_restart_delay(now=100.0 + i) for i in range(len(RESTART_DELAYS) + 1)]
    assert delays[:-1] == [float(d) for d in RESTART_DELAYS]
    assert delays[-1] is None


def test_old_crashes_are_forgotten() -> None:
    child = Child("actions", ["true"])
    for i in range(len(RESTART_DELAYS)):
        child.next_restart_delay(now=float(i))
    assert child.next_restart_delay(now=RESTART_WINDOW_SECONDS + len(RESTART_DELAYS) + 1.0) == float(RESTART_DELAYS[0])


class HealthEndpoint:
    """A health check that answers until told to hang, like an action server stuck in a call."""

    def __init__(self) -> None:
        self.hung = False
        self.checks = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.checks += 1
        if self.hung:
            await asyncio.sleep(3600)
        return web.json_response({"status": "ok"})


async def sleeper() -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "-c", "import time; time.sleep(120)")


@contextlib.asynccontextmanager
async def watched_child(endpoint: HealthEndpoint, interval: float) -> AsyncIterator[Tuple[Child, "asyncio.Task[None]"]]:
    """A sleeping child process whose health ``endpoint`` answers, with ``kill_when_hung`` watching it."""
    app = web.Application()
    app.router.add_get("/health", endpoint.handle)
    server = TestServer(app)
    await server.start_server()
    child = Child("actions", [], health_url=f"http://127.0.0.1:{server.port}/health", process=await sleeper())
    watcher = asyncio.create_task(kill_when_hung(child, interval=interval, timeout=0.2, misses_allowed=3, grace=60))
    try:
        yield child, watcher
    finally:
        watcher.cancel()
        if child.process.returncode is None:
            child.process.kill()
        await child.process.wait()
        await server.close()


async def test_a_hung_child_is_killed_after_three_unanswered_checks() -> None:
    endpoint = HealthEndpoint()
    async with watched_child(endpoint, interval=0.05) as (child, watcher):
        while endpoint.checks < 5:
            await asyncio.sleep(0.02)
        endpoint.hung = True
        await asyncio.wait_for(watcher, 10)
        code = await asyncio.wait_for(child.process.wait(), 10)
    assert code < 0  # killed by a signal
    assert endpoint.checks >= 5 + 3


async def test_a_healthy_child_is_left_alone() -> None:
    endpoint = HealthEndpoint()
    async with watched_child(endpoint, interval=0.02) as (child, watcher):
        while endpoint.checks < 20:
            await asyncio.sleep(0.02)
        assert child.process.returncode is None and not watcher.done()
