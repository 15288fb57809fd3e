"""The `familieportal` console command: the app factory's commands (portal/cli.py) on a fresh app."""
from flask.cli import FlaskGroup

from . import create_app


def main():
    """Entry point of the `familieportal` console command."""
    group = FlaskGroup(
        name="familieportal",
        help="Familieportalen: the portal for families and their coordinators.",
        create_app=create_app,
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
    )
    group()
