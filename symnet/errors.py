"""Errors that reach the user as one line: where the input is wrong and what was expected.

Everything a user can get wrong raises `InputError`; the CLI prints `str(error)` and exits 2.
"""

from __future__ import annotations


class InputError(Exception):
    """Unusable input: names the file, the key (or claim) and, where known, the column."""

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None,
                 column: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.key = key
        self.column = column

    def located(self, *, file: str | None = None, key: str | None = None) -> "InputError":
        """The same error with the file or key filled in where it was not known yet."""
        return InputError(self.message, file=self.file or file, key=self.key or key,
                          column=self.column)

    def __str__(self) -> str:
        where = [part for part in (self.file, self.key and f"key '{self.key}'",
                                   self.column and f"column {self.column}") if part]
        return ": ".join([", ".join(where), self.message] if where else [self.message])
