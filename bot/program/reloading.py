"""Data a center edits (program, coping skills), reloaded when one of its files changes.

An edit takes effect on the next message without a restart; a broken edit keeps the last good
data in service and is reported in ``last_error`` (`make check-data` shows it in full).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable, Generic, Iterable, Optional, Tuple, Type, TypeVar

T = TypeVar("T")
Stamp = Tuple[Tuple[str, float], ...]


class ReloadingCache(Generic[T]):
    def __init__(self, files: Callable[[], Iterable[Path]], load: Callable[[], T], error: Type[Exception]):
        self._files = files
        self._load = load
        self._error = error
        self._lock = threading.Lock()
        self._stamp: Optional[Stamp] = None
        self._value: Optional[T] = None
        self.last_error: Optional[Exception] = None

    def _current_stamp(self) -> Stamp:
        stamp = []
        for path in self._files():
            try:
                stamp.append((str(path), os.stat(path).st_mtime))
            except FileNotFoundError:
                stamp.append((str(path), -1.0))
        return tuple(stamp)

    def get(self) -> T:
        stamp = self._current_stamp()
        if stamp == self._stamp and self._value is not None:
            return self._value
        with self._lock:
            if stamp != self._stamp or self._value is None:
                try:
                    self._value = self._load()
                    self.last_error = None
                except self._error as exc:
                    self.last_error = exc
                    if self._value is None:
                        raise
                self._stamp = stamp
        return self._value
