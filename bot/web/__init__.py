"""The `bot` web app (aiohttp): health checks now, the staff console and widget later."""
