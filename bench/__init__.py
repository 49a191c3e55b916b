"""Benchmarks (`make bench`): load against the running service."""

import os

from bot.blas import choose_kernels

# Run as `python -m bench.<name>`, this package loads before numpy does: the benchmarks measure
# the same OpenBLAS kernels as the service they compare with (bot/blas.py).
choose_kernels(os.environ)
