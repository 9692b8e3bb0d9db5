"""The one error type an upload can raise: what is wrong with the file and how to fix it."""

from __future__ import annotations


class UploadError(ValueError):
    """A user's file that WardLens cannot use as it is.

    ``problem`` says what is wrong in words a user can check against their file (naming
    columns, rows and example values, never person-level values); ``fix`` says what to do.
    ``str(error)`` is both, ready to show as one message.
    """

    def __init__(self, problem: str, fix: str) -> None:
        self.problem, self.fix = problem.rstrip(". "), fix.rstrip(". ")
        super().__init__(f"{self.problem}. Fix: {self.fix}.")
