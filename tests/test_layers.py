"""Imports between the portal's areas only point down: no circle, no upward arrow.

Each package (portal.data, portal.messages, …) and each top-level module
is one area, on one layer. A module may import its own area and any area on a
lower layer, never one on its own layer or above. A new area must be given a
layer here; a newcomer reads the architecture off this list.
"""
import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"

# Lowest first.
LAYERS = [
    {"portal.settings"},  # the municipality's settings (content/settings.yml)
    {"portal.config", "portal.i18n", "portal.tokens", "portal.paths"},  # no Flask request needed
    {"portal.data"},  # the data: storage, rules, reads, changes, who may see what
    {"portal.messages"},  # every e-mail and SMS, made as it is sent
    {"portal.web"},  # web plumbing
    {"portal.dev_idp"},  # development and tests only: the test identity providers
    {"portal.sign_in"},  # who is signed in, and how they sign in
    {"portal.parent", "portal.child", "portal.staff", "portal.professional", "portal.info_site", "portal.ops"},  # the pages and endpoints
    {"portal.demo"},  # the fictional municipality, loaded through the changes
    {"portal.cli", "portal.gunicorn_conf"},  # the commands; gunicorn's settings and hooks
    {"portal"},  # the app factory
    {"portal.command"},  # the `familieportal` console command
]
LAYER = {area: number for number, areas in enumerate(LAYERS) for area in areas}


def area_of(module):
    """portal.data.changes.plan -> portal.data; portal.cli -> portal.cli; portal, portal.create_app -> portal."""
    parts = module.split(".")
    if len(parts) == 1 or not ((PORTAL / parts[1]).is_dir() or (PORTAL / f"{parts[1]}.py").is_file()):
        return "portal"  # the package itself, or a name defined in its __init__
    return ".".join(parts[:2])


def imports(path):
    """(line, imported module) for every import in a file, relative ones resolved; functions' imports too."""
    module_parts = list(path.relative_to(PORTAL.parent).with_suffix("").parts)
    package = module_parts if module_parts[-1] == "__init__" else module_parts[:-1]
    package = [part for part in package if part != "__init__"]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "portal":
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [target] if node.module else [f"{target}.{alias.name}" for alias in node.names]
            else:
                names = [node.module] if node.module and node.module.split(".")[0] == "portal" else []
            for name in names:
                yield node.lineno, name


def module_name(path):
    parts = list(path.relative_to(PORTAL.parent).with_suffix("").parts)
    return ".".join(part for part in parts if part != "__init__")


def upward_imports():
    found = []
    for path in sorted(PORTAL.rglob("*.py")):
        here = area_of(module_name(path))
        for line, target in imports(path):
            there = area_of(target)
            if there == here:
                continue
            if LAYER.get(there, len(LAYERS)) >= LAYER[here]:
                found.append(f"{path.relative_to(PORTAL.parent)}:{line} {here} imports {target}")
    return found


def test_every_area_of_the_portal_has_a_layer():
    areas = {area_of(module_name(path)) for path in PORTAL.rglob("*.py")}
    assert areas <= set(LAYER), f"give these a layer in LAYERS: {sorted(areas - set(LAYER))}"


def test_imports_between_areas_only_point_down():
    assert upward_imports() == []


def test_the_check_finds_an_import_that_points_up():
    # The check itself: a data module that imports the web layer is found.
    probe = PORTAL / "data" / "_layer_probe.py"
    probe.write_text("from ..web import forms\n\n\ndef later():\n    from ..sign_in import who\n")
    try:
        found = upward_imports()
    finally:
        probe.unlink()
    assert [line.split(" ", 1)[1] for line in found] == [
        "portal.data imports portal.web", "portal.data imports portal.sign_in"]
