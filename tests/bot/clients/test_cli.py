"""`python -m bot clients ...` against a scratch database and program data (the service_env fixture)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import List, Tuple

import pytest

from bot.__main__ import main
from bot.clients import tokens
from bot.clients.store import ClientStore
from bot.program.loader import load_program
from bot.settings import get_settings
from bot.storage.db import make_engine

pytestmark = pytest.mark.usefixtures("service_env")


def run(capsys: pytest.CaptureFixture, *argv: str) -> Tuple[int, str, str]:
    code = main(["clients", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def track_keys() -> List[str]:
    return [track.key for track in load_program(get_settings().program_data_dir).tracks]


def add(capsys: pytest.CaptureFixture, client_id: str = "C-1", track: str = "") -> Tuple[int, str, str]:
    return run(capsys, "add", client_id, "--first-name", "Sam", "--track", track or track_keys()[0], "--counselor", "Dana Ruiz")


def test_add_then_list_shows_the_client(capsys: pytest.CaptureFixture, service_env: Path) -> None:
    code, out, err = add(capsys, "C-1")
    assert code == 0 and "Added client C-1" in out and err == ""
    assert add(capsys, "B-7", track_keys()[-1])[0] == 0
    code, out, _ = run(capsys, "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "FIRST", "NAME", "TRACK", "COUNSELOR", "ADDED", "(UTC)"]
    assert lines[1].startswith("B-7 ") and lines[2].startswith("C-1 ")
    assert track_keys()[0] in lines[2] and "Dana Ruiz" in lines[2] and "2 clients" in out
    # It really is in the configured database.
    assert ClientStore(make_engine(service_env)).get("C-1") is not None


def test_list_says_so_when_there_are_no_clients(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0 and "no clients yet" in out


def test_an_unknown_track_is_refused_with_the_valid_keys(capsys: pytest.CaptureFixture) -> None:
    code, out, err = add(capsys, "C-1", "astronaut_track")
    assert code == 1 and out == ""
    assert "astronaut_track" in err
    for key in track_keys():
        assert key in err
    assert "no clients yet" in run(capsys, "list")[1]


def test_the_tracks_come_from_the_configured_program_data(capsys: pytest.CaptureFixture, program_copy: Path) -> None:
    tracks, spanish = program_copy / "tracks.yml", program_copy / "facts.es.yml"
    tracks.write_text(tracks.read_text(encoding="utf-8").replace("key: young_adult", "key: emerging_adult"), encoding="utf-8")
    spanish.write_text(spanish.read_text(encoding="utf-8").replace("  young_adult:", "  emerging_adult:"), encoding="utf-8")
    assert add(capsys, "C-1", "young_adult")[0] == 1
    assert add(capsys, "C-2", "emerging_adult")[0] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "bad id", "--first-name", "Sam", "--track", "adult_day", "--counselor", "Dana"], "not a valid client id"),
        (["add", "C-1", "--first-name", " ", "--track", "adult_day", "--counselor", "Dana"], "first name must not be blank"),
        (["remove", "C-404"], "No client with id 'C-404'"),
        (["token", "C-404"], "No client with id 'C-404'"),
    ],
)
def test_user_errors_exit_1_with_a_message(capsys: pytest.CaptureFixture, argv: List[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 1 and message in err and out == ""


def test_a_duplicate_add_is_refused(capsys: pytest.CaptureFixture) -> None:
    assert add(capsys, "C-1")[0] == 0
    code, _, err = add(capsys, "C-1")
    assert code == 1 and "already exists" in err


def test_token_prints_only_a_token_that_verifies(capsys: pytest.CaptureFixture) -> None:
    add(capsys, "C-1")
    before = dt.datetime.now(dt.timezone.utc)
    code, out, err = run(capsys, "token", "C-1")
    assert code == 0
    token = out.strip()
    assert out == token + "\n" and len(out.splitlines()) == 1
    assert token not in err and "valid until" in err
    assert tokens.verify(token, get_settings().client_token_key()) == "C-1"
    hours = get_settings().client_token_hours
    assert tokens.verify(token, get_settings().client_token_key(), now=before + dt.timedelta(hours=hours, minutes=-1)) == "C-1"
    with pytest.raises(tokens.TokenRefused, match="expired"):
        tokens.verify(token, get_settings().client_token_key(), now=before + dt.timedelta(hours=hours, minutes=2))


def test_token_hours_sets_the_lifetime(capsys: pytest.CaptureFixture) -> None:
    add(capsys, "C-1")
    before = dt.datetime.now(dt.timezone.utc)
    code, out, err = run(capsys, "token", "C-1", "--hours", "0.5")
    assert code == 0 and "0.5 h" in err
    key = get_settings().client_token_key()
    assert tokens.verify(out.strip(), key, now=before + dt.timedelta(minutes=29)) == "C-1"
    with pytest.raises(tokens.TokenRefused, match="expired"):
        tokens.verify(out.strip(), key, now=before + dt.timedelta(minutes=32))


@pytest.mark.parametrize("hours", ["0", "-1", "nan", "100000"])
def test_token_refuses_a_nonsense_lifetime(capsys: pytest.CaptureFixture, hours: str) -> None:
    add(capsys, "C-1")
    code, out, err = run(capsys, "token", "C-1", "--hours", hours)
    assert code == 1 and out == "" and "--hours" in err


def test_a_configured_secret_signs_the_tokens(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "configured-secret-" + "z" * 40
    monkeypatch.setenv("CLIENT_TOKEN_SECRET", secret)
    get_settings.cache_clear()
    add(capsys, "C-1")
    token = run(capsys, "token", "C-1")[1].strip()
    assert tokens.verify(token, secret) == "C-1"


def test_remove_makes_the_client_unknown_and_its_tokens_useless(capsys: pytest.CaptureFixture, service_env: Path) -> None:
    from bot.clients.identity import ClientVerifier

    add(capsys, "C-1")
    add(capsys, "C-2")
    token = run(capsys, "token", "C-1")[1].strip()
    code, out, _ = run(capsys, "remove", "C-1")
    assert code == 0 and "Removed client C-1" in out
    listing = run(capsys, "list")[1]
    assert "C-2" in listing and "C-1" not in listing
    assert run(capsys, "token", "C-1")[0] == 1
    verifier = ClientVerifier(ClientStore(make_engine(service_env)), get_settings().client_token_key())
    assert verifier.identify(token).status == "unknown_client"
    code, _, err = run(capsys, "remove", "C-1")
    assert code == 1 and "No client" in err


def test_the_subcommand_is_required(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["clients"])
    assert exited.value.code == 2
