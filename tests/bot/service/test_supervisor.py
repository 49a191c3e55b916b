"""The supervisor's restart policy: a crashed child comes back, one that keeps crashing stops all,
and one that is alive but no longer answers its health check is killed (so it comes back too)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path
from typing import AsyncIterator, Iterator, Tuple

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.service.balancer import haproxy_config
from bot.service.supervisor import (
    RESTART_DELAYS,
    RESTART_WINDOW_SECONDS,
    Child,
    children,
    kill_when_hung,
    several_instances_problem,
)
from bot.settings import Settings, get_settings


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


# --- several instances behind HAProxy --------------------------------------------------------------


@pytest.fixture
def production_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Settings]:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://companion@127.0.0.1:5432/companion")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_several_instances_each_get_an_action_server_of_their_own_behind_haproxy(production_settings: Settings) -> None:
    procs = children(production_settings, instances=2)
    assert [child.name for child in procs] == ["actions1", "rasa1", "actions2", "rasa2", "haproxy", "web"]
    rasa1, rasa2 = procs[1], procs[3]
    assert rasa1.env["ACTION_PORT"] == procs[0].env["ACTION_PORT"] != rasa2.env["ACTION_PORT"]
    assert procs[0].health_url == f"http://127.0.0.1:{procs[0].env['ACTION_PORT']}/health"
    assert rasa1.argv[rasa1.argv.index("--port") + 1] == rasa1.env["RASA_PORT"]
    # each its own journal (bot/rasa/tracker_store.py journal_path)
    assert [(r.env["RASA_INSTANCE"], r.env["RASA_INSTANCES"]) for r in (rasa1, rasa2)] == [("1", "2"), ("2", "2")]
    assert rasa1.argv[rasa1.argv.index("--interface") + 1] == "127.0.0.1"  # only HAProxy faces the network
    config = (production_settings.var_dir / "haproxy.cfg").read_text()
    assert f"bind {production_settings.host}:{production_settings.rasa_port}" in config
    for rasa in (rasa1, rasa2):
        assert f"127.0.0.1:{rasa.env['RASA_PORT']} check" in config


def test_one_instance_is_the_embedded_default(production_settings: Settings) -> None:
    assert [child.name for child in children(production_settings)] == ["actions", "rasa", "web"]


@pytest.mark.parametrize(
    "unset, expected",
    [("DATABASE_URL", "set DATABASE_URL to a PostgreSQL database"), ("REDIS_URL", "set REDIS_URL")],
)
def test_several_instances_need_the_shared_servers(
    production_settings: Settings, monkeypatch: pytest.MonkeyPatch, unset: str, expected: str
) -> None:
    monkeypatch.delenv(unset)
    get_settings.cache_clear()
    assert expected in (several_instances_problem(get_settings(), 2) or "")
    assert several_instances_problem(get_settings(), 1) is None


def test_the_balancer_config_sends_rest_in_turn_and_keeps_a_socket_io_session_on_one_instance() -> None:
    config = haproxy_config("127.0.0.1", 5005, [6001, 6002])
    rest = config[config.index("\nbackend rest") : config.index("\nbackend socketio")]
    socketio = config[config.index("\nbackend socketio") :]
    assert "balance roundrobin" in rest and "balance source" in socketio
    for backend in (rest, socketio):
        assert "server rasa1 127.0.0.1:6001 check" in backend and "server rasa2 127.0.0.1:6002 check" in backend
    assert "use_backend socketio if { path_beg /socket.io }" in config
