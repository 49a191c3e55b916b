"""`python -m bot rasa run --enable-api` gets the API token, whatever characters the token has."""

from __future__ import annotations

from rasa.__main__ import create_argument_parser

from bot.__main__ import with_auth_token


def test_a_token_that_starts_with_a_dash_reaches_rasa_as_it_is() -> None:
    args = with_auth_token(["run", "--enable-api"], lambda: "-Xy_token")
    assert create_argument_parser().parse_args(args).auth_token == "-Xy_token"


def test_a_token_given_on_the_command_line_is_kept() -> None:
    for given in (["--auth-token", "mine"], ["--auth-token=mine"]):
        assert with_auth_token(["run", "--enable-api", *given], lambda: "other") == ["run", "--enable-api", *given]


def test_no_token_without_the_api() -> None:
    assert with_auth_token(["run"], lambda: "t") == ["run"]
    assert with_auth_token(["train"], lambda: "t") == ["train"]
