"""Receiving an upload: a streaming multipart reader, size limits and content sniffing.

The request body is parsed as it arrives (``python-multipart``'s streaming parser) and
the file part is written to disk in chunks under a generated name; nothing the client
sends is ever used as a path. The size limit depends on what the file *is*: the first
bytes say whether it is a video (:func:`sniff_video`), which gets the larger limit. A
body past its limit stops the upload at once with 413, and the partial file is removed.

After the upload, :func:`classify` decides the type from the saved content alone: video
magic bytes, a zip of phyphox exports, or a text file that
:func:`extensor.io.detect_input_type` recognises. A PNG renamed ``set.csv`` is refused.

>>> sniff_video(b"\\x00\\x00\\x00\\x18ftypmp42\\x00\\x00\\x00\\x00")
'.mp4'
>>> sniff_video(b"\\x89PNG\\r\\n\\x1a\\n") is None
True
>>> safe_display_name("../../etc/passwd\\x00.csv")
'passwd.csv'
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from extensor._errors import ExtensorError
from extensor.io import detect_input_type, member_problem
from extensor.web._openpose_zip import OpenPoseZipError, is_openpose_zip, unpack_openpose_zip

__all__ = [
    "FILE_FIELD",
    "MAX_FIELD_BYTES",
    "UploadRejectedError",
    "UploadedFile",
    "classify",
    "receive_upload",
    "safe_display_name",
    "sniff_video",
]

#: Name of the form field holding the recording.
FILE_FIELD = "file"
#: Largest plain form field (goal, load, note...): far beyond any real value.
MAX_FIELD_BYTES = 4096
#: Most plain form fields in one upload.
MAX_FIELDS = 32
#: Bytes written to disk at once: large enough to keep the number of thread hops low,
#: small enough that twenty uploads at once stay far below 100 MB of buffers.
WRITE_CHUNK_BYTES = 1024 * 1024
#: Bytes needed to recognise a video container.
SNIFF_HEAD_BYTES = 64
#: Multipart framing around the file (boundaries, part headers, small fields) allowed on
#: top of the file limit when judging ``Content-Length``.
FORM_OVERHEAD_BYTES = 64 * 1024
#: Most members, and most uncompressed bytes per compressed byte, in an uploaded zip
#: (a phyphox export holds a handful of CSVs that compress about tenfold).
MAX_ZIP_MEMBERS = 64
MAX_ZIP_RATIO = 50
#: Longest file name kept for display.
MAX_NAME_CHARS = 120

_MP4_BRANDS_MOV = (b"qt  ",)


class UploadRejectedError(Exception):
    """An upload the server refuses: HTTP ``status`` and a message for the lifter."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(slots=True)
class UploadedFile:
    """What arrived: the saved file, its size, the client's name (display only), the
    plain form fields, and the sniffed video suffix (None for other files)."""

    path: Path
    size: int
    display_name: str
    fields: dict[str, str] = field(default_factory=dict)
    video_suffix: str | None = None


