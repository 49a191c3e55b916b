"""The encoder's files are verified against the published sha256 before use; anything else stops."""

import zipfile

import pytest

from bot.encoder import weights
from bot.encoder.weights import MODEL_FILE, TOKENIZER_FILE, EncoderUnavailable, read_files


def test_the_installed_package_holds_the_published_files():
    files = read_files()
    assert files.weights[:8] and '"model"' in files.tokenizer


def _zip(tmp_path, members):
    path = tmp_path / "model.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_changed_model_file_is_refused(tmp_path):
    real = read_files()
    path = _zip(tmp_path, {MODEL_FILE: real.weights[:-1] + b"\0", TOKENIZER_FILE: real.tokenizer})
    with pytest.raises(EncoderUnavailable, match="model.safetensors has sha256 .* not the published 53aa5117"):
        read_files(path)


def test_a_changed_tokenizer_is_refused(tmp_path):
    real = read_files()
    path = _zip(tmp_path, {MODEL_FILE: real.weights, TOKENIZER_FILE: real.tokenizer.replace("[UNK]", "[UNKNOWN]")})
    with pytest.raises(EncoderUnavailable, match="tokenizer.json has sha256"):
        read_files(path)


def test_a_missing_member_or_broken_zip_says_how_to_fix_it(tmp_path):
    with pytest.raises(EncoderUnavailable, match="tokenizer.json is not in .*`make setup`"):
        read_files(_zip(tmp_path, {MODEL_FILE: b"x"}))
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(EncoderUnavailable, match="cannot read .*`make setup`"):
        read_files(broken)


def test_a_missing_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(weights.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(EncoderUnavailable, match="not installed: run `make setup`"):
        weights.package_zip()
