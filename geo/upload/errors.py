"""The one error type an upload can raise: what is wrong with the file and how to fix it."""

from __future__ import annotations

#: The longest problem or fix kept: a message quoting a file is shortened, never megabytes long.
MAX_MESSAGE = 1_000
#: How many examples a message lists.
EXAMPLES = 5
#: The fix for a file that is not a table WardLens reads (an old .xls, a damaged workbook, binary data).
SAVE_AS = "Open it in Excel and save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8', then upload that"


def _capped(text: str) -> str:
    text = text.rstrip(". ")
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


class UploadError(ValueError):
    """A user's file that WardLens cannot use as it is.

    ``problem`` says what is wrong in words a user can check against their file (naming
    columns, rows and example values, never person-level values); ``fix`` says what to do.
    ``str(error)`` is both, ready to show as one message. Each part is at most
    :data:`MAX_MESSAGE` characters (longer ones end in "…").
    """

    def __init__(self, problem: str, fix: str) -> None:
        self.problem, self.fix = _capped(problem), _capped(fix)
        super().__init__(f"{self.problem}. Fix: {self.fix}.")
