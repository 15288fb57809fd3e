"""A parent chooses how they are told of news, on a 360 px phone, with JavaScript on and off."""
import pytest

from portal import demo as demo_data
from portal.data.db import get_db

from browser import PHONE, Tab, confirm_mitid
from test_browser_parent import new_link, open_from_menu


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_a_parent_chooses_email_on_the_messages_page_on_a_phone(live_server, browser, javascript):
    with live_server.app_context():  # both runs share the server's database
        get_db().execute("UPDATE parents SET notices_by = NULL WHERE email = ?", [demo_data.PARENT_EMAIL])
    phone = Tab(browser, live_server.config["BASE_URL"], viewport=PHONE, javascript=javascript)
    page = phone.page
    page.goto(new_link(live_server))
    page.get_by_role("button", name="Fortsæt").click()
    page.wait_for_url(live_server.config["BASE_URL"] + "/")
    confirm_mitid(page, live_server)

    open_from_menu(page, "Beskeder")
    assert page.locator("h1").inner_text() == "Beskeder"
    assert page.get_by_role("radio", name="SMS til dit mobilnummer").is_checked()
    phone.check_fits_width()
    phone.check_accessibility()

    page.get_by_role("radio", name="E-mail").check()
    page.get_by_role("button", name="Gem").click()
    assert "Tak. Dit valg er gemt." in phone.main_text()
    assert page.get_by_role("radio", name="E-mail").is_checked()
    phone.check_fits_width()
    phone.check_accessibility()
    assert phone.foreign_requests() == []
    phone.close()
