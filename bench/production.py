"""`make bench PROFILE=production`: the load test on the production profile, one and two Rasa
instances, each on a new PostgreSQL database, an emptied Redis database and RabbitMQ of the
machine's own servers (tools/scratch_servers.py), beside nothing else: compare with `make bench`'s
embedded run. 10, 50 and 200 concurrent conversations, closed loop and paced, in turn.

Options are bench.load's (--users, --seconds, --rate), plus --instances: the counts to run, e.g.
``--instances 1,2,4``.
"""

from __future__ import annotations

import argparse
import os
from typing import List, Optional

from bench import load
from bot.settings import get_settings
from tools.scratch_servers import fresh_postgres, fresh_rabbitmq, fresh_redis


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.production", description=__doc__)
    parser.add_argument("--instances", default="1,2", help="comma-separated instance counts (default 1,2)")
    parser.add_argument("--users", default="10,50,200", help="concurrent conversations, comma-separated (default 10,50,200)")
    args, rest = parser.parse_known_args(argv)
    status = 0
    for instances in (int(part) for part in args.instances.split(",")):
        with fresh_postgres("companion_bench") as database, fresh_redis() as redis_url, fresh_rabbitmq() as rabbitmq_url:
            os.environ["DATABASE_URL"] = database.url.render_as_string(hide_password=False)
            os.environ["REDIS_URL"] = redis_url
            os.environ["RABBITMQ_URL"] = rabbitmq_url
            get_settings.cache_clear()
            print(f"== production profile (PostgreSQL, Redis, RabbitMQ), {instances} instance(s)", flush=True)
            out = get_settings().var_dir / "bench" / f"load-production-{instances}.json"
            status |= load.main([*rest, "--users", args.users, "--instances", str(instances), "--out", str(out)])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
