"""The one error type for bad input: every problem carries its file, line, item and field."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    file: str
    message: str
    line: int | None = None
    item: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        path = ".".join(part for part in (self.item, self.field) if part)
        return f"{where}: {path}: {self.message}" if path else f"{where}: {self.message}"


class GeokgError(Exception):
    """The one error type users see: a message, a short title and the matching HTTP status."""

    def __init__(self, message: str, status: int = 500, title: str = "Error"):
        super().__init__(message)
        self.message = message
        self.status = status
        self.title = title


class LoadError(GeokgError):
    """Raised when an input cannot be loaded. ``loaded`` names the files written before the problem was
    found (a load of many files is written in chunks); when it is empty, nothing was written."""

    def __init__(self, problems: list[Problem], loaded=()):
        self.problems = list(problems)
        self.loaded = list(loaded)
        super().__init__(self.report(), status=400, title="Bad input")

    def report(self) -> str:
        """All problems, one per line, in input order, after a line that says what was written."""
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found; "
        if self.loaded:
            head += (f"the first {len(self.loaded)} files (up to {self.loaded[-1]}) were loaded and stay; "
                     "nothing after them was loaded")
        else:
            head += "nothing was loaded"
        return "\n".join([head] + [f"  {p}" for p in self.problems])


class StoreError(GeokgError):
    """The store cannot be opened or cannot run a request."""

    def __init__(self, message: str, status: int = 500, title: str = "Store error"):
        super().__init__(message, status, title)
