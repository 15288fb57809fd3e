"""Every page is the same with the portal's overrides of the framework and without (portal/web/framework.py).

With them, texts are translated when a template is compiled, fragments kept, links joined from shapes and
tokens signed by kept serializers; on the plain framework none of that. The pages must be exactly the same.
"""
import re
import shutil

import pytest

from portal import create_app
from portal.i18n import LANGUAGES

from conftest import Auth, csrf_from

IDS = {"family_id": 1, "meeting_id": 2, "parent_id": 1, "child_id": 1, "goal_id": 3, "consent_id": 1,
       "person_id": 1, "item_id": 1, "update_id": 1, "point_id": 1, "staff_id": 2, "token": "x", "path": "",
       "filename": "portal.css", "event_id": 23, "handover_id": 1}
# What differs between two sessions or two moments, whatever the templates do.
VOLATILE = [
    (re.compile(r'(name="[\w-]*csrf_token"[^>]*value=")[^"]+"'), r'\1…"'),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "…"),
    (re.compile(r"DTSTAMP:\d{8}T\d{6}Z"), "DTSTAMP:…"),
    # Clock times written out ("at 22:03", "kl. 22.03"): the two runs may straddle a minute.
    (re.compile(r"\b\d\d[:.]\d\d\b"), "…"),
    # The way to MitID: a signed request with a fresh id and key each time.
    (re.compile(r"/sso\?SAMLRequest=[^\"<]+"), "/sso?…"),
]


def normalised(html):
    for pattern, replacement in VOLATILE:
        html = pattern.sub(replacement, html)
    return html


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("who, kind", [("sara.holm@example.dk", "parent"), ("mette.lund@demo-kommune.dk", "staff"),
                                       ("anne.krogh@demo-kommune.dk", "staff"), (None, None)])
def test_every_page_is_the_same_with_and_without_the_overrides(demo_database, tmp_path, language, who, kind):
    pages = {}
    for plain in (True, False):
        database = tmp_path / f"plain-{plain}.db"
        shutil.copyfile(demo_database, database)
        app = create_app({"TESTING": True, "DATABASE": str(database), "OUTBOX_DIR": str(tmp_path / "outbox"),
                          "BASE_URL": "http://localhost", "PLAIN_FRAMEWORK": plain})
        client = app.test_client()
        if who:
            Auth(app, client).sign_in(who, kind=kind)
        token = csrf_from(client.get("/login").text)
        client.post("/language", data={"csrf_token": token, "lang": language, "next": "/"})
        rules = sorted(rule.rule for rule in app.url_map.iter_rules()
                       if "GET" in rule.methods and not rule.rule.startswith(("/static", "/info", "/was")))
        pages[plain] = {}
        for rule in rules:
            path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(IDS[m.group(1)]), rule)
            response = client.get(path)
            pages[plain][path] = (response.status_code, normalised(response.get_data(as_text=True)))
    assert len(pages[False]) > 40
    differing = [path for path in pages[True] if pages[True][path] != pages[False][path]]
    import difflib

    assert differing == [], "\n".join(difflib.unified_diff(
        pages[True][differing[0]][1].splitlines(), pages[False][differing[0]][1].splitlines(), lineterm="", n=0))
    assert any(status == 200 for status, _ in pages[False].values())
