"""Who may see which family, and which of its items: portal/data/access.py.

The URL map is walked, so a route added later is covered without touching this file.
"""
import re

import pytest

from conftest import (
    ANNE, HIDDEN_FROM_MARTIN, JONAS, METTE, NEXT_NETWORK, NIELSEN_MEETING, PETER, PROTECTED_HOME_VISIT, csrf_from,
    main_part,
)

# A real row of Familien Holm (family 1) for each id in a staff URL, and one of another family.
HOLM_IDS = {"family_id": 1, "meeting_id": NEXT_NETWORK, "parent_id": 1, "child_id": 1, "goal_id": 3,
            "consent_id": 1, "person_id": 1, "item_id": 1, "update_id": 1, "point_id": 1,
            "event_id": 23, "binding_id": 1, "exemption_id": 1, "passkey_id": 1, "handover_id": 1}
ID_TABLES = {"meeting_id": "meetings", "parent_id": "parents", "child_id": "children", "goal_id": "goals",
             "consent_id": "consents", "person_id": "people_involved", "item_id": "plan_items",
             "update_id": "plan_updates", "event_id": "family_events", "binding_id": "identity_bindings",
             "exemption_id": "mitid_exemptions", "passkey_id": "passkeys"}
# Public routes: anyone may open them.
PUBLIC = {"parent.home", "info_site.info_page", "info_site.accessibility_statement", "static", "language.choose",
          "sign_in.signed_out", "sign_in.request_link", "sign_in.parent_link", "sign_in.staff_link", "sign_in.child_link",
          "sign_in.professional_link", "sign_in.sign_out",
          "calendar_feed.feed", "professional_feed.feed", "mitid.login", "mitid.assertion_consumer", "mitid.finish", "mitid.metadata",
          "mitid.broker_callback", "mitid.single_logout", "mitid.start_logout",
          "staff_sso.sign_in_page", "staff_sso.login", "staff_sso.callback", "staff_sso.assertion_consumer",
          "staff_sso.finish", "staff_sso.metadata", "staff_sso.single_logout"}


def family_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "family_id" in rule.arguments]


def url(rule, ids):
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule)


def methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def family_snapshot(db):
    tables = ("families", "parents", "children", "people_involved", "meetings", "meeting_participants", "goals",
              "goal_scores", "goal_notes", "plan_items", "plan_updates", "consents", "meeting_summaries",
              "action_points", "handovers", "hidden_from_parents", "timeline_marks", "identity_bindings",
              "mitid_exemptions", "passkeys")
    return {table: list(db.query(f"SELECT * FROM [{table}]")) for table in tables}


def test_the_right_coordinator_reaches_every_family_page(app, auth, client):
    """So that the 404s below come from the access rule, not from wrong ids."""
    auth.staff()
    for rule in family_rules(app):
        if "GET" in rule.methods and not rule.endpoint.endswith(("handover", "audit", "audit_csv")) \
                and not rule.endpoint.startswith("professional."):  # a professional's page of a family: test_professional_pages.py
            response = client.get(url(rule, HOLM_IDS))
            assert response.status_code in (200, 403), (rule.rule, response.status_code)


@pytest.mark.parametrize("who, kind", [("peter.friis@demo-kommune.dk", "staff"), ("lene.nielsen@example.dk", "parent"),
                                       ("sara.holm@example.dk", "parent")])
def test_every_family_url_is_404_for_anyone_but_the_familys_staff(app, auth, client, db, who, kind):
    """Another family's coordinator, and any parent (even of this family), get 404 on every method."""
    auth.sign_in(who, kind=kind)
    token = csrf_from(client.get("/staff/" if kind == "staff" else "/goals").text)
    before = family_snapshot(db)
    for rule in family_rules(app):
        for method in methods(rule):
            response = client.open(url(rule, HOLM_IDS), method=method, data={"csrf_token": token, "version": "0",
                                                                             "active": "0", "text": "x"})
            assert response.status_code == 404, (method, rule.rule, response.status_code)
    assert family_snapshot(db) == before


def test_ids_of_another_family_are_404_inside_my_familys_urls(app, auth, client, db):
    auth.staff()
    token = csrf_from(client.get("/staff/").text)
    other = dict(HOLM_IDS)
    for key, table in ID_TABLES.items():
        row = db.execute(f"SELECT id FROM [{table}] WHERE family_id != 1 ORDER BY id LIMIT 1").fetchone()
        other[key] = row[0] if row else 999999
    other["point_id"] = 999999
    before = family_snapshot(db)
    checked = 0
    for rule in family_rules(app):
        if not set(rule.arguments) - {"family_id"}:
            continue
        for method in methods(rule):
            response = client.open(url(rule, other), method=method, data={"csrf_token": token, "version": "0",
                                                                          "active": "0", "text": "x", "reason": "x"})
            assert response.status_code == 404, (method, rule.rule, response.status_code)
            checked += 1
    assert checked > 25
    assert family_snapshot(db) == before


