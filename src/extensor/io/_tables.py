r"""The text toolkit of the file adapters: reader options, text and JSON decoding, delimited
tables with a ``time`` column, and the error messages that point at the bad cell.

>>> parse_table("time,a\n0,1\n0.5,2\n", source="x.csv").column("a").tolist()
[1.0, 2.0]
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from extensor._errors import ConfigError, EmptyInputError, InputFormatError
from extensor.core import (
    KEYPOINT_UNITS,
    FloatArray,
)

__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "Table",
    "check_options",
    "check_time",
    "decode_text",
    "file_kind",
    "fps_option",
    "image_size_for",
    "parse_image_size",
    "parse_table",
    "read_capped",
    "read_head",
    "read_json",
    "read_prefix",
    "read_table",
    "read_text",
    "read_zip_member",
    "require_regular",
    "table_time",
    "unit_choice",
]

#: bytes. Default cap on one text input (the ``max_input_bytes`` setting): 400 MB admits an
#: hour of 60 Hz keypoints with all 33 MediaPipe points at full precision (about 1.4 KB a
#: row, 216,000 rows, some 305 MB) while refusing a runaway file before it fills memory.
DEFAULT_MAX_INPUT_BYTES = 400_000_000
#: Bytes per read while a capped file is read.
_READ_BLOCK = 1 << 20
#: Delimiters recognised when reading a header; each adapter allows a subset.
_KNOWN_DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
#: Rows per block on the careful parsing path (bounds the memory of the string array).
_SLOW_BLOCK_ROWS = 4096

# -- options ---------------------------------------------------------------------------------


def check_options(
    options: Mapping[str, Any], known: Collection[str], *, adapter: str, source: str
) -> None:
    """Reject options this adapter does not know (``None`` values are ignored)."""
    extra = sorted(k for k, v in options.items() if v is not None and k not in known)
    if extra:
        raise ConfigError(
            f"options for {adapter} input must be among {sorted(known)}, got {extra}", source=source
        )


def image_size_for(option: Any, meta: Mapping[str, str], *, source: str) -> tuple[int, int] | None:
    """The image size (width, height) in px: the ``image_size`` option ("1280x720" or a
    pair), else a ``# image_size: <width>x<height>`` line, else None.

    >>> image_size_for("1280x720", {}, source="f.csv"), image_size_for(None, {"image_size": "720 x 1280"}, source="f.csv")
    ((1280, 720), (720, 1280))
    """
    if option is not None:
        size = parse_image_size(option)
        if size is None:
            raise ConfigError(
                f"image_size must be <width>x<height> in px (1280x720), got {option!r}",
                source=source,
            )
        return size
    if "image_size" in meta:
        size = parse_image_size(meta["image_size"])
        if size is None:
            raise InputFormatError(
                f"'# image_size:' must be <width>x<height> in px, got {meta['image_size']!r}",
                source=source,
            )
        return size
    return None


def parse_image_size(value: Any) -> tuple[int, int] | None:
    """(width, height) in px from ``"1280x720"`` (also ``X``, ``×``, spaces) or a pair of
    positive ints; None for anything else.

    >>> parse_image_size("1280 x 720"), parse_image_size("1280x0"), parse_image_size((640, 480))
    ((1280, 720), None, (640, 480))
    """
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", value)
        pair = None if match is None else (int(match.group(1)), int(match.group(2)))
    elif (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        pair = (int(value[0]), int(value[1]))
    else:
        pair = None
    return pair if pair is not None and min(pair) > 0 else None


def fps_option(value: Any, *, source: str) -> float | None:
    """The ``fps`` option as a positive float, or ``None`` when not given."""
    if value is None:
        return None
    try:
        fps = float(value)
    except (TypeError, ValueError):
        fps = math.nan
    if isinstance(value, bool) or not (math.isfinite(fps) and fps > 0):
        raise ConfigError(
            f"fps must be a positive number of frames per second, got {value!r}", source=source
        )
    return fps


def unit_choice(option: Any, meta: Mapping[str, str], *, source: str) -> str | None:
    """The keypoint unit from the option, else from a ``# unit:`` line, else ``None``."""
    if option is not None:
        if option not in KEYPOINT_UNITS:
            raise ConfigError(
                f"unit must be one of {KEYPOINT_UNITS}, got {option!r}", source=source
            )
        return str(option)
    if "unit" in meta:
        unit = meta["unit"].lower()
        if unit not in KEYPOINT_UNITS:
            raise InputFormatError(
                f"'# unit:' must be one of {KEYPOINT_UNITS}, got {meta['unit']!r}", source=source
            )
        return unit
    return None


