"""m025_professionals turns people involved into professionals with involvements, and loses nothing.

A database at the migration before m025 gets people involved of every shape:
the same person in two families, an address shared by two differently named
people (a team mailbox), people with no e-mail, a person hidden from a parent,
a removed person. The staff timeline and each parent's insight export, read by
the code before m025 (the snapshot in tests/data/professionals_before.json,
written by `PYTHONPATH=<checkout before m025> python tests/test_professionals_migration.py`),
must read the same after the migration, line for line.
"""
import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from conftest import database_before  # noqa: E402

SNAPSHOT = HERE / "data" / "professionals_before.json"
T = "2026-03-0{}T09:00:00Z"

# (id, family, name, role, organisation, phone, email, show_contact, removed_at)
PEOPLE = [
    (1, 1, "Karen Dahl", "Klasselærer", "Demoby Skole", "+45 11 11 11 11", "karen@skole.dk", 1, None),
    # The same address in other case and spacing: the same person (one professional has one address, trimmed).
    (2, 2, "Karen Dahl", "Klasselærer, 3.b", "Demoby Skole", "+45 11 11 11 11", " Karen@Skole.dk ", 0, None),
    (3, 1, "Lars Berg", "Psykolog", "PPR", "+45 22 22 22 22", "ppr@demoby.dk", 1, None),
    (4, 2, "Lone Vik", "Psykolog", "PPR", None, "ppr@demoby.dk", 1, None),
    (5, 1, "Omar Said", "Rådgiver", "Krisecentret", "+45 33 33 33 33", None, 1, None),
    (6, 2, "Omar Said", "Rådgiver", "Krisecentret", "+45 44 44 44 44", None, 0, None),
    (7, 1, "Pia Holt", "Familiebehandler", "Familiehuset", None, None, 0, "2026-03-05T10:00:00Z"),
    (8, 3, "Karen Dahl", "Klasselærer", " Demoby Skole ", "+45 11 11 11 11", "karen@skole.dk", 0, None),
]


def build(path):
    """The database at the migration before m025, with three families and the people above."""
    db = database_before(path, "m025_professionals")
    for family_id, name in ((2, "Familien Berg"), (3, "Familien Lund")):
        db["families"].insert({"id": family_id, "name": name, "coordinator_id": 1, "created_at": T.format(1)})
    for parent_id, family_id, name in ((1, 1, "Sara Holm"), (2, 1, "Thomas Holm"), (3, 2, "Nadia Berg"),
                                       (4, 3, "Lene Lund")):
        db["parents"].insert({"id": parent_id, "family_id": family_id, "name": name, "relation": "mor",
                              "email": f"p{parent_id}@example.dk", "can_sign_in": 1, "created_at": T.format(1)})
    for pid, family_id, name, role, organisation, phone, email, show, removed in PEOPLE:
        db["people_involved"].insert({"id": pid, "family_id": family_id, "name": name, "role": role,
                                      "organisation": organisation, "phone": phone, "email": email,
                                      "show_contact": show, "removed_at": removed})
        db["family_events"].insert({"family_id": family_id, "at": T.format(2), "kind": "person.added",
                                    "item_kind": "person", "item_id": pid, "actor_kind": "staff", "actor_id": 1,
                                    "for_family": 1})
    db["hidden_from_parents"].insert({"family_id": 1, "item_kind": "person", "item_id": 5, "parent_id": 2})
    for meeting_id, family_id, people in ((1, 1, (1, 3, 5)), (2, 2, (2, 4, 6)), (3, 3, (8,))):
        db["meetings"].insert({"id": meeting_id, "family_id": family_id, "kind": "network",
                               "starts_at": "2026-03-10T09:00:00Z", "place": "Rådhuset", "created_at": T.format(3),
                               "published_at": T.format(3)})
        db["family_events"].insert({"family_id": family_id, "at": T.format(3), "kind": "meeting.published",
                                    "item_kind": "meeting", "item_id": meeting_id, "actor_kind": "staff",
                                    "actor_id": 1, "for_family": 1})
        for pid in people:
            db["meeting_participants"].insert({"meeting_id": meeting_id, "person_involved_id": pid})
    for item_id, family_id, pid in ((1, 1, 1), (2, 1, 5), (3, 2, 4), (4, 3, 8)):
        db["plan_items"].insert({"id": item_id, "family_id": family_id, "what": f"Indsats {item_id}",
                                 "responsible_person_id": pid, "status": "active", "created_at": T.format(4)})
        db["family_events"].insert({"family_id": family_id, "at": T.format(4), "kind": "plan_item.added",
                                    "item_kind": "plan_item", "item_id": item_id, "actor_kind": "staff",
                                    "actor_id": 1, "for_family": 1})
    db["hidden_from_parents"].insert({"family_id": 1, "item_kind": "plan_item", "item_id": 2, "parent_id": 2})
    for consent_id, family_id, between in ((1, 1, "Demoby Skole, PPR og Børn og Familie"),
                                           (2, 2, "Alle, der deltager i netværksmøderne"),
                                           (3, 3, "Egen læge og Jobcenter Demo Kommune")):
        db["consents"].insert({"id": consent_id, "family_id": family_id, "shared_between": between,
                               "information": "Trivsel", "given_on": "2026-03-01", "created_at": T.format(1),
                               "network_meetings": 1})
        db["consent_givers"].insert({"consent_id": consent_id, "parent_id": {1: 1, 2: 3, 3: 4}[family_id]})
    return db


