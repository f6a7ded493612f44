"""The one check that no ID number, mobile number or personal e-mail address reaches the public.

Whatever a content kind lets the public read is scanned with ``core.privacy.find_in_text``: every
text value of a revision's data, in any field and at any depth (a results list's every column, the
notes of its routes, a timeline's steps, a policy's translations), HTML as the reader sees it (with
its link targets), and the revision's change note, which the public version history shows. The
check runs when a draft is saved and again when a reviewer approves it (``content.publish``), so
data saved before the scanner knew a pattern, or written by a path that skipped the save, cannot
be published either.

Not scanned: keys starting with ``_`` (digests) and a kind's ``computed_fields`` (hashes, seeds,
commitments: hexadecimal that can look like a number). An e-mail address is allowed in a kind's
``office_fields`` (the office's own mailbox, e.g. a district contact's 电子邮件) and, in any other
field, when it is at a government or school domain (``*.gov.cn``, ``*.edu.cn``); in the lists of
children (``private_fields``) no e-mail address is allowed. An office's telephone number is a
landline or a service number (0571-8888 8888, 12345, 400-…); any mobile number is refused, in the
phone fields too.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from enroll.core.errors import Conflict, Invalid
from enroll.core.html import published_text
from enroll.core.i18n import _l
from enroll.core.privacy import Found, find_in_text

KIND_LABELS = {"id_number": _l("身份证号码"), "mobile": _l("手机号码"), "email": _l("电子邮件地址")}
NOTE_LABEL = _l("修改说明")


@dataclass(frozen=True)
class Problem:
    """Personal data in one field: the data key (``note`` for the change note), its label, the
    1-based item of a list field (None for a single value) and what was found there."""

    field: str
    label: object
    item: int | None
    found: Found

    def where(self):
        """Where it is, translated, the value masked."""
        f = self.found
        values = dict(field=self.label, line=f.line, column=f.column, kind=KIND_LABELS[f.kind], masked=f.masked)
        if self.item is None:
            return _l("“%(field)s”第 %(line)d 行第 %(column)d 个字符处有%(kind)s（%(masked)s）。", **values)
        return _l("“%(field)s”第 %(item)d 项第 %(line)d 行第 %(column)d 个字符处有%(kind)s（%(masked)s）。",
                  item=self.item, **values)


def _texts(kind, key: str, value, item: int | None = None) -> Iterator[tuple[int | None, str]]:
    """(item, text) of every string in ``value``; ``key`` is the innermost key (HTML or not)."""
    if isinstance(value, str):
        if key in kind.html_fields:
            extracted = published_text(value)
            yield item, "\n".join([extracted.text, *extracted.links])
        else:
            yield item, value
    elif isinstance(value, dict):
        for inner, v in value.items():
            if not str(inner).startswith("_"):  # digests are hex, not personal data
                yield from _texts(kind, str(inner), v, item)
    elif isinstance(value, list):
        for number, v in enumerate(value, start=1):
            yield from _texts(kind, key, v, item if item is not None else number)


def problems(kind, data: dict, note: str = "") -> list[Problem]:
    """Every place personal data is in what the public could read of a revision."""
    found = []
    fields = [(key, kind.fields.get(key, key), value) for key, value in (data or {}).items()
              if not str(key).startswith("_") and key not in kind.computed_fields]
    for key, label, value in [*fields, ("note", NOTE_LABEL, note or "")]:
        for item, text in _texts(kind, key, value):
            for hit in find_in_text(text):
                if hit.kind == "email" and (key in kind.office_fields
                                            or (hit.office and key not in kind.private_fields)):
                    continue
                found.append(Problem(key, label, item, hit))
    return found


def personal_data_in(text: str) -> Found | None:
    """The first ID number, mobile number or personal e-mail address in a text the public reads
    outside a revision's data (an office's address at a government or school domain passes)."""
    return next((hit for hit in find_in_text(text) if not (hit.kind == "email" and hit.office)), None)


def where_in(label, found: Found):
    """Where ``found`` is in the text called ``label``, translated, the value masked."""
    return Problem("", label, None, found).where()


def refuse_personal_data(kind, data: dict, note: str = "", *, publishing: bool = False) -> None:
    """:raises Invalid: (saving) or :raises Conflict: (``publishing``) naming the first field with
    personal data, where in it, and how many places hold some; the value is quoted masked."""
    found = problems(kind, data, note)
    if not found:
        return
    first = found[0]
    detail = dict(field=first.field, kinds=",".join(sorted({p.found.kind for p in found})), places=len(found),
                  item=first.item, line=first.found.line, column=first.found.column)
    if publishing:
        raise Conflict(_l("%(where)s公开的内容中不得出现身份证号、手机号或个人电子邮件，不能发布：请退回修改。",
                          where=first.where()), **detail)
    raise Invalid(_l("%(where)s公开的内容中不得出现身份证号、手机号或个人电子邮件，请删除后再保存。",
                     where=first.where()), **detail)
