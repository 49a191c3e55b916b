"""Start the whole service (`python -m bot run`) as a child process and wait until it answers.

Used by the integration tests and the load benchmark, so both exercise exactly what `make run`
starts: the same supervisor, the same three processes, real ports.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

from bot.settings import PROJECT_ROOT

READY_TIMEOUT_SECONDS = 180


@dataclass
class RunningService:
    process: subprocess.Popen
    rasa_url: str
    web_url: str
    token: str
    database: Path
    log_path: Path

    def stop(self, timeout: float = 30) -> Optional[int]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return None
        return self.process.returncode


def _get_json(url: str, token: Optional[str] = None) -> Optional[Dict]:
    found = _get(url, token)
    return found[0] if found else None


def _get(url: str, token: Optional[str] = None) -> Optional[Tuple[Dict, str]]:
    """The JSON body and the instance that served it (X-Served-By, behind the balancer)."""
    request = urllib.request.Request(url + (f"?token={token}" if token else ""))  # noqa: S310 - the service's own loopback URL
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 - the service's own loopback URL
            return json.loads(response.read() or b"{}"), response.headers.get("X-Served-By", "")
    except (OSError, ValueError):
        return None


def _instances_ready(rasa_url: str, token: str, instances: int) -> bool:
    """Every Rasa instance behind the balancer has its model loaded (the balancer takes turns)."""
    served = set()
    for _ in range(2 * instances):
        found = _get(f"{rasa_url}/status", token)
        if not found or not found[0].get("model_file"):
            return False
        served.add(found[1])
    return len(served) == instances


def start_service(
    var_dir: Path,
    rasa_port: int,
    action_port: int,
    web_port: int,
    token: str,
    extra_env: Optional[Dict[str, str]] = None,
    instances: int = 1,
) -> RunningService:
    """``instances`` > 1: Rasa instances behind HAProxy on ``rasa_port`` (needs DATABASE_URL and
    REDIS_URL in ``extra_env``); ready once every one of them answers."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **(extra_env or {}),
        "VAR_DIR": str(var_dir),
        "DATABASE_PATH": str(var_dir / "companion.db"),
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "BOT_PORT": str(web_port),
        "RASA_AUTH_TOKEN": token,
    }
    log_path = var_dir / "service.log"
    log = open(log_path, "ab")  # appended: a restarted service keeps the earlier run's log
    argv = [sys.executable, "-m", "bot", "run", "--instances", str(instances)]
    process = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log)
    service = RunningService(
        process=process,
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        web_url=f"http://127.0.0.1:{web_port}",
        token=token,
        database=var_dir / "companion.db",
        log_path=log_path,
    )
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited with code {process.returncode}; see {log_path}")
        web = _get_json(f"{service.web_url}/healthz")
        if instances > 1:
            if web and _instances_ready(service.rasa_url, token, instances):
                return service
        else:
            status = _get_json(f"{service.rasa_url}/status", token)
            actions = _get_json(f"http://127.0.0.1:{action_port}/health")
            if status and status.get("model_file") and actions and web:
                return service
        time.sleep(0.5)
    service.stop()
    raise RuntimeError(f"the service was not ready after {READY_TIMEOUT_SECONDS} s; see {log_path}")