def test_every_parent_url_with_a_meeting_is_404_for_a_meeting_they_may_not_see(app, auth, client, db):
    """Another family's meeting, a meeting hidden from this parent, and a draft."""
    with app.test_request_context():
        from portal.data.changes import Actor
        from portal.data.changes import meetings
        from portal.demo import _at

        draft = meetings.create_meeting(Actor("staff", METTE), 2, kind="conversation", starts_at=_at(3, 10),
                                        participants=[], publish=False)
    auth.sign_in("martin.andersen@example.dk")
    token = csrf_from(client.get("/goals").text)
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("parent.") and "meeting_id" in rule.arguments]
    assert len(rules) >= 3
    before = family_snapshot(db)
    for meeting_id in (NEXT_NETWORK, NIELSEN_MEETING, HIDDEN_FROM_MARTIN, draft):
        for rule in rules:
            for method in methods(rule):
                response = client.open(url(rule, {"meeting_id": meeting_id}), method=method,
                                       data={"csrf_token": token, "text": "Et punkt"})
                assert response.status_code == 404, (meeting_id, method, rule.rule)
    assert family_snapshot(db) == before
    assert client.get(f"/meetings/{PROTECTED_HOME_VISIT}").status_code == 200  # so the 404s are the rule's


def test_every_route_outside_the_public_list_refuses_an_anonymous_visitor(app, client, db):
    token = csrf_from(client.get("/login").text)
    before = family_snapshot(db)
    ids = {**HOLM_IDS, "staff_id": METTE}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        for method in methods(rule):
            response = client.open(url(rule, ids), method=method, data={"csrf_token": token, "version": "0"})
            assert response.status_code in (302, 401), (method, rule.rule, response.status_code)
            if response.status_code == 302:
                assert "/logged-out" in response.headers["Location"], rule.rule
    assert family_snapshot(db) == before


def test_an_admin_sees_every_family_and_a_coordinator_only_their_own(auth, client):
    auth.staff("anne.krogh@demo-kommune.dk")
    page = client.get("/staff/").text
    assert all(name in page for name in ("Familien Holm", "Familien Nielsen", "Familien Yilmaz Andersen"))
    for family_id in (1, 2, 3):
        assert client.get(f"/staff/families/{family_id}").status_code == 200
    auth.staff()
    page = client.get("/staff/").text
    assert "Familien Holm" in page and "Familien Nielsen" not in page


def test_admin_pages_are_404_for_a_coordinator(auth, client):
    auth.staff()
    for path in ("/staff/accounts/", "/staff/accounts/new", f"/staff/accounts/{JONAS}/edit",
                 "/staff/families/1/handover", "/staff/families/1/audit", "/staff/families/1/audit.csv"):
        assert client.get(path).status_code == 404, path
    token = csrf_from(client.get("/staff/").text)
    assert client.post(f"/staff/accounts/{JONAS}/active", data={"csrf_token": token, "active": "0",
                                                               "version": "0"}).status_code == 404


def test_a_colleague_covering_sees_the_families_only_while_the_coordinator_is_away(app, auth, client, db):
    auth.staff("jonas.berg@demo-kommune.dk")
    assert client.get("/staff/families/1").status_code == 404
    db.execute("UPDATE staff SET away_until = date('now', '+7 days') WHERE id = ?", [METTE])
    assert client.get("/staff/families/1").status_code == 200
    assert "Du dækker for Mette Lund" in client.get("/staff/").text
    db.execute("UPDATE staff SET away_until = date('now', '-1 days') WHERE id = ?", [METTE])
    assert client.get("/staff/families/1").status_code == 404


def test_a_staff_view_is_audited_but_a_change_is_not_logged_as_a_view(app, auth, client, db):
    auth.staff()
    client.get("/staff/families/1/meetings")
    views = db.execute("SELECT count(*) FROM audit_log WHERE action = 'family.viewed' AND actor_id = ?", [METTE]).fetchone()[0]
    assert views == 1
    token = csrf_from(client.get("/staff/families/1/members").text)
    client.post("/staff/families/1/parents/1/link", data={"csrf_token": token, "channel": "shown"})
    after = db.execute("SELECT count(*) FROM audit_log WHERE action = 'family.viewed' AND actor_id = ?", [METTE]).fetchone()[0]
    assert after == 2  # the members page; the POST wrote a link_issued line, not a view
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'sign_in.link_issued' AND actor_id = ?",
                      [METTE]).fetchone()[0] == 1


