"""`make run`: start the Rasa server, the action server and the web app as one service.

Each child's output is prefixed with its name; Ctrl-C (or SIGTERM) stops all of them. A child
that dies on its own is started again after a short pause (the crisis answer never needs the action
server, but everything else does); one that keeps dying stops the whole service, so it is never
left half-running. The action server is also asked for its health every few seconds: one that is
alive but no longer answers (hung) is killed, and so started again like a dead one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import aiohttp

from bot.service.balancer import BalancerMissing, haproxy_binary, write_config
from bot.settings import PROJECT_ROOT, Settings

STOP_GRACE_SECONDS = 10
RESTART_DELAYS = (1, 2, 5, 10, 10)  # one per restart within RESTART_WINDOW; then give up
RESTART_WINDOW_SECONDS = 120
HEALTH_INTERVAL_SECONDS = 5.0
HEALTH_TIMEOUT_SECONDS = 3.0
HEALTH_MISSES = 3  # in a row, once it has answered (or STARTUP_GRACE_SECONDS have passed)
STARTUP_GRACE_SECONDS = 120.0


@dataclass
class Child:
    name: str
    argv: List[str]
    health_url: Optional[str] = None
    process: Optional[asyncio.subprocess.Process] = None
    restarts: Optional[List[float]] = None
    env: Dict[str, str] = field(default_factory=dict)  # its own variables (an instance's ports)

    def next_restart_delay(self, now: float) -> Optional[float]:
        """Seconds to wait before starting it again, or None when it crashes too often."""
        recent = [t for t in (self.restarts or []) if now - t < RESTART_WINDOW_SECONDS]
        if len(recent) >= len(RESTART_DELAYS):
            return None
        self.restarts = recent + [now]
        return float(RESTART_DELAYS[len(recent)])


async def kill_when_hung(
    child: Child,
    interval: float = HEALTH_INTERVAL_SECONDS,
    timeout: float = HEALTH_TIMEOUT_SECONDS,
    misses_allowed: int = HEALTH_MISSES,
    grace: float = STARTUP_GRACE_SECONDS,
) -> None:
    """Kills the child's process after ``misses_allowed`` health checks in a row went unanswered."""
    process, url = child.process, child.health_url
    if process is None or url is None:
        return
    loop = asyncio.get_running_loop()
    started, answered, misses = loop.time(), False, 0
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        while process.returncode is None:
            await asyncio.sleep(interval)
            try:
                async with session.get(url) as response:
                    healthy = response.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError):
                healthy = False
            if healthy:
                answered, misses = True, 0
                continue
            if not answered and loop.time() - started < grace:
                continue  # still loading
            misses += 1
            if misses >= misses_allowed and process.returncode is None:
                print(f"supervisor| {child.name} has not answered {url} {misses} times in a row; killing it", flush=True)
                process.kill()
                return


def action_server_argv(settings: Settings) -> List[str]:
    return [sys.executable, "-m", "bot", "actions"]


def rasa_argv(settings: Settings, interface: str, port: int) -> List[str]:
    return [
        sys.executable,
        "-m",
        "bot",
        "rasa",
        "run",
        "--enable-api",
        "--interface",
        interface,
        "--port",
        str(port),
        "--model",
        str(settings.model_dir),
        "--endpoints",
        "endpoints.yml",
        "--credentials",
        "credentials.yml",
        "--cors",
        *settings.cors_origins,
    ]


