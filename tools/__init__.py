"""Maintainers' tools, not part of the running service: ``meetings_demo.py`` regenerates the demo
meeting feeds (``python -m tools.meetings_demo``) and makes bulk meetings for the benchmarks."""
