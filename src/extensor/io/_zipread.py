"""What makes a zip member unreadable, judged from its header before it is opened.

``ZipFile.read`` raises ``RuntimeError`` for an encrypted member and
``NotImplementedError`` for a compression method Python lacks; :func:`member_problem`
names both first, so an upload is refused with a clear 4xx. The members themselves are
inflated with a cap by :func:`extensor.io._tables.read_zip_member`.

>>> import io, zipfile
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
...     z.writestr("Accelerometer.csv", "0" * 5000)
>>> with zipfile.ZipFile(buf) as z:
...     member_problem(z.getinfo("Accelerometer.csv")) is None
True
"""

from __future__ import annotations

import zipfile

__all__ = ["MAX_MEMBER_BYTES", "SUPPORTED_METHODS", "member_problem"]

#: Most bytes one member of a zip may inflate to. An hour of phyphox accelerometer data
#: at 500 Hz is some 110 MB of CSV; 128 MiB admits it and stops a zip bomb long before
#: it fills memory.
MAX_MEMBER_BYTES = 128 * 1024 * 1024
#: Compression methods Python's ``zipfile`` can inflate.
SUPPORTED_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
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
