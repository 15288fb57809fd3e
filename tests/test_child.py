"""The child's own voice (issue 21, part 2): a child's sign-in, their own page, and their own words.

A child sees only what is theirs; a child's links and sessions open no parent
or staff page, and no parent or staff session opens a child's page. A child's
words are never edited by anyone.
"""
import re
import sqlite3

import pytest

from conftest import HOLM, METTE, NEXT_NETWORK, NIELSEN, SARA, SPLIT, THOMAS, Auth, csrf_from, main_part
from portal.data import access, links
from portal.data.changes import Actor, Invalid, NotFound
from portal.data.changes import child_voice
from portal.data.db import get_db
from readability import lix
from test_access import HOLM_IDS, PUBLIC, methods

EMIL, ALMA, LIVA, NOAH = 1, 2, 3, 4  # Emil (9) has a sign-in in the demo; Alma (3); Liva (split); Noah (Nielsen)
METTE_ACTS = Actor("staff", METTE)


@pytest.fixture(autouse=True)
def mitid_gate(app):
    app.config["MITID_GATE"] = True


def child_link(app, child_id=EMIL, channel="shown", staff_id=METTE):
    with app.app_context():
        return links.issue("child", child_id, origin="sent", channel=channel,
                           issued_by_staff_id=staff_id).removeprefix(app.config["BASE_URL"])


def sign_in_child(app, client, child_id=EMIL, confirm=True):
    """Open the child's link (shown by the coordinator) and press Fortsæt; then, unless confirm=False,
    raise the session as the passkey would (tests/test_passkeys.py takes the real way for parents)."""
    path = child_link(app, child_id)
    page = client.get(path)
    assert page.status_code == 200, page.text
    response = client.post(path, data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/barn"), response.text
    if confirm:
        with app.app_context():
            get_db().execute("UPDATE sessions SET level = 2, method = 'passkey', assured_at = strftime("
                             "'%Y-%m-%dT%H:%M:%fZ', 'now') WHERE user_kind = 'child' AND ended_at IS NULL")
            get_db().conn.commit()
    return response


def test_the_demo_child_signs_in_and_sees_their_own_page(app, client):
    sign_in_child(app, client)
    page = client.get("/barn")
    assert page.status_code == 200
    text = main_part(page.text)
    assert "Hej Emil" in text
    assert "Emil skal have det godt i skolen" in text  # his goal
    assert "Jeg vil gerne have en ven at lege med" in text  # his own words
    assert "Skrevet sammen med Karen" in text
    assert "Dit næste møde" in text and "Familiehuset, Skolevej 4" in text  # the network meeting about him


def test_a_link_alone_shows_only_how_to_go_on(app, client):
    sign_in_child(app, client, confirm=False)
    text = main_part(client.get("/barn").text)
    assert "Hej Emil" in text and "Lav din nøgle" in text
    assert "Emil skal have det godt" not in text and "Jeg vil gerne have en ven" not in text
    refused = client.post("/barn/ord", data={"csrf_token": csrf_from(text), "kind": "wish", "text": "x"})
    assert refused.status_code == 303 and refused.headers["Location"].endswith("/barn")
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM child_words WHERE text = 'x'").fetchone()[0] == 0


def test_every_child_page_declares_the_level_it_needs(app):
    pages = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("child.")}
    assert pages == set(access.CHILD_PAGES)
    assert [page for page, level in access.CHILD_PAGES.items() if level < access.SUBSTANTIAL] == ["child.home"]


def family_text(app, family_id, child_id, visible_meeting=None):
    """Every text of the family a child must never see: other children's and parents' goals, plan items,
    people, contact details, meetings not about them or hidden, others' words."""
    with app.app_context():
        db = get_db()
        texts = []
        texts += [r[0] for r in db.execute("SELECT text FROM goals WHERE family_id = ? AND"
                                           " (for_child_id IS NULL OR for_child_id != ?)", [family_id, child_id])]
        texts += [r[0] for r in db.execute("SELECT what FROM plan_items WHERE family_id = ?", [family_id])]
        for row in db.execute("SELECT pr.name, pr.phone, pr.email FROM people_involved pi"
                              " JOIN professionals pr ON pr.id = pi.professional_id WHERE pi.family_id = ?", [family_id]):
            texts += [value for value in row if value]
        for row in db.execute("SELECT name, phone, email, address FROM parents WHERE family_id = ?", [family_id]):
            texts += [value for value in row if value]
        texts += [r[0] for r in db.execute("SELECT purpose FROM meetings WHERE family_id = ? AND purpose IS NOT NULL",
                                           [family_id])]
        texts += [r[0] for r in db.execute("SELECT place FROM meetings WHERE family_id = ? AND place IS NOT NULL"
                                           " AND id IS NOT ?", [family_id, visible_meeting])]
        texts += [r[0] for r in db.execute("SELECT body FROM plan_updates WHERE family_id = ?", [family_id])]
        texts += [r[0] for r in db.execute("SELECT text FROM child_words WHERE child_id != ?", [child_id])]
        return [t for t in texts if t and len(t) > 3]


