"""Passkeys, MitID bindings and MitID exemptions belong to a holder (portal/data/holders.py, m023_holders).

A parent's rows work as before; a child's and a professional's rows are kept
by the same functions; a row whose holder does not fit it is refused by the database.
"""
import sqlite3

import pytest

from conftest import HOLM, METTE, SARA, SPLIT, THOMAS, database_before
from portal.data.changes import Actor, NotFound
from portal.data.changes import identities as identity_changes
from portal.data.changes import passkeys as passkey_changes
from portal.data.db import get_db, migrations
from portal.data.holders import Holder, family_of
from portal.data.reads import identities
from portal.data.reads import passkeys as passkey_reads

EMIL, ALMA, LIVA = 1, 2, 3  # children: Emil and Alma in Familien Holm, Liva in the split family
ISSUER = "https://test-idp.familieportalen.invalid/nemlogin"
COORDINATOR = Actor("staff", METTE)


def test_the_migration_makes_every_old_row_a_parents(tmp_path):
    db = database_before(tmp_path / "old.db", "m023_holders")
    db["parents"].insert({"id": 7, "family_id": 1, "name": "Sara", "created_at": "2026-01-01T00:00:00Z"})
    db["passkeys"].insert({"family_id": 1, "parent_id": 7, "credential_id": "Y3JlZA", "public_key": "a2V5",
                           "sign_count": 0, "created_at": "2026-01-02T00:00:00Z"})
    db["identity_bindings"].insert({"family_id": 1, "parent_id": 7, "issuer": ISSUER, "subject": "urn:uuid:s",
                                    "created_at": "2026-01-02T00:00:00Z"})
    db["mitid_exemptions"].insert({"family_id": 1, "parent_id": 7, "reason": "no_cpr",
                                   "created_at": "2026-01-02T00:00:00Z", "created_by_staff_id": 1})
    migrations.apply(db)
    for table in ("passkeys", "identity_bindings", "mitid_exemptions"):
        row = next(db[table].rows)
        assert (row["holder_kind"], row["holder_id"], row["parent_id"], row["family_id"]) == ("parent", 7, 7, 1)
        columns = {column.name: column for column in db[table].columns}
        assert columns["holder_kind"].notnull and columns["holder_id"].notnull
        assert not columns["parent_id"].notnull and not columns["family_id"].notnull


@pytest.mark.parametrize("row, fits", [
    ({"holder_kind": "parent", "holder_id": SARA, "parent_id": SARA, "family_id": HOLM}, True),
    ({"holder_kind": "child", "holder_id": ALMA, "parent_id": None, "family_id": HOLM}, True),
    ({"holder_kind": "professional", "holder_id": 1, "parent_id": None, "family_id": None}, True),
    ({"holder_kind": "parent", "holder_id": SARA, "parent_id": THOMAS, "family_id": HOLM}, False),  # not its parent
    ({"holder_kind": "parent", "holder_id": SARA, "parent_id": SARA, "family_id": SPLIT}, False),  # another family
    ({"holder_kind": "child", "holder_id": LIVA, "parent_id": None, "family_id": HOLM}, False),  # another's child
    ({"holder_kind": "child", "holder_id": EMIL, "parent_id": SARA, "family_id": HOLM}, False),  # a parent_id too
    ({"holder_kind": "staff", "holder_id": METTE, "parent_id": None, "family_id": HOLM}, False),  # no such kind
])
@pytest.mark.parametrize("table", ["passkeys", "identity_bindings", "mitid_exemptions"])
def test_the_database_refuses_a_row_whose_holder_does_not_fit(app, table, row, fits):
    values = {
        "passkeys": {"credential_id": "Y3JlZA", "public_key": "a2V5", "sign_count": 0},
        "identity_bindings": {"issuer": ISSUER, "subject": "urn:uuid:someone"},
        "mitid_exemptions": {"reason": "no_cpr"},
    }[table]
    with app.app_context():
        db = get_db()
        insert = lambda: db[table].insert({**row, **values, "created_at": "2026-01-02T00:00:00Z"})  # noqa: E731
        if fits:
            row_id = insert().last_pk
            if row["family_id"]:  # and a parent's or child's row cannot be moved to another family later
                with pytest.raises(sqlite3.IntegrityError, match="holder does not fit"):
                    db.execute(f"UPDATE {table} SET family_id = ? WHERE id = ?", [SPLIT, row_id])
        else:
            with pytest.raises(sqlite3.IntegrityError, match="holder does not fit"):
                insert()


