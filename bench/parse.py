"""NLU parse latency with the crisis net's encoder: the trained pipeline, in process, one message at
a time as the service parses them. A realistic mix: the NLU holdout's questions (short, typed by
prospects, families and clients) and the dev safety set (longer, emotional, some multi-sentence).
Results go to var/bench/parse.json. Target: p50 at or under 15 ms (issue 14).

    python -m bench.parse [--model models/companion.tar.gz] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Dict, List

from bot.safety.evaluation import load_directory, load_ordinary, text_of
from bot.settings import PROJECT_ROOT, get_settings
from bot.understanding.parser import nlu_parser

TARGET_P50_MS = 15.0


def messages() -> List[str]:
    data = PROJECT_ROOT / "tests" / "data"
    dev = load_directory("dev", data / "safety" / "dev")
    return load_ordinary(data / "nlu_holdout") + [text_of(i) for i in dev.crisis + dev.other + dev.crisis_mode]


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=str(PROJECT_ROOT / "models" / "companion.tar.gz"))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    parse = nlu_parser(Path(args.model), get_settings().rasa_environment(), PROJECT_ROOT)
    texts = messages()
    parse("warm up")
    timings: List[float] = []
    for _ in range(args.rounds):
        for text in texts:
            start = time.perf_counter()
            parse(text)
            timings.append((time.perf_counter() - start) * 1000)
    result: Dict[str, float] = {
        "messages": len(timings),
        "mean_words": statistics.mean(len(t.split()) for t in texts),
        "p50_ms": percentile(timings, 0.5),
        "p95_ms": percentile(timings, 0.95),
        "p99_ms": percentile(timings, 0.99),
        "max_ms": max(timings),
    }
    out = get_settings().var_dir / "bench" / "parse.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(
        f"NLU parse, {result['messages']} messages (mean {result['mean_words']:.1f} words): p50 {result['p50_ms']:.1f} ms, "
        f"p95 {result['p95_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.1f} ms "
        f"(target p50 <= {TARGET_P50_MS:.0f} ms: {'met' if result['p50_ms'] <= TARGET_P50_MS else 'NOT met'})"
    )
    return 0 if result["p50_ms"] <= TARGET_P50_MS else 1


if __name__ == "__main__":
    sys.exit(main())
