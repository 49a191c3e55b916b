import json
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.understanding import sets

ROOT = Path(__file__).resolve().parents[3]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_load_rasa_nlu_strips_annotations_and_skips_the_safety_intents(tmp_path):
    write(
        tmp_path / "a.yml",
        'version: "3.1"\nnlu:\n- intent: ask_insurance\n  examples: |\n    - do you take [Aetna](insurance)\n    - medi cal?\n'
        "- intent: crisis\n  examples: |\n    - not here\n- synonym: x\n  examples: |\n    - y\n",
    )
    assert sets.load_rasa_nlu(tmp_path) == [
        sets.Labelled("do you take Aetna", "ask_insurance"),
        sets.Labelled("medi cal?", "ask_insurance"),
    ]


def test_a_broken_or_missing_set_says_which_file_and_what_to_do(tmp_path):
    with pytest.raises(sets.EvaluationDataError, match="no .yml files"):
        sets.load_rasa_nlu(tmp_path)
    write(tmp_path / "bad.yml", "nlu: [unclosed")
    with pytest.raises(sets.EvaluationDataError, match=r"bad\.yml: not valid YAML.*git checkout"):
        sets.load_rasa_nlu(tmp_path)


def test_distinct_keeps_the_first_of_texts_equal_but_for_case_and_spacing():
    items = [sets.Labelled("Yes", "affirm"), sets.Labelled(" yes ", "affirm"), sets.Labelled("no", "deny")]
    assert sets.distinct(items) == [sets.Labelled("Yes", "affirm"), sets.Labelled("no", "deny")]


@pytest.mark.parametrize("name", ["nlu_sealed", "nlu_dev", "nlu_holdout"])
def test_the_committed_sets_load_with_known_intents(name):
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    items = sets.load_rasa_nlu(ROOT / "tests" / "data" / name)
    assert len(items) > 300
    assert {i.intent for i in items} <= intents


def _clinc(directory: Path) -> Path:
    data = {
        "oos_test": [["how do i fix a flat tire", "oos"]],
        "test": [[f"balance {i}", "balance"] for i in range(12)]
        + [["yes please", "yes"], ["does insurance cover it", "insurance"]],
    }
    write(directory / "data" / "data_full.json", json.dumps(data))
    return directory


def test_clinc_off_topic_takes_oos_and_a_few_of_each_off_topic_intent(tmp_path):
    texts = sets.load_clinc_off_topic(_clinc(tmp_path))
    assert texts[0] == "how do i fix a flat tire"
    assert texts[1:] == [f"balance {i}" for i in range(sets.CLINC_PER_INTENT)]


def test_clinc_is_read_from_a_bare_mirror_too(tmp_path):
    work = _clinc(tmp_path / "work")
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    subprocess.run(["git", "-C", str(work), "add", "."], check=True)
    subprocess.run(["git", "-C", str(work), "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"], check=True)
    bare = tmp_path / "bare"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    assert sets.load_clinc_off_topic(bare)[0] == "how do i fix a flat tire"


def test_public_mirror_is_none_when_absent(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLIC_NLU_MIRROR", str(tmp_path / "nowhere"))
    assert sets.public_mirror() is None
    monkeypatch.setenv("PUBLIC_NLU_MIRROR", str(_clinc(tmp_path / "m")))
    assert sets.public_mirror() == tmp_path / "m"


def test_training_texts_read_every_subfolder_and_fold_case_and_punctuation(tmp_path):
    (tmp_path / "varied").mkdir()
    (tmp_path / "a.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - Hi there!\n")
    (tmp_path / "varied" / "b.yml").write_text("nlu:\n- intent: ask_cost\n  examples: |\n    - what's the [cost](topic)?\n")
    texts = sets.training_texts(tmp_path)
    assert texts == {"hi there", "whats the cost"}
    assert sets.plain("WHAT’S the cost ??") in texts
