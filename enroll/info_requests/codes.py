"""The codes a request is recorded with, as the annual report's tables count them (国务院办公厅政府信息
公开办公室《中华人民共和国政府信息公开工作年度报告格式》, 2021): channels, requester kinds, forms of
delivery, decisions and their sub-reasons (with the article of the 2019 条例 each rests on)."""
from __future__ import annotations

from enroll.core.i18n import _l

CHANNELS = {"online": _l("网上申请"), "mail": _l("信函申请"), "in_person": _l("当面申请")}

# 申请人情况: 自然人; 法人或其他组织 (商业企业、科研机构、社会公益组织、法律服务机构、其他)
REQUESTER_KINDS = {
    "person": _l("自然人"), "company": _l("商业企业"), "research": _l("科研机构"),
    "nonprofit": _l("社会公益组织"), "legal": _l("法律服务机构"), "other_org": _l("其他组织"),
}

DELIVERY = {"paper": _l("纸质文本"), "email": _l("电子邮件"), "electronic": _l("电子数据（光盘、U 盘等）"),
            "pickup": _l("当面领取或查阅")}

# 本年度办理结果 (table 三, rows 三(一)–三(六))
DECISIONS = {
    "disclosed": _l("予以公开"),
    "partial": _l("部分公开"),
    "withheld": _l("不予公开"),
    "unavailable": _l("无法提供"),
    "not_processed": _l("不予处理"),
    "other": _l("其他处理"),
}

# each decision's sub-reasons, in the table's order: code -> (label, legal basis)
REASONS: dict[str, dict[str, tuple[object, object]]] = {
    "disclosed": {},
    "partial": {},
    "withheld": {
        "state_secret": (_l("属于国家秘密"), _l("《政府信息公开条例》第十四条")),
        "law_forbids": (_l("其他法律行政法规禁止公开"), _l("《政府信息公开条例》第十四条")),
        "three_safety": (_l("危及“三安全一稳定”"), _l("《政府信息公开条例》第十四条")),
        "third_party": (_l("保护第三方合法权益"), _l("《政府信息公开条例》第十五条")),
        "internal": (_l("属于三类内部事务信息"), _l("《政府信息公开条例》第十六条第一款")),
        "deliberative": (_l("属于四类过程性信息"), _l("《政府信息公开条例》第十六条第二款")),
        "enforcement_file": (_l("属于行政执法案卷"), _l("《政府信息公开条例》第十六条第二款")),
        "query": (_l("属于行政查询事项"), _l("《政府信息公开条例》第三十六条第（七）项")),
    },
    "unavailable": {
        "not_held": (_l("本机关不掌握相关政府信息"), _l("《政府信息公开条例》第三十六条第（四）项")),
        "must_create": (_l("没有现成信息需要另行制作"), _l("《政府信息公开条例》第三十八条")),
        "still_unclear": (_l("补正后申请内容仍不明确"), _l("《政府信息公开条例》第三十六条第（六）项")),
    },
    "not_processed": {
        "petition": (_l("信访举报投诉类申请"), _l("《政府信息公开条例》第三十九条第一款")),
        "repeated": (_l("重复申请"), _l("《政府信息公开条例》第三十六条第（五）项")),
        "publication": (_l("要求提供公开出版物"), _l("《政府信息公开条例》第三十九条第二款")),
        "excessive": (_l("无正当理由大量反复申请"), _l("《政府信息公开条例》第三十五条")),
        "confirmation": (_l("要求行政机关确认或重新出具已获取信息"), _l("《政府信息公开条例》第三十九条第二款")),
    },
    "other": {
        "no_correction": (_l("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
                          _l("《政府信息公开条例》第三十条")),
        "fee_unpaid": (_l("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
                       _l("《政府信息公开条例》第四十二条")),
        "withdrawn": (_l("其他（含申请人撤回申请）"), ""),
    },
}


def decision_label(decision: str | None, reason: str = "") -> str:
    """``不予公开：属于国家秘密`` — a decision with its sub-reason, as the reply letter and the staff pages name it."""
    if decision is None:
        return ""
    label = str(DECISIONS[decision])
    sub = REASONS.get(decision, {}).get(reason)
    return f"{label}：{sub[0]}" if sub else label
