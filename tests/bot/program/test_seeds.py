"""Seed fingerprints: a phrase of a page is found from the hashes alone, other wording is not."""

from pathlib import Path

import pytest

from bot.program import seeds


def test_written_fingerprints_find_the_pages_phrases_and_nothing_else(tmp_path: Path) -> None:
    pages = tmp_path / "seeds"
    pages.mkdir()
    (pages / "000_a.txt").write_text(
        "Sunrise Valley Treatment offers group therapy three evenings a week for adults in recovery."
    )
    target = tmp_path / "seeds.txt"
    assert seeds.write(pages, target) > 0
    committed = seeds.load(target)
    assert "sunrise valley treatment offers group therapy three" not in target.read_text()  # hashes, not text
    assert seeds.in_seeds("They said: group therapy three evenings a week for adults!", 7, committed)
    assert seeds.in_seeds("Sunrise Valley", 2, committed) == {"sunrise valley"}
    assert not seeds.in_seeds("Our groups meet on three evenings each week for adults.", 7, committed)


def test_no_pages_says_where_to_put_them(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no seed pages"):
        seeds.write(tmp_path, tmp_path / "out.txt")


def test_the_committed_file_covers_every_page() -> None:
    assert len(seeds.load()) > 10000
