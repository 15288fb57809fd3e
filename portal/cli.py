"""The `familieportal` command: init-db, demo, link, retention, backup, upgrade, healthcheck, serve, build-site."""
import os
import threading

import click
from werkzeug.serving import run_simple
from flask import current_app
from flask.cli import with_appcontext

from . import demo
from .data.changes import SYSTEM, Invalid
from .data.changes import staff as staff_changes
from .data import links, outbox
from .messages import worker
from .data import serving
from .data.db import get_db, migrate, writing
from .data.contact import normalise_phone
from .data.vocabulary import STAFF_ROLES



@click.command("demo")
@with_appcontext
def demo_command():
    """Load the fictional demo families (safe to run twice)."""
    migrate(get_db())
    if demo.load():
        click.echo("Loaded the demo municipality: Familien Holm, Familien Yilmaz Andersen and Familien Nielsen.")
    else:
        click.echo("The demo data is already there.")


def find_person(contact, staff):
    """A parent (or, with staff=True, a staff member) by e-mail or phone."""
    db = get_db()
    table = "staff" if staff else "parents"
    if "@" in contact:
        rows = db[table].rows_where("lower(email) = lower(?)", [contact.strip()])
    else:
        phone = normalise_phone(contact)
        if phone is None:
            raise click.BadParameter(f"{contact!r} is neither an e-mail address nor a phone number.")
        # Staff phone numbers are stored as written ("+45 70 10 10 11").
        rows = db[table].rows_where("replace(phone, ' ', '') = ?", [phone])
    found = list(rows)
    if not found:
        raise click.ClickException(f"No {'staff member' if staff else 'parent'} has {contact!r} on file.")
    return found[0]


@click.command("link")
@click.argument("contact")
@click.option("--staff", is_flag=True, help="Sign-in link for a staff member instead of a parent.")
@click.option("--send", type=click.Choice(["email", "sms"]), help="Also send the link by e-mail or SMS.")
@with_appcontext
def link_command(contact, staff, send):
    """Issue a sign-in link for the person with e-mail or phone CONTACT and print it (or, with --send, send it)."""
    person = find_person(contact, staff)
    kind = "staff" if staff else "parent"
    if not send:
        click.echo(links.issue(kind, person["id"], origin="sent", channel="shown"))
        return
    recipient = person["email"] if send == "email" else person["phone"]
    if not recipient:
        raise click.ClickException(f"This {'staff member' if staff else 'parent'} has no {send} address on file.")
    # Its URL is made as the message is sent, and shown to nobody else.
    with writing(get_db()):
        link_id = links.reserve(kind, person["id"], origin="sent", channel=send)
        outbox_id = outbox.queue_link(send, recipient, link_id, family_id=person.get("family_id"),
                                        **{f"{kind}_id": person["id"]})
    worker.deliver_due()
    sent = get_db().execute("SELECT sent_at IS NOT NULL FROM outbox WHERE id = ?", [outbox_id]).fetchone()[0]
    click.echo(f"{'Sent' if sent else 'Queued'} a link by {send} to {recipient} (outbox message {outbox_id}).")


@click.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between rounds.")
@with_appcontext
def deliver_command(once, interval):
    """Make the parents' notices and send queued e-mails and SMS (each web worker also does this in a thread)."""
    import time

    from .data import ops_state as state

    serving.hold(current_app.config["DATABASE"], log=click.echo)
    while True:
        sent = worker.work()
        state.beat()
        if once:
            click.echo(f"Sent {sent} message(s).")
            return
        time.sleep(interval)


