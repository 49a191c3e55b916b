"""The one error program data raises, shared by the loader and the answer templates."""

from typing import List


class ProgramDataError(Exception):
    """The program data cannot be used; the message lists every problem found."""

    def __init__(self, problems: List[str]):
        self.problems = problems
        super().__init__("Program data is invalid:\n" + "\n".join(f"  - {p}" for p in problems))
