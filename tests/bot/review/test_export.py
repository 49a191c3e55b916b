"""From labels to training data: de-identified, merged, no conversation ids, clashes held back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Dict

import pytest
import sqlalchemy as sa
import yaml
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from sqlalchemy.engine import Engine

from bot.review.export import export
from bot.review.normalize import review_key
from bot.review.store import ReviewStore, add_turn
from bot.storage.db import leads, review_items
from tests.bot.review.conftest import bot, save, user

UNSURE = [("nlu_fallback", 0.8), ("ask_cost", 0.41), ("ask_insurance", 0.3)]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project root whose training data holds one example."""
    nlu_dir = tmp_path / "data" / "nlu"
    nlu_dir.mkdir(parents=True)
    (nlu_dir / "insurance.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_insurance\n  examples: |\n    - do you take cigna\n'
    )
    return tmp_path


@pytest.fixture
def files(root: Path) -> Dict[str, Path]:
    return {
        "nlu_file": root / "data" / "nlu" / "reviewed" / "reviewed.yml",
        "crisis_file": root / "data" / "safety" / "reviewed_crises.yml",
        "provenance_file": root / "data" / "review" / "provenance.yml",
    }


def write(engine: Engine, conversation_id: str, text: str) -> str:
    events = [user(text, UNSURE), *bot("Sorry, I'm not sure I understood.", "utter_fallback")]
    save(engine, conversation_id, events)
    with engine.begin() as connection:
        add_turn(connection, conversation_id, events)
    return review_key(text)


def label(engine: Engine, text: str, decision: str, intent=None, note=None, by: str = "ada") -> None:  # type: ignore[no-untyped-def]
    ReviewStore(engine).label(review_key(text), decision, intent, note, by)


def test_labels_become_de_identified_rasa_examples_with_provenance_apart(
    engine: Engine, root: Path, files: Dict[str, Path]
) -> None:
    write(engine, "c1", "hi im Rosa, is magellan ok? call 760-555-0142")
    with engine.begin() as connection:
        now = dt.datetime.now(dt.timezone.utc)
        connection.execute(
            leads.insert().values(
                conversation_id="c1",
                first_name="Rosa",
                phone="760-555-0142",
                best_time="any",
                for_whom="me",
                consent_at=now,
                created_at=now,
            )
        )
    write(engine, "c2", "whats the process")
    write(engine, "c3", "not a useful one")
    label(engine, "hi im Rosa, is magellan ok? call 760-555-0142", "correct", "ask_insurance", by="ada")
    label(engine, "whats the process", "confirm", "ask_admissions", by="cleo")
    label(engine, "not a useful one", "exclude")
    summary = export(engine, root)
    assert dict(summary.new) == {"ask_insurance": 1, "ask_admissions": 1} and summary.skipped == 1
    written = files["nlu_file"].read_text()
    assert "Rosa" not in written and "760" not in written and "c1" not in written
    training = RasaYAMLReader().reads(written)
    assert sorted((m.get("intent"), m.get("text")) for m in training.training_examples) == [
        ("ask_admissions", "whats the process"),
        ("ask_insurance", "hi im [name], is magellan ok? call [phone]"),
    ]
    provenance = yaml.safe_load(files["provenance_file"].read_text())["examples"]
    assert {(p["intent"], p["labeled_by"]) for p in provenance} == {("ask_insurance", "ada"), ("ask_admissions", "cleo")}
    assert "c1" not in files["provenance_file"].read_text() and "c2" not in files["provenance_file"].read_text()


def test_a_crisis_label_is_a_candidate_for_the_net_not_an_nlu_example(engine: Engine, root: Path, files: Dict[str, Path]) -> None:
    write(engine, "c1", "back to day 1 and honestly whats the point of me")
    label(engine, "back to day 1 and honestly whats the point of me", "correct", "crisis", by="cleo")
    summary = export(engine, root)
    assert summary.crises == 1 and sum(summary.new.values()) == 0
    [candidate] = yaml.safe_load(files["crisis_file"].read_text())["candidates"]
    assert candidate["text"] == "back to day 1 and honestly whats the point of me" and candidate["labeled_by"] == "cleo"
    assert not files["nlu_file"].exists()  # no NLU example came of it


def test_a_clash_with_the_training_data_and_an_undeidentifiable_message_are_held_back(
    engine: Engine, root: Path, files: Dict[str, Path]
) -> None:
    write(engine, "c1", "Do you take Cigna?")
    write(engine, "c2", "my ssn is 123-45-6789 am i covered")
    label(engine, "Do you take Cigna?", "correct", "ask_cost")
    label(engine, "my ssn is 123-45-6789 am i covered", "correct", "ask_insurance")
    summary = export(engine, root)
    assert summary.clashes == [("Do you take Cigna?", "ask_cost", "ask_insurance")]
    assert len(summary.refused) == 1 and "123-45" not in summary.refused[0]
    assert sum(summary.new.values()) == 0
    assert "Clashes with the training data" in "\n".join(summary.lines())


def test_exports_merge_so_a_purged_conversation_keeps_its_examples_and_a_new_label_wins(
    engine: Engine, root: Path, files: Dict[str, Path]
) -> None:
    write(engine, "c1", "group on labor day?")
    label(engine, "group on labor day?", "correct", "ask_schedule")
    assert dict(export(engine, root).new) == {"ask_schedule": 1}
    assert dict(export(engine, root).new) == {}  # nothing new the second time
    label(engine, "group on labor day?", "correct", "ask_next_group")
    assert export(engine, root).changed == 1
    with engine.begin() as connection:
        connection.execute(review_items.delete())  # the conversation was purged
        connection.execute(sa.text("DELETE FROM review_labels"))
    export(engine, root)
    training = RasaYAMLReader().reads(files["nlu_file"].read_text())
    assert [(m.get("intent"), m.get("text")) for m in training.training_examples] == [("ask_next_group", "group on labor day?")]


def test_the_command_says_when_there_is_nothing_new_and_is_audited(service_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.__main__ import main
    from bot.staff.audit import AuditLog
    from bot.storage.db import make_engine

    assert main(["review", "export"]) == 0
    out = capsys.readouterr().out
    assert "New examples: 0" in out and "Nothing new to write." in out
    engine = make_engine(service_env)
    entries, _ = AuditLog(engine).list(limit=5, action="review.export")
    engine.dispose()
    assert [e.detail for e in entries] == ["0 new, 0 crisis candidates; via CLI"]