def test_a_childs_record_passkey_and_mitid_are_their_own(app):
    emil = Holder("child", EMIL)
    with app.test_request_context():
        assert family_of(emil) == HOLM
        passkey_changes.record_exemption(COORDINATOR, HOLM, emil, "child")
        assert passkey_reads.offer(emil) == (True, 0)
        assert passkey_reads.offer(Holder("child", ALMA)) == (False, 0)
        assert passkey_reads.offer(SARA) == (False, 0)  # a parent's id: as before holders
        passkey_id = passkey_changes.add_passkey(emil, "ZW1pbA", "a2V5", 0)
        row = get_db()["passkeys"].get(passkey_id)
        assert (row["holder_kind"], row["holder_id"], row["parent_id"], row["family_id"]) == ("child", EMIL, None, HOLM)
        assert [k["id"] for k in passkey_reads.passkeys_of(emil)] == [passkey_id]
        assert passkey_reads.passkeys_of(get_db()["parents"].get(SARA)) == []
        assert passkey_reads.passkey_to_use(emil, "ZW1pbA")["id"] == passkey_id
        assert passkey_reads.passkey_to_use(Holder("child", ALMA), "ZW1pbA") is None
        assert passkey_reads.passkey_to_use(Holder("parent", SARA), "ZW1pbA") is None
        names = {(k["holder_kind"], k["parent_name"]) for k in passkey_reads.passkeys_for_family(HOLM)}
        assert ("child", "Emil") in names
        assert any(e["parent_name"] == "Emil" for e in passkey_reads.exemptions_for_family(HOLM))

        assert identity_changes.bind(emil, ISSUER, "urn:uuid:emil") is True
        assert identity_changes.bind(emil, ISSUER, "urn:uuid:emil") is False
        with pytest.raises(identity_changes.BoundToAnother):
            identity_changes.bind(get_db()["parents"].get(SARA), ISSUER, "urn:uuid:emil")
        with pytest.raises(identity_changes.HolderHasAnother):
            identity_changes.bind(emil, ISSUER, "urn:uuid:emil-again")
        assert identities.has_binding(emil) and not identities.has_binding(SARA)
        assert identities.bound_to_other(Holder("parent", SARA), ISSUER, "urn:uuid:emil")
        assert not identities.bound_to_other(emil, ISSUER, "urn:uuid:emil")
        assert identities.parent_signing_in_with(ISSUER, "urn:uuid:emil") is None  # a child is no parent


def test_a_coordinator_reaches_only_the_holders_of_their_own_family(app):
    with app.test_request_context():
        with pytest.raises(NotFound):
            passkey_changes.record_exemption(COORDINATOR, HOLM, Holder("child", LIVA), "no_cpr")
        with pytest.raises(NotFound):
            passkey_changes.record_exemption(COORDINATOR, SPLIT, Holder("child", EMIL), "no_cpr")
        with pytest.raises(NotFound):
            passkey_changes.record_exemption(COORDINATOR, HOLM, Holder("professional", 1), "no_cpr")
        with pytest.raises(NotFound):
            passkey_changes.record_exemption(COORDINATOR, SPLIT, SARA, "no_cpr")


def test_removing_a_childs_passkey_or_mitid_ends_only_their_sessions(app):
    emil = Holder("child", EMIL)
    with app.test_request_context():
        db = get_db()
        passkey_changes.record_exemption(COORDINATOR, HOLM, emil, "child")
        passkey_id = passkey_changes.add_passkey(emil, "ZW1pbA", "a2V5", 0)
        identity_changes.bind(emil, ISSUER, "urn:uuid:emil")
        binding_id = db.execute("SELECT id FROM identity_bindings WHERE holder_kind = 'child'").fetchone()[0]
        for kind, user_id, method in (("child", EMIL, "passkey"), ("parent", EMIL, "passkey"),
                                      ("child", EMIL, "mitid")):
            db["sessions"].insert({"id_hash": f"{kind}-{method}", "user_kind": kind, "user_id": user_id,
                                   "created_at": "2026-01-01T00:00:00Z", "last_seen_at": "2026-01-01T00:00:00Z",
                                   "method": method})

        def live():
            return {row[0] for row in db.execute("SELECT id_hash FROM sessions WHERE ended_at IS NULL")}

        passkey_changes.remove_passkey(COORDINATOR, HOLM, passkey_id)
        assert {"parent-passkey", "child-mitid"} <= live() and "child-passkey" not in live()
        identity_changes.remove(COORDINATOR, HOLM, binding_id)
        assert "parent-passkey" in live() and "child-mitid" not in live()


def test_a_professionals_passkey_has_no_family(app):
    with app.test_request_context():
        passkey_id = passkey_changes.add_passkey(Holder("professional", 41), "cHJv", "a2V5", 0)
        row = get_db()["passkeys"].get(passkey_id)
        assert (row["holder_kind"], row["holder_id"], row["family_id"], row["parent_id"]) == ("professional", 41,
                                                                                                None, None)
        assert passkey_reads.offer(Holder("professional", 41)) == (False, 1)


def test_a_holder_of_a_kind_that_does_not_sign_in_is_not_signed_in_by_mitid(app):
    with app.test_request_context():
        identity_changes.bind(Holder("child", EMIL), ISSUER, "urn:uuid:emil")
        identity_changes.bind(get_db()["parents"].get(SARA), ISSUER, "urn:uuid:sara")
        assert identities.holder_signing_in_with(ISSUER, "urn:uuid:sara") == Holder("parent", SARA)
        assert identities.holder_signing_in_with(ISSUER, "urn:uuid:nobody") is None
        get_db().execute("UPDATE parents SET can_sign_in = 0 WHERE id = ?", [SARA])
        assert identities.holder_signing_in_with(ISSUER, "urn:uuid:sara") is None
