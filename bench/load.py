"""Load test: N concurrent conversations against the REST webhook; prints latency and throughput.

If no service answers on RASA_PORT, one is started for the run on the embedded default (a scratch
database under var/bench) and stopped afterwards; with DATABASE_URL and REDIS_URL set, on those
(the production profile), with ``--instances`` Rasa instances behind HAProxy. Each virtual user plays realistic conversations
back to back, each with a new sender id, until the duration is up. Only loopback is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import time
import uuid
from pathlib import Path
from typing import List, Optional

import aiohttp

from bot.service.process import RunningService, start_service
from bot.settings import get_settings

CONVERSATIONS: List[List[str]] = [
    ["hi", "what is iop", "how many hours a week", "do you take aetna?", "thanks"],
    ["hello", "bcbs?", "how much without insurance", "is there group on thursday?", "bye"],
    [
        "my son is using and won't get help what do i do",
        "do you have a family program",
        "do you have a teen program",
        "ok thanks",
    ],
    ["do you have evening groups?", "can i keep my job", "what time does it start", "where are you located"],
    ["do u guys do suboxone", "do i need detox first", "is it confidential", "how do i get started"],
    ["cost?", "do you take medi-cal", "payment plans?", "can someone call me"],
    ["are you a bot", "what can you do", "what happens in group", "do i have to go to AA"],
    ["is iop as good as rehab", "how long does it last", "what should i bring on the first day", "goodbye"],
]


async def _conversation(
    session: aiohttp.ClientSession,
    url: str,
    script: List[str],
    latencies: List[float],
    errors: List[str],
    pacer: Optional["Pacer"] = None,
) -> None:
    sender = f"bench-{uuid.uuid4()}"
    for text in script:
        if pacer:
            await pacer.wait()
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                body = await response.json()
                if response.status != 200 or not body:
                    errors.append(f"{response.status} for {text!r}")
                    continue
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            errors.append(f"{exc.__class__.__name__} for {text!r}")
            continue
        latencies.append(time.perf_counter() - started)


class Pacer:
    """Spaces one user's messages `interval` seconds apart, across its conversations."""

    def __init__(self, interval: float, offset: float):
        self.interval = interval
        self.next_slot = time.perf_counter() + offset

    async def wait(self) -> None:
        await asyncio.sleep(max(0.0, self.next_slot - time.perf_counter()))
        self.next_slot += self.interval  # a late reply is caught up, so the rate holds


async def _user(
    session: aiohttp.ClientSession,
    url: str,
    until: float,
    seed: int,
    latencies: List[float],
    errors: List[str],
    interval: float,
) -> None:
    rng = random.Random(seed)
    # Users start spread over one interval, so the paced load arrives evenly, not in waves.
    pacer = Pacer(interval, offset=interval * rng.random()) if interval else None
    while time.monotonic() < until:
        await _conversation(session, url, rng.choice(CONVERSATIONS), latencies, errors, pacer)


def _percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def run_load(rasa_url: str, users: int, seconds: float, warmup: int, rate: Optional[float] = None) -> dict:
    """Closed loop (each user sends as soon as it has its reply) or, with rate, paced to that
    many messages per second in total across the users."""
    interval = users / rate if rate else 0.0
    url = f"{rasa_url}/webhooks/rest/webhook"
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        # Warm-up: every script once (first calls build TensorFlow functions and fill caches).
        for script in CONVERSATIONS[: max(1, warmup)]:
            await _conversation(session, url, script, [], [])
        latencies: List[float] = []
        errors: List[str] = []
        started, cpu_before = time.monotonic(), time.process_time()
        await asyncio.gather(*(_user(session, url, started + seconds, i, latencies, errors, interval) for i in range(users)))
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu_before
    if not latencies:
        raise SystemExit(f"no successful message; errors: {errors[:5]}")
    return {
        "mode": f"paced at {rate:g} msg/s" if rate else "closed loop (no think time)",
        "users": users,
        "seconds": round(elapsed, 1),
        "messages": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "messages_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 99) * 1000, 1),
        # The load generator shares the machine's cores with the service: what it used of one core.
        "load_generator_cpu_percent": round(100 * cpu / elapsed, 1),
    }


async def _alive(url: str) -> bool:
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
            async with session.get(url) as response:
                return response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


def _counts(text: str) -> List[int]:
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise SystemExit(f"--users: give whole numbers, comma-separated (e.g. 10,50,200), not {text!r}") from None
    if not counts or min(counts) < 1:
        raise SystemExit("--users: every count must be at least 1")
    return counts


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument(
        "--users", default="10", help="concurrent conversations, comma-separated for several loads in turn (default 10)"
    )
    parser.add_argument("--seconds", type=float, default=60, help="how long to hold each load (default 60)")
    parser.add_argument("--rate", type=float, default=40, help="total msg/s of the paced run (default 40; 0 skips it)")
    parser.add_argument("--warmup", type=int, default=len(CONVERSATIONS), help="scripted conversations played first, not counted")
    parser.add_argument(
        "--instances", type=int, default=1, help="Rasa instances behind HAProxy (needs DATABASE_URL and REDIS_URL)"
    )
    parser.add_argument("--out", help="where to save the results as JSON (default var/bench/load.json)")
    args = parser.parse_args(argv)
    settings = get_settings()
    started: Optional[RunningService] = None
    rasa_url = settings.rasa_url
    if asyncio.run(_alive(rasa_url)):
        print(
            "Using the service already running: set RATE_PER_SENDER and RATE_PER_ADDRESS high there, or its rate limits are what gets measured.",
            flush=True,
        )
    else:
        where = "DATABASE_URL and REDIS_URL" if settings.database_url_setting else "a fresh embedded SQLite database"
        print(f"No service on the Rasa port; starting {args.instances} instance(s) on {where} ...", flush=True)
        scratch = settings.var_dir / "bench" / "service"
        shutil.rmtree(scratch, ignore_errors=True)  # every run starts from the same empty database
        started = start_service(
            scratch,
            rasa_port=settings.rasa_port,
            action_port=settings.action_port,
            web_port=settings.web_port,
            token=settings.auth_token(),
            # The load comes from one address at hundreds of messages a minute: measure the service,
            # not its rate limits (bot/rasa/channels/guard.py).
            extra_env={"RATE_PER_SENDER": "1000000", "RATE_PER_ADDRESS": "1000000"},
            instances=args.instances,
        )
    results = []
    try:
        runs = [(users, rate) for users in _counts(args.users) for rate in [None] + ([args.rate] if args.rate else [])]
        for users, rate in runs:
            mode = f"paced at {rate:g} msg/s" if rate else "closed loop, no think time"
            print(f"{users} concurrent conversations for {args.seconds:.0f} s, {mode}, against {rasa_url} ...", flush=True)
            result = asyncio.run(run_load(rasa_url, users, args.seconds, args.warmup, rate))
            print(
                f"  messages {result['messages']}, errors {result['errors']}, {result['messages_per_second']} msg/s; "
                f"latency p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms; "
                f"load generator {result['load_generator_cpu_percent']}% of a core",
                flush=True,
            )
            results.append({**result, "instances": args.instances})
    finally:
        if started:
            started.stop()
    out = Path(args.out) if args.out else Path(settings.var_dir) / "bench" / "load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"saved {out}")
    return 0 if all(r["errors"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
