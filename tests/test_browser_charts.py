"""The charts in Chromium: a parent reads her goal's progress and the family's meetings per month on a 360 px phone,
in Danish, English and Arabic (right to left), with and without JavaScript; a coordinator at a desk.

axe finds no WCAG 2.x A/AA violation, nothing is wider than the screen, the CSP
refuses nothing on the page, and no request leaves the local server.
"""
import pytest

from portal import demo as demo_data

from browser import DESKTOP, PHONE
from test_browser_timeline import signed_in

SENTENCES = {
    "da": ("Fra 3 til 5 siden", "Møder måned for måned", "1 møde det seneste år"),
    "en": ("From 3 to 5 since", "Meetings month by month", "1 meeting in the past year"),
    "ar": ("من 3 إلى 5 منذ", "الاجتماعات شهرًا بشهر", "اجتماع واحد في السنة الماضية"),
}

PRIMARY_SHAPES = """svg => [...svg.querySelectorAll('.series path.line, .series rect, .series circle')].filter(shape => {
    const style = getComputedStyle(shape);
    return style.stroke === 'rgb(27, 94, 122)' || style.fill === 'rgb(27, 94, 122)';
}).length"""


def refusals(page):
    """Console lines in which Chromium says the Content Security Policy refused something."""
    found = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


def check_chart(tab, sentence):
    """One chart on the page: drawn, as wide as its box on the phone at most, named and captioned by `sentence`."""
    page = tab.page
    page.wait_for_load_state()
    chart = page.locator("figure.chart", has_text=sentence)
    svg = chart.locator("svg[role=img]")
    assert svg.count() == 1
    box = svg.bounding_box()
    assert 200 < box["width"] <= tab.viewport["width"] and box["height"] > 60, box
    assert sentence in svg.get_attribute("aria-label")
    assert chart.locator("figcaption").is_visible()
    # Numbers and dates run left to right, in an Arabic page too.
    assert svg.evaluate("element => getComputedStyle(element).direction") == "ltr"
    # The shapes are coloured by portal.css (the CSP refuses pygal's own style): the portal's blue.
    assert svg.evaluate(PRIMARY_SHAPES) > 0
    tab.check_fits_width()
    tab.check_accessibility()


@pytest.mark.parametrize("language", ["da", "en", "ar"])
def test_a_parent_sees_her_goals_progress_and_the_meetings_per_month_on_a_phone(live_server, browser, language):
    phone = signed_in(browser, live_server, "parent", demo_data.PARENT_EMAIL, PHONE)
    page = phone.page
    refused = refusals(page)
    if language != "da":
        page.locator(f'button[name="lang"][value="{language}"]').click()
        page.wait_for_load_state()
    goal, heading, meetings = SENTENCES[language]
    phone.goto("/goals")
    if language == "ar":
        assert page.locator("html").get_attribute("dir") == "rtl"
    check_chart(phone, goal)
    phone.goto("/timeline")
    assert page.get_by_role("heading", name=heading).is_visible()
    check_chart(phone, meetings)
    assert refused == []
    assert phone.foreign_requests() == []
    if language != "da":
        page.locator('button[name="lang"][value="da"]').click()  # the live server's parent is shared by the module
        page.wait_for_load_state()
    phone.close()


def test_the_charts_are_drawn_without_javascript(live_server, browser):
    phone = signed_in(browser, live_server, "parent", demo_data.PARENT_EMAIL, PHONE, javascript=False)
    for path, sentence in (("/goals", "Fra 3 til 5 siden"), ("/timeline", "1 møde det seneste år")):
        phone.goto(path)
        svg = phone.page.locator("figure.chart", has_text=sentence).locator("svg")
        assert svg.is_visible() and svg.bounding_box()["width"] <= PHONE["width"]
        phone.check_fits_width()
    assert phone.foreign_requests() == []
    phone.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "360px"])
def test_a_coordinator_sees_a_goals_scores_and_the_familys_meetings_per_month(live_server, browser, viewport):
    desk = signed_in(browser, live_server, "staff", demo_data.COORDINATOR_EMAIL, viewport)
    refused = refusals(desk.page)
    desk.goto("/staff/families/1/goals/1")
    check_chart(desk, "Fra 3 til 5 siden")
    desk.goto("/staff/families/1/timeline")
    check_chart(desk, "1 møde det seneste år")
    assert "Aflyste møder og samarbejdsmøder uden familien tæller ikke med." in desk.main_text()
    assert refused == []
    assert desk.foreign_requests() == []
    desk.close()
