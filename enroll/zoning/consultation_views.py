"""Consultation pages (征求意见): the public page of a draft out for comment, with its diff, impact
check and comment form; the bureau's proposal, moderation, answers and adoption report."""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from enroll.core.errors import BadRequest, Conflict, Invalid, NotFound
from enroll.core.forms import STALE
from enroll.core.i18n import _
from enroll.core.web import request_context
from enroll.districts.services import get_district
from enroll.extensions import csrf
from enroll.lookup import changes
from enroll.lookup.services import parse_point
from enroll.review.forms import ActionForm
from enroll.zoning import consultations as service
from enroll.zoning.forms import AnswerForm, CommentForm, ConsultationForm, ReportForm
from enroll.zoning.views import diff_geojson_response, diff_map_parts

public = Blueprint("consultations", __name__)
bureau = Blueprint("consultations_bureau", __name__, url_prefix="/bureau")


def _public_item(code: str, consultation_id: int):
    item = service.get_consultation(None, consultation_id)
    if item.district.code != code:  # the district in the address must be its own
        raise NotFound(_("征求意见不存在或尚未开始。"))
    return item


@public.get("/d/<code>/consultations/")
def index(code: str):
    district = get_district(code)
    return render_template("public/consultations.html", district=district,
                           items=service.public_consultations(district.id), is_open=service.is_open)


@public.route("/d/<code>/consultations/<id:consultation_id>", methods=["GET", "POST"])
@csrf.exempt  # the comment form checks its own token: a stale one shows the form again, values kept
def page(code: str, consultation_id: int):
    """The draft beside the current plan, the diff, the impact check (``?address=``) and the comment form."""
    item = _public_item(code, consultation_id)
    view = changes.consultation_page(item, address_limit=current_app.config["DIFF_WEB_ADDRESSES"])
    form, status = CommentForm(), 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.add_comment(item.id, form.category.data, form.body.data, form.address.data,
                                context=request_context())
        except Invalid as exc:
            form.body.errors = [*form.body.errors, exc.message]
            status = 422
        else:
            flash(_("意见已收到，经审核后公开显示。谢谢！"), "info")
            return redirect(url_for("consultations.page", code=code, consultation_id=item.id, _anchor="comment"))
    elif request.method == "POST":
        status = 422
        if form.stale:
            form.form_errors.append(str(STALE))
    impact, problem, address = None, None, (request.args.get("address") or "").strip()
    point = None
    try:
        if address:
            impact = changes.consultation_impact(view, text=address)
        elif request.args.get("lon") is not None or request.args.get("lat") is not None:
            point = parse_point(request.args.get("lon"), request.args.get("lat"))
            impact = changes.consultation_impact(view, point=point)
    except BadRequest as exc:
        problem = exc.message
    parts = None
    if view.diff is not None:  # a click on the map asks the impact check about that point
        here = url_for("consultations.page", code=code, consultation_id=item.id)
        parts = diff_map_parts(view.diff, url_for("consultations.geojson", code=code, consultation_id=item.id),
                               click_visit=(here, "impact"))
    return render_template("public/consultation.html", item=item, view=view, district=item.district, form=form,
                           impact=impact, problem=problem, address=address, point=point, map=parts, is_open=service.is_open(item),
                           comments=service.shown_comments(item), categories=service.CATEGORIES,
                           decisions=service.DECISIONS), status


@public.get("/d/<code>/consultations/<id:consultation_id>/changes.geojson")
def geojson(code: str, consultation_id: int):
    view = changes.consultation_page(_public_item(code, consultation_id),
                                     address_limit=current_app.config["DIFF_WEB_ADDRESSES"])
    if view.diff is None:
        raise Conflict(_("这是该区县第一次发布划片方案，没有可比较的现行方案。"))
    return diff_geojson_response(view.diff)


@bureau.before_request
@login_required
def require_login():
    return None


@bureau.post("/plans/<id:plan_id>/consultation")
def propose(plan_id: int):
    form = ConsultationForm()
    if not form.validate_on_submit():
        flash(_("请填写 1 至 90 之间的天数。"), "error")
        return redirect(url_for("bureau.plan", plan_id=plan_id))
    item = service.propose_consultation(current_user, plan_id, form.days.data, form.reason.data or "",
                                        context=request_context())
    flash(_("已提交审核：审核通过后开始公开征求意见。"), "info")
    return redirect(url_for("consultations_bureau.manage", consultation_id=item.id))


@bureau.get("/consultations/<id:consultation_id>")
def manage(consultation_id: int):
    item = service.get_consultation(current_user, consultation_id)
    return render_template("bureau/consultation.html", item=item, is_open=service.is_open(item),
                           action_form=ActionForm(), answer_form=_answer_form, report_form=ReportForm(),
                           categories=service.CATEGORIES, decisions=service.DECISIONS)


@bureau.post("/consultations/comments/<id:comment_id>/moderate")
def moderate(comment_id: int):
    if not ActionForm().validate_on_submit():
        raise BadRequest(_("表单已过期，请刷新页面后重试。"))
    comment = service.moderate_comment(current_user, comment_id, request.form.get("show") == "1",
                                       context=request_context())
    return redirect(url_for("consultations_bureau.manage", consultation_id=comment.consultation_id,
                            _anchor=f"comment-{comment.id}"))


def _answer_form(comment) -> AnswerForm:
    """One answer form per comment, its fields named apart (``c<id>-decision``) so every label is unique."""
    return AnswerForm(prefix=f"c{comment.id}", decision=comment.decision or "adopted", reason=comment.answer)


@bureau.post("/consultations/comments/<id:comment_id>/answer")
def answer(comment_id: int):
    form = AnswerForm(prefix=f"c{comment_id}")
    if not form.validate_on_submit():
        raise Invalid(_("请选择答复并说明理由。"))
    comment = service.answer_comment(current_user, comment_id, form.decision.data, form.reason.data,
                                     context=request_context())
    return redirect(url_for("consultations_bureau.manage", consultation_id=comment.consultation_id,
                            _anchor=f"comment-{comment.id}"))


@bureau.post("/consultations/<id:consultation_id>/report")
def report(consultation_id: int):
    form = ReportForm()
    if not form.validate_on_submit():
        raise Invalid(_("请填写采纳情况说明。"))
    service.submit_report(current_user, consultation_id, form.summary.data, context=request_context())
    flash(_("意见采纳情况已提交审核，审核通过后公开。"), "info")
    return redirect(url_for("consultations_bureau.manage", consultation_id=consultation_id))
