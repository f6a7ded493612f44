"""The text encoding of a Shapefile's attribute table (.dbf): as its .cpg declares, else detected;
and the refusal of a table whose text is not in the encoding it was read in, naming the member, the
encodings tried and the one its text does decode in."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from .findings import ReadError, short_detail, unreadable

_GB_LABELS = {"GBK", "CP936", "936", "ANSI936", "GB2312", "GB18030", "EUCCN"}


def codepage_encoding(label: str) -> tuple[str, str] | None:
    """Map a .cpg label to (codec for GDAL, label to report), or None if unusable."""
    key = re.sub(r"[\s_-]", "", label).upper()
    if key in _GB_LABELS:
        return "GB18030", ("GB18030" if key == "GB18030" else "GBK")
    if key in {"UTF8", "65001"}:
        return "UTF-8", "UTF-8"
    match = re.fullmatch(r"(?:ISO)?8859(\d+)", key)
    codec = f"ISO-8859-{match.group(1)}" if match else (f"CP{key}" if key.isdigit() else label.strip())
    try:
        codecs.lookup(codec)
    except LookupError:
        return None
    return codec, codec.upper()


def _dbf_string_values(dbf: Path, max_records: int | None = 20000) -> list[bytes]:
    """Raw bytes of field names and character field values of a .dbf file (of its first ``max_records``
    records; None: all)."""
    data = dbf.read_bytes()
    if len(data) < 32:
        return []
    n_records = int.from_bytes(data[4:8], "little")
    header_len = int.from_bytes(data[8:10], "little")
    record_len = int.from_bytes(data[10:12], "little")
    values, spans, offset = [], [], 1
    for pos in range(32, header_len - 1, 32):
        desc = data[pos : pos + 32]
        if len(desc) < 32 or desc[0] == 0x0D:
            break
        values.append(desc[:11].split(b"\x00", 1)[0])
        width = desc[16]
        if desc[11:12] in (b"C", b"M"):
            spans.append((offset, width))
        offset += width
    for rec in range(n_records if max_records is None else min(n_records, max_records)):
        start = header_len + rec * record_len
        values.extend(data[start + o : start + o + w].rstrip(b" \x00") for o, w in spans)
    return [v for v in values if v]


def _decodes(values: list[bytes], codec: str) -> bool:
    # Incremental decoding tolerates a multi-byte character cut at a field's end.
    try:
        for value in values:
            codecs.getincrementaldecoder(codec)().decode(value, final=False)
    except UnicodeDecodeError:
        return False
    return True


def detect_dbf_encoding(dbf: Path, max_records: int | None = 20000) -> tuple[str, str]:
    """Guess a .dbf's text encoding from its first ``max_records`` records (None: all): UTF-8 if it
    decodes strictly, else GB18030."""
    values = _dbf_string_values(dbf, max_records)
    if all(v.isascii() for v in values) or _decodes(values, "utf-8"):
        return "UTF-8", "UTF-8"
    if _decodes(values, "gb18030"):
        return "GB18030", "GBK"
    from charset_normalizer import from_bytes

    best = from_bytes(b"\n".join(values)).best()
    if best is not None:
        return best.encoding, best.encoding.upper()
    return "ISO-8859-1", "ISO-8859-1"


DETECTED_ENCODINGS = ("UTF-8", "GBK/GB18030")  # what a .dbf without a usable .cpg is tried in


def encoding_error(name: str, dbf: Path, cpg: Path | None, label: str, exc: UnicodeDecodeError) -> ReadError:
    """The text of ``dbf`` is not in the encoding it was read in: which file, the encodings tried
    (the .cpg's, or those detection tries), and the encoding its text does decode in, if any."""
    tried = [label] if cpg is not None else list(dict.fromkeys([*DETECTED_ENCODINGS, label]))
    values = _dbf_string_values(dbf, None)
    likely = next((shown for codec, shown in (("utf-8", "UTF-8"), ("gb18030", "GBK")) if shown != label
                   and _decodes(values, codec)), None)
    return unreadable(name, short_detail("text encoding", exc), reason="encoding", member=dbf.name,
                      cpg=cpg.name if cpg is not None else None, tried=tried, likely=likely)
