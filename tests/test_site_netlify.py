"""netlify.toml publishes the site safely, and the portal serves it the same way."""
import shlex
import urllib.error
import urllib.request

from flask import Flask
import pytest

from portal import info_site
from tests.site_helpers import built_site, serve

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
)


@pytest.fixture(scope="module")
def netlify():
    return info_site.netlify_config()


@pytest.fixture(scope="module")
def municipality():
    return info_site.load_settings()


@pytest.fixture
def site_app(tmp_path):
    """A bare Flask app with only the info site blueprint."""
    app = Flask(__name__)
    app.config.update(TESTING=True, INFO_SITE_DIR=str(built_site()[0]))
    app.register_blueprint(info_site.bp)
    return app


@pytest.fixture
def site_client(site_app):
    return site_app.test_client()


def csp_directives(policy):
    return {
        part.split()[0]: part.split()[1:]
        for part in (p.strip() for p in policy.split(";"))
        if part
    }


def test_netlify_builds_from_pyproject_and_publishes_site_public(netlify):
    command = netlify["build"]["command"]
    assert "pip install ." in command
    assert "portal.info_site" in command
    assert netlify["build"]["publish"] == "site/public"
    # The build command's module really builds the site.
    assert shlex.split(command.split("&&")[-1]) == ["python", "-m", "portal.info_site"]


def test_every_page_gets_the_security_headers(netlify):
    headers = info_site.headers_for("/kontaktperson/", netlify)
    for name in SECURITY_HEADERS:
        assert headers.get(name), name
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=" in headers["Strict-Transport-Security"]
    assert info_site.headers_for("/en/plan/", netlify) == headers


def test_csp_allows_no_inline_script_and_no_other_origin(netlify):
    policy = csp_directives(info_site.headers_for("/", netlify)["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for sources in policy.values():
        for source in sources:
            assert source in ("'self'", "'none'", "data:"), source


def test_fingerprinted_assets_are_cached_for_a_year_and_pages_are_not(netlify):
    site = built_site()[0]
    for prefix in ("", "en/"):
        for pattern in ("assets/stylesheets/main.*.min.css",
                        "assets/javascripts/bundle.*.min.js",
                        "assets/javascripts/workers/search.*.min.js"):
            files = list(site.glob(prefix + pattern))
            assert files, prefix + pattern
            path = "/" + files[0].relative_to(site).as_posix()
            assert "immutable" in info_site.headers_for(path, netlify).get("Cache-Control", ""), path
    for path in ("/", "/plan/", "/assets/site/site.js", "/assets/site/colours.css",
                 "/assets/javascripts/lunr/min/lunr.da.min.js", "/search/search_index.json"):
        assert "Cache-Control" not in info_site.headers_for(path, netlify), path


def test_was_redirect_in_netlify_toml_matches_the_settings(netlify, municipality):
    rules = [r for r in netlify["redirects"] if r["from"] == "/was"]
    assert len(rules) == 1
    assert rules[0]["to"] == municipality["was_url"]
    assert rules[0]["status"] == 302


def test_local_static_server_redirects_was_like_netlify(municipality):
    with serve(built_site()[0]) as base:
        request = urllib.request.Request(base + "was")

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as answer:
            opener.open(request)
    assert answer.value.code == 302
    assert answer.value.headers["Location"] == municipality["was_url"]


# -- The portal's blueprint ---------------------------------------------------


def test_portal_serves_the_start_page_with_netlifys_headers(site_client, netlify):
    response = site_client.get("/info/")
    assert response.status_code == 200
    assert "Hjælp til hele familien" in response.get_data(as_text=True)
    expected = info_site.headers_for("/", netlify)
    for name in SECURITY_HEADERS:
        assert response.headers[name] == expected[name]


def test_portal_serves_english_pages_and_assets(site_client):
    response = site_client.get("/info/en/netvaerksmoeder/")
    assert response.status_code == 200
    assert '<html lang="en"' in response.get_data(as_text=True)
    css = site_client.get("/info/assets/site/colours.css")
    assert css.status_code == 200
    assert css.mimetype == "text/css"


def test_portal_adds_the_slash_a_page_address_needs(site_client):
    response = site_client.get("/info/kontaktperson")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/info/kontaktperson/")


@pytest.mark.parametrize("path", [
    "/info/findes-ikke/",
    "/info/nope.html",
    "/info/../pyproject.toml",
    "/info/..%2f..%2fpyproject.toml",
    "/info/%2e%2e/%2e%2e/pyproject.toml",
    "/info/assets/../../../pyproject.toml",
])
def test_portal_answers_404_for_missing_files_and_paths_outside_the_site(site_client, path):
    response = site_client.get(path)
    assert response.status_code == 404
    assert b"[project]" not in response.data


def test_portal_answers_404_before_the_site_is_built(site_app, tmp_path, site_client):
    site_app.config["INFO_SITE_DIR"] = str(tmp_path / "empty")
    assert site_client.get("/info/").status_code == 404


def test_was_redirects_to_the_accessibility_statement(site_client, municipality):
    response = site_client.get("/was")
    assert response.status_code == 302
    assert response.headers["Location"] == municipality["was_url"]


def test_was_follows_the_content_folder_setting(site_client, tmp_path, monkeypatch):
    (tmp_path / "settings.yml").write_text(
        "extra:\n  municipality:\n    was_url: https://www.was.digst.dk/anden-kommune\n"
    )
    monkeypatch.setenv("FAMILIEPORTAL_CONTENT", str(tmp_path))
    assert site_client.get("/was").headers["Location"] == "https://www.was.digst.dk/anden-kommune"
