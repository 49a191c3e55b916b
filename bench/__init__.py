"""Benchmarks (`make bench`): load against the running service."""
