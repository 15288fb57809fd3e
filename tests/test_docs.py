"""Contract: the README names every setting and every command a user can reach."""
import os
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


# README's configuration table says each setting's default. Rows whose default is a
# literal (a number, on/off, – for none, a `value` or a bare word) are compared with
# the code; an "N (remark)" row compares N. These rows describe their default in words
# and are skipped: what they say depends on production mode, the machine or the
# municipality's settings.
DESCRIBED_IN_WORDS = {
    "FAMILIEPORTAL_SECRET_KEY": "development key (refused in production)",
    "FAMILIEPORTAL_SMTP_STARTTLS": "on in production",
    "FAMILIEPORTAL_SMS_SENDER": "the municipality's name, letters and digits only",
    "FAMILIEPORTAL_WORKERS": "2 × CPUs, at most 4",
    "FAMILIEPORTAL_MITID_ENTITY_ID": "`BASE_URL` + `/mitid/metadata`",
    "FAMILIEPORTAL_STAFF_SAML_ENTITY_ID": "`BASE_URL` + `/staff/sso/metadata`",
    "FAMILIEPORTAL_STAFF_LINKS": "on in development, off in production",
}
NONE = object()  # README's "–": there is no default


def readme_defaults(readme):
    """{variable: default cell} from README's configuration table; `A` / `_B` rows split their cells on " / "."""
    table = readme.split("| variable | default | meaning |")[1].split("\n\n")[0]
    defaults = {}
    for line in table.strip().splitlines()[1:]:
        names_cell, default_cell, _meaning = (cell.strip() for cell in line.strip("|").split(" | ", 2))
        first, *suffixes = re.findall(r"`(\w+)`", names_cell)
        names = [first] + [first.rsplit("_", 1)[0] + suffix for suffix in suffixes]
        values = default_cell.split(" / ") if suffixes else [default_cell]
        assert len(values) == len(names), line
        defaults.update(zip(names, values))
    return defaults


def literal(cell):
    """The value a default cell names, or None when it describes its default in words."""
    cell = re.sub(r" \(.*\)$", "", cell)  # "72 (max 72)", "`outbox` (`smtp` in production)"
    if cell == "–":
        return NONE
    if cell in ("on", "off"):
        return cell == "on"
    if re.fullmatch(r"\d+", cell):
        return int(cell)
    if match := re.fullmatch(r"`([^`]*)`|([^\s`]+)", cell):
        return match.group(1) if match.group(1) is not None else match.group(2)
    return None


def code_defaults(monkeypatch):
    """Every FAMILIEPORTAL_* setting's default, read from the code with none of them set."""
    import runpy

    from portal import config, settings

    for name in [name for name in os.environ if name.startswith("FAMILIEPORTAL_")]:
        monkeypatch.delenv(name)
    defaults = {f"FAMILIEPORTAL_{key}": value for key, value in config.from_environment().items()}
    gunicorn = runpy.run_path(str(ROOT / "portal" / "gunicorn_conf.py"))
    defaults.update(FAMILIEPORTAL_BIND=gunicorn["bind"], FAMILIEPORTAL_WORKERS=gunicorn["workers"],
                    FAMILIEPORTAL_THREADS=gunicorn["threads"], FAMILIEPORTAL_CONTENT=settings.content_dir())
    return defaults


def same(stated, actual):
    if stated is NONE:
        return actual in (None, "", [])
    if isinstance(actual, Path):  # a folder README names relative to the repository
        return (ROOT / stated).resolve() == actual.resolve()
    return stated == actual and type(stated) is type(actual)


def test_the_readmes_defaults_are_the_codes_defaults(monkeypatch):
    stated = readme_defaults((ROOT / "README.md").read_text())
    actual = code_defaults(monkeypatch)
    in_words = {name: cell for name, cell in stated.items() if literal(cell) is None}
    assert in_words == DESCRIBED_IN_WORDS  # a new row in words is listed above, with why
    compared = {name: literal(cell) for name, cell in stated.items() if name not in in_words}
    assert len(compared) > 20 and "FAMILIEPORTAL_PARENT_WRITES_PER_HOUR" in compared
    assert sorted(name for name in compared if name not in actual) == []  # README names no setting the code lacks
    wrong = {name: (cell, actual[name]) for name, cell in stated.items()
             if name in compared and not same(compared[name], actual[name])}
    assert wrong == {}