# -- text, JSON and delimited tables --------------------------------------------------------


def decode_text(raw: bytes, *, source: str) -> str:
    """UTF-8 text (a byte-order mark is dropped) or :class:`InputFormatError`."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputFormatError(
            f"must be UTF-8 text, got byte 0x{raw[err.start]:02x} at offset {err.start}",
            source=source,
        ) from None


def file_kind(path: Path) -> str | None:
    """What ``path`` is when it is neither a regular file nor a folder (else ``None``).

    Named pipes block a reader forever and devices (``/dev/zero``, ``/dev/urandom``) never
    end: nothing is opened before this says the path is a file or a folder.

    >>> file_kind(Path("/dev/null"))
    'a character device'
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # the caller's open() reports it
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    for test, name in (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def require_regular(path: Path, *, source: str | None = None) -> None:
    """Raise :class:`InputFormatError` unless ``path`` is a regular file or a folder."""
    kind = file_kind(path)
    if kind is not None:
        raise InputFormatError(
            f"must be a regular file or a folder, got {kind}", source=source or str(path)
        )


def _too_big(size: int | str, max_bytes: int, source: str) -> InputFormatError:
    return InputFormatError(
        f"must be at most {max_bytes:,} bytes (the max_input_bytes setting), got {size}"
        f" bytes: split the recording or raise the setting",
        source=source,
    )


def read_capped(path: Path, *, max_bytes: int, source: str | None = None) -> bytes:
    """The bytes of a regular file, read in blocks, refused as soon as they pass ``max_bytes``.

    The size on disk is checked first (cheap), and the reading stops one block after
    the cap, so a file that grows or lies about its size cannot exhaust memory.
    """
    src = source or str(path)
    if path.is_dir():
        raise InputFormatError("must be a file, got a folder", source=src)
    require_regular(path, source=src)
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise _too_big(f"{size:,}", max_bytes, src)
            blocks: list[bytes] = []
            total = 0
            while block := fh.read(_READ_BLOCK):
                total += len(block)
                if total > max_bytes:
                    raise _too_big(f"more than {max_bytes:,}", max_bytes, src)
                blocks.append(block)
    except OSError as err:
        raise InputFormatError(f"must be readable, got {err.strerror or err}", source=src) from None
    return b"".join(blocks)


def read_text(
    path: Path, *, source: str | None = None, max_bytes: int = DEFAULT_MAX_INPUT_BYTES
) -> str:
    """The whole file as text (at most ``max_bytes``); folders, devices, pipes, unreadable,
    too large and non-UTF-8 files raise typed errors."""
    src = source or str(path)
    return decode_text(read_capped(path, max_bytes=max_bytes, source=src), source=src)


def read_prefix(path: Path, size: int) -> bytes:
    """The first ``size`` bytes of a regular file (``b""`` when it cannot be read)."""
    if file_kind(path) is not None:
        return b""
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def first_header(text: str) -> str:
    """The first line of ``text`` that is neither blank nor a ``#`` comment ("" if none).

    >>> first_header("\\n".join(["# made by extensor", "", "time;acc_x", "1;2"]))
    'time;acc_x'
    """
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped
    return ""


def header_fields(header: str) -> list[str]:
    """A header line's fields, lower case, split on its most frequent delimiter
    (``,``, ``;`` or tab).

    >>> header_fields('Time (s);"Acceleration x (m/s^2)"')
    ['time (s)', 'acceleration x (m/s^2)']
    """
    delimiter = max((",", ";", "\t"), key=header.count)
    return [f.strip().lower() for f in next(csv.reader([header], delimiter=delimiter), [])]


def read_head(path: Path, size: int) -> str | None:
    """The first ``size`` bytes as text, or ``None`` for a binary file (NUL byte, not UTF-8)."""
    raw = read_prefix(path, size)
    if b"\0" in raw:
        return None
    try:
        # An incremental decoder tolerates a multi-byte character cut at the end.
        return codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=False)
    except UnicodeDecodeError:
        return None