def test_a_split_familys_father_never_sees_the_mothers_protected_details(auth, client):
    auth.sign_in("martin.andersen@example.dk")
    pages = {path: main_part(client.get(path).text) for path in ("/", "/meetings", "/plan", "/goals", "/people",
                                                                  "/consents", f"/meetings/{PROTECTED_HOME_VISIT}")}
    for path, page in pages.items():
        for secret in ("Skovbrynet", "nadia.yilmaz@example.dk", "31 32 33 34", "+4531323334", "Krisecentret",
                       "En snak om tryghed", "Samtaler om tryghed"):
            assert secret not in page, (path, secret)
    assert "Stedet får du at vide af din kontaktperson" in pages[f"/meetings/{PROTECTED_HOME_VISIT}"]
    assert "Stedet får du at vide af din kontaktperson" in pages["/meetings"]
    assert "Nadia Yilmaz" in pages["/people"]  # her name, never her details
    ics = client.get(f"/meetings/{PROTECTED_HOME_VISIT}/calendar.ics").text
    assert "Skovbrynet" not in ics


def test_the_mother_sees_her_own_home_as_the_place(auth, client):
    auth.sign_in("nadia.yilmaz@example.dk")
    page = main_part(client.get(f"/meetings/{PROTECTED_HOME_VISIT}").text)
    assert "Skovbrynet 12" in page
    assert "En snak om tryghed" in main_part(client.get(f"/meetings/{HIDDEN_FROM_MARTIN}").text)
    assert "Samtaler om tryghed for Nadia" in main_part(client.get("/plan").text)


def test_a_parent_never_sees_another_parents_contact_details(auth, client):
    auth.sign_in()
    for path in ("/", "/meetings", f"/meetings/{NEXT_NETWORK}", "/plan", "/goals", "/people", "/consents"):
        page = main_part(client.get(path).text)
        for detail in ("thomas.holm@example.dk", "+4560708090", "60 70 80 90"):
            assert detail not in page, (path, detail)


def test_a_professionals_phone_shows_only_where_the_family_may_see_it(auth, client):
    auth.sign_in()
    page = main_part(client.get("/people").text)
    assert "+45 70 10 20 30" in page  # Hanne Bech: the family may see it
    assert "Rasmus Kjær" in page and "+45 70 10 10 40" not in page  # PPR: not shown


def test_staff_deactivated_lose_their_session_at_once(auth, client, db):
    auth.staff()
    assert client.get("/staff/").status_code == 200
    db.execute("UPDATE staff SET active = 0 WHERE id = ?", [METTE])
    assert client.get("/staff/").status_code == 302


# Where the admin role may be named as a value: the rule itself, the role's name and label,
# and the demo, which makes Anne Krogh its admin. Anywhere else code asks access.py.
ADMIN_NAMED_ONLY_IN = {
    "data/access.py": "the rule: is_admin_role() and the SQL that lets an admin see every family",
    "data/vocabulary.py": "STAFF_ROLES: the role's name and its label",
    "demo.py": "the demo's admin is given the role",
}


QUOTED_ADMIN = re.compile(r"""['"]admin['"]""", re.IGNORECASE)


def admin_named_at(source):
    """Line numbers where Python code names the admin role: a string "admin" in any quotes (compared,
    in a list, passed on) or 'admin' quoted inside a string (SQL, in f-strings too)."""
    import ast

    return sorted(node.lineno for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and (node.value.strip().lower() == "admin" or QUOTED_ADMIN.search(node.value)))


def test_the_admin_rule_lives_only_in_access_py():
    from pathlib import Path

    ways = ['role != "admin"', "f\"WHERE s.role = 'admin' AND {x}\"", "role in ('coordinator', 'Admin')"]
    assert admin_named_at("\n".join(ways)) == [1, 2, 3]
    root = Path(__file__).resolve().parent.parent / "portal"
    assert len(admin_named_at((root / "data" / "access.py").read_text())) >= 3  # it finds the rule where it lives
    named = {str(path.relative_to(root)): admin_named_at(path.read_text()) for path in root.rglob("*.py")}
    for path in (root / "templates").rglob("*.html"):  # templates ask g.staff_is_admin
        lines = path.read_text().splitlines()
        named[str(path.relative_to(root))] = [number for number, line in enumerate(lines, 1) if QUOTED_ADMIN.search(line)]
    assert {path: lines for path, lines in named.items() if lines and path not in ADMIN_NAMED_ONLY_IN} == {}


def test_the_two_shapes_of_the_staff_rule_agree_for_every_staff_member_and_family(app, db):
    """staff_families_sql (a caseload) and family_staff_may_see (one family) are one rule in two query shapes."""
    from portal.data import access
    from portal.data.clock import today_text

    assert [row["id"] for row in db["staff"].rows if access.is_admin_role(row["role"])] == [ANNE]  # the demo admin
    db.execute("UPDATE staff SET away_until = date('now', '+3 days') WHERE id = ?", [METTE])  # Jonas covers
    with app.app_context():
        for staff_id in (JONAS, METTE, PETER, ANNE):
            listed = {row[0] for row in db.execute(
                f"SELECT f.id FROM families f WHERE {access.staff_families_sql('f')}",
                {"staff": staff_id, "today": today_text()})}
            one_by_one = {family_id for family_id in (1, 2, 3) if access.family_staff_may_see(staff_id, family_id) is not None}
            assert listed == one_by_one, staff_id
    assert listed == {1, 2, 3}  # the admin, last, sees all