def test_the_childs_page_shows_nothing_of_the_family_beyond_theirs(app, client):
    with app.test_request_context():  # another child's words, and a hidden meeting about Emil
        child_voice.add_words(METTE_ACTS, HOLM, ALMA, kind="wish", text="Alma vil have en hund.", written_with="Mette")
        db = get_db()
        db.execute("UPDATE meetings SET about_child_id = ? WHERE id = 3", [EMIL])  # the follow-up, in 4 days
        db["hidden_from_parents"].insert({"family_id": HOLM, "item_kind": "meeting", "item_id": 3,
                                          "parent_id": THOMAS})
        db.conn.commit()
    sign_in_child(app, client)
    text = main_part(client.get("/barn").text)
    never = family_text(app, HOLM, EMIL, visible_meeting=NEXT_NETWORK)
    assert "Alma vil have en hund." in never and "Demoby Skole, mødelokale 2" in never
    shown = [t for t in never if t in text]
    assert shown == [], shown
    assert "Familiehuset, Skolevej 4" in text  # the next meeting he may see: the network meeting in 10 days


def test_a_protected_homes_place_is_never_shown_to_the_child(app, client):
    with app.test_request_context():
        child_voice.set_up_sign_in(METTE_ACTS, SPLIT, LIVA, method="passkey", told_parent_ids=[3, 4])
        db = get_db()
        db.execute("UPDATE meetings SET about_child_id = ? WHERE id = 7", [LIVA])  # the home visit at Nadia's
        db.conn.commit()
        place = db["meetings"].get(7)["place"]
    sign_in_child(app, client, LIVA)
    text = main_part(client.get("/barn").text)
    assert place and place not in text and "Dit næste møde" in text


URL_IDS = {**HOLM_IDS, "staff_id": METTE, "token": "x", "path": "", "filename": "portal.css"}


def test_a_child_session_opens_no_parent_or_staff_page(app, client):
    sign_in_child(app, client)
    token = csrf_from(client.get("/barn").text)
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.startswith(("ops.", "mitid.", "passkey.", "child.")):
            continue
        if rule.endpoint == "static" or rule.endpoint.startswith("info_site."):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(URL_IDS[m.group(1)]), rule.rule)
        for method in methods(rule):
            response = client.open(path, method=method, data={"csrf_token": token, "version": "0", "text": "x"})
            assert response.status_code == 404, (method, rule.rule, response.status_code)
            checked += 1
    assert checked > 50
    assert client.get("/").status_code == 302  # the front page sends a child to their own page


def test_parents_and_staff_get_404_on_the_childs_pages(app, client):
    auth = Auth(app, client)
    for sign_in in (auth.sign_in, auth.staff):
        if sign_in == auth.staff:
            auth.sign_out()
        sign_in()
        assert client.get("/barn").status_code == 404
        token = csrf_from(client.get("/", follow_redirects=True).text)
        assert client.post("/barn/ord", data={"csrf_token": token, "kind": "wish", "text": "x"}).status_code == 404
        assert client.post("/barn/bisidder", data={"csrf_token": token, "wanted": "yes"}).status_code == 404


def test_a_childs_link_opens_only_while_their_sign_in_is_in_force_and_only_if_shown(app, client):
    sent = child_link(app, channel="email")
    assert client.get(sent).status_code == 400  # a child's link is never sent
    not_by_staff = child_link(app, staff_id=None)
    assert client.get(not_by_staff).status_code == 400
    shown = child_link(app)
    with app.test_request_context():
        child_voice.end_sign_in(METTE_ACTS, HOLM, EMIL)
    assert client.get(shown).status_code == 410  # ended: the unused link is revoked with it
    assert client.get(child_link(app, ALMA)).status_code == 410  # Alma has no sign-in


def test_ending_a_childs_sign_in_ends_their_session(app, client):
    sign_in_child(app, client)
    assert client.get("/barn").status_code == 200
    with app.test_request_context():
        child_voice.end_sign_in(METTE_ACTS, HOLM, EMIL)
    assert client.get("/barn").status_code == 302


