"""Parsers of the meeting feed formats, one module each."""
