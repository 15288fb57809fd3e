"""Build the static info site and serve it under /info/ in the local portal.

The site is an mkdocs-material project in site/ built from the Markdown in
content/: Danish at the root, every other language of content/settings.yml
under its code (en/, ar/), each with its site/mkdocs.<code>.yml. In production any static
host serves site/public/ (netlify.toml holds the headers and the /was
redirect). Locally the portal serves the same files with the same headers.
"""
from contextlib import contextmanager
import logging
import os
from pathlib import Path
import re
import sys
import time
import tomllib

from flask import Blueprint, abort, current_app, redirect, request, send_from_directory
import yaml

from ..settings import languages

ROOT = Path(__file__).resolve().parent.parent.parent
SITE = ROOT / "site"
OUTPUT = SITE / "public"
NETLIFY_TOML = ROOT / "netlify.toml"


class SiteBuildError(RuntimeError):
    """The info site did not build (e.g. a broken link in strict mode)."""


def content_dir():
    """Return the content folder: FAMILIEPORTAL_CONTENT or content/."""
    return Path(os.environ.get("FAMILIEPORTAL_CONTENT") or ROOT / "content").resolve()


def load_settings():
    """Return the municipality's settings (extra.municipality in settings.yml)."""
    with open(content_dir() / "settings.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)["extra"]["municipality"]


@contextmanager
def _environment(values):
    """Set environment variables for the duration of the block."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def _mkdocs_logging(quiet):
    """Show MkDocs' warnings (which fail a strict build), not its chatter."""
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def build_site(quiet=False, output=None):
    """Build the site in every language into site/public/; return its path.

    The build is strict: any MkDocs warning (a broken link, a missing page)
    raises SiteBuildError. It needs no internet.
    """
    # Material prints an end-of-life banner for MkDocs 2 unless told not to.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    content = content_dir()
    output = Path(output or OUTPUT).resolve()
    # mkdocs.yml reads these with !ENV, so `mkdocs build` works without them.
    paths = {
        "FAMILIEPORTAL_SETTINGS": str(content / "settings.yml"),
        "FAMILIEPORTAL_DOCS": str(content),
        "FAMILIEPORTAL_SITE_DIR": str(output),
    }
    # Danish first: its build empties the output folder.
    codes = tuple(languages())
    for code in codes[1:]:
        paths[f"FAMILIEPORTAL_DOCS_{code.upper()}"] = str(content / code)
        paths[f"FAMILIEPORTAL_SITE_DIR_{code.upper()}"] = str(output / code)
    started = time.perf_counter()
    with _environment(paths), _mkdocs_logging(quiet):
        for config_file in ["mkdocs.yml"] + [f"mkdocs.{code}.yml" for code in codes[1:]]:
            try:
                config = load_config(str(SITE / config_file), strict=True)
                build(config)
            except (MkDocsException, SystemExit) as error:
                raise SiteBuildError(f"{config_file}: {error}") from error
    _fill_search_index(output, content)
    seconds = time.perf_counter() - started
    if not quiet:
        print(f"Built the info site ({', '.join(codes)}) in {seconds:.2f} s: {output}")
    return output


def _fill_search_index(output, content):
    """Put the setting for %retention_days% into the search index too.

    The privacy page's template (site/overrides/privacy.html) puts it into the
    page; the search index is made from the page's text before that, and would
    show a searching parent the placeholder.
    """
    import yaml

    settings = yaml.safe_load((content / "settings.yml").read_text(encoding="utf-8"))
    days = str(settings["extra"]["municipality"]["retention_days_after_closing"])
    for index in output.glob("**/search/search_index.json"):
        text = index.read_text(encoding="utf-8")
        if "%retention_days%" in text:
            index.write_text(text.replace("%retention_days%", days), encoding="utf-8")


# -- Serving the built site inside the portal -------------------------------


def netlify_config(path=NETLIFY_TOML):
    """Return netlify.toml as a dict."""
    with open(path, "rb") as f:
        return tomllib.load(f)


def _rule_matches(rule, path):
    """Match a Netlify header path rule: '*' is a splat, ':name' one segment."""
    pattern = "".join(
        ".*" if part == "*" else "[^/]+" if part.startswith(":") else re.escape(part)
        for part in re.split(r"(\*|:[A-Za-z_]+)", rule)
    )
    return re.fullmatch(pattern, path) is not None


def headers_for(path, config=None):
    """Return the headers netlify.toml sets on a path of the static site."""
    config = config if config is not None else netlify_config()
    headers = {}
    for rule in config.get("headers", []):
        if _rule_matches(rule["for"], path):
            headers.update(rule.get("values", {}))
    return headers


bp = Blueprint("info_site", __name__)


@bp.route("/info/", defaults={"path": ""})
@bp.route("/info/<path:path>")
def info_page(path):
    """Serve a file of the built info site, with netlify.toml's headers."""
    site = Path(current_app.config.get("INFO_SITE_DIR") or OUTPUT)
    if not (site / "index.html").is_file():
        abort(404)
    filename = path
    if path == "" or path.endswith("/"):
        filename = path + "index.html"
    elif ".." not in path.split("/") and _is_dir(site / path):
        # Relative links on a page only work from its address with a slash.
        return redirect(request.script_root + "/info/" + path + "/", code=308)
    # send_from_directory refuses paths outside the folder (404).
    response = send_from_directory(site, filename)
    for name, value in headers_for("/" + filename.removesuffix("index.html")).items():
        response.headers[name] = value
    return response


def _is_dir(path):
    try:
        return path.is_dir()
    except OSError:  # e.g. a name longer than the file system allows
        return False


@bp.route("/was")
@bp.route("/was/")
def accessibility_statement():
    """Redirect to the accessibility statement published with the WAS-Tool."""
    return redirect(load_settings()["was_url"], code=302)


if __name__ == "__main__":
    # Used by netlify.toml's build command: python -m portal.info_site
    try:
        build_site()
    except SiteBuildError as error:
        sys.exit(str(error))