def test_a_child_of_another_family_gets_404_on_every_id(app, client):
    with app.test_request_context():
        child_voice.set_up_sign_in(Actor("staff", 4), NIELSEN, NOAH, method="passkey", told_parent_ids=[5])
    sign_in_child(app, client, NOAH)
    text = main_part(client.get("/barn").text)
    assert "Hej Noah" in text and "Emil" not in text
    with app.test_request_context():  # the change refuses another child's or family's ids, whoever asks
        with pytest.raises(NotFound):
            child_voice.add_words(Actor("child", NOAH), HOLM, EMIL, kind="wish", text="x")
        with pytest.raises(NotFound):
            child_voice.add_words(Actor("child", NOAH), NIELSEN, EMIL, kind="wish", text="x")
        with pytest.raises(NotFound):
            child_voice.say_bisidder(Actor("child", NOAH), HOLM, EMIL, wanted=True)


def test_a_child_writes_their_own_words_kept_exactly(app, client):
    sign_in_child(app, client)
    token = csrf_from(client.get("/barn").text)
    words = "  Jeg vil gerne\r\nspille fodbold  "
    response = client.post("/barn/ord", data={"csrf_token": token, "kind": "hard", "text": words})
    assert response.status_code == 303
    with app.app_context():
        row = get_db().execute("SELECT kind, text, written_with, written_by_kind FROM child_words"
                               " ORDER BY id DESC LIMIT 1").fetchone()
    assert row == ("hard", words, None, "child")
    blank = client.post("/barn/ord", data={"csrf_token": token, "kind": "wish", "text": "   "})
    assert blank.status_code == 400 and "Skriv med dine egne ord." in blank.text
    odd = client.post("/barn/ord", data={"csrf_token": token, "kind": "nonsense", "text": "x"})
    assert odd.status_code == 400
    bisidder = client.post("/barn/bisidder", data={"csrf_token": token, "wanted": "yes", "who": "Farmor"})
    assert bisidder.status_code == 303
    assert "Farmor" in main_part(client.get("/barn").text)


def test_a_childs_words_are_never_edited(app, client):
    # No route changes or removes them: every route that names child words is the child's own "add".
    for rule in app.url_map.iter_rules():
        assert not ({"PUT", "PATCH", "DELETE"} & rule.methods), rule.rule
        if "words" in rule.rule or "/ord" in rule.rule:
            assert rule.endpoint in ("child.add_words", "staff.family.add_child_words"), rule.endpoint
    assert not [name for name in dir(child_voice) if re.match(r"(edit|update|change|remove|delete)_", name)]
    with app.app_context():  # and the database refuses to change them
        db = get_db()
        with pytest.raises(sqlite3.IntegrityError, match="never edited"):
            db.execute("UPDATE child_words SET text = 'ændret' WHERE child_id = ?", [EMIL])
        with pytest.raises(sqlite3.IntegrityError, match="never edited"):
            db.execute("UPDATE child_bisidder SET who = 'en anden' WHERE child_id = ?", [EMIL])
    with app.test_request_context():  # a parent never writes a child's words
        with pytest.raises(NotFound):
            child_voice.add_words(Actor("parent", SARA), HOLM, EMIL, kind="wish", text="x")


def test_staff_write_words_with_a_younger_child_marked_so(app, client):
    Auth(app, client).staff()
    page = client.get(f"/staff/families/{HOLM}/members")
    token = csrf_from(page.text)
    response = client.post(f"/staff/families/{HOLM}/children/{ALMA}/words",
                           data={"csrf_token": token, "kind": "wish", "text": "Alma vil lege med klodser.",
                                 "written_with": "Karen Dahl"})
    assert response.status_code == 303
    refused = client.post(f"/staff/families/{HOLM}/children/{ALMA}/words",
                          data={"csrf_token": token, "kind": "wish", "text": "x", "written_with": " "})
    assert refused.status_code == 400
    assert client.post(f"/staff/families/{SPLIT}/children/{ALMA}/words",
                       data={"csrf_token": token, "kind": "wish", "text": "x",
                             "written_with": "Mette"}).status_code == 404
    assert "Skrevet sammen med Karen Dahl" in client.get(f"/staff/families/{HOLM}/plan").text


def test_the_coordinator_sets_up_a_sign_in_with_the_parents_knowledge(app, client):
    Auth(app, client).staff()
    token = csrf_from(client.get(f"/staff/families/{HOLM}/members").text)
    url = f"/staff/families/{HOLM}/children/{ALMA}/sign-in"
    nobody_told = client.post(url, data={"csrf_token": token, "method": "passkey"})
    assert nobody_told.status_code == 400 and "Vælg, hvilke forældre der ved det." in nobody_told.text
    too_young = client.post(url, data={"csrf_token": token, "method": "mitid", "told": [str(SARA)]})
    assert too_young.status_code == 400 and "under 13" in too_young.text
    other_family = client.post(url, data={"csrf_token": token, "method": "passkey", "told": ["3"]})
    assert other_family.status_code == 400
    assert client.post(url, data={"csrf_token": token, "method": "passkey",
                                  "told": [str(SARA), str(THOMAS)]}).status_code == 303
    with app.app_context():
        row = get_db().execute("SELECT method, told_parent_ids FROM child_sign_ins WHERE child_id = ?"
                               " AND ended_at IS NULL", [ALMA]).fetchone()
        audit = get_db().execute("SELECT count(*) FROM audit_log WHERE action = 'child_sign_in.set_up'").fetchone()
    assert row == ("passkey", f"[{SARA}, {THOMAS}]") and audit[0] >= 1
    shown = client.post(f"/staff/families/{HOLM}/children/{ALMA}/link", data={"csrf_token": token})
    assert shown.status_code == 200 and "/barn/login/" in shown.text
    assert client.post(f"/staff/families/{SPLIT}/children/{ALMA}/link",
                       data={"csrf_token": token}).status_code == 404


def test_the_childs_words_appear_in_the_plan_and_at_network_meetings(app, client):
    auth = Auth(app, client)
    auth.sign_in()
    plan = main_part(client.get("/plan").text)
    assert "Emils egne ord" in plan and "Jeg vil gerne have en ven at lege med" in plan
    assert "Skrevet sammen med Karen" in plan
    network = main_part(client.get(f"/meetings/{HOLM_IDS['meeting_id']}").text)
    assert "Emils egne ord" in network
    follow_up = main_part(client.get("/meetings/3").text)
    assert "Emils egne ord" not in follow_up  # only network meetings
    auth.sign_out()
    auth.staff()
    assert "Emils egne ord" in client.get(f"/staff/families/{HOLM}/plan").text
    assert "Emils egne ord" in client.get(f"/staff/families/{HOLM}/meetings/{HOLM_IDS['meeting_id']}").text


# Pages for children: easy to read (LIX at most 25), short lines, big tap targets.

def page_sentences(html):
    """The visible Danish text of a page's main part, one sentence per block (tests/readability.py)."""
    from readability import _BlockText, split_sentences

    parser = _BlockText()
    parser.feed(re.sub(r"<(textarea|script|style)[^>]*>.*?</\1>", "", main_part(html), flags=re.S))
    parser.close()
    return [s for block in parser.blocks for s in split_sentences(block)]


def test_every_child_page_text_is_easy_to_read(app, client):
    sign_in_child(app, client, confirm=False)
    pages = [client.get("/barn").text, client.get("/passkey/new").text]  # making his passkey, from the shown link
    pages.append(client.get(child_link(app)).text)  # "Log ind som E***"
    pages.append(client.get(child_link(app, channel="email")).text)  # a link that does not work
    assert 'class="child"' in pages[-1]
    sign_in_child(app, client)
    pages.append(client.get("/barn").text)
    token = csrf_from(pages[-1])
    pages.append(client.post("/barn/ord", data={"csrf_token": token, "kind": "wish", "text": " "}).text)
    pages.append(client.post("/barn/bisidder", data={"csrf_token": token}).text)
    pages.append(client.get("/passkey").text)  # he has made none yet: what to do
    for html in pages:
        # The child's own words and goals are theirs, not ours: leave them out of the measure.
        html = re.sub(r'<span class="own-words"[^>]*>.*?</span>', "", html, flags=re.S)
        text = "\n".join(page_sentences(html))
        assert lix(text) <= 25, (lix(text), text)


def css_rule(selector):
    css = open("portal/static/portal.css", encoding="utf-8").read()
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match, selector
    return match.group(1)


def test_lines_on_a_childs_page_hold_at_most_seven_words(app, client):
    """The child layout caps text at a width in ch; wrapped at that width, no line of a child page has more than 7 words."""
    import textwrap

    width = int(re.search(r"max-width:\s*(\d+)ch", css_rule("body.child main :is(p, li, h1, h2, h3, legend, label)")).group(1))
    assert int(re.search(r"max-width:\s*(\d+)ch", css_rule("body.child main")).group(1)) <= 40
    sign_in_child(app, client)
    for sentence in page_sentences(client.get("/barn").text):
        for line in textwrap.wrap(sentence, width):
            assert len(line.split()) <= 7, (width, line)


def test_tap_targets_on_a_childs_page_are_at_least_48_px():
    for selector in ("body.child .button, body.child button", "body.child .choice"):
        assert re.search(r"min-height:\s*48px", css_rule(selector)), selector
    assert re.search(r"min-height:\s*48px", css_rule("body.child .choice label"))


def test_a_child_whose_sign_in_was_ended_is_signed_out_at_once(app, client):
    """The rule itself (access.child_may_sign_in_sql), not only the sessions end_sign_in ends."""
    sign_in_child(app, client)
    with app.app_context():
        get_db().execute("UPDATE child_sign_ins SET ended_at = '2026-01-01T00:00:00Z' WHERE child_id = ?", [EMIL])
        get_db().conn.commit()
    assert client.get("/barn").status_code == 302


def test_a_child_from_13_binds_mitid_and_signs_in_with_it_later(app, client):
    from mitid_helpers import TestMitID
    from portal.data.clock import today

    with app.test_request_context():
        get_db().execute("UPDATE children SET birth_year = ? WHERE id = ?", [today().year - 14, EMIL])
        child_voice.set_up_sign_in(METTE_ACTS, HOLM, EMIL, method="mitid", told_parent_ids=[SARA])
    mitid = TestMitID(app, client)
    sign_in_child(app, client, confirm=False)
    assert "Log ind med MitID" in client.get("/barn").text
    back = mitid.sign_in("ny-person", next_path="/barn")
    assert back.status_code == 302 and back.headers["Location"] == "/barn"
    assert "Emil skal have det godt" in main_part(client.get("/barn").text)
    with app.app_context():
        assert get_db().execute("SELECT holder_kind, holder_id, family_id FROM identity_bindings"
                                " WHERE removed_at IS NULL").fetchall() == [("child", EMIL, HOLM)]
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/barn").text)})
    again = mitid.sign_in("ny-person")  # no link: the bound MitID alone opens the child's page
    assert again.status_code == 302 and again.headers["Location"] == "/barn"
    assert "Emil skal have det godt" in main_part(client.get("/barn").text)
    assert client.get("/plan").status_code == 404  # and never a parent's page


def test_a_child_who_signs_in_with_a_passkey_binds_no_mitid(app, client):
    from mitid_helpers import TestMitID

    sign_in_child(app, client, confirm=False)  # Emil (9): a passkey, in the demo
    refused = TestMitID(app, client).sign_in("ny-person", next_path="/barn")
    assert refused.status_code == 403
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM identity_bindings").fetchone()[0] == 0


def test_the_coordinator_says_which_child_a_meeting_is_about(app, client, db):
    Auth(app, client).staff()
    path = f"/staff/families/{HOLM}/meetings/new"
    form = {"kind": "conversation", "day": "2030-03-05", "starts": "10:00", "ends": "11:00", "place": "Skolen",
            "participants": ["staff:2"], "publish": "1"}
    page = client.get(path).text
    assert "Mødet handler om" in page
    token = csrf_from(page)
    other = client.post(path, data={"csrf_token": token, **form, "about_child_id": str(LIVA)})
    assert other.status_code == 400 and "Vælg et barn fra listen." in other.text
    assert client.post(path, data={"csrf_token": token, **form, "about_child_id": str(ALMA)}).status_code == 302
    assert db.execute("SELECT about_child_id FROM meetings WHERE place = 'Skolen'").fetchone() == (ALMA,)


def test_a_childs_name_takes_the_genitive_of_the_pages_language():
    from portal.child import genitive
    from portal.i18n import reset_language, use_language

    assert [genitive(name) for name in ("Emil", "Jonas", "Max", "Liz")] == ["Emils", "Jonas'", "Max'", "Liz'"]
    token = use_language("en")
    try:
        assert [genitive(name) for name in ("Emil", "Jonas")] == ["Emil's", "Jonas'"]
    finally:
        reset_language(token)


def test_the_childs_words_read_in_english_on_the_parents_plan(app, client):
    Auth(app, client).sign_in()
    client.post("/language", data={"csrf_token": csrf_from(client.get("/").text), "lang": "en", "next": "/"})
    assert "Emil&#39;s own words" in client.get("/plan").text or "Emil's own words" in client.get("/plan").text
