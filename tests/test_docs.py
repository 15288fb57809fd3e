"""Contract: the README names every setting and every command a user can reach."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def documented(readme):
    """Names in README, with rows like `FAMILIEPORTAL_SMTP_HOST` / `_PORT` read as …_SMTP_PORT too."""
    names = set(re.findall(r"FAMILIEPORTAL_[A-Z_]+", readme))
    for line in readme.splitlines():
        for first in re.findall(r"`(FAMILIEPORTAL_[A-Z_]+)`", line):
            prefix = first.rsplit("_", 1)[0]
            names |= {prefix + suffix for suffix in re.findall(r"`(_[A-Z]+)`", line)}
    return names


def test_every_familieportal_setting_is_in_the_readme():
    """Every variable the code reads (not the ones it sets for MkDocs)."""
    readme = documented((ROOT / "README.md").read_text())
    read = set()
    for path in (ROOT / "portal").rglob("*.py"):
        text = path.read_text()
        read |= {f"FAMILIEPORTAL_{name}" for name in re.findall(r'_env(?:_int|_bool)?\("([A-Z_]+)"', text)}
        read |= set(re.findall(r'environ\.get\("(FAMILIEPORTAL_[A-Z_]+)"', text))
    assert len(read) > 20
    assert sorted(name for name in read if name not in readme) == []


def test_every_command_is_in_the_readme(app):
    readme = (ROOT / "README.md").read_text()
    commands = {f"familieportal {name}" for name in app.cli.commands} | {
        f"familieportal staff {name}" for name in app.cli.commands["staff"].commands}
    assert sorted(command for command in commands if command not in readme) == []