def sniff_video(head: bytes) -> str | None:
    """The container suffix of a video from its first bytes, or None when not a video."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return ".mov" if head[8:12] in _MP4_BRANDS_MOV else ".mp4"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return ".avi"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return ".webm" if b"webm" in head[:SNIFF_HEAD_BYTES] else ".mkv"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return ".gif"
    return None


def safe_display_name(name: str | None) -> str:
    """The client's file name reduced to a harmless label: last path part, printable
    characters only, at most :data:`MAX_NAME_CHARS`. Never used as a path."""
    if not name:
        return "upload"
    base = re.split(r"[\\/]", name)[-1]
    cleaned = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
    ).strip(" .")
    return cleaned[:MAX_NAME_CHARS] or "upload"


def _part_name(headers: dict[bytes, bytes]) -> tuple[str, str | None]:
    _, params = parse_options_header(headers.get(b"content-disposition", b""))
    name = params.get(b"name", b"").decode("utf-8", "replace")
    filename = params.get(b"filename")
    return name, None if filename is None else filename.decode("utf-8", "replace")


class _Receiver:
    """State of one streaming multipart parse (the parser's callbacks are synchronous;
    the bytes they collect are written by :func:`receive_upload` between chunks)."""

    def __init__(self, *, video_limit: int, file_limit: int, before_file: Any) -> None:
        self.video_limit = video_limit
        self.file_limit = file_limit
        self.before_file = before_file
        self.fields: dict[str, str] = {}
        self.headers: dict[bytes, bytes] = {}
        self._field_name = b""
        self._field_value = b""
        self.current: str | None = None
        self.value = bytearray()
        self.file_seen = False
        self.in_file = False
        self.filename: str | None = None
        self.pending = bytearray()
        self.head = bytearray()
        self.size = 0
        self.limit: int | None = None
        self.video_suffix: str | None = None
        self.complete = False

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_end": self.on_end,
        }

    def on_end(self) -> None:
        self.complete = True

    def on_part_begin(self) -> None:
        self.headers = {}
        self.value = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._field_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self._field_name.lower()] = self._field_value
        self._field_name, self._field_value = b"", b""

    def on_headers_finished(self) -> None:
        name, filename = _part_name(self.headers)
        self.current = name
        if name == FILE_FIELD:
            if self.file_seen:
                raise UploadRejectedError(400, "send one recording per upload")
            self.before_file(self.fields)
            self.file_seen = self.in_file = True
            self.filename = filename
        elif filename is not None:
            raise UploadRejectedError(
                400, f"unexpected file field {name!r}; the recording goes in 'file'"
            )
        elif len(self.fields) >= MAX_FIELDS:
            raise UploadRejectedError(400, "too many form fields")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self.in_file:
            if self.limit is None:
                self.head += chunk[: SNIFF_HEAD_BYTES - len(self.head)]
                if len(self.head) >= SNIFF_HEAD_BYTES:
                    self._choose_limit()
            self.size += len(chunk)
            if self.limit is not None and self.size > self.limit:
                raise _too_large(self.limit, self.video_suffix is not None)
            if self.size > self.video_limit:
                raise _too_large(self.video_limit, True)
            self.pending += chunk
        else:
            self.value += chunk
            if len(self.value) > MAX_FIELD_BYTES:
                raise UploadRejectedError(413, f"form field {self.current!r} is too long")

    def _choose_limit(self) -> None:
        self.video_suffix = sniff_video(bytes(self.head))
        self.limit = self.video_limit if self.video_suffix else self.file_limit

    def on_part_end(self) -> None:
        if self.in_file:
            self.in_file = False
            if self.limit is None:
                self._choose_limit()
                assert self.limit is not None
                if self.size > self.limit:
                    raise _too_large(self.limit, self.video_suffix is not None)
        elif self.current is not None:
            self.fields[self.current] = self.value.decode("utf-8", "replace")
        self.current = None


def _too_large(limit: int, video: bool) -> UploadRejectedError:
    what = "a video" if video else "a keypoint or sensor file"
    return UploadRejectedError(
        413, f"the file is too large: {what} may be at most {limit / (1024 * 1024):.0f} MB"
    )


async def receive_upload(
    request: Request,
    dest: Path,
    *,
    video_limit: int,
    file_limit: int,
    before_file: Any,
) -> UploadedFile:
    """Stream the multipart body of ``request``; the file part goes to ``dest``.

    ``before_file(fields)`` runs when the file part starts, with the fields seen so far
    (the CSRF check: a forged form is stopped before its file is read). Raises
    :class:`UploadRejectedError`; on any failure ``dest`` is removed.
    """
    ctype, params = parse_options_header(request.headers.get("content-type"))
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRejectedError(415, "send the recording as multipart/form-data (field 'file')")
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > video_limit + FORM_OVERHEAD_BYTES:
                raise _too_large(video_limit, True)
        except ValueError:
            raise UploadRejectedError(400, "Content-Length must be a number") from None
    receiver = _Receiver(video_limit=video_limit, file_limit=file_limit, before_file=before_file)
    parser = MultipartParser(params[b"boundary"], receiver.callbacks())  # type: ignore[arg-type]
    fh = await anyio.open_file(dest, "wb")
    try:
        try:
            async for chunk in request.stream():
                parser.write(chunk)
                if len(receiver.pending) >= WRITE_CHUNK_BYTES:
                    await fh.write(bytes(receiver.pending))
                    receiver.pending.clear()
            parser.finalize()
            if not receiver.complete:
                raise UploadRejectedError(
                    400, "the upload is incomplete: the form ends without its closing boundary"
                )
        except MultipartParseError:
            raise UploadRejectedError(
                400, "the upload is not a well-formed multipart form"
            ) from None
        if receiver.pending:
            await fh.write(bytes(receiver.pending))
            receiver.pending.clear()
    except BaseException:
        await fh.aclose()
        await anyio.Path(dest).unlink(missing_ok=True)
        raise
    await fh.aclose()
    if not receiver.file_seen:
        await anyio.Path(dest).unlink(missing_ok=True)
        before_file(receiver.fields)
        raise UploadRejectedError(422, "no recording: the form needs a file in the field 'file'")
    if receiver.size == 0:
        await anyio.Path(dest).unlink(missing_ok=True)
        raise UploadRejectedError(422, "the file is empty")
    return UploadedFile(
        path=dest,
        size=receiver.size,
        display_name=safe_display_name(receiver.filename),
        fields=receiver.fields,
        video_suffix=receiver.video_suffix,
    )


def _zip_problem(path: Path, *, max_inflated: int) -> str | None:
    """Why an uploaded zip is refused (damaged, too many members, a bomb, encrypted,
    compressed in a way Python cannot inflate), or None when it may be opened.

    The readers inflate each member through :func:`extensor.io._tables.read_zip_member` (through the readers), which
    also stops at the inflated size a member claims, should it lie."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return "the zip file is damaged"
    total = sum(i.file_size for i in infos)
    packed = max(1, path.stat().st_size)
    if len(infos) > MAX_ZIP_MEMBERS:
        return f"the zip file holds {len(infos)} files; at most {MAX_ZIP_MEMBERS} are read"
    if total > packed * MAX_ZIP_RATIO or total > max_inflated:
        return (
            f"the zip file holds too much: {total} bytes once unpacked, at most "
            f"{min(max_inflated, packed * MAX_ZIP_RATIO)} are read"
        )
    for info in infos:
        problem = member_problem(info)
        if problem is not None:
            return f"the zip file cannot be read: {info.filename!r} {problem}"
    return None


