"""The language model is the released one, or the service refuses to start with a clear reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.language import model


def test_the_installed_model_is_verified_and_loads() -> None:
    identifier = model.load_identifier(["en", "es"])
    assert identifier.classify("¿dónde queda la clínica?")[0] == "es"


def test_a_changed_model_is_refused(tmp_path: Path) -> None:
    damaged = tmp_path / "model.npz.xz"
    data = bytearray(model.model_path().read_bytes())
    data[100] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(model.LanguageModelUnavailable, match="will not start.*make setup"):
        model.load_identifier(["en", "es"], damaged)


def test_a_missing_model_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(model.LanguageModelUnavailable, match="make setup"):
        model.load_identifier(["en", "es"], tmp_path / "absent.npz.xz")


def test_a_missing_package_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "PACKAGE", "no_such_package_here")
    with pytest.raises(model.LanguageModelUnavailable, match="make setup"):
        model.model_path()
