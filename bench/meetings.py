"""Meeting search benchmark: latency of searches over 100,000 meetings spread across the US.

The meetings are generated (tools.meetings_demo.bulk_meeting_guide) and go through the real Meeting
Guide parser into the real index. Each search is a realistic mix: a place near some meetings, a
radius, a time window (now, tonight, a weekday, tomorrow morning, the coming week), sometimes a
fellowship, attendance or type. Two figures: the index search alone, and the whole finder turn
(reading the words, resolving the place offline, searching, wording the replies). Results go to
var/bench/meetings.json. Target: p95 under 10 ms for the search.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
import tracemalloc
from typing import Dict, List

from bot.answer_book import load_answer_book
from bot.meetings.feeds import meeting_guide
from bot.meetings.finder import MeetingFinder
from bot.meetings.geo import gazetteer
from bot.meetings.models import Fellowship, Meeting
from bot.meetings.query import When, window
from bot.meetings.search import Criteria, MeetingIndex
from bot.meetings.sources import FeedFormat, Source
from bot.settings import get_settings
from tools.meetings_demo import bulk_meeting_guide

TARGET_P95_MS = 10.0
# Roughly how the fellowships share the meetings of a region.
SHARES = ((Fellowship.aa, 0.6), (Fellowship.na, 0.2), (Fellowship.smart, 0.07), (Fellowship.al_anon, 0.08), (Fellowship.ca, 0.05))
WHENS = (
    When(),
    When(now=True),
    When(relative_day=0, part="tonight"),
    When(relative_day=1, part="morning"),
    When(weekday=5),
    When(weekend=True),
)
TEXTS = (
    "NA meeting near {zip} tonight",
    "AA meetings in {city} tomorrow morning",
    "women's meeting near {zip} on saturday",
    "online AA meeting now",
    "spanish aa meetings within 5 miles of {zip}",
    "SMART Recovery near {zip}",
)


def build(count: int, seed: int) -> List[Meeting]:
    rows = bulk_meeting_guide(count, seed)
    meetings: List[Meeting] = []
    start = 0
    for fellowship, share in SHARES:
        end = len(rows) if fellowship is SHARES[-1][0] else start + int(len(rows) * share)
        source = Source(
            name=f"bench-{fellowship.name}", format=FeedFormat.meeting_guide, path="bench.json", fellowship=fellowship
        )
        meetings += meeting_guide.parse(rows[start:end], source).meetings
        start = end
    return meetings


def percentiles(samples: List[float]) -> Dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 3)

    return {
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 3),
        "mean_ms": round(statistics.mean(ordered) * 1000, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    began = time.perf_counter()
    meetings = build(args.meetings, args.seed)
    generated = time.perf_counter() - began
    tracemalloc.start()
    began = time.perf_counter()
    index = MeetingIndex(meetings)
    indexed = time.perf_counter() - began
    index_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(
        f"{len(index)} meetings in {len(index.zones)} timezones: generated and parsed in {generated:.1f} s, indexed in {indexed:.2f} s ({index_bytes / 2**20:.0f} MiB)"
    )

    places = [m for m in meetings if m.has_coordinates]
    now = dt.datetime(2026, 11, 23, 20, 0, tzinfo=dt.timezone.utc)
    search_times: List[float] = []
    found: List[int] = []
    for _ in range(args.searches):
        anchor = rng.choice(places)
        when = rng.choice(WHENS)
        start, end = window(when, now + dt.timedelta(minutes=rng.randrange(0, 7 * 24 * 60)), anchor.zone)
        online = rng.random() < 0.15
        criteria = Criteria(
            start=start,
            end=end,
            fellowships=frozenset({rng.choice(SHARES)[0]}) if rng.random() < 0.7 else frozenset(),
            attendance="online" if online else None,
            types=frozenset({rng.choice(["women", "men", "spanish", "open", "closed", "wheelchair"])})
            if rng.random() < 0.3
            else frozenset(),
            origin=None if online else (anchor.latitude + rng.uniform(-0.05, 0.05), anchor.longitude + rng.uniform(-0.05, 0.05)),  # type: ignore[operator]
            radius_miles=rng.choice([5.0, 10.0, 25.0, 50.0]),
        )
        offset = rng.choice([0, 0, 0, 5, 10])
        began = time.perf_counter()
        page = index.search(criteria, limit=5, offset=offset)
        search_times.append(time.perf_counter() - began)
        found.append(len(page.hits))

    settings = get_settings()
    finder = MeetingFinder(load_answer_book(settings.program_data_dir), index, gazetteer())
    turn_times: List[float] = []
    for _ in range(max(1, args.searches // 4)):
        anchor = rng.choice([m for m in rng.sample(places, 20) if m.postal_code] or places)
        text = rng.choice(TEXTS).format(zip=anchor.postal_code or "92262", city=f"{anchor.city}, {anchor.state}")
        began = time.perf_counter()
        finder.find(text, now + dt.timedelta(minutes=rng.randrange(0, 7 * 24 * 60)), remembered=None)
        turn_times.append(time.perf_counter() - began)

    search = percentiles(search_times)
    turn = percentiles(turn_times)
    print(
        f"search ({len(search_times)} searches, {sum(1 for n in found if n) / len(found):.0%} found something): "
        f"p50 {search['p50_ms']} ms, p95 {search['p95_ms']} ms, p99 {search['p99_ms']} ms, max {search['max_ms']} ms"
    )
    print(
        f"whole finder turn ({len(turn_times)} messages): p50 {turn['p50_ms']} ms, p95 {turn['p95_ms']} ms, p99 {turn['p99_ms']} ms"
    )
    passed = search["p95_ms"] < TARGET_P95_MS
    print(f"target p95 < {TARGET_P95_MS:g} ms: {'met' if passed else 'MISSED'}")
    out = settings.var_dir / "bench" / "meetings.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "meetings": len(index),
                "zones": len(index.zones),
                "index_seconds": round(indexed, 3),
                "index_mib": round(index_bytes / 2**20, 1),
                "search": search,
                "finder_turn": turn,
                "target_p95_ms": TARGET_P95_MS,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"results: {out}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
