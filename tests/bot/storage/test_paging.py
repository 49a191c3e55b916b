"""The Page dataclass and the paging limits."""

from __future__ import annotations

import dataclasses

import pytest

from bot.storage.paging import Page, check_paging


@pytest.mark.parametrize(
    "total, per_page, pages", [(0, 25, 1), (1, 25, 1), (25, 25, 1), (26, 25, 2), (100, 10, 10), (101, 10, 11)]
)
def test_pages(total: int, per_page: int, pages: int) -> None:
    page: Page[int] = Page(items=[], total=total, page=1, per_page=per_page)
    assert page.pages == pages


def test_pages_is_a_field_for_the_json_api() -> None:
    assert dataclasses.asdict(Page(items=[1, 2], total=12, page=2, per_page=5)) == {
        "items": [1, 2],
        "total": 12,
        "page": 2,
        "per_page": 5,
        "pages": 3,
    }


@pytest.mark.parametrize("page, per_page", [(0, 25), (-1, 25), (1, 0), (1, 101), (True, 25), (1.5, 25)])
def test_out_of_range_paging_is_refused(page: object, per_page: object) -> None:
    with pytest.raises(ValueError):
        check_paging(page, per_page)  # type: ignore[arg-type]


def test_limits_are_accepted() -> None:
    check_paging(1, 1)
    check_paging(7, 100)
