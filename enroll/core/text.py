"""Decoding text files uploaded by bureaus: UTF-8 (with or without BOM), else GBK/GB18030."""


def decode_upload(raw: bytes) -> str:
    """The text of an uploaded CSV; Chinese office software often saves GBK, a superset of which is GB18030."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")
