"""Plan updates are Markdown rendered through one helper: markdown → nh3 allow-list → safe HTML."""
import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from portal.web.markdown import render

# Known payloads (after the OWASP XSS filter evasion cheat sheet and PortSwigger's XSS cheat sheet).
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\">",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">klik</a>",
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](  javascript:alert(1))",
    "[klik](java\tscript:alert(1))",
    "[klik](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klik](vbscript:msgbox(1))",
    "![billede](https://evil.example/pixel.png)",
    "![billede](javascript:alert(1))",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=\"https://evil.example/x.swf\"></object>",
    "<embed src=\"https://evil.example/x.swf\">",
    "<form action=\"https://evil.example\"><input name=p></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<base href=\"https://evil.example/\">",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<style>body{display:none}</style>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "\"><script>alert(1)</script>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "[x](https://ok.example \"title\" onmouseover=alert(1))",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<isindex type=image src=1 onerror=alert(1)>",
]

SAFE_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h3", "h4", "a", "code", "hr"}
SAFE_LINK = re.compile(r"(https?://|mailto:|tel:)", re.IGNORECASE)


class Elements(HTMLParser):
    """Every real element and attribute in the output (escaped text is just text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html):
    parser = Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_known_xss_payload_survives(payload):
    html = str(render(f"Hej\n\n{payload}\n\nmed venlig hilsen"))
    for tag, attributes in elements(html):
        assert tag in SAFE_TAGS, html
        assert set(attributes) <= ({"href", "rel"} if tag == "a" else set()), html
        if "href" in attributes:
            assert SAFE_LINK.match(attributes["href"]) and not re.search(r"[\x00-\x20]", attributes["href"]), html


def test_the_check_above_would_catch_a_live_payload():
    assert [tag for tag, _ in elements('<p>x</p><img src=x onerror=alert(1)>')] == ["p", "img"]
    assert elements('<a href="javascript:alert(1)">x</a>')[0][1]["href"] == "javascript:alert(1)"


def test_the_result_is_markup_and_plain_markdown_still_works():
    html = render("**Status**\n\n- Karen kommer *hver tirsdag*\n- [Læs mere](https://demo-kommune.dk/plan)\n\n# Overskrift")
    assert isinstance(html, Markup)
    assert "<strong>Status</strong>" in html and "<em>hver tirsdag</em>" in html and "<li>" in html
    assert '<a href="https://demo-kommune.dk/plan" rel="noopener noreferrer nofollow">Læs mere</a>' in html
    assert "<h3>Overskrift</h3>" in html  # never an h1 inside a page


def test_html_typed_in_an_update_is_shown_as_text():
    assert "&lt;b&gt;vigtigt&lt;/b&gt;" in render("Det er <b>vigtigt</b>")


def test_a_link_with_blanks_or_tabs_inside_is_dropped():
    """Browsers remove tabs and line breaks from URLs: "java<TAB>script:" would run as javascript:."""
    for href in ("java\tscript:alert(1)", "https://ok.example/\tx", "/relative/path"):
        assert "href" not in render(f"[x](<{href}>)")


def test_mail_and_phone_links_are_allowed():
    html = render("[Ring](tel:+4570101011) eller [skriv](mailto:mette@demo-kommune.dk)")
    assert 'href="tel:+4570101011"' in html and 'href="mailto:mette@demo-kommune.dk"' in html
