"""The city admin's account management, on the admin page and with ``flask users``: list, lock,
unlock, deactivate, reactivate, set a password; each audited, and sessions ended where they must."""
from __future__ import annotations

import json
import re

import pytest

from support import PASSWORD, make_app

NEW_PASSWORD = "orchid-ferry-lantern"


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input, catch_exceptions=False)


def events(action: str):
    from enroll.review.services import recent_events

    return [e for e in recent_events(200) if e.action == action]


def signed_in(app, username: str, password: str = PASSWORD):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": password}).status_code == 302
    return client


# -- the CLI -------------------------------------------------------------------------------------

def test_cli_lists_users_with_role_district_status_and_last_sign_in(app, editor, reviewer):
    signed_in(app, "editor")
    run(app, "users", "deactivate", "reviewer", "--as", "admin")
    result = run(app, "users", "list", "--as", "admin", "--json")
    users = {u["username"]: u for u in json.loads(result.stdout)["users"]}
    assert set(users) == {"admin", "editor", "reviewer"}
    assert users["editor"]["role"] == "district_editor" and users["editor"]["district"] == "990101"
    assert users["editor"]["last_login_at"] and users["admin"]["last_login_at"] is None
    assert users["reviewer"]["active"] is False and users["editor"]["active"] is True
    text = run(app, "users", "list", "--as", "admin").stdout
    assert "reviewer\tdistrict_reviewer\t990101\tinactive" in text


def test_cli_lock_and_unlock(app, editor):
    locked = run(app, "users", "lock", "editor", "--minutes", "30", "--as", "admin", "--json")
    assert locked.exit_code == 0 and json.loads(locked.stdout)["locked_until"]
    assert app.test_client().post("/login", data={"username": "editor", "password": PASSWORD}).status_code == 401
    assert run(app, "users", "unlock", "editor", "--as", "admin").exit_code == 0
    signed_in(app, "editor")
    assert [e.detail["username"] for e in events("user.lock")] == ["editor"]
    assert events("user.lock")[0].channel == "cli" and events("user.unlock")[0].actor_name == "admin"


def test_cli_unlock_lifts_the_lock_of_failed_sign_ins(app, editor):
    client = app.test_client()
    for _ in range(5):
        client.post("/login", data={"username": "editor", "password": "guess-guess-guess"})
    assert client.post("/login", data={"username": "editor", "password": PASSWORD}).status_code == 401
    run(app, "users", "unlock", "editor", "--as", "admin")
    assert client.post("/login", data={"username": "editor", "password": PASSWORD}).status_code == 302


def test_cli_deactivate_ends_the_users_sessions_and_reactivate_lets_them_sign_in(app, editor):
    session = signed_in(app, "editor")
    assert session.get("/bureau/").status_code == 200
    assert run(app, "users", "deactivate", "editor", "--as", "admin").exit_code == 0
    ended = session.get("/bureau/")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]
    assert app.test_client().post("/login", data={"username": "editor", "password": PASSWORD}).status_code == 401
    run(app, "users", "reactivate", "editor", "--as", "admin")
    assert session.get("/bureau/").status_code == 302  # the old session does not come back
    signed_in(app, "editor")
    assert events("user.deactivate")[0].detail == {"username": "editor", "sessions_ended": True}
    assert len(events("user.reactivate")) == 1


