"""sources.yml: the committed list loads; every broken one says which file, which entry and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.meetings.models import Fellowship
from bot.meetings.sources import FeedFormat, SourcesError, load_sources
from bot.settings import PROJECT_ROOT

COMMITTED = PROJECT_ROOT / "data" / "meetings" / "sources.yml"

GOOD_ENTRY = """\
  - name: desert-aa
    format: meeting_guide
    path: aa.json
    timezone: America/Los_Angeles
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(text, encoding="utf-8")
    return path


def problem_of(path: Path) -> str:
    with pytest.raises(SourcesError) as caught:
        load_sources(path)
    message = str(caught.value)
    assert str(path) in message, message
    return message


def test_the_committed_sources_load() -> None:
    sources = load_sources(COMMITTED)
    assert [source.name for source in sources.sources] == [
        "demo-aa",
        "demo-na",
        "demo-smart",
        "demo-al-anon",
        "demo-ca",
        "demo-celebrate-recovery",
    ]
    assert sources.refresh_hours == 12.0
    assert all(source.enabled and source.url is None for source in sources.sources)
    assert all(source.timezone == "America/Los_Angeles" for source in sources.sources)
    assert {source.name: source.default_fellowship for source in sources.sources}["demo-celebrate-recovery"] is (
        Fellowship.celebrate_recovery
    )
    na = sources.sources[1]
    assert (na.format, na.where, na.default_fellowship) == (FeedFormat.bmlt, "demo/na-desert-area.json", Fellowship.na)
    # Every listed file exists under data/meetings.
    assert all((COMMITTED.parent / str(source.path)).is_file() for source in sources.sources)


def test_defaults_refresh_hours_and_fellowship_by_format(tmp_path: Path) -> None:
    sources = load_sources(
        write(tmp_path, "sources:\n" + GOOD_ENTRY + "  - name: desert-na\n    format: bmlt\n    url: https://bmlt.example/x\n")
    )
    assert sources.refresh_hours == 12.0
    assert [source.default_fellowship for source in sources.sources] == [Fellowship.aa, Fellowship.na]
    assert sources.sources[1].where == "https://bmlt.example/x"


def test_yaml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  - name: desert-aa\n    format: [meeting_guide\n    path: aa.json\n")
    message = problem_of(path)
    assert message.startswith(f"{path}: line 4, column 9: YAML syntax error: ")
    assert "expected ',' or ']'" in message


def test_yaml_error_without_a_position_reads_cleanly(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\x07\n")
    assert problem_of(path).startswith(f"{path}: YAML syntax error: ")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "sources.yml"
    assert problem_of(path) == f"{path}: file is missing (it lists the meeting feeds to import)"


def test_unreadable_file_is_a_sources_error(tmp_path: Path) -> None:
    path = tmp_path / "sources.yml"
    path.write_bytes(b"sources:\n  - name: caf\xe9\n")
    assert "cannot read the file: 'utf-8' codec can't decode byte 0xe9" in problem_of(path)


@pytest.mark.parametrize(
    "entry, where, problem",
    [
        (
            "  - name: desert-aa\n    format: bmlt\n    path: aa.json\n    url: https://bmlt.example/x\n",
            "sources.1 (desert-aa)",
            "give exactly one of 'path' (a file under data/meetings) or 'url'",
        ),
        (
            "  - name: desert-aa\n    format: bmlt\n",
            "sources.1 (desert-aa)",
            "give exactly one of 'path' (a file under data/meetings) or 'url'",
        ),
        (
            "  - name: Desert AA\n    format: bmlt\n    path: aa.json\n",
            "sources.1 (Desert AA).name",
            "must be a short slug of lower-case letters, digits, '-' and '_' (it prefixes meeting ids)",
        ),
        (
            "  - name: desert-xa\n    format: meeting_guide\n    path: xa.json\n    fellowship: XA\n",
            "sources.1 (desert-xa).fellowship",
            "value is not a valid enumeration member; permitted: 'AA', 'NA',",
        ),
        (
            "  - name: desert-na\n    format: bmlt\n    path: na.json\n    timezone: Pacific Time\n",
            "sources.1 (desert-na).timezone",
            "'Pacific Time' is not an IANA timezone like America/Los_Angeles",
        ),
        (
            "  - name: desert-na\n    format: bmlt\n    path: na.json\n    refresh: 6\n",
            "sources.1 (desert-na).refresh",
            "extra fields not permitted",
        ),
        (
            "  - name: desert-na\n    format: csv\n    path: na.json\n",
            "sources.1 (desert-na).format",
            "value is not a valid enumeration member; permitted: 'meeting_guide', 'bmlt'",
        ),
        (
            "  - name: desert-na\n    format: bmlt\n    url: ftp://bmlt.example/x\n",
            "sources.1 (desert-na).url",
            "URL scheme not permitted",
        ),
        ("  - format: bmlt\n    path: na.json\n", "sources.1.name", "field required"),
    ],
    ids=[
        "path-and-url",
        "neither",
        "bad-slug",
        "unknown-fellowship",
        "bad-timezone",
        "unknown-key",
        "bad-format",
        "ftp-url",
        "no-name",
    ],
)
def test_broken_entry_names_file_entry_and_problem(tmp_path: Path, entry: str, where: str, problem: str) -> None:
    path = write(tmp_path, "sources:\n" + GOOD_ENTRY + entry)
    message = problem_of(path)
    assert message.startswith("Meeting sources are invalid:\n")
    assert f"  - {path}: {where}: {problem}" in message
    # Only the broken entry is named: the good one before it is fine.
    assert len(message.splitlines()) == 2


def test_duplicate_names(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n" + GOOD_ENTRY + GOOD_ENTRY.replace("aa.json", "aa-2.json"))
    assert problem_of(path) == (
        f"Meeting sources are invalid:\n  - {path}: sources: source names must be unique; repeated: desert-aa"
    )


@pytest.mark.parametrize("hours", ["0", "-1"])
def test_refresh_hours_must_be_positive(tmp_path: Path, hours: str) -> None:
    path = write(tmp_path, f"refresh_hours: {hours}\nsources:\n" + GOOD_ENTRY)
    assert problem_of(path) == f"Meeting sources are invalid:\n  - {path}: refresh_hours: must be more than 0"


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = write(tmp_path, "refresh_hourz: 6\nsources:\n" + GOOD_ENTRY)
    assert f"  - {path}: refresh_hourz: extra fields not permitted" in problem_of(path)


@pytest.mark.parametrize(
    "text, problem",
    [("", "SourceList expected dict not NoneType"), (GOOD_ENTRY, "SourceList expected dict not list")],
    ids=["empty", "bare-list"],
)
def test_not_a_mapping_is_a_top_level_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    assert problem_of(path) == f"Meeting sources are invalid:\n  - {path}: (top level): {problem}"


def test_every_problem_is_listed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "refresh_hours: 0\nsources:\n"
        "  - name: a\n    format: bmlt\n    path: a.json\n    timezone: Nowhere/Else\n"
        "  - name: b\n    format: bmlt\n",
    )
    assert problem_of(path).splitlines()[1:] == [
        f"  - {path}: sources.0 (a).timezone: 'Nowhere/Else' is not an IANA timezone like America/Los_Angeles",
        f"  - {path}: sources.1 (b): give exactly one of 'path' (a file under data/meetings) or 'url'",
        f"  - {path}: refresh_hours: must be more than 0",
    ]
