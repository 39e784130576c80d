"""Tables written for spreadsheet programs (CSV), every cell as text.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) as a formula: a payer registered as ``=HYPERLINK(...)`` would become a live
link, or worse, in the office that opens the export. Every export writes its rows through
``writer`` below, which puts a single quote before such a cell so that it reads as text
(numbers and dates, given as such, are written as they are: ``csv_cell``).
``stream`` writes a whole table that way, for a streaming response.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value) -> str:
    """The cell's text, with a leading quote when a spreadsheet would evaluate it."""
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_cell(value) -> str:
    """A typed cell as CSV text: numbers and dates as they are (a number is never a formula,
    whatever its sign), everything else through ``text_cell``."""
    if isinstance(value, bool):
        return text_cell(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return text_cell(value)


class _TextWriter:
    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([csv_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **kwargs) -> _TextWriter:
    """``csv.writer`` whose every cell is text (see the module's docstring)."""
    return _TextWriter(out, **kwargs)


# Text handed to the server at a time: large enough that a big table is few writes to the
# socket, small enough that memory stays flat whatever the number of rows.
STREAM_CHUNK_CHARS = 64 * 1024


def stream(rows: Iterable[list], *, header: list) -> Iterator[str]:
    """The table as pieces of text: a byte-order mark (without one, spreadsheet programs read
    UTF-8 as the local code page), the header at once, then the rows ``writer`` writes."""
    buffer = io.StringIO()
    out = writer(buffer)
    buffer.write("\ufeff")
    out.writerow(header)
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        out.writerow(row)
        if buffer.tell() >= STREAM_CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