def read_zip_member(
    archive: zipfile.ZipFile, member: str, *, max_bytes: int, source: str, limit: int | None = None
) -> bytes:
    """One member of a zip, inflated block by block and refused once it passes ``max_bytes``.

    The size the archive declares is checked first, but the inflated bytes are counted
    too (a header can lie: a zip bomb). ``limit`` stops early without error (a sniffing
    prefix). An encrypted member, an unsupported compression method or a corrupt stream
    raises :class:`InputFormatError` naming ``source`` (``<zip>/<member>``).
    """
    info = archive.getinfo(member)
    if limit is None and info.file_size > max_bytes:
        raise _too_big(f"{info.file_size:,} (inflated)", max_bytes, source)
    if info.flag_bits & 0x1:
        raise InputFormatError(
            "must not be encrypted, got a password-protected member", source=source
        )
    want = max_bytes if limit is None else min(limit, max_bytes)
    blocks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as fh:
            while total <= want and (block := fh.read(min(_READ_BLOCK, want + 1 - total))):
                total += len(block)
                blocks.append(block)
    except NotImplementedError as err:
        raise InputFormatError(
            f"must use a standard compression method (stored, deflate, bzip2, lzma), got {err}",
            source=source,
        ) from None
    except (RuntimeError, zipfile.BadZipFile, zlib.error, EOFError, ValueError) as err:
        raise InputFormatError(f"must be a readable zip member, got {err}", source=source) from None
    data = b"".join(blocks)
    if limit is None and len(data) > max_bytes:
        raise _too_big(f"more than {max_bytes:,} (inflated)", max_bytes, source)
    return data[:want]


