"""The visitor's address when the web app sits behind a reverse proxy.

Behind a proxy every request comes from the proxy's address, so the log-in throttle would count
everyone as one visitor. ``X-Forwarded-For`` says who the proxy served, but anyone can write that
header: it is believed only from the proxies named in TRUSTED_PROXIES, and read from the right
(the hop the nearest trusted proxy saw), skipping further trusted proxies.
"""

from __future__ import annotations

from typing import AbstractSet, Awaitable, Callable, Optional

from aiohttp import web

from bot.web.keys import SETTINGS

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def visitor_address(peer: Optional[str], forwarded_for: Optional[str], trusted: AbstractSet[str]) -> Optional[str]:
    if peer not in trusted or not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return hops[0] if hops else peer


@web.middleware
async def forwarded_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    trusted = request.app[SETTINGS].trusted_proxy_addresses
    if trusted:
        address = visitor_address(request.remote, request.headers.get("X-Forwarded-For"), trusted)
        # None only when the peer is unknown, and then it is unchanged.
        if address is not None and address != request.remote:
            request = request.clone(remote=address)
    return await handler(request)
