"""What every reader gives: a Sheet with its headers and numbered records, or UnreadableFile."""

from collections.abc import Iterator
from types import TracebackType

from django.utils.translation import gettext as _

Record = tuple[int, list]  # (row number as the person sees it, values)


class UnreadableFile(ValueError):
    """The file cannot be read as a table; the message says why in words a person understands."""


class Sheet:
    """An open file: its format, headers (trimmed), and its records through rows()."""

    format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    headers: list[str]
    header_row: int = 1  # the header's own row number

    def rows(self) -> Iterator[Record]:
        """Each non-blank record after the header as (row number, values), values padded with
        empty ones up to the header's width. Each call starts again from the top."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> "Sheet":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def trim_end(headers: list[str]) -> list[str]:
    """Without the empty cells at the end of the header row (a sheet's range or a trailing
    delimiter leaves them); empty ones between named columns keep their position."""
    while headers and not headers[-1]:
        headers.pop()
    return headers


def too_many_columns(count: int, limit: int) -> UnreadableFile:
    return UnreadableFile(
        _(
            "The header row has %(count)s columns; an import maps at most %(limit)s. Remove the"
            " columns you do not import and upload it again."
        )
        % {"count": f"{count:,}", "limit": limit}
    )


def cell_too_long(row: int, column: int, limit: int) -> UnreadableFile:
    return UnreadableFile(
        _("Row %(row)s, column %(column)s holds more than %(limit)s characters.")
        % {"row": row, "column": column, "limit": f"{limit:,}"}
    )
