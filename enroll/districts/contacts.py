"""Where parents ask about admission (招生咨询方式), written by the district's editors and reviewed
by another person through the one review workflow (``enroll.review.content``) before it shows on
the district's page.

The office's telephone numbers are published; the scanner (``review.publishable``) tells them from
a person's: a landline has an area code (0571-8888 8888, (010)6512 3456) or is a service number
(12345 转 2, 400-…, 96xxx), while a mobile number is 11 digits 1[3-9]x…, however grouped, with
an optional 86/0086 — refused in every field, the phone fields too, as is an ID number. The
office's e-mail address belongs in 电子邮件, where any address may stand."""
from __future__ import annotations

from sqlalchemy import select

from enroll.core import fields
from enroll.core.context import Context
from enroll.core.i18n import _l
from enroll.core.security import authorize
from enroll.districts.models import DistrictContact
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.review import content, states

CONTACT_FIELDS = {
    "office": _l("咨询窗口"), "address": _l("地址"), "phone": _l("咨询电话"), "hours": _l("咨询时间"),
    "email": _l("电子邮件"), "complaint_phone": _l("监督电话"), "notes": _l("其他说明"),
    "placement": _l("多校划片入学办法"), "translations": _l("译文"),
}
# what an English reader needs in English, as the form names and labels it
TRANSLATED = {"office": _l("英文：咨询窗口"), "address": _l("英文：地址"), "hours": _l("英文：咨询时间"),
              "notes": _l("英文：其他说明"), "placement": _l("英文：多校划片入学办法")}


# the placement rules of a multi-school zone (派位、摇号、按登记顺序…) can run to several paragraphs
LIMITS = {"placement": 5_000}


def contact_data(data: dict) -> dict:
    """A contact revision's data, checked and normalized. :raises Invalid: naming the field."""
    given = {f"en_{key}": value for key, value in ((data.get("translations") or {}).get("en") or {}).items()}
    english = {key: fields.text(given, f"en_{key}", label, limit=LIMITS.get(key, 1_000))
               for key, label in TRANSLATED.items()}
    return {
        "office": fields.text(data, "office", CONTACT_FIELDS["office"], required=True),
        "address": fields.text(data, "address", CONTACT_FIELDS["address"], required=True),
        "phone": fields.phone(data, "phone", CONTACT_FIELDS["phone"], required=True),
        "hours": fields.text(data, "hours", CONTACT_FIELDS["hours"], required=True),
        "email": fields.email(data, "email", CONTACT_FIELDS["email"]),
        "complaint_phone": fields.phone(data, "complaint_phone", CONTACT_FIELDS["complaint_phone"]),
        "notes": fields.text(data, "notes", CONTACT_FIELDS["notes"], limit=1_000),
        "placement": fields.text(data, "placement", CONTACT_FIELDS["placement"], limit=LIMITS["placement"]),
        "translations": {"en": {k: v for k, v in english.items() if v}} if any(english.values()) else {},
    }


def _apply(contact: DistrictContact, data: dict) -> None:
    for key in CONTACT_FIELDS:
        setattr(contact, key, data.get(key, ""))  # a revision written before a field existed has none


CONTACT = content.register(content.ContentKind(
    name="district_contact", model=DistrictContact, permission="contact", label=_l("招生咨询方式"),
    fields=CONTACT_FIELDS, apply=_apply, title=lambda item, data: item.district.name, html_fields=(),
    edit_endpoint="districts_bureau.contact", edit_args=lambda item: {"code": item.district.code},
    public_endpoint="public.district", public_args=lambda item: {"code": item.district.code},
    office_fields=("email",)))


def contact_of(district_id: int) -> DistrictContact | None:
    return db.session.scalar(select(DistrictContact).where(DistrictContact.district_id == district_id))


def save_contact(actor, district_code: str, data: dict, *, note: str = "", context: Context = Context()):
    """Write the district's contact draft. Commits. :returns: the revision."""
    district = get_district(district_code)
    authorize(actor, "contact.edit", district.id)
    clean = contact_data(data)
    contact = contact_of(district.id)
    if contact is None:
        contact = DistrictContact(district_id=district.id, district=district)
        db.session.add(contact)
    revision = content.save_draft(actor, CONTACT, contact, clean, note, context=context)
    db.session.commit()
    return revision


def current_data(actor, district_code: str) -> dict:
    """The edit form's starting values: the open draft, else what is published, else the phone and
    address the district was created with."""
    district = get_district(district_code)
    authorize(actor, "contact.edit", district.id)
    revision = content.current_revision(CONTACT, contact_of(district.id))
    return revision.data if revision else {"phone": district.phone, "address": district.address}


def published_contact(district_id: int) -> DistrictContact | None:
    contact = contact_of(district_id)
    return contact if contact is not None and contact.status == states.PUBLISHED else None


def consult_phone(district) -> str:
    """The number a parent should ring: the published contact's, else the one the district was created with."""
    return (published_contact(district.id) or district).phone
