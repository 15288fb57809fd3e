"""The plan on paper (Chromium's PDF, A4) and the insight page on a 360 px phone."""
import io

from pypdf import PdfReader

from browser import DESKTOP, PHONE, Tab, confirm_mitid
from test_browser_parent import new_link


def signed_in(browser, app, viewport):
    tab = Tab(browser, app.config["BASE_URL"], viewport=viewport)
    tab.page.goto(new_link(app))
    tab.page.get_by_role("button", name="Fortsæt").click()
    tab.page.wait_for_url(app.config["BASE_URL"] + "/")
    confirm_mitid(tab.page, app)
    return tab


def test_the_demo_familys_plan_prints_on_at_most_two_a4_pages_with_contact_meetings_plan_and_goals(live_server, browser):
    tab = signed_in(browser, live_server, DESKTOP)
    tab.goto("/plan")
    assert "Udskriv planen" in tab.main_text()
    pdf = PdfReader(io.BytesIO(tab.page.pdf(format="A4")))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) <= 2, f"{len(pdf.pages)} pages"
    for part in ("Din kontaktperson", "Mette Lund", "De næste møder", "Netværksmøde", "Hvem gør hvad, og hvornår",
                 "Familien selv", "Vores mål", "ud af 10"):
        assert part in text, part
    for screen_only in ("Log ud", "Forside", "Samtykker", "English", "Udskriv planen", "Privatlivspolitik"):
        assert screen_only not in text, screen_only
    tab.close()


def test_the_insight_page_passes_axe_and_fits_a_phone(live_server, browser):
    tab = signed_in(browser, live_server, PHONE)
    tab.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Samtykker", exact=True).click()
    tab.page.get_by_role("link", name="Se alt, hvad vi har om dig").click()
    assert tab.page.locator("h1").inner_text() == "Det har vi om dig"
    tab.check_fits_width()
    tab.check_accessibility()
    with tab.page.expect_download() as download:
        tab.page.get_by_role("link", name="Hent det hele som fil (JSON)").click()
    assert download.value.suggested_filename.startswith("familieportalen-indsigt-")
    assert tab.foreign_requests() == []
    tab.close()


def test_a_coordinator_opens_a_familys_insight_from_its_sections_at_a_desk(live_server, browser):
    from portal import demo as demo_data
    from portal.data.db import get_db
    from portal.data import links

    with live_server.app_context():
        mette = next(get_db()["staff"].rows_where("email = ?", [demo_data.COORDINATOR_EMAIL]))
        link = links.issue("staff", mette["id"])
    desk = Tab(browser, live_server.config["BASE_URL"], viewport=DESKTOP)
    desk.page.goto(link)
    desk.page.get_by_role("button", name="Fortsæt").click()
    desk.goto("/staff/families/1/close")
    desk.page.get_by_role("link", name="Se alt om familien til sagen").click()
    sections = desk.page.get_by_role("navigation", name="Familiens sider")
    assert sections.get_by_role("link", name="Indsigt").get_attribute("aria-current") == "page"
    assert "goal_scores" in desk.main_text()
    desk.check_accessibility()
    desk.close()