def snapshot(app):
    """The staff timeline (lines and sources) of every family, and every parent's insight export, as JSON text."""
    from portal.data.db import get_db
    from portal.data.reads import insight, timeline

    out = {}
    with app.test_request_context():
        db = get_db()
        for (family_id,) in db.execute("SELECT id FROM families ORDER BY id").fetchall():
            lines, total = timeline.lines(family_id)
            out[f"timeline {family_id}"] = {"lines": lines, "total": total,
                                            "sources": timeline.organisations(family_id)}
        for parent in db.query("SELECT * FROM parents ORDER BY id"):
            export = insight.for_parent(parent)
            export.pop("generated_at")
            out[f"insight {parent['id']}"] = export
    return json.loads(json.dumps(out, ensure_ascii=False, sort_keys=True, default=str))


def make_app(path):
    from portal import create_app

    return create_app({"TESTING": True, "DATABASE": str(path), "BASE_URL": "http://localhost"})


def without_new_fields(after):
    """The export after m025, less what m025 adds: which organisations each consent covers (checked apart)."""
    for key, value in after.items():
        if key.startswith("insight"):
            for consent in value["consents"]:
                consent.pop("organisations")
    return after


@pytest.fixture
def migrated(tmp_path):
    from portal.data.db import migrate

    path = tmp_path / "old.db"
    db = build(path)
    migrate(db)
    db.conn.close()
    return make_app(path)


def test_timeline_and_insight_read_the_same_after_the_migration(migrated):
    before = json.loads(SNAPSHOT.read_text())
    after = without_new_fields(snapshot(migrated))
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key


def test_no_involvement_is_lost_and_each_keeps_its_id(migrated):
    from portal.data.db import get_db

    with migrated.app_context():
        rows = {row["id"]: row for row in get_db().query(
            "SELECT p.*, pro.name, pro.phone, pro.email, pro.shared_email FROM people_involved p"
            " JOIN professionals pro ON pro.id = p.professional_id")}
    assert sorted(rows) == [pid for pid, *_ in PEOPLE]
    for pid, family_id, name, role, organisation, phone, email, show, removed in PEOPLE:
        row = rows[pid]
        assert (row["family_id"], row["name"], row["role"], row["organisation"], row["show_contact"],
                row["removed_at"], row["scope"]) == (family_id, name, role, organisation, show, removed, "family")
    # Karen Dahl (one address, any case or spaces) is one professional in three families.
    assert rows[1]["professional_id"] == rows[2]["professional_id"] == rows[8]["professional_id"]
    assert rows[1]["email"] == "karen@skole.dk"
    # A team mailbox of two people: two professionals, the address kept for contact, signing in by it for none.
    assert rows[3]["professional_id"] != rows[4]["professional_id"]
    assert rows[3]["email"] is rows[4]["email"] is None
    assert rows[3]["shared_email"] == rows[4]["shared_email"] == "ppr@demoby.dk"
    # No e-mail: one professional per row, each with their own phone.
    assert rows[5]["professional_id"] != rows[6]["professional_id"]
    assert (rows[5]["phone"], rows[6]["phone"]) == ("+45 33 33 33 33", "+45 44 44 44 44")
    with migrated.app_context():
        assert get_db()["professionals"].count == 6


def test_consents_cover_the_organisations_their_text_names(migrated):
    from portal.data.db import get_db

    with migrated.app_context():
        covered = {}
        for consent_id, organisation in get_db().execute(
                "SELECT consent_id, organisation FROM consent_organisations ORDER BY 1, 2"):
            covered.setdefault(consent_id, []).append(organisation)
    assert covered == {
        1: ["Demoby Skole", "PPR"],  # named in the text; Familiehuset and Krisecentret are not
        2: ["Demoby Skole", "Krisecentret", "PPR"],  # "Alle, der deltager ..." covers all of the family
    }  # consent 3 names nobody of family 3


if __name__ == "__main__":
    # Run with the code BEFORE m025 on PYTHONPATH: writes the snapshot the test compares with.
    import tempfile

    from portal.data.migrations import migrations

    assert "m025_professionals" not in {m.name for m in migrations._migrations}, "run with the code before m025"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "old.db"
        build(path).conn.close()
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(snapshot(make_app(path)), ensure_ascii=False, sort_keys=True, indent=1) + "\n")
        print(f"wrote {SNAPSHOT}")