def classify(upload: UploadedFile, *, max_inflated: int) -> tuple[str, Path]:
    """The adapter name for the saved file, judged by its content, and its final path.

    The file is renamed to ``input<suffix>`` with a suffix chosen from the content (the
    readers of videos and zips look at it). A zip may unpack to ``max_inflated`` bytes
    at most (the limit of a keypoint or sensor file). Blocking: call it in a worker thread.
    Raises :class:`UploadRejectedError` (415) for anything extensor cannot read.
    """
    src = upload.path
    if upload.video_suffix is not None:
        target = src.with_name("input" + upload.video_suffix)
        src.replace(target)
        return "video", target
    with src.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        if is_openpose_zip(src):  # per-frame OpenPose JSON files -> a folder of frames
            try:
                folder = unpack_openpose_zip(src, src.with_name("openpose"))
            except OpenPoseZipError as err:
                raise UploadRejectedError(413, str(err)) from None
            finally:
                src.unlink(missing_ok=True)
            return "openpose", folder
        problem = _zip_problem(src, max_inflated=max_inflated)
        if problem is not None:
            raise UploadRejectedError(415, problem)
        target = src.with_name("input.zip")
    else:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        target = src.with_name("input.json" if text[:1] in (b"{", b"[") else "input.csv")
    src.replace(target)
    try:
        kind = detect_input_type(target)
    except ExtensorError as err:
        raise UploadRejectedError(415, _unsupported(err)) from None
    if kind in ("video", "openpose"):
        # video by suffix alone is not trusted; OpenPose needs a folder of frames
        reason = (
            "an OpenPose file holds one frame; analyse the folder with the command line"
            if kind == "openpose"
            else "the file does not look like a video, a keypoint file or a sensor file"
        )
        raise UploadRejectedError(415, reason)
    return kind, target


def _unsupported(err: ExtensorError) -> str:
    if "binary content" in err.message:
        return (
            "this file type is not supported: upload a video (MP4, MOV, AVI, MKV, WebM, GIF),"
            " a keypoint file (extensor, MediaPipe or COCO-17) or a sensor CSV"
        )
    text = err.message.split(". Pass --input-type")[0]
    return f"this file type is not supported: {text}"
