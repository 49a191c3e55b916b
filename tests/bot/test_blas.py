"""The OpenBLAS kernels chosen from the CPU's flags (bot/blas.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.blas import AVX2_KERNELS, VARIABLE, choose_kernels, cpu_flags, kernels_for
from bot.settings import PROJECT_ROOT

_XEON = "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\nflags\t\t: fpu sse3 avx fma avx2 avx512f\n\nprocessor\t: 1\nflags\t\t: fpu\n"


@pytest.fixture
def cpuinfo(tmp_path: Path) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(_XEON)
    return path


def test_flags_are_read_from_the_first_processor(cpuinfo: Path) -> None:
    assert cpu_flags(cpuinfo) == frozenset({"fpu", "sse3", "avx", "fma", "avx2", "avx512f"})


def test_a_missing_cpuinfo_reads_as_no_flags(tmp_path: Path) -> None:
    assert cpu_flags(tmp_path / "absent") == frozenset()


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"avx2", "fma", "avx512f"}, AVX2_KERNELS),  # AVX-512 measured slower on short matrices
        ({"avx2", "fma"}, AVX2_KERNELS),
        ({"avx", "sse3"}, None),  # no AVX2: OpenBLAS's own choice
        ({"avx2"}, None),  # Haswell's kernels need FMA too
        (set(), None),  # not x86, or no /proc
    ],
)
def test_kernels_for_flags(flags: set, expected: object) -> None:
    assert kernels_for(frozenset(flags)) == expected


def test_the_choice_goes_into_the_environment(cpuinfo: Path) -> None:
    environ: dict = {}
    assert choose_kernels(environ, cpuinfo) == AVX2_KERNELS
    assert environ == {VARIABLE: AVX2_KERNELS}


def test_an_operators_choice_is_kept(cpuinfo: Path) -> None:
    environ = {VARIABLE: "SkylakeX"}
    assert choose_kernels(environ, cpuinfo) == "SkylakeX"
    assert environ == {VARIABLE: "SkylakeX"}


def test_nothing_is_set_without_avx2(tmp_path: Path) -> None:
    old = tmp_path / "cpuinfo"
    old.write_text("processor\t: 0\nflags\t\t: fpu sse3\n")
    environ: dict = {}
    assert choose_kernels(environ, old) is None
    assert environ == {}


_REPORT = (
    "import runpy, sys\n"
    "sys.argv = ['bot', '--help']\n"
    "try:\n"
    "    runpy.run_module('bot', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
    "from threadpoolctl import threadpool_info\n"
    "print([i['architecture'] for i in threadpool_info() if i['internal_api'] == 'openblas'][0])\n"
)


def test_python_m_bot_chooses_before_numpy_loads() -> None:
    """`python -m bot ...` loads numpy while building its parser: the choice must come first."""
    environ = {k: v for k, v in os.environ.items() if k != VARIABLE}
    done = subprocess.run(
        [sys.executable, "-c", _REPORT], cwd=PROJECT_ROOT, env=environ, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    expected = kernels_for(cpu_flags())
    architecture = done.stdout.strip().splitlines()[-1]
    if expected is None:
        assert architecture  # OpenBLAS's own choice, whatever it is
    else:
        assert architecture == expected
