"""Which OpenBLAS kernels numpy uses, chosen from the CPU's features.

numpy 1.23 (pinned through Rasa 3.6) ships OpenBLAS 0.3.20, which does not recognise the Xeons
of this machine kind and falls back to its oldest x86-64 kernels ("Prescott", SSE3) although the
CPU has AVX2 and AVX-512. Its AVX2 kernels ("Haswell") took the NLU parse's p95 from about 37 to
27 ms here (docs/performance.md). The AVX-512 ones ("SkylakeX") were slower on this workload's
short matrices (p50 19-21 ms against 14-15), so AVX2 is chosen whenever the CPU has it; OpenBLAS
itself uses the same kernels on AMD's Zen.

OpenBLAS reads ``OPENBLAS_CORETYPE`` once, when numpy loads it: ``choose_kernels`` must run
before anything imports numpy, and processes started afterwards inherit the choice. An operator's
own ``OPENBLAS_CORETYPE`` is left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import FrozenSet, MutableMapping, Optional

VARIABLE = "OPENBLAS_CORETYPE"
AVX2_KERNELS = "Haswell"
_AVX2_FLAGS = frozenset({"avx2", "fma"})
_CPUINFO = Path("/proc/cpuinfo")


def cpu_flags(cpuinfo: Path = _CPUINFO) -> FrozenSet[str]:
    """The first processor's feature flags (empty where /proc/cpuinfo is absent or unreadable)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def kernels_for(flags: FrozenSet[str]) -> Optional[str]:
    """The kernels to ask for, or None to leave OpenBLAS's own detection (no AVX2, or not x86)."""
    return AVX2_KERNELS if _AVX2_FLAGS <= flags else None


def choose_kernels(environ: MutableMapping[str, str], cpuinfo: Path = _CPUINFO) -> Optional[str]:
    """Set ``OPENBLAS_CORETYPE`` in ``environ`` unless it is set already; returns what is in force."""
    if environ.get(VARIABLE):
        return environ[VARIABLE]
    chosen = kernels_for(cpu_flags(cpuinfo))
    if chosen is not None:
        environ[VARIABLE] = chosen
    return chosen
