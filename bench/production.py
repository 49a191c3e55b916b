"""`make bench PROFILE=production`: the load test on the production profile, one and two Rasa
instances, each on a new PostgreSQL database, an emptied Redis database and RabbitMQ of the
machine's own servers (tools/scratch_servers.py), beside nothing else: compare with `make bench`'s
embedded run. 10, 50 and 200 concurrent conversations, closed loop and paced, in turn.

Options are bench.load's (--users, --seconds, --rate), plus --instances: the counts to run, e.g.
``--instances 1,2,4``, and --no-broker (no RabbitMQ).
"""

from __future__ import annotations

import argparse
import contextlib
import os
from typing import List, Optional

from bench import load
from bot.settings import get_settings
from tools.scratch_servers import fresh_postgres, fresh_rabbitmq, fresh_redis


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.production", description=__doc__)
    parser.add_argument("--instances", default="1,2", help="comma-separated instance counts (default 1,2)")
    parser.add_argument("--users", default="10,50,200", help="concurrent conversations, comma-separated (default 10,50,200)")
    parser.add_argument("--no-broker", action="store_true", help="without RabbitMQ, to see what the event broker costs")
    args, rest = parser.parse_known_args(argv)
    status = 0
    for instances in (int(part) for part in args.instances.split(",")):
        broker = contextlib.nullcontext(None) if args.no_broker else fresh_rabbitmq()
        with fresh_postgres("companion_bench") as database, fresh_redis() as redis_url, broker as rabbitmq_url:
            os.environ["DATABASE_URL"] = database.url.render_as_string(hide_password=False)
            os.environ["REDIS_URL"] = redis_url
            if rabbitmq_url:
                os.environ["RABBITMQ_URL"] = rabbitmq_url
            else:
                os.environ.pop("RABBITMQ_URL", None)
            get_settings.cache_clear()
            servers = "PostgreSQL, Redis" + (", RabbitMQ" if rabbitmq_url else "")
            print(f"== production profile ({servers}), {instances} instance(s)", flush=True)
            name = f"load-production-{instances}{'' if rabbitmq_url else '-no-broker'}.json"
            out = get_settings().var_dir / "bench" / name
            status |= load.main([*rest, "--users", args.users, "--instances", str(instances), "--out", str(out)])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
