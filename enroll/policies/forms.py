from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from enroll.core.forms import options
from enroll.core.i18n import _l

CATEGORY_CHOICES = [("policy", _l("招生政策")), ("rules", _l("实施细则")), ("measures", _l("入学办法")),
                    ("notice", _l("通知公告")), ("other", _l("其他"))]
VALIDITY_CHOICES = [("current", _l("现行有效")), ("amended", _l("已修改")), ("abolished", _l("已废止"))]
FORM_CHOICES = [("text", _l("文字解读")), ("qa", _l("问答")), ("graphic", _l("图解"))]
BODY_FORMATS = [("markdown", _l("Markdown（空一行分段，回车换行）")), ("html", _l("HTML（以前写的正文）"))]


def body_format() -> RadioField:
    """How the body (and its translation) is written: Markdown, or HTML as bodies were before."""
    return RadioField(_l("正文格式"), choices=options(BODY_FORMATS), default="markdown")


class DocumentForm(FlaskForm):
    title = StringField(_l("标题"), validators=[DataRequired(), Length(max=200)])
    doc_number = StringField(_l("文号（如 青教〔2026〕12号）"), validators=[Optional(), Length(max=100)])
    issuer = StringField(_l("发文机关"), validators=[DataRequired(), Length(max=100)])
    category = SelectField(_l("类别"), choices=options(CATEGORY_CHOICES))
    normative = BooleanField(_l("规范性文件（须与政策解读同步发布）"))
    signed_on = DateField(_l("成文日期"), validators=[Optional()])
    issued_on = DateField(_l("发布日期"), validators=[Optional()])
    year = IntegerField(_l("招生年度"), validators=[Optional(), NumberRange(2000, 2100)])
    validity = SelectField(_l("效力状态"), choices=options(VALIDITY_CHOICES))
    replaced_by = SelectField(_l("替代文件（已修改或废止时）"), coerce=int, choices=[])
    body_format = body_format()
    body = TextAreaField(_l("正文"), validators=[DataRequired(), Length(max=200_000)])
    attachments = SelectMultipleField(_l("附件"), coerce=int, choices=[], validate_choice=False)
    new_attachment = FileField(_l("上传 PDF 附件"))
    title_en = StringField(_l("英文标题（可选）"), validators=[Optional(), Length(max=200)])
    body_en = TextAreaField(_l("英文正文（可选）"), validators=[Optional(), Length(max=200_000)])
    note = StringField(_l("修改说明（公开显示在版本记录中）"), validators=[Optional(), Length(max=500)])


class InterpretationForm(FlaskForm):
    title = StringField(_l("标题"), validators=[DataRequired(), Length(max=200)])
    form = SelectField(_l("解读形式"), choices=options(FORM_CHOICES))
    body_format = body_format()
    body = TextAreaField(_l("解读正文"), validators=[DataRequired(), Length(max=200_000)])
    title_en = StringField(_l("英文标题（可选）"), validators=[Optional(), Length(max=200)])
    body_en = TextAreaField(_l("英文正文（可选）"), validators=[Optional(), Length(max=200_000)])
    note = StringField(_l("修改说明（公开显示在版本记录中）"), validators=[Optional(), Length(max=500)])
