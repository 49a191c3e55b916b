"""One page of a longer list."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Generic, List, TypeVar

T = TypeVar("T")

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


def check_paging(page: int, per_page: int) -> None:
    """Raises ValueError when ``page`` or ``per_page`` is out of range (the web layer answers 400)."""
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        raise ValueError(f"page must be a whole number from 1 on, not {page!r}")
    if not isinstance(per_page, int) or isinstance(per_page, bool) or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be a whole number from 1 to {MAX_PER_PAGE}, not {per_page!r}")


@dataclass(frozen=True)
class Page(Generic[T]):
    """``items`` is page ``page`` (1-based) of ``total`` items, ``per_page`` to a page.

    ``pages`` is at least 1, so "page 1 of 1" holds for an empty list; a page past the end has no
    items but still the right ``total``.
    """

    items: List[T]
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)  # a field, so dataclasses.asdict() (the JSON API) includes it

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", max(1, math.ceil(self.total / self.per_page)))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page
