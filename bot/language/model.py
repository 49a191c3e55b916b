"""The language identifier's model, read from its registry package and verified before use.

``py3langid`` (a maintained fork of langid.py, BSD) ships its naive Bayes model in the wheel as
``data/model.npz.xz`` (numpy arrays, no pickle). It is installed without its declared
dependencies (it asks for numpy 2; the arrays load with Rasa's numpy 1.23), so the file is checked
against the sha256 of the released wheel's model before anything reads it: a different model must
stop the service, never quietly change which language a person is answered in.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any, Optional, Sequence

PACKAGE = "py3langid"
DISTRIBUTION = "py3langid==0.4.0"
MODEL_FILE = "data/model.npz.xz"
EXPECTED_SHA256 = "f4f4a2c3465ca1f081541037f9cac23021d68151c2f709c55ae5eedfca522963"


class LanguageModelUnavailable(RuntimeError):
    """The identifier's model is missing or not the released one; the message says how to fix it."""


def model_path() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LanguageModelUnavailable(
            f"the language identifier is not installed: run `make setup` (it installs {DISTRIBUTION} without dependencies)"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / MODEL_FILE
    if not path.is_file():
        raise LanguageModelUnavailable(f"{path} is missing: reinstall with `make setup`")
    return path


def verify(data: bytes) -> None:
    digest = hashlib.sha256(data).hexdigest()
    if digest != EXPECTED_SHA256:
        raise LanguageModelUnavailable(
            f"the language model has sha256 {digest}, not {EXPECTED_SHA256} of {DISTRIBUTION}: the package is damaged "
            "or another version; the service will not start with it. Reinstall with `make setup`."
        )


def load_identifier(languages: Sequence[str], path: Optional[Path] = None) -> Any:
    """py3langid's identifier over ``languages`` only, with probabilities that sum to one."""
    path = path or model_path()
    try:
        verify(path.read_bytes())
    except OSError as exc:
        raise LanguageModelUnavailable(f"cannot read {path}: {exc}; reinstall with `make setup`") from None
    from py3langid.langid import LanguageIdentifier  # after the check: nothing reads an unverified model

    identifier = LanguageIdentifier.from_model_file(path, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier
