"""The coordinator's "Må ses af fagpersoner i familiens netværk" beside "Vis ikke indsatsen for" (plan items)."""
import re

import pytest

from conftest import NIELSEN, SPLIT, csrf_from, main_part
from test_professionals import professional_id, sign_in_professional

WHAT = "Samtaler på krisecentret"


@pytest.fixture
def hanne(db):
    return professional_id(db, "Hanne Bech")


def save(client, path, **data):
    token = csrf_from(client.get(path).text)
    return client.post(path, data={"csrf_token": token, "what": WHAT, "kind": "other", "responsible": "family",
                                   "status": "active", **data})


def martin(db):
    return db.execute("SELECT id FROM parents WHERE name = 'Martin Andersen'").fetchone()[0]


def item_id(db):
    return db.execute("SELECT id FROM plan_items WHERE what = ?", [WHAT]).fetchone()[0]


def test_a_hidden_item_reaches_professionals_only_when_the_coordinator_ticks_the_box(app, auth, client, db, hanne):
    auth.staff()
    form = main_part(client.get(f"/staff/families/{SPLIT}/plan/new").text)
    assert "Må ses af fagpersoner i familiens netværk" in form
    assert save(client, f"/staff/families/{SPLIT}/plan/new", hidden_from=str(martin(db))).status_code == 302
    teacher = app.test_client()
    sign_in_professional(app, teacher, hanne)
    assert WHAT not in teacher.get(f"/fagperson/familier/{SPLIT}").text  # unset: hidden from her too
    edit = f"/staff/families/{SPLIT}/plan/{item_id(db)}/edit"
    version = db.execute("SELECT version FROM plan_items WHERE id = ?", [item_id(db)]).fetchone()[0]
    assert save(client, edit, hidden_from=str(martin(db)), shown_to_professionals="y",
                version=version).status_code == 302
    assert WHAT in teacher.get(f"/fagperson/familier/{SPLIT}").text  # set: she sees it
    box = re.search(r'<input[^>]*id="shown_to_professionals"[^>]*>', client.get(edit).text).group(0)
    assert "checked" in box  # the edit form shows what is saved
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'plan_item.changed'"
                      " AND detail LIKE '%shown_to_professionals%'").fetchone()[0] == 1
    # Still hidden from Martin.
    assert db.execute("SELECT count(*) FROM hidden_from_parents WHERE item_kind = 'plan_item' AND item_id = ?",
                      [item_id(db)]).fetchone()[0] == 1
    version = db.execute("SELECT version FROM plan_items WHERE id = ?", [item_id(db)]).fetchone()[0]
    assert save(client, edit, hidden_from=str(martin(db)), version=version).status_code == 302
    assert WHAT not in teacher.get(f"/fagperson/familier/{SPLIT}").text  # unticked: hidden again


def test_ticked_on_a_new_item_it_is_saved_with_the_item(app, auth, client, db, hanne):
    auth.staff()
    assert save(client, f"/staff/families/{SPLIT}/plan/new", hidden_from=str(martin(db)),
                shown_to_professionals="y").status_code == 302
    teacher = app.test_client()
    sign_in_professional(app, teacher, hanne)
    assert WHAT in teacher.get(f"/fagperson/familier/{SPLIT}").text


def test_a_family_with_one_parent_has_no_such_choice(app, auth, client, db):
    assert db.execute("SELECT count(*) FROM parents WHERE family_id = ?", [NIELSEN]).fetchone()[0] == 1
    auth.staff("peter.friis@demo-kommune.dk")  # Nielsen's coordinator: the form opens (not a 404 without the box)
    page = client.get(f"/staff/families/{NIELSEN}/plan/new")
    assert page.status_code == 200 and "Ny indsats i planen" in page.text
    assert "Må ses af fagpersoner" not in page.text