def test_cli_set_password_reads_the_prompt_checks_the_policy_and_ends_sessions(app, editor):
    session = signed_in(app, "editor")
    weak = run(app, "users", "set-password", "editor", "--as", "admin", input="editor2026\neditor2026\n")
    assert weak.exit_code == 1 and "与账户有关的词" in weak.output
    mismatch = run(app, "users", "set-password", "editor", "--as", "admin", input=f"{NEW_PASSWORD}\nother\n")
    assert mismatch.exit_code != 0
    done = run(app, "users", "set-password", "editor", "--as", "admin", "--json",
               input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["username"] == "editor" and NEW_PASSWORD not in done.output
    assert session.get("/bureau/").status_code == 302  # signed out everywhere
    signed_in(app, "editor", NEW_PASSWORD)
    assert [e.detail for e in events("user.password")] == [{"username": "editor", "sessions_ended": True}]
    assert all(NEW_PASSWORD not in json.dumps(e.detail) for e in events("user.password"))


def test_cli_set_password_takes_no_password_argument(app, editor):
    result = app.test_cli_runner().invoke(args=["users", "set-password", "editor", NEW_PASSWORD, "--as", "admin"])
    assert result.exit_code == 2  # a usage error: the password never goes on the command line


def test_cli_refuses_anyone_but_a_city_admin_before_asking_for_a_password(app, editor, reviewer):
    for command in (["list"], ["lock", "reviewer"], ["unlock", "reviewer"], ["deactivate", "reviewer"],
                    ["set-password", "reviewer"]):
        result = run(app, "users", *command, "--as", "editor")
        assert result.exit_code == 1 and "权限" in result.output and "password" not in result.output.lower()
    assert events("user.lock") == events("user.deactivate") == []


def test_an_admin_cannot_lock_or_deactivate_themselves(app, admin):
    for command in ("lock", "deactivate"):
        result = run(app, "users", command, "admin", "--as", "admin")
        assert result.exit_code == 1 and "自己" in result.output
    signed_in(app, "admin")


# -- the admin page ------------------------------------------------------------------------------

def test_the_admin_page_lists_every_user(app, editor, reviewer, login, admin):
    signed_in(app, "editor")
    run(app, "users", "lock", "reviewer", "--as", "admin")
    page = login(admin).get("/bureau/users/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for expected in ("editor", "区县编辑", "青溪区", "990101", "锁定至", "从未登录", "设置新密码"):
        assert expected in text
    assert 'href="/bureau/users/"' in text  # the header links to it


@pytest.mark.parametrize("role", ["district_editor", "district_reviewer", "school_editor", "auditor"])
def test_only_the_city_admin_may_manage_users(role, app, make_user, editor, login):
    user = make_user("someone", role, None if role == "auditor" else "990101")
    client = login(user)
    assert client.get("/bureau/users/").status_code == 403
    assert 'href="/bureau/users/"' not in client.get("/bureau/").get_data(as_text=True)
    for action in ("lock", "unlock", "deactivate", "reactivate"):
        assert client.post(f"/bureau/users/{editor.id}/{action}", data={"minutes": "5"}).status_code == 403
    assert client.get(f"/bureau/users/{editor.id}/password").status_code == 403
    assert client.post(f"/bureau/users/{editor.id}/password",
                       data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 403
    assert events("user.lock") == events("user.password") == []


def test_the_admin_page_locks_and_unlocks(app, editor, admin, login):
    client = login(admin)
    locked = client.post(f"/bureau/users/{editor.id}/lock", data={"minutes": "45"})
    assert locked.status_code == 303
    assert "锁定至" in client.get("/bureau/users/").get_data(as_text=True)
    assert app.test_client().post("/login", data={"username": "editor", "password": PASSWORD}).status_code == 401
    assert client.post(f"/bureau/users/{editor.id}/unlock").status_code == 303
    signed_in(app, "editor")
    assert events("user.lock")[0].channel == "web" and events("user.unlock")[0].actor_name == "admin"


def test_a_lock_of_no_minutes_is_the_forms_error(app, editor, admin, login):
    refused = login(admin).post(f"/bureau/users/{editor.id}/lock", data={"minutes": "0"})
    assert refused.status_code == 422 and "锁定时长应在 1 到" in refused.get_data(as_text=True)
    assert events("user.lock") == []


def test_the_admin_page_deactivates_ending_the_users_session_and_reactivates(app, editor, admin, login):
    session = signed_in(app, "editor")
    client = login(admin)
    assert client.post(f"/bureau/users/{editor.id}/deactivate").status_code == 303
    assert "已停用" in client.get("/bureau/users/").get_data(as_text=True)
    ended = session.get("/bureau/")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]
    assert client.post(f"/bureau/users/{editor.id}/reactivate").status_code == 303
    signed_in(app, "editor")
    assert [e.channel for e in events("user.deactivate")] == ["web"]


def test_the_admin_page_sets_a_password_under_the_policy(app, editor, admin, login):
    session = signed_in(app, "editor")
    client = login(admin)
    assert client.get(f"/bureau/users/{editor.id}/password").status_code == 200
    weak = client.post(f"/bureau/users/{editor.id}/password", data={"password": "aaaaaaaaaa", "confirm": "aaaaaaaaaa"})
    assert weak.status_code == 422 and "重复的字符" in weak.get_data(as_text=True)
    derived = client.post(f"/bureau/users/{editor.id}/password",
                          data={"password": "editor-editor1", "confirm": "editor-editor1"})
    assert derived.status_code == 422 and "与账户有关的词" in derived.get_data(as_text=True)
    done = client.post(f"/bureau/users/{editor.id}/password", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert session.get("/bureau/").status_code == 302  # the editor's session ended
    signed_in(app, "editor", NEW_PASSWORD)
    assert [e.channel for e in events("user.password")] == ["web"]


def test_the_admin_page_keeps_the_admin_from_locking_themselves_out(app, admin, login):
    client = login(admin)
    assert 'action="/bureau/users/%d/deactivate"' % admin.id not in client.get("/bureau/users/").get_data(as_text=True)
    refused = client.post(f"/bureau/users/{admin.id}/deactivate")
    assert refused.status_code == 409 and "自己" in refused.get_data(as_text=True)
    assert client.get("/bureau/").status_code == 200


def test_the_admin_pages_forms_need_the_csrf_token(tmp_path, sqlite_template):
    import shutil

    from enroll.accounts.services import create_user

    shutil.copy(sqlite_template, tmp_path / "c.sqlite3")
    app = make_app(f"sqlite:///{tmp_path}/c.sqlite3", WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = create_user(None, "admin", "city_admin", PASSWORD)
        other = create_user(admin, "other", "auditor", PASSWORD).id
    client = app.test_client()  # no app context kept open: each request has its own CSRF token cache
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token.group(1)})
    page = client.get("/bureau/users/").get_data(as_text=True)
    assert client.post(f"/bureau/users/{other}/deactivate").status_code == 400
    assert client.post(f"/bureau/users/{other}/lock", data={"minutes": "5"}).status_code == 400
    token = re.search(rf'action="/bureau/users/{other}/deactivate"[^>]*>\s*<input type="hidden" '
                      r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/bureau/users/{other}/deactivate", data={"csrf_token": token}).status_code == 303