def children(settings: Settings, instances: int = 1) -> List[Child]:
    """No secret on a command line (anyone on the machine can read those): `bot rasa` adds the
    API token inside its own process.

    One instance: Rasa on RASA_PORT, the action server on ACTION_PORT. Several: each Rasa instance
    with its own action server on loopback ports of this start, and HAProxy on RASA_PORT in front
    of them (bot/service/balancer.py).
    """
    python = sys.executable
    if instances == 1:
        return [
            Child("actions", action_server_argv(settings), health_url=f"{settings.action_server_url.rsplit('/', 1)[0]}/health"),
            Child("rasa", rasa_argv(settings, settings.host, settings.rasa_port)),
            Child("web", [python, "-m", "bot", "web"]),
        ]
    ports = free_ports(2 * instances)
    rasa_ports, action_ports = ports[:instances], ports[instances:]
    config = write_config(settings.var_dir / "haproxy.cfg", settings.host, settings.rasa_port, rasa_ports)
    procs: List[Child] = []
    for number, (rasa_port, action_port) in enumerate(zip(rasa_ports, action_ports), start=1):
        own = {"RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port)}
        own.update(RASA_INSTANCE=str(number), RASA_INSTANCES=str(instances))
        procs.append(
            Child(
                f"actions{number}",
                action_server_argv(settings),
                health_url=f"http://127.0.0.1:{action_port}/health",
                env=own,
            )
        )
        procs.append(Child(f"rasa{number}", rasa_argv(settings, "127.0.0.1", rasa_port), env=own))
    procs.append(Child("haproxy", [haproxy_binary(), "-db", "-f", str(config)]))
    procs.append(Child("web", [python, "-m", "bot", "web"]))
    return procs


def free_ports(count: int) -> List[int]:
    """Loopback ports nothing listens on now, for the instances behind the balancer."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def several_instances_problem(settings: Settings, instances: int) -> Optional[str]:
    """Why the service cannot run ``instances`` Rasa instances with these settings, or None."""
    if instances < 1:
        return "--instances must be 1 or more"
    if instances > 1 and not (settings.database_url_setting and settings.database_url.startswith("postgresql")):
        return "several instances share one database: set DATABASE_URL to a PostgreSQL database (docs/operations.md)"
    if instances > 1 and not settings.redis_url:
        return "several instances share Rasa's conversation locks: set REDIS_URL (docs/operations.md)"
    return None


async def _pipe(name: str, stream: asyncio.StreamReader) -> None:
    width = 8
    while line := await stream.readline():
        sys.stdout.write(f"{name:<{width}}| {line.decode(errors='replace')}")
        sys.stdout.flush()


async def _stop(procs: List[Child]) -> None:
    for child in procs:
        if child.process and child.process.returncode is None:
            child.process.send_signal(signal.SIGTERM)
    for child in procs:
        if child.process and child.process.returncode is None:
            try:
                await asyncio.wait_for(child.process.wait(), STOP_GRACE_SECONDS)
            except asyncio.TimeoutError:
                child.process.kill()
                await child.process.wait()


async def supervise(settings: Settings, instances: int = 1) -> int:
    problem = several_instances_problem(settings, instances)
    if problem is not None:
        print(f"supervisor| {problem}", file=sys.stderr, flush=True)
        return 2
    env: Dict[str, str] = {**os.environ, **settings.rasa_environment(), "PYTHONUNBUFFERED": "1"}
    try:
        procs = children(settings, instances)
    except BalancerMissing as exc:
        print(f"supervisor| {exc}", file=sys.stderr, flush=True)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    pipes: List[asyncio.Task] = []
    watchers: List[asyncio.Task] = []

    async def start(child: Child) -> None:
        child.process = await asyncio.create_subprocess_exec(
            *child.argv,
            cwd=PROJECT_ROOT,
            env={**env, **child.env},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us only; we stop the children in order
        )
        assert child.process.stdout is not None
        pipes.append(asyncio.create_task(_pipe(child.name, child.process.stdout)))
        if child.health_url:
            watchers.append(asyncio.create_task(kill_when_hung(child)))

    for child in procs:
        await start(child)
    serving = (
        f"Rasa on :{settings.rasa_port}, actions on :{settings.action_port}"
        if instances == 1
        else f"{instances} Rasa instances behind HAProxy on :{settings.rasa_port}"
    )
    print(f"supervisor| starting: {serving}, web on http://{settings.host}:{settings.web_port}/ (Ctrl-C stops all)", flush=True)
    waits = {asyncio.create_task(c.process.wait()): c for c in procs if c.process}
    stopper = asyncio.create_task(stop.wait())
    status = 0
    while not stop.is_set():
        done, _ = await asyncio.wait([stopper, *waits], return_when=asyncio.FIRST_COMPLETED)
        crashed = [waits.pop(task) for task in done if task in waits]
        if stop.is_set():
            break
        for child in crashed:
            code = child.process.returncode if child.process else None
            delay = child.next_restart_delay(time.monotonic())
            if delay is None:
                print(
                    f"supervisor| {child.name} exited with code {code} again; it keeps failing, stopping the service", flush=True
                )
                status = 1
                stop.set()
                break
            print(f"supervisor| {child.name} exited with code {code}; starting it again in {delay:.0f} s", flush=True)
            try:
                await asyncio.wait_for(stop.wait(), delay)
                break  # asked to stop while waiting
            except asyncio.TimeoutError:
                pass
            await start(child)
            assert child.process is not None
            waits[asyncio.create_task(child.process.wait())] = child
    for watcher in watchers:
        watcher.cancel()
    await _stop(procs)
    stopper.cancel()
    await asyncio.gather(*pipes, return_exceptions=True)
    print("supervisor| stopped", flush=True)
    return status


def wait_for_http(url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def run_with_action_server(settings: Settings, argv: List[str]) -> int:
    """Runs a command (e.g. `rasa test`) while an action server is up; stops it afterwards."""
    env = {**os.environ, **settings.rasa_environment()}
    log_path = settings.var_dir / "logs" / "action-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        server = subprocess.Popen(action_server_argv(settings), cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log)
        try:
            if not wait_for_http(f"http://127.0.0.1:{settings.action_port}/health", timeout=60):
                print(f"The action server did not start; see {log_path}", file=sys.stderr)
                return 1
            return subprocess.call(argv, cwd=PROJECT_ROOT, env=env)
        finally:
            server.terminate()
            try:
                server.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                server.kill()
