"""Command line of the service: `python -m bot <command>` (the Makefile calls these)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from typing import Callable, List, Optional

from bot.blas import choose_kernels
from bot.rasa.channels.guard import CHAT_BODY_LIMIT_BYTES
from bot.settings import PROJECT_ROOT, SettingsError, get_settings


def _check_data(_: argparse.Namespace) -> int:
    """The program data, the coping skills, then the meeting sources and their feed files."""
    from bot.answer_book import load_answer_book
    from bot.program.errors import ProgramDataError

    settings = get_settings()
    try:
        book = load_answer_book(settings.program_data_dir)
    except ProgramDataError as exc:
        print(exc, file=sys.stderr)
        return 1
    program = book.program
    print(
        f"{settings.program_data_dir}: valid. {program.center.name}: {len(program.tracks)} tracks, "
        f"{len(program.insurance.carriers)} insurance carriers, {len(book.keys())} answers."
    )
    from bot.coping.loader import CopingDataError, load_library

    try:
        library = load_library(settings.coping_dir)
    except CopingDataError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{settings.coping_dir}: valid. {len(library.skills)} coping skills for {len(library.needs)} needs.")
    from bot.meetings.cli import check_files

    return check_files(settings)


def _seed_fingerprints(args: argparse.Namespace) -> int:
    from bot.program import seeds

    try:
        count = seeds.write()
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{seeds.FINGERPRINTS}: {count} fingerprints")
    return 0


def _nlu_lookup(args: argparse.Namespace) -> int:
    from bot.program.loader import load_program
    from bot.understanding import insurance_lookup

    program = load_program(get_settings().program_data_dir)
    path = PROJECT_ROOT / "data" / "nlu" / "insurance_lookup.yml"
    if args.check:
        if not path.exists() or path.read_text(encoding="utf-8") != insurance_lookup.render(program.insurance):
            print(f"{path} is out of date with data/program/insurance.yml: run `make train`.", file=sys.stderr)
            return 1
        return 0
    changed = insurance_lookup.write(program.insurance, path)
    print(f"{path}: {'updated' if changed else 'up to date'}")
    return 0


def _rasa(args: argparse.Namespace) -> int:
    """Runs Rasa in this process with the ${VAR}s its YAML needs and our patches applied."""
    settings = get_settings()
    os.environ.update(settings.rasa_environment())
    # Sanic reads SANIC_* variables into its config: Rasa's server would take 100 MB bodies.
    os.environ["SANIC_REQUEST_MAX_SIZE"] = str(CHAT_BODY_LIMIT_BYTES)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    os.chdir(PROJECT_ROOT)
    sys.path.insert(0, str(PROJECT_ROOT))  # Rasa imports bot.rasa.tracker_store by module path
    from rasa.__main__ import main as rasa_main

    from bot.rasa import patches

    patches.apply()
    sys.argv = ["rasa", *with_auth_token(list(args.rasa_args), settings.auth_token)]
    rasa_main()
    return 0


def with_auth_token(rasa_args: List[str], token: Callable[[], str]) -> List[str]:
    """`rasa run --enable-api` with the API's token added here, not on the visible command line.

    As ``--auth-token=<token>``: a generated token may start with "-", which argparse would read
    as the next option if the token came as a separate word (rasa then refused to start)."""
    given = any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in rasa_args)
    if rasa_args[:1] == ["run"] and "--enable-api" in rasa_args and not given:
        return [*rasa_args, f"--auth-token={token()}"]
    return rasa_args


def _actions(_: argparse.Namespace) -> int:
    from bot.service.action_server import run

    sys.path.insert(0, str(PROJECT_ROOT))  # the actions package
    run(get_settings())
    return 0


def _web(_: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.web.app import create_app

    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    from bot.web.console.access_log import PrivateAccessLogger

    # The default access log writes full URLs, and a search or a transcript URL can identify someone.
    web.run_app(
        create_app(settings), host=settings.host, port=settings.web_port, print=None, access_log_class=PrivateAccessLogger
    )
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from bot.storage.db import make_engine
    from bot.storage.schema import current, head, migrate

    settings = get_settings()
    engine = make_engine(settings.database_url)
    before = current(engine)
    migrate(engine)
    where = engine.url.render_as_string(hide_password=True)
    print(f"{where}: schema at {head()}" + ("" if before == head() else f" (was {before or 'not migrated'})"))
    return 0


def _run(args: argparse.Namespace) -> int:
    from bot.service.supervisor import supervise

    _migrate(args)  # once, before the processes that share the database start
    return asyncio.run(supervise(get_settings(), args.instances))


def _with_actions(args: argparse.Namespace) -> int:
    from bot.service.supervisor import run_with_action_server

    argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    return run_with_action_server(get_settings(), argv)


def _evaluate(args: argparse.Namespace) -> int:
    from bot.understanding import cli

    return cli.run(args, PROJECT_ROOT, get_settings())


def _gate(args: argparse.Namespace) -> int:
    from bot.understanding import gate

    return gate.run(args, PROJECT_ROOT, get_settings())


def _eval_safety(args: argparse.Namespace) -> int:
    from bot.safety import cli

    return cli.run(args, PROJECT_ROOT, get_settings())


def _meetings(args: argparse.Namespace) -> int:
    from bot.answer_book import load_answer_book
    from bot.meetings import cli

    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(message)s")
    return cli.run(args, settings, load_answer_book)


def _clients(args: argparse.Namespace) -> int:
    from bot.clients import cli

    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(message)s")
    return cli.run(args, settings)


def _users(args: argparse.Namespace) -> int:
    from bot.staff import cli

    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(message)s")
    return cli.run(args, settings)


def _purge(args: argparse.Namespace) -> int:
    from bot.records import purge

    return purge.run(args, get_settings())


def _review(args: argparse.Namespace) -> int:
    from bot.review import cli

    return cli.run(args, get_settings())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start Rasa, the action server and the web app")
    run.add_argument(
        "--instances",
        type=int,
        default=1,
        help="Rasa instances (each with its own action server) behind HAProxy; more than 1 needs DATABASE_URL and REDIS_URL",
    )
    run.set_defaults(func=_run)
    sub.add_parser("web", help="start the web app only").set_defaults(func=_web)
    sub.add_parser("actions", help="start the action server only (loopback, Rasa's shared secret)").set_defaults(func=_actions)
    sub.add_parser("migrate", help="bring the database's tables to the newest schema (bot/storage/migrations/)").set_defaults(
        func=_migrate
    )
    sub.add_parser("check-data", help="validate data/program/, data/coping/ and the meeting feeds").set_defaults(func=_check_data)
    fingerprints = sub.add_parser("seed-fingerprints", help="hash the seed pages' word n-grams into tests/data/seeds.txt")
    fingerprints.set_defaults(func=_seed_fingerprints)
    lookup = sub.add_parser("nlu-lookup", help="regenerate the insurance lookup table for NLU")
    lookup.add_argument("--check", action="store_true", help="fail if the file is out of date")
    lookup.set_defaults(func=_nlu_lookup)
    rasa = sub.add_parser("rasa", help="run a rasa command with the service's settings")
    rasa.add_argument("rasa_args", nargs=argparse.REMAINDER)
    rasa.set_defaults(func=_rasa)
    with_actions = sub.add_parser("with-actions", help="run a command while an action server is up")
    with_actions.add_argument("argv", nargs=argparse.REMAINDER)
    with_actions.set_defaults(func=_with_actions)
    from bot.understanding.cli import add_parser as add_evaluate_parser

    add_evaluate_parser(sub, PROJECT_ROOT).set_defaults(func=_evaluate)
    from bot.safety.cli import add_parser as add_safety_parser

    add_safety_parser(sub, PROJECT_ROOT).set_defaults(func=_eval_safety)
    from bot.understanding.gate import add_parser as add_gate_parser

    add_gate_parser(sub, PROJECT_ROOT).set_defaults(func=_gate)
    from bot.meetings.cli import add_parser as add_meetings_parser

    add_meetings_parser(sub).set_defaults(func=_meetings)
    from bot.clients.cli import add_parser as add_clients_parser

    add_clients_parser(sub).set_defaults(func=_clients)
    from bot.records.purge import add_parser as add_purge_parser

    add_purge_parser(sub).set_defaults(func=_purge)
    from bot.review.cli import add_parser as add_review_parser

    add_review_parser(sub).set_defaults(func=_review)
    from bot.staff.cli import add_parser as add_users_parser

    add_users_parser(sub).set_defaults(func=_users)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    choose_kernels(os.environ)  # before the commands load numpy; the processes they start inherit it
    sys.exit(main())
