"""Concurrent callers share the encoder's passes and each gets its own rows, errors included."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, List

import numpy as np

from bot.encoder.coalescing import Coalescer
from bot.encoder.minilm import shared_encoder


class GatedEncoder:
    """Encodes each text as [len(text)]; the first pass waits until the test opens the gate, so
    that other callers arrive while it runs."""

    def __init__(self) -> None:
        self.passes: List[List[str]] = []
        self.started = threading.Event()
        self.gate = threading.Event()

    def __call__(self, texts: List[str]) -> np.ndarray:
        self.passes.append(list(texts))
        if len(self.passes) == 1:
            self.started.set()
            assert self.gate.wait(10)
        if "boom" in texts:
            raise ValueError("broken text")
        return np.array([[float(len(t))] for t in texts])


def queued(coalescer: Coalescer, count: int) -> None:
    """Waits (10 s at most) until ``count`` callers wait behind the running pass."""
    deadline = time.monotonic() + 10
    while len(coalescer._waiting) < count:
        assert time.monotonic() < deadline, "the callers never queued"
        time.sleep(0.005)


def rows(result: np.ndarray) -> List[float]:
    return [float(v) for v in result[:, 0]]


def test_a_lone_caller_goes_straight_through() -> None:
    encoder = GatedEncoder()
    encoder.gate.set()
    assert rows(Coalescer(encoder).encode(["a", "bbb"])) == [1.0, 3.0]
    assert encoder.passes == [["a", "bbb"]]


def behind_a_running_pass(coalescer: Coalescer, encoder: GatedEncoder, batches: List[List[str]]) -> List[Any]:
    """Holds a first pass (["x"]) at the gate, queues ``batches`` behind it, opens the gate: each
    caller's rows, the first's included, or the error it got."""
    with ThreadPoolExecutor(len(batches) + 1) as pool:
        first = pool.submit(coalescer.encode, ["x"])
        assert encoder.started.wait(10)
        later = [pool.submit(coalescer.encode, batch) for batch in batches]
        queued(coalescer, len(batches))  # all of them wait behind the running pass
        encoder.gate.set()
        outcomes: List[Any] = []
        for future in [first, *later]:
            try:
                outcomes.append(rows(future.result(10)))
            except ValueError as exc:
                outcomes.append(exc)
        return outcomes


def test_callers_arriving_during_a_pass_share_the_next_one() -> None:
    encoder = GatedEncoder()
    coalescer = Coalescer(encoder)
    outcomes = behind_a_running_pass(coalescer, encoder, [[t * n for t in ("a", "b")] for n in (2, 3, 4)])
    assert outcomes == [[1.0], [2.0, 2.0], [3.0, 3.0], [4.0, 4.0]]
    assert len(encoder.passes) == 2 and sorted(encoder.passes[1]) == sorted(["aa", "bb", "aaa", "bbb", "aaaa", "bbbb"])


def test_a_pass_takes_at_most_max_texts() -> None:
    encoder = GatedEncoder()
    coalescer = Coalescer(encoder, max_texts=4)
    outcomes = behind_a_running_pass(coalescer, encoder, [["ab", "cd", "ef"]] * 3)
    assert outcomes == [[1.0]] + [[2.0, 2.0, 2.0]] * 3
    assert [len(p) for p in encoder.passes] == [1, 3, 3, 3]


def test_an_error_reaches_every_caller_of_that_pass_and_the_next_pass_works() -> None:
    encoder = GatedEncoder()
    coalescer = Coalescer(encoder)
    first, *broken = behind_a_running_pass(coalescer, encoder, [["boom"], ["fine"]])
    assert first == [1.0]
    assert len(broken) == 2 and all(isinstance(e, ValueError) and "broken text" in str(e) for e in broken)
    assert rows(coalescer.encode(["ok"])) == [2.0]


def test_the_real_encoder_gives_each_concurrent_caller_its_own_vectors() -> None:
    encoder = shared_encoder()
    texts = [["hi"], ["do you take aetna", "what about cigna?"], ["i feel like using tonight"], ["ok thanks"]] * 4
    alone = [encoder._encode_batch(t) for t in texts]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(encoder.encode, texts))
    for mine, expected in zip(together, alone):
        assert mine.shape == expected.shape and np.abs(mine - expected).max() < 1e-5