def read_json(
    path: Path, *, source: str | None = None, max_bytes: int = DEFAULT_MAX_INPUT_BYTES
) -> Any:
    """Parsed JSON; empty, non-JSON, too large and broken files raise typed errors naming it."""
    src = source or str(path)
    text = read_text(path, source=src, max_bytes=max_bytes)
    start = text.lstrip()[:40]
    if not start:
        raise EmptyInputError("must hold JSON, got an empty file", source=src)
    if start[0] not in "[{":
        raise InputFormatError(
            f"must be JSON (starting with '[' or '{{'), got text starting with {start!r}",
            source=src,
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputFormatError(
            f"must be valid JSON, got '{err.msg}' (line {err.lineno}, column {err.colno}):"
            " a truncated or broken file?",
            source=src,
        ) from None
    except RecursionError:
        raise InputFormatError(
            "must be JSON of reasonable depth, got deeper nesting", source=src
        ) from None
    except ValueError as err:  # for example an integer of more than 4300 digits
        raise InputFormatError(f"must be valid JSON, got {err}", source=src) from None


@dataclass(frozen=True, slots=True)
class Table:
    """A delimited text table: header names, float values (NaN where empty) and provenance."""

    columns: tuple[str, ...]
    values: FloatArray
    lines: NDArray[np.int64]
    meta: dict[str, str]
    delimiter: str
    source: str

    def find(self, *names: str) -> str | None:
        """The first header name matching one of ``names`` (case-insensitive), or ``None``."""
        lower = {c.lower(): c for c in self.columns}
        for name in names:
            if name.lower() in lower:
                return lower[name.lower()]
        return None

    def column(self, name: str) -> FloatArray:
        """Values of the column called exactly ``name``."""
        return self.values[:, self.columns.index(name)]

    def where(self, row: int) -> str:
        """``"row 3 (line 5)"``: the data row (1-based) and its line in the file."""
        return f"row {row + 1} (line {int(self.lines[row])})"


def read_table(
    path: Path,
    *,
    delimiters: Sequence[str] = (",",),
    source: str | None = None,
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
) -> Table:
    """Read a delimited text file (at most ``max_bytes``) into a :class:`Table`; see
    :func:`parse_table`."""
    src = source or str(path)
    text = read_text(path, source=src, max_bytes=max_bytes)
    return parse_table(text, source=src, delimiters=delimiters)


def parse_table(text: str, *, source: str, delimiters: Sequence[str] = (",",)) -> Table:
    """Parse ``# key: value`` comment lines, one header line and numeric rows.

    The delimiter is the one the header uses most; it must be one of ``delimiters``.
    Empty fields and ``nan`` become NaN. With a ``;`` or tab delimiter a decimal comma
    is accepted. Blank lines and later ``#`` lines are skipped. Errors name the row,
    the file line and the column.

    >>> t = parse_table("# unit: px\\ntime,a\\n0,1\\n0.5,\\n", source="x.csv")
    >>> t.columns, t.values.tolist(), t.meta, t.where(1)
    (('time', 'a'), [[0.0, 1.0], [0.5, nan]], {'unit': 'px'}, 'row 2 (line 4)')
    """
    fast = _parse_regular(text, source=source, delimiters=delimiters)
    return fast if fast is not None else _parse_lines(text, source=source, delimiters=delimiters)


def _parse_lines(text: str, *, source: str, delimiters: Sequence[str]) -> Table:
    """:func:`parse_table` line by line: any layout, errors naming row, line and column."""
    lines = text.splitlines()
    meta: dict[str, str] = {}
    header_at = -1
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            key, sep, value = stripped[1:].partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip()
            continue
        header_at = i
        break
    if header_at < 0:
        found = "an empty file" if not text.strip() else "only comment lines"
        raise EmptyInputError(f"must hold a header line and data rows, got {found}", source=source)
    header = lines[header_at]
    delim = _header_delimiter(header, delimiters, line=header_at + 1, source=source)
    try:
        fields = [f.strip() for f in next(csv.reader([header], delimiter=delim))]
    except csv.Error as err:
        raise InputFormatError(
            f"header (line {header_at + 1}) must be a delimited line, got {err}", source=source
        ) from None
    n_fields = len(fields)
    names = list(fields)
    while names and not names[-1]:  # a trailing delimiter
        names.pop()
    for j, name in enumerate(names):
        if not name:
            raise InputFormatError(
                f"every header field must have a name, got an empty one at column {j + 1}"
                f" (line {header_at + 1})",
                source=source,
            )
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise InputFormatError(
                f"column names must be unique, got {name!r} twice", source=source
            )
        seen.add(name.lower())
    body_at = [
        i
        for i in range(header_at + 1, len(lines))
        if (s := lines[i].strip()) and not s.startswith("#")
    ]
    if not body_at:
        raise EmptyInputError(
            f"must hold data rows after the header (line {header_at + 1}), got none", source=source
        )
    line_nos = np.asarray(body_at, dtype=np.int64) + 1
    body = [lines[i] for i in body_at]
    values = _parse_numbers(body, line_nos, names, n_fields, delim, source)
    return Table(tuple(names), values[:, : len(names)], line_nos, meta, delim, source)


#: Lines before the header the regular-file fast path looks through (comments, blanks).
_MAX_PREAMBLE_LINES = 1000


def _parse_regular(text: str, *, source: str, delimiters: Sequence[str]) -> Table | None:
    """The common case without a list of lines: comments only before the header, no blank
    or comment line after it, ``\\n`` line ends. The header and first row are checked by
    the full parser on a few lines; the body goes to numpy's parser in one piece. ``None``
    when the file is not that regular (the full parser then finds and names the problem).
    Peak memory is a few copies of the text instead of a Python string per line.
    """
    pos = 0
    for lineno in range(_MAX_PREAMBLE_LINES):  # noqa: B007 - the header line, used below
        end = text.find("\n", pos)
        if end < 0:
            return None
        stripped = text[pos:end].strip()
        if stripped and not stripped.startswith("#"):
            break
        pos = end + 1
    else:
        return None
    header, body = text[pos:end], text[end + 1 :].rstrip("\n")
    if (
        not body
        or body[0] in "\n#"
        or "\r" in body
        or "#" in body
        or "\n\n" in body
        or body != body.rstrip()
    ):
        return None
    first_end = body.find("\n")
    probe = _parse_lines(
        text[: end + 1] + (body if first_end < 0 else body[:first_end]) + "\n",
        source=source,
        delimiters=delimiters,
    )
    n_fields = len(next(csv.reader([header], delimiter=probe.delimiter)))
    n_rows = body.count("\n") + 1
    values, _ = _fast_values(body, probe.delimiter)
    if values is None or values.shape != (n_rows, n_fields):
        return None
    line_nos = np.arange(n_rows, dtype=np.int64) + lineno + 2
    n = len(probe.columns)
    return Table(probe.columns, values[:, :n], line_nos, probe.meta, probe.delimiter, source)


def _fast_values(text: str, delim: str) -> tuple[FloatArray | None, int | None]:
    """Decimal commas, empty fields as NaN, then numpy's C parser (see :func:`_loadtxt`)."""
    if delim != "," and "," in text:
        text = text.replace(",", ".")
    empty_field = (f"{delim}{delim}", f"{delim}\n", f"\n{delim}")
    if any(e in text for e in empty_field) or delim in (text[0], text[-1]):
        text = _fill_empty_fields(text, delim)
    return _loadtxt(text, delim)


def _header_delimiter(header: str, allowed: Sequence[str], *, line: int, source: str) -> str:
    counts = {d: header.count(d) for d in _KNOWN_DELIMITERS}
    best = max(_KNOWN_DELIMITERS, key=lambda d: counts[d])
    expected = " or ".join(_DELIMITER_NAMES.get(d, repr(d)) for d in allowed)
    if counts[best] == 0:
        raise InputFormatError(
            f"header (line {line}) must hold at least 2 columns separated by {expected},"
            f" got {header.strip()[:60]!r}",
            source=source,
        )
    if best not in allowed:
        raise InputFormatError(
            f"delimiter must be {expected}, got {_DELIMITER_NAMES[best]}"
            f" in the header (line {line})",
            source=source,
        )
    return best


def _parse_numbers(
    body: list[str],
    line_nos: NDArray[np.int64],
    names: list[str],
    n_fields: int,
    delim: str,
    source: str,
) -> FloatArray:
    text = "\n".join(body)
    if delim != "," and "," in text:  # decimal comma (phyphox, European spreadsheets)
        text = text.replace(",", ".")
        body = text.split("\n")
    empty_field = (f"{delim}{delim}", f"{delim}\n", f"\n{delim}")
    if any(e in text for e in empty_field) or delim in (text[0], text[-1]):
        text = _fill_empty_fields(text, delim)
    values, near = _loadtxt(text, delim)
    if values is not None and values.shape == (len(body), n_fields):
        return values
    # Ragged rows or text: the careful path finds the row and column and says which.
    # numpy names the row (0- or 1-based depending on the error), so look there first:
    # in a long file that saves parsing everything again just to report one bad cell.
    if near is not None:
        lo, hi = max(0, near - 2), min(len(body), near + 2)
        _parse_numbers_carefully(
            body[lo:hi], line_nos[lo:hi], names, n_fields, delim, source, first_row=lo
        )
    return _parse_numbers_carefully(body, line_nos, names, n_fields, delim, source)


_LOADTXT_ROW = re.compile(r"at row (\d+)")


def _loadtxt(text: str, delim: str) -> tuple[FloatArray | None, int | None]:
    """numpy's C parser (the fast path); on failure ``None`` and the row numpy reported."""
    try:
        values = np.loadtxt(
            io.StringIO(text),
            delimiter=delim,
            dtype=np.float64,
            ndmin=2,
            comments=None,
            quotechar='"',
        )
    except ValueError as err:
        match = _LOADTXT_ROW.search(str(err))
        return None, None if match is None else int(match.group(1))
    return np.asarray(values, dtype=np.float64), None


def _fill_empty_fields(text: str, delim: str) -> str:
    r"""Write ``nan`` into empty fields with plain replacements (a regex is 50x slower).

    >>> _fill_empty_fields(",1,,,2,\n3,,4", ",")
    'nan,1,nan,nan,2,nan\n3,nan,4'
    """
    double, filled = delim * 2, f"{delim}nan{delim}"
    text = text.replace(double, filled).replace(double, filled)  # twice: runs overlap
    text = text.replace(f"\n{delim}", f"\nnan{delim}").replace(f"{delim}\n", f"{delim}nan\n")
    if text.startswith(delim):
        text = "nan" + text
    if text.endswith(delim):
        text += "nan"
    return text


def _parse_numbers_carefully(
    body: list[str],
    line_nos: NDArray[np.int64],
    names: list[str],
    n_fields: int,
    delim: str,
    source: str,
    *,
    first_row: int = 0,
) -> FloatArray:
    """Parse block by block: empty fields become NaN, anything else names row and column.

    ``first_row`` is the data row index of ``body[0]``, for messages.
    """
    out = np.empty((len(body), n_fields), dtype=np.float64)
    for start in range(0, len(body), _SLOW_BLOCK_ROWS):
        try:
            rows = list(csv.reader(body[start : start + _SLOW_BLOCK_ROWS], delimiter=delim))
        except csv.Error as err:
            raise InputFormatError(
                f"rows {first_row + start + 1} and after must be delimited text, got {err}",
                source=source,
            ) from None
        for k, row in enumerate(rows):
            if len(row) != n_fields:
                r = start + k
                hint = " (truncated row?)" if len(row) < n_fields else ""
                raise InputFormatError(
                    f"row {first_row + r + 1} (line {line_nos[r]}) must have {n_fields} fields"
                    f" like the header, got {len(row)}{hint}",
                    source=source,
                )
        cells = np.char.strip(np.array(rows, dtype=str))
        cells[cells == ""] = "nan"
        try:
            out[start : start + len(rows)] = cells.astype(np.float64)
        except ValueError:
            _raise_first_bad_cell(cells, first_row + start, line_nos[start:], names, source)
    return out


def _raise_first_bad_cell(
    cells: NDArray[np.str_], start: int, line_nos: NDArray[np.int64], names: list[str], source: str
) -> None:
    """``start``: data row index of ``cells[0]``; ``line_nos[0]`` is its line in the file."""
    for k, row in enumerate(cells.tolist()):
        for j, cell in enumerate(row):
            try:
                float(cell)
            except ValueError:
                column = repr(names[j]) if j < len(names) else f"{j + 1} (unnamed)"
                raise InputFormatError(
                    f"column {column} must be a number, got {cell!r} at row {start + k + 1}"
                    f" (line {line_nos[k]})",
                    source=source,
                ) from None
    raise InputFormatError(
        f"values must be numbers, got unreadable text in rows {start + 1} and after", source=source
    )


def check_time(
    values: FloatArray,
    *,
    name: str,
    where: Callable[[int], str],
    source: str,
    label: str | None = None,
) -> FloatArray:
    """Check a time-like column: finite everywhere and strictly increasing; return it.

    ``label`` names it in messages (default ``column '<name>'``).
    """
    label = label or f"column {name!r}"
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        got = "an empty value" if np.isnan(values[i]) else f"{values[i]}"
        raise InputFormatError(
            f"{label} must be a finite number at every row, got {got} at {where(i)}",
            source=source,
        )
    steps = np.diff(values)
    if (steps <= 0).any():
        i = int(np.argmax(steps <= 0)) + 1
        if values[i] == values[i - 1]:
            got = f"{values[i]:.10g} twice (a duplicated timestamp)"
        else:
            got = f"{values[i]:.10g} after {values[i - 1]:.10g}"
        raise InputFormatError(
            f"{label} must be strictly increasing, got {got} at {where(i)}", source=source
        )
    return values


def table_time(
    table: Table,
    *,
    fps: float | None,
    seconds: Sequence[str],
    millis: Sequence[str] = (),
    frames: Sequence[str] = (),
    seconds_divisor: float = 1.0,
) -> tuple[FloatArray, str]:
    """Time in seconds from the first column found: seconds, milliseconds, then frames / fps.

    ``seconds_divisor`` converts the seconds-named column when it holds another unit
    (1000 for ms). Returns the time and the name of the column used.
    """
    for group, divisor in ((seconds, seconds_divisor), (millis, 1000.0)):
        name = table.find(*group)
        if name is not None:
            raw = check_time(table.column(name), name=name, where=table.where, source=table.source)
            return raw / divisor, name
    name = table.find(*frames)
    if name is not None:
        if fps is None:
            raise InputFormatError(
                f"frame rate unknown: pass --fps (column {name!r} counts frames)",
                source=table.source,
            )
        raw = check_time(table.column(name), name=name, where=table.where, source=table.source)
        return raw / fps, name
    expected = ", ".join(repr(n) for n in (*seconds, *millis, *frames))
    raise InputFormatError(
        f"a time column must be present ({expected}), got columns {list(table.columns)}",
        source=table.source,
    )
