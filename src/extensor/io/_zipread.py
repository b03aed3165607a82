"""Reading zip members with a cap on what they inflate to.

``ZipFile.read`` inflates a member whole, whatever its size, and raises ``RuntimeError``
for an encrypted member and ``NotImplementedError`` for a compression method Python
lacks. :func:`read_member` streams the member in blocks, stops at ``limit`` bytes, and
turns each of those cases into an :class:`~extensor.InputFormatError` naming the file.

>>> import io, zipfile
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
...     z.writestr("Accelerometer.csv", "0" * 5000)
>>> with zipfile.ZipFile(buf) as z:
...     len(read_member(z, "Accelerometer.csv", limit=10_000, source="set.zip"))
5000
>>> with zipfile.ZipFile(buf) as z:
...     read_member(z, "Accelerometer.csv", limit=100, source="set.zip")
Traceback (most recent call last):
    ...
extensor._errors.InputFormatError: set.zip/Accelerometer.csv: member must inflate to at most 100 bytes, got more
"""

from __future__ import annotations

import lzma
import zipfile
import zlib

from extensor._errors import InputFormatError

__all__ = ["MAX_MEMBER_BYTES", "SUPPORTED_METHODS", "member_problem", "read_member"]

#: Most bytes one member of a zip may inflate to. An hour of phyphox accelerometer data
#: at 500 Hz is some 110 MB of CSV; 128 MiB admits it and stops a zip bomb long before
#: it fills memory.
MAX_MEMBER_BYTES = 128 * 1024 * 1024
#: Compression methods Python's ``zipfile`` can inflate.
SUPPORTED_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
#: Bytes inflated at a time.
_BLOCK_BYTES = 1024 * 1024
#: Bit 0 of a member's general-purpose flags: the member is encrypted.
_ENCRYPTED_FLAG = 0x1


def member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a member cannot be read (encrypted, unknown compression), or None."""
    if info.flag_bits & _ENCRYPTED_FLAG:
        return "must not be encrypted (password-protected), got an encrypted member"
    if info.compress_type not in SUPPORTED_METHODS:
        return (
            "must be stored or compressed with deflate, bzip2 or lzma, got compression "
            f"method {info.compress_type}"
        )
    return None


def read_member(
    archive: zipfile.ZipFile, name: str, *, limit: int = MAX_MEMBER_BYTES, source: str
) -> bytes:
    """The bytes of member ``name``, at most ``limit`` of them once inflated.

    Raises :class:`~extensor.InputFormatError` (naming ``source/name``) for an encrypted
    member, an unsupported compression method, a damaged member, or one past ``limit``.
    """
    where = f"{source}/{name}"
    info = archive.getinfo(name)
    problem = member_problem(info)
    if problem is not None:
        raise InputFormatError(f"member {problem}", source=where)
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as fh:
            while block := fh.read(min(_BLOCK_BYTES, limit + 1 - total)):
                total += len(block)
                if total > limit:
                    raise InputFormatError(
                        f"member must inflate to at most {limit} bytes, got more", source=where
                    )
                chunks.append(block)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, lzma.LZMAError) as err:
        raise InputFormatError(f"member must be readable, got {err}", source=where) from None
    return b"".join(chunks)
