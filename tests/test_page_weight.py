"""Parent pages stay light for cheap phones on poor connections."""
import gzip

from conftest import confirm_sessions, csrf_from
from portal.data.db import get_db

PAGE_BUDGET = 20 * 1024  # HTML + CSS, gzip
FIRST_ROUND_TRIP = 14 * 1024  # the HTML alone arrives in the first round trip


def gzipped(data):
    return len(gzip.compress(data, compresslevel=6))


def test_parent_pages_weigh_at_most_20_kb_with_html_in_the_first_14_kb(auth, client):
    css = gzipped(client.get("/static/portal.css").data)
    link = auth.link()
    pages = {"sign-in": client.get(link)}
    auth.use(link)
    pages["home"] = client.get("/")
    pages["goal error"] = client.post("/goals", data={"csrf_token": csrf_from(pages["home"].text), "text": ""})
    with auth.app.app_context():
        confirm_sessions(get_db(), "parent", user_id=1)  # as MitID would: the case pages, with their charts
    pages["goals, with a chart"] = client.get("/goals")
    pages["timeline, with a chart"] = client.get("/timeline")
    assert all("<svg" in pages[name].text for name in ("goals, with a chart", "timeline, with a chart"))
    auth.sign_out()
    pages["signed out"] = client.get("/logged-out?reason=signed_out")
    pages["ask for link"] = client.get("/login")
    report = []
    for name, response in pages.items():
        html = gzipped(response.data)
        report.append(f"{name}: HTML {html} B + CSS {css} B = {html + css} B gzip")
        assert "<script" not in response.text
        assert html <= FIRST_ROUND_TRIP, report[-1]
        assert html + css <= PAGE_BUDGET, report[-1]
    print("\n" + "\n".join(report))
