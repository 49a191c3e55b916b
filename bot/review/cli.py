"""``python -m bot review export``: the labelled inbox rows as training data (bot/review/export.py).

Prints the summary (new examples per intent, clashes with the training data, messages left out)
and writes the audit entry ``review.export`` (user: the command line). Exit status 0 when the
files were written, 1 when the database could not be read.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import sqlalchemy as sa

from bot.settings import Settings


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser = sub.add_parser("review", help="the review inbox: export labelled messages as training data")
    actions = parser.add_subparsers(dest="review_command", required=True)
    actions.add_parser(
        "export",
        help="write the labelled, de-identified messages to data/nlu/reviewed/ (read the diff, then commit)",
    )
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.review.export import export
    from bot.staff import audit
    from bot.staff.audit import AuditLog
    from bot.staff.cli import VIA_CLI
    from bot.storage.db import make_engine
    from bot.storage.schema import migrate

    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        summary = export(engine)
        total = sum(summary.new.values())
        AuditLog(engine).record(
            None, audit.REVIEW_EXPORT, "review", None, f"{total} new, {summary.crises} crisis candidates; {VIA_CLI}"
        )
    except sa.exc.SQLAlchemyError as exc:
        where = sa.engine.make_url(settings.database_url).render_as_string(hide_password=True)
        print(
            f"review export: the database at {where} could not be read ({exc.__class__.__name__}); is it running?",
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()
    print("\n".join(summary.lines()))
    if total or summary.changed or summary.crises:
        print(
            "Written: data/nlu/reviewed/, data/review/provenance.yml, data/safety/reviewed_crises.yml. Read the diff, then commit."
        )
    else:
        print("Nothing new to write.")
    return 0
