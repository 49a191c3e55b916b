"""How well the assistant understands people: evaluation sets, scores and `make evaluate`."""
