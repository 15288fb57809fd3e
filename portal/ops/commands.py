"""`familieportal healthcheck` and `familieportal upgrade`."""
import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ..data.db import get_db
from . import health
from .upgrade import UpgradeFailed, upgrade


@click.command("healthcheck")
@with_appcontext
def healthcheck_command():
    """Print the readiness checks as JSON; exit 0 when the portal is ready, 1 when not (for monitoring)."""
    ready, report = health.report(current_app.config["DATABASE"])
    click.echo(json.dumps(report, indent=1))
    sys.exit(0 if ready else 1)


@click.command("upgrade")
@click.option("--backup", "backup_path", type=click.Path(dir_okay=False),
              help="Where to write the backup made first (default: backups/ beside the database).")
@with_appcontext
def upgrade_command(backup_path):
    """Back up the database, apply new migrations and check the result. Stop the portal first."""
    try:
        done = upgrade(get_db, current_app.config["DATABASE"], backup_path)
    except UpgradeFailed as failure:
        raise click.ClickException(str(failure)) from None
    click.echo(f"Backed up to {done.backup}")
    click.echo(f"Applied migrations: {', '.join(done.applied)}" if done.applied else "No migrations were pending.")
    click.echo("The database passes its integrity check and is at the newest migration.")


COMMANDS = (healthcheck_command, upgrade_command)
