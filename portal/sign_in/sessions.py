"""Server-side sessions: who is signed in, for how long, and how they leave.

Flask's signed cookie carries only a random session id (and the CSRF token);
the session itself is a database row, so ending it there ends it everywhere.
"""
import secrets
from datetime import timedelta

from flask import abort, current_app, g, redirect, render_template, request, session, url_for

from ..data import access, clock
from ..web.security import same_origin_request
from ..web.signing import csrf_token
from ..data.clock import from_db_time, now_text, to_db_time
from ..data.behind import Behind
from ..data.db import get_db, write_unsynced
from ..tokens import hash_id

# Writing last_seen_at on every request would make every page a write; once a
# minute is precise enough for a 30-minute idle timeout.
TOUCH_INTERVAL = timedelta(seconds=60)
# In a server process, touches wait in memory and are written together this often.
TOUCH_FLUSH_SECONDS = 5


class Touches(Behind):
    """A session's last_seen_at, written behind the request that saw the person (see data/behind.py).

    Parents mostly come once and look at a page or two, so nearly every view
    would touch its session. The idle timeout is 30 minutes; the database is at
    most TOUCH_FLUSH_SECONDS behind (a process killed in between loses that:
    the session looks a little older, which only ends it sooner), and this
    process's own idle checks see the touches it holds.
    """

    name = "session-touches"

    def empty(self):
        return {}

    def hold(self, pending, row):
        id_hash, when = row
        pending[id_hash] = when

    def merge(self, older, newer):
        return {**older, **newer}

    def seen(self, id_hash):
        """The newest touch of a session this process has not written yet, or None."""
        with self.lock:
            return self.pending.get(id_hash)

    def write(self, db, batch):
        # Never revives an ended session, never moves last_seen_at back.
        write_unsynced(
            db,
            "UPDATE sessions SET last_seen_at = :when"
            " WHERE id_hash = :id AND ended_at IS NULL AND last_seen_at < :when",
            [{"id": id_hash, "when": when} for id_hash, when in batch.items()],
        )

    def start(self, app, interval=TOUCH_FLUSH_SECONDS):
        return super().start(app, interval)


touches = Touches()


_FROM_SESSIONS = object()  # start_session's previous visit: read from the person's sessions


def start_session(user_kind, user_id, level=access.LINK, method="link", previous_visit_at=_FROM_SESSIONS,
                  link_id=None):
    """Sign in: end any session this browser had and begin a new session id.

    `level` and `method` say how sure we are of who it is (access.LINK for a
    link alone); a level above LINK is confirmed now. `link_id` is the sign-in
    link it began from (a passkey is first made only from a link shown in person).
    """
    end_session()  # also drops the old CSRF token: a fresh one is made below
    sid = secrets.token_urlsafe(32)
    now = now_text()
    db = get_db()
    if previous_visit_at is _FROM_SESSIONS:
        # What is new to them is what came after their last visit: fixed for this session.
        previous_visit_at = db.execute("SELECT max(last_seen_at) FROM sessions WHERE user_kind = ? AND user_id = ?",
                                       [user_kind, user_id]).fetchone()[0]
    db["sessions"].insert(
        {
            "id_hash": hash_id(sid),
            "user_kind": user_kind,
            "user_id": user_id,
            "created_at": now,
            "last_seen_at": now,
            "previous_visit_at": previous_visit_at,
            "level": level,
            "method": method,
            "assured_at": now if level > access.LINK else None,
            "link_id": link_id,
        }
    )
    session["sid"] = sid
    session.permanent = True
    # The new CSRF token goes into this response's cookie with the session id,
    # so the first page after signing in does not send the cookie again.
    g.pop("csrf_token", None)
    csrf_token()


def elevate(level, method):
    """The signed-in person confirmed who they are (MitID, a passkey, single sign-on): a new session at `level`.

    A new session id, never the old one raised: whoever might have learnt the
    link session's id gets nothing from it. What is new since their last visit
    stays as this visit began: on a first visit, none (not the link session just ended).
    """
    # The link it began from stays with it: which link a session began from never changes by confirming.
    began_from = get_db().execute("SELECT link_id FROM sessions WHERE id_hash = ?",
                                  [hash_id(session.get("sid", ""))]).fetchone()
    start_session(g.user_kind, g.user_id, level=level, method=method, previous_visit_at=g.previous_visit,
                  link_id=began_from[0] if began_from else None)
    g.level = level
    g.sign_in_method = method


def end_session():
    """Sign out: end the session server-side and clear the cookie."""
    sid = session.get("sid")
    if sid:
        get_db().execute(
            "UPDATE sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL",
            [now_text(), hash_id(sid)],
        )
    session.clear()


_SESSION_COLUMNS = 10  # user_kind … assured_at, before the person's columns