def _demo_links():
    people = [
        ("parent Sara Holm (Familien Holm)", demo.PARENT_EMAIL, False),
        ("parent Martin Andersen (lives apart; some items are hidden from him)", demo.SPLIT_FAMILY_PARENT_EMAIL, False),
        ("coordinator Mette Lund", demo.COORDINATOR_EMAIL, True),
        ("admin Anne Krogh (staff accounts, handover, audit log)", demo.ADMIN_EMAIL, True),
        ("leader Lone Dam (the results page only)", demo.LEADER_EMAIL, True),
    ]
    found = [(who, links.issue("staff" if staff else "parent", find_person(email, staff=staff)["id"]))
             for who, email, staff in people]
    # A professional in two families: the link opens only Mine familier's first page (one factor); the test login
    # for staff (--test-idps) signs Hanne Bech in to see her families.
    teacher = get_db().execute("SELECT id FROM professionals WHERE lower(email) = lower(?)",
                               [demo.TEACHER_EMAIL]).fetchone()
    if teacher:
        found.append(("professional Hanne Bech, teacher in two families (link alone; use the staff test login to see"
                      " the families)", links.issue("professional", teacher[0])))
    return found


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target):
    """Write a consistent copy of the database to TARGET (safe while the portal runs)."""
    from .data.backup import BackupError, backup

    try:
        written = backup(current_app.config["DATABASE"], target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    from .data import ops_state as state

    state.record_run("backup")  # familieportal_last_backup_timestamp_seconds
    click.echo(f"Backed up to {written}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask; the portal must be stopped.")
@with_appcontext
def restore_command(source, yes):
    """Replace the database with the backup SOURCE. Stop the portal first: it refuses while the portal runs."""
    from .data.backup import BackupError, restore

    database = current_app.config["DATABASE"]
    try:
        with serving.alone(database):  # say so now, not after the question
            pass
        if not yes:
            click.confirm(f"Replace {database} with {source}? Everything written after the backup is lost", abort=True)
        restore(source, database)
    except (BackupError, serving.PortalRunning) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {database} from {source}")


@click.group("staff")
def staff_group():
    """Manage staff accounts (also in the browser, for admins)."""


@staff_group.command("add")
@click.option("--name", required=True, help="Full name.")
@click.option("--email", required=True, help="E-mail address: sign-in links go here.")
@click.option("--role", type=click.Choice(list(STAFF_ROLES)), default="coordinator", show_default=True)
@click.option("--title", default=None, help="Job title, e.g. Familiekoordinator.")
@click.option("--department", default=None, help="Department, e.g. Børn og Familie.")
@click.option("--phone", default=None, help="Phone number parents may call.")
@with_appcontext
def staff_add_command(name, email, role, title, department, phone):
    """Create a staff account, e.g. the first admin of a new installation."""
    migrate(get_db())
    try:
        staff_id = staff_changes.add_staff(SYSTEM, name=name, email=email, role=role, title=title,
                                           department=department, phone=phone)
    except Invalid as invalid:
        raise click.ClickException(" ".join(invalid.errors.values())) from None
    click.echo(f"Created {role} {name} (id {staff_id}). Sign-in link: familieportal link --staff {email}")


@staff_group.command("deactivate")
@click.argument("email")
@with_appcontext
def staff_deactivate_command(email):
    """Close a staff account: their links and sessions end at once."""
    person = find_person(email, staff=True)
    try:
        staff_changes.set_staff_active(SYSTEM, person["id"], None, False)
    except Invalid as invalid:
        raise click.ClickException(" ".join(invalid.errors.values())) from None
    click.echo(f"Deactivated {person['name']}.")


@click.command("retention")
@with_appcontext
def retention_command():
    """Delete closed families whose retention period has passed; prune sessions, links, rate limits, sent mail.

    Run it daily (see README, "Deleting on time").
    """
    from .data import retention
    from .data import ops_state as state

    serving.hold(current_app.config["DATABASE"], log=click.echo)
    report = retention.run()
    state.record_run("retention")  # familieportal_last_retention_run_timestamp_seconds
    for line in report.lines():
        click.echo(line)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--print-links", is_flag=True, help="Print fresh sign-in links for the demo parent and coordinator.")
@click.option("--test-idps", is_flag=True,
              help="Also start the test identity providers on 127.0.0.1: the test MitID (a fake NemLog-in, port "
                   "5001) and a test login for staff (OpenID Connect, port 5002). Development only.")
@with_appcontext
def serve_command(host, port, print_links, test_idps):
    """Run the development server (use gunicorn in production, see README)."""
    app = current_app._get_current_object()
    if app.config["PRODUCTION"]:
        raise click.ClickException("Use gunicorn in production: see README, 'Production'.")
    if not os.environ.get("FAMILIEPORTAL_BASE_URL"):
        # Links must open where this server listens.
        shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
        app.config["BASE_URL"] = f"http://{shown_host}:{port}"
        if not os.environ.get("FAMILIEPORTAL_MITID_ENTITY_ID"):
            app.config["MITID_ENTITY_ID"] = f"{app.config['BASE_URL']}/mitid/metadata"
        if not os.environ.get("FAMILIEPORTAL_STAFF_SAML_ENTITY_ID"):
            app.config["STAFF_SAML_ENTITY_ID"] = f"{app.config['BASE_URL']}/staff/sso/metadata"
    started = start_test_idps(app) if test_idps else []
    if print_links:
        click.echo("")
        click.echo(f"  Familieportalen:  {app.config['BASE_URL']}/")
        click.echo(f"  Info site:        {app.config['BASE_URL']}/info/")
        for who, url in _demo_links():
            click.echo(f"  Sign in as {who}:")
            click.echo(f"    {url}")
    for line in started:
        click.echo(line)
    if print_links or started:
        click.echo("")
    get_db().conn.close()
    serving.hold(app.config["DATABASE"], log=click.echo)
    worker.start_worker(app)
    run_simple(host, port, app, threaded=True)


def start_test_idps(app, *, mitid_port=None, oidc_port=None):
    """Start the test MitID and the staff test login on threads, point the portal at them: lines that say so.

    Development only: production refuses both (config.py), and refuses to run this server at all. The fake
    NemLog-in reads the portal's SP metadata from its /mitid/metadata at each request; the OpenID mock has
    the demo's staff. Each is started only where nothing real is configured. The servers are kept in
    app.extensions["test_idps"] (port 0: any free port, for tests).
    """
    from werkzeug.serving import make_server

    from .dev_idp import DEV_IDP_PORT, development_folder, nemlogin, oidc_mock

    if app.config["PRODUCTION"]:
        raise click.ClickException("The test identity providers are for development only.")
    servers = app.extensions.setdefault("test_idps", [])
    lines = []
    base = app.config["BASE_URL"]
    if not app.config.get("MITID_IDP_METADATA"):
        port = DEV_IDP_PORT if mitid_port is None else mitid_port
        server = _listen(lambda: make_server("127.0.0.1", port, None, threaded=True), port)
        url = f"http://127.0.0.1:{server.server_port}"
        folder = development_folder(app.config)
        settings = nemlogin.settings_for(folder, url, f"{base}/mitid/metadata")
        # The portal trusts the metadata in its development folder: the one of this IdP, at this address.
        (folder / "idp-metadata.xml").write_text(nemlogin.idp_metadata(settings), encoding="utf-8")
        app.config["MITID_TEST_IDP_URL"] = url
        server.app = nemlogin.create_idp_app(settings)
        threading.Thread(target=server.serve_forever, daemon=True, name="test-mitid").start()
        servers.append(server)
        lines.append(f"  Test MitID (a fake NemLog-in, development only): {url}/"
                     f"  (the MitID gate is {'on' if app.config['MITID_GATE'] else 'off'})")
    if not app.config.get("STAFF_SSO"):
        port = oidc_mock.DEFAULT_PORT if oidc_port is None else oidc_port
        mock = _listen(lambda: oidc_mock.start(port), port)
        servers.append(mock.server)
        app.config.update(STAFF_SSO="oidc", STAFF_OIDC_ISSUER=mock.issuer,
                          STAFF_OIDC_CLIENT_ID=oidc_mock.STAFF_CLIENT_ID,
                          STAFF_OIDC_CLIENT_SECRET=oidc_mock.CLIENT_SECRET, STAFF_OIDC_MATCH_CLAIM="upn")
        lines.append(f"  Test login for staff (OpenID Connect, development only): {mock.issuer}/")
        lines.append(f"    staff sign in with it at {base}/staff/login")
    return [""] + lines if lines else []


def _listen(start, port):
    try:
        return start()
    except OSError as error:
        raise click.ClickException(f"Port {port} is in use ({error.strerror}): is another ./run.sh running?") from None


@click.command("build-site")
def build_site_command():
    """Build the info site from content/ into site/public/."""
    from .info_site import SiteBuildError, build_site

    try:
        build_site()
    except SiteBuildError as error:
        raise click.ClickException(str(error)) from error


def init_app(app):
    from .ops.commands import COMMANDS as OPS_COMMANDS

    for command in (demo_command, link_command, deliver_command, staff_group, backup_command, restore_command,
                    retention_command, serve_command, build_site_command, *OPS_COMMANDS):
        app.cli.add_command(command)
