"""Texts from concurrent callers encoded in one pass.

Here a matrix product over a few rows costs nearly as much as over a few dozen: OpenBLAS is far
from its peak on short, wide products, and one message is only 5 to 30 rows
(docs/performance.md). When the service parses several messages at once (its parse threads,
bot/rasa/patches.py), the texts that arrive while the encoder is busy wait for its current pass
and then go through together in the next. A lone message goes straight through: nothing waits on
a timer, so a quiet service answers as fast as before.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Callable, Deque, List, Optional, Sequence

import numpy as np


class _Request:
    __slots__ = ("texts", "rows", "error", "done")

    def __init__(self, texts: List[str]) -> None:
        self.texts = texts
        self.rows: Optional[np.ndarray] = None
        self.error: Optional[BaseException] = None
        self.done = False

    def outcome(self) -> np.ndarray:
        if self.error is not None:
            raise self.error
        assert self.rows is not None
        return self.rows


class Coalescer:
    """``encode`` as ``encode_batch`` would answer, sharing passes between threads.

    The caller that finds the encoder idle runs a pass for everything waiting (up to
    ``max_texts``, so that one pass stays short) and hands each caller its rows; the others sleep
    until their rows are ready or the encoder is free again.
    """

    def __init__(self, encode_batch: Callable[[List[str]], np.ndarray], max_texts: int = 16) -> None:
        self._encode_batch = encode_batch
        self._max_texts = max_texts
        self._waiting: Deque[_Request] = deque()
        self._busy = False
        self._changed = threading.Condition()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        request = _Request(list(texts))
        with self._changed:
            self._waiting.append(request)
        while True:
            with self._changed:
                while self._busy and not request.done:
                    self._changed.wait()
                if request.done:
                    return request.outcome()
                self._busy = True
                batch = self._take()
            try:
                self._run(batch)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()

    def _take(self) -> List[_Request]:
        """The oldest requests, at least one, up to ``max_texts`` texts in all."""
        batch = [self._waiting.popleft()]
        count = len(batch[0].texts)
        while self._waiting and count + len(self._waiting[0].texts) <= self._max_texts:
            count += len(self._waiting[0].texts)
            batch.append(self._waiting.popleft())
        return batch

    def _run(self, batch: List[_Request]) -> None:
        try:
            rows = self._encode_batch([text for request in batch for text in request.texts])
        except BaseException as exc:  # noqa: BLE001 - every waiting caller gets the error, not a hang
            for request in batch:
                request.error, request.done = exc, True
            return
        start = 0
        for request in batch:
            request.rows, request.done = rows[start : start + len(request.texts)], True
            start += len(request.texts)