def load_user():
    """Before each request: set g.user_kind and g.user_id from a live session."""
    g.user_kind = g.user_id = None
    g.level, g.sign_in_method = 0, None
    sid = session.get("sid")
    if not sid:
        return
    db = get_db()
    id_hash = hash_id(sid)
    # The person must still be allowed in: a parent whose sign-in right was
    # taken away, or who was removed, loses their sessions at once.
    # The person's own row comes with the session: every page needs it (access.current_parent, current_staff).
    cursor = db.execute(
        f"""
        SELECT s.user_kind, s.user_id, s.created_at, s.last_seen_at, s.ended_at, s.previous_visit_at,
               CASE s.user_kind
                   WHEN 'parent' THEN {access.parent_may_sign_in_sql("s.user_id")}
                   WHEN 'staff' THEN {access.staff_may_sign_in_sql("s.user_id")}
                   WHEN 'professional' THEN {access.professional_may_sign_in_sql("s.user_id")}
                   WHEN 'child' THEN {access.child_may_sign_in_sql("s.user_id")}
               END AS allowed,
               s.level, s.method, s.assured_at,
               p.*, NULL AS staff_columns_follow, st.*
        FROM sessions s
        LEFT JOIN parents p ON s.user_kind = 'parent' AND p.id = s.user_id
        LEFT JOIN staff st ON s.user_kind = 'staff' AND st.id = s.user_id
        WHERE s.id_hash = ?
        """,
        [id_hash],
    )
    found = cursor.fetchone()
    row = person = None
    if found is not None:
        names = [column[0] for column in cursor.description]
        row = dict(zip(names[:_SESSION_COLUMNS], found[:_SESSION_COLUMNS]))
        # parent columns, the marker, staff columns: the one whose id is set is the person's.
        split = names.index("staff_columns_follow")
        for first, last in ((_SESSION_COLUMNS, split), (split + 1, len(names))):
            if found[first] is not None:
                person = dict(zip(names[first:last], found[first:last]))
    now = clock.utcnow()  # through the module, so a test that moves the clock moves sessions too
    config = current_app.config
    if row is not None:
        row["last_seen_at"] = max(row["last_seen_at"], touches.seen(id_hash) or "")
    if (
        row is None
        or row["ended_at"] is not None
        or row["allowed"] != 1
        or now - from_db_time(row["last_seen_at"]) > timedelta(minutes=config["SESSION_IDLE_MINUTES"])
        or now - from_db_time(row["created_at"]) > timedelta(hours=config["SESSION_MAX_HOURS"])
    ):
        if row is not None and row["ended_at"] is None:
            db.execute("UPDATE sessions SET ended_at = ? WHERE id_hash = ?", [to_db_time(now), id_hash])
        # Only the sign-in goes: the CSRF token stays, so a form posted after
        # the session ended reaches refuse_unless, which keeps the typing.
        session.pop("sid", None)
        g.session_expired = True
        return
    if now - from_db_time(row["last_seen_at"]) > TOUCH_INTERVAL:
        touches.add(db, (id_hash, to_db_time(now)))
    g.user_kind, g.user_id = row["user_kind"], row["user_id"]
    # Sensitive pages ask again once the confirmation is older than STEP_UP_HOURS.
    g.level = access.effective_level(row["level"], row["assured_at"] and from_db_time(row["assured_at"]), now,
                                     timedelta(hours=config["STEP_UP_HOURS"]))
    g.sign_in_method = row["method"]
    if row["user_kind"] in ("parent", "child") and not config["MITID_GATE"]:
        g.level = max(g.level, access.SUBSTANTIAL)  # the gate is off: a link opens the case, as before
    if person is not None:
        setattr(g, row["user_kind"], person)  # g.parent or g.staff
    # When they were last here before this session: what is new to them comes after.
    g.previous_visit = row["previous_visit_at"]


def refuse_unless(kind):
    """None if a `kind` person is signed in; else the response that turns the request away.

    For a whole blueprint (before_request) or one view (the decorators below).
    """
    if g.user_kind is not None and g.user_kind != kind:
        abort(404)  # signed in, but as someone these pages are not for
    if g.user_kind != kind:
        if request.method == "POST" and request.form.get("text") and same_origin_request():
            # Never lose what a parent typed because their session ended.
            return render_template(
                "sign_in/signed_out.html", reason="expired", kept_text=request.form["text"], form=None
            ), 401
        return redirect(url_for("sign_in.signed_out", reason="expired" if g.get("session_expired") else "required"))
    g.signed_in_page = True  # responses get Cache-Control: no-store
    return refuse_unless_sure_enough()


def refuse_unless_sure_enough():
    """None if the session's level of assurance is what this page needs (access.py); else the way up, or 404."""
    needed = access.level_needed(request.endpoint)
    if g.user_kind == "professional" and g.level < needed and g.sign_in_method == "sso" \
            and current_app.config.get("STAFF_SSO") and request.method == "GET":
        return redirect(url_for("staff_sso.login"))  # confirmed longer ago than STEP_UP_HOURS: the login again
    if g.user_kind == "professional" and g.level < needed and g.sign_in_method == "passkey" \
            and request.method == "GET":
        # Their passkey, confirmed longer ago than STEP_UP_HOURS: once more (a link alone stays 404).
        return redirect(url_for("passkey.use", next=request.full_path.rstrip("?")))
    if g.user_kind == "staff":
        if access.staff_session_enough(g.level, g.sign_in_method, staff_links_allowed(g.staff)):
            return None
        if g.sign_in_method == "sso" and current_app.config.get("STAFF_SSO") and request.method == "GET":
            # Confirmed longer ago than STEP_UP_HOURS: once more through the municipality's login (often no typing).
            return redirect(url_for("staff_sso.login"))
        abort(404)
    if g.level >= needed:
        return None
    if needed > access.SUBSTANTIAL or g.user_kind == "professional":
        abort(404)  # a professional signs in again by single sign-on or passkey (no MitID step-up)
    if g.user_kind == "child":
        # A child's own page says, in their words, how to go on (MitID or their passkey).
        return redirect(url_for("child.home"), 303)
    # A parent with a link alone, or whose MitID is older than STEP_UP_HOURS: confirm with MitID.
    return render_template("sign_in/step_up.html", next_path=request.full_path.rstrip("?")
                           if request.method == "GET" else url_for("parent.home")), 401


def staff_links_allowed(staff):
    """Staff links work where FAMILIEPORTAL_STAFF_LINKS allows them (development), or for an admin while
    no single sign-on for staff is set up (the first admin, who creates the accounts)."""
    config = current_app.config
    return config["STAFF_LINKS"] or (access.is_admin_role(staff["role"]) and not config.get("STAFF_SSO"))


def init_app(app):
    app.before_request(load_user)
