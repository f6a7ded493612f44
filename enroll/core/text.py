"""Text files: decoding CSVs uploaded by bureaus and schools (UTF-8 with or without BOM, else GBK/GB18030,
UTF-16 with a BOM), reading their rows with line numbers, and writing CSV downloads; areas written for people (``format_area``)."""
from __future__ import annotations

import codecs
import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from flask_babel import format_decimal

from enroll.core.errors import Invalid
from enroll.core.i18n import _, _l

_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF-")  # xlsx/zip, old .xls/.doc, PDF


def decode_upload(raw: bytes) -> str:
    """The text of an uploaded CSV; Chinese office software often saves GBK, a superset of which is GB18030."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def upload_encoding(path: Path, chunk_size: int = 1 << 16) -> str:
    """The encoding ``decode_upload`` would read a file with, found one chunk at a time (for files too
    large to hold): "utf-8-sig" when all of it is UTF-8, else "gb18030".

    :raises UnicodeDecodeError: the file is neither; ``start`` is the offset in the whole file.
    """
    for encoding in ("utf-8-sig", "gb18030"):
        error = _first_error(path, encoding, chunk_size)
        if error is None:
            return encoding
    raise error


def _first_error(path: Path, encoding: str, chunk_size: int) -> UnicodeDecodeError | None:
    decoder, read = codecs.getincrementaldecoder(encoding)(), 0
    with open(path, "rb") as stream:
        while True:
            chunk = stream.read(chunk_size)
            pending = decoder.getstate()[0]  # the start of a character split by the previous chunk
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                # where exactly: decode again from the last whole character, in one piece (an incremental
                # decoder's error positions are relative to its own buffer)
                try:
                    (pending + chunk).decode(encoding)
                except UnicodeDecodeError as exc:
                    exc.start, exc.end = read - len(pending) + exc.start, read - len(pending) + exc.end
                    return exc
                raise
            if not chunk:
                return None
            read += len(chunk)


def open_upload(path: Path, filename: str) -> TextIO:
    """An uploaded CSV file as a text stream, decoded as ``decode_upload`` would and read lazily, so a
    file of any size costs a buffer's memory (open with ``newline=""``, as ``csv`` wants).

    :raises Invalid: text in neither UTF-8 nor GBK, naming the file and the first byte that is neither.
    """
    try:
        encoding = upload_encoding(path)
    except UnicodeDecodeError as exc:
        raise Invalid(_l("文件 %(file)s 既不是 UTF-8 也不是 GBK 编码（第 %(byte)d 字节无法识别），请另存为 UTF-8 CSV。",
                         file=filename, byte=exc.start + 1), code="encoding", file=filename) from None
    return open(path, encoding=encoding, newline="")


def decode_csv(raw: bytes, filename: str) -> str:
    """The text of an uploaded CSV, refusing what is not one with a message naming the file.

    UTF-16 with a byte-order mark (Excel's "Unicode text") is read too.

    :raises Invalid: an empty file, a spreadsheet or other binary file, text in neither UTF-8 nor GBK.
    """
    if not raw.strip():
        raise Invalid(_l("文件 %(file)s 是空的。", file=filename), code="empty", file=filename)
    if raw.startswith(_BINARY_MAGIC):
        raise Invalid(_l("文件 %(file)s 不是 CSV 文本文件（如果是 Excel 表格，请“另存为”CSV 格式）。", file=filename),
                      code="not_csv", file=filename)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise Invalid(_l("文件 %(file)s 既不是 UTF-8 也不是 GBK 编码（第 %(byte)d 字节无法识别），请另存为 UTF-8 CSV。",
                             file=filename, byte=exc.start + 1), code="encoding", file=filename) from None
    if b"\x00" in raw:
        raise Invalid(_l("文件 %(file)s 不是 CSV 文本文件（如果是 Excel 表格，请“另存为”CSV 格式）。", file=filename),
                      code="not_csv", file=filename)
    try:
        return decode_upload(raw)
    except UnicodeDecodeError:
        raise _undecodable(raw, filename) from None


def _undecodable(raw: bytes, filename: str) -> Invalid:
    """Text in neither UTF-8 nor GBK: on which line, what was tried, and how to save the file so it reads."""
    def reads_to(encoding: str) -> int:
        try:
            raw.decode(encoding)
        except UnicodeDecodeError as exc:
            return exc.start
        return 0

    start = max(reads_to("utf-8-sig"), reads_to("gb18030"))  # the file is most likely in the one read further
    return Invalid(_l("文件 %(file)s 的文字编码无法识别（第 %(line)d 行）：已按 UTF-8 和 GBK（GB18030）两种编码读取，都不成功。"
                      "请用 Excel 或 WPS 打开，“另存为”“CSV UTF-8（逗号分隔）”；或用记事本打开，“另存为”时把编码选为"
                      " UTF-8 或 ANSI（即 GBK），再重新上传。", file=filename, line=raw.count(b"\n", 0, start) + 1),
                   code="encoding", file=filename)


@dataclass
class Table:
    """An uploaded CSV: its header, its non-blank rows and the file line each row starts on."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]

    def numbered(self):
        return zip(self.lines, self.rows)


def read_csv(raw: bytes, filename: str) -> Table:
    """The header and rows of an uploaded CSV, blank rows left out (line numbers stay the file's).

    :raises Invalid: see ``core.text.decode_csv``; a file that is not CSV.
    """
    text = decode_csv(raw, filename)
    reader = csv.reader(io.StringIO(text))
    rows, lines, previous = [], [], 0
    try:
        for row in reader:
            if any(c.strip() for c in row):
                rows.append(row)
                lines.append(previous + 1)  # a quoted cell may span lines: the row starts after the last one
            previous = reader.line_num
    except csv.Error as exc:
        if str(exc).startswith("field larger than field limit"):  # a cell no real table has, named by its line
            raise Invalid(_l("文件 %(file)s 第 %(line)d 行有一个单元格超过 %(limit)d 个字符。", file=filename,
                             line=previous + 1, limit=csv.field_size_limit()), code="field_too_long",
                          file=filename) from None
        raise Invalid(_l("文件 %(file)s 不是有效的 CSV：%(detail)s", file=filename, detail=str(exc)[:200])) from None
    if not rows:
        raise Invalid(_l("文件 %(file)s 是空的。", file=filename), code="empty", file=filename)
    return Table([c.strip().lstrip("\ufeff") for c in rows[0]], rows[1:], lines[1:])


# CSV downloads: UTF-8 with a byte-order mark, so spreadsheet programs open Chinese text correctly,
# and text cells that a spreadsheet would run as a formula made inert
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A text cell starting like a formula gets a leading apostrophe (shown as text, never run)."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """A CSV download's bytes (see above)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# Areas shown to people: km² from 1 km² up, hectares (公顷) below, with about three significant digits
SQUARE_METRES_PER_KM2, SQUARE_METRES_PER_HECTARE = 1_000_000, 10_000


def _three_digits(value: float) -> str:
    """The number pattern giving about three significant digits (whole numbers from 100 up, grouped)."""
    if value >= 100:
        return "#,##0"
    if value >= 10:
        return "#,##0.#"
    if value >= 0.1:
        return "#,##0.##"
    return "#,##0.####"


def format_area(square_metres: float | None) -> str:
    """An area for people to read, in the current locale: "15.6 平方千米" from 1 km² up, else
    "3.5 公顷" (hectares), about three significant digits; "" for a missing value.

    Every area shown to staff or the public (validation reports, plan pages, rezoning diffs) goes
    through here, so none is ever a bare count of square metres such as 15559644.5.
    """
    if square_metres is None or math.isnan(square_metres):
        return ""
    value = abs(float(square_metres))
    if value >= SQUARE_METRES_PER_KM2:
        km2 = value / SQUARE_METRES_PER_KM2
        return _("%(n)s 平方千米", n=format_decimal(km2, format=_three_digits(km2)))
    hectares = value / SQUARE_METRES_PER_HECTARE
    return _("%(n)s 公顷", n=format_decimal(hectares, format=_three_digits(hectares)))
