"""The policies and content CLI: import drafts, review them, refusals exit non-zero."""
from __future__ import annotations

import json

from support import DEMO


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def test_import_submit_approve_from_the_cli(app, editor, reviewer):
    code, out = run(app, "policies", "import", str(DEMO / "policies.json"), "--district", "990101", "--as", "editor",
                    "--json")
    assert code == 0, out
    revisions = json.loads(out)["revisions"]
    assert [r["type"] for r in revisions] == ["policy", "policy", "interpretation", "policy"]
    for r in revisions:
        assert run(app, "content", "submit", str(r["revision"]), "--as", "editor")[0] == 0
    code, out = run(app, "content", "pending", "--as", "reviewer", "--json")
    assert len(json.loads(out)["revisions"]) == 4
    normative = revisions[1]
    code, out = run(app, "content", "approve", str(normative["revision"]), "--as", "editor")
    assert code == 1 and "权限" in out  # an editor does not approve
    code, out = run(app, "content", "approve", str(normative["revision"]), "--as", "reviewer", "--json")
    assert code == 0 and json.loads(out)["status"] == "published"
    code, out = run(app, "content", "pending", "--as", "reviewer", "--json")
    assert len(json.loads(out)["revisions"]) == 2  # the interpretation went with its document


def test_withdraw_needs_a_published_item_and_a_reason(app, editor, reviewer, publish):
    doc_id = publish()
    code, out = run(app, "content", "withdraw", "policy", str(doc_id), "--reason", "政策调整", "--as", "reviewer")
    assert code == 0 and "withdrawn" in out
    code, out = run(app, "content", "withdraw", "policy", str(doc_id), "--reason", "再撤", "--as", "reviewer")
    assert code == 1 and "只有已发布的内容才能撤下" in out


def test_a_bad_file_names_the_document(app, editor, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"title": "好", "issuer": "局"}, {"title": "", "issuer": "局"}]), encoding="utf-8")
    code, out = run(app, "policies", "import", str(path), "--district", "990101", "--as", "editor")
    assert code == 1 and "第 2 份文件" in out and "标题" in out
