"""The load balancer in front of several Rasa instances (`python -m bot run --instances N`):
HAProxy, from Debian's packages, with a configuration written for the ports of this start.

REST messages go to the instances in turn: any instance can serve any message, because the
conversation is in PostgreSQL and its lock in Redis. A socket.io session keeps to one instance
(chosen by the client's address), since python-socketio keeps a session's state in the process
that opened it; a restarted instance's sessions reconnect to another. An instance that stops
answering is taken out of the rotation within seconds (its health check, the REST channel's
``GET /webhooks/rest/``, which says ok only once the model is loaded) and put back when it is
ready again. A message that reaches an instance in the moment it dies, before the balancer has
seen it go, gets 502 and was not taken: the client sends it again. Every reply
names the instance that served it (X-Served-By); HAProxy logs one line per request, without its
query string (Rasa's API token travels there).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Sequence

HAPROXY = "haproxy"


class BalancerMissing(RuntimeError):
    """HAProxy is not installed; the message says how to install it."""


def haproxy_binary() -> str:
    found = shutil.which(HAPROXY)
    if found is None:
        raise BalancerMissing("several instances need HAProxy in front of them: run `make haproxy` (apt-get install haproxy)")
    return found


def haproxy_config(host: str, port: int, instances: Sequence[int]) -> str:
    """HAProxy's configuration: ``host:port`` in front of Rasa instances on loopback ``instances``."""
    servers = "\n".join(
        f"  server rasa{number} 127.0.0.1:{instance} check inter 1s fall 2 rise 1"
        for number, instance in enumerate(instances, start=1)
    )
    return f"""# Written by `python -m bot run --instances {len(instances)}` (bot/service/balancer.py); not edited by hand.
global
  maxconn 4096
  # One line per request on stderr, which the supervisor prefixes with "haproxy" (no message text).
  log stderr format raw local0

defaults
  mode http
  log global
  # The request line without its query string: Rasa's API takes its token as ?token=.
  log-format "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %HM %HPO"
  option http-server-close
  # A new connection for every request: a pooled one to an instance that died would fail the
  # message sent on it, where a new one is refused and goes to another instance.
  http-reuse never
  timeout connect 5s
  timeout client 330s
  timeout server 330s
  timeout tunnel 1h
  # A message the instance could not take (it was stopping) goes to another, once.
  retries 1
  option redispatch

frontend rasa
  bind {host}:{port}
  use_backend socketio if {{ path_beg /socket.io }}
  default_backend rest

backend rest
  balance roundrobin
  option httpchk GET /webhooks/rest/
  http-response set-header X-Served-By %s
{servers}

backend socketio
  balance source
  option httpchk GET /webhooks/rest/
  http-response set-header X-Served-By %s
{servers}
"""


def write_config(path: Path, host: str, port: int, instances: Sequence[int]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(haproxy_config(host, port, instances), encoding="utf-8")
    return path
