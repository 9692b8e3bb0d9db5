"""The one error type the build raises for bad input: it names the file, the problem and the fix."""

from __future__ import annotations


class BuildInputError(ValueError):
    """Raw input that the build cannot use.

    The message always says which file, what is wrong with it and how to fix it, so that
    the build can stop with one clear line instead of a traceback.
    """

    def __init__(self, file: str, problem: str, fix: str) -> None:
        self.file, self.problem, self.fix = file, problem, fix
        super().__init__(f"{file}: {problem}. Fix: {fix}")
