"""The one way to show Markdown that staff write: markdown → nh3 allow-list → safe HTML.

Only plain text structure survives: paragraphs, emphasis, lists, quotes,
small headings and links to http(s), mailto and tel. Scripts, styles, event
handlers, images, iframes, forms and javascript:/data: links never do. Raw
HTML in the Markdown is escaped, not passed through.
"""
import re

import markdown as markdown_lib
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h3", "h4", "a", "code", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}
# Tags whose content is dropped with them, not shown as text.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}


# Browsers drop tabs, line breaks and leading blanks from a URL, so
# "java<TAB>script:" is javascript:. Links must be absolute and safe as written.
_SAFE_HREF = re.compile(r"(https?://[^\s]|mailto:[^\s]|tel:\+?[0-9])", re.IGNORECASE)


def _safe_attribute(tag, attribute, value):
    if attribute == "href" and (not _SAFE_HREF.match(value) or re.search(r"[\x00-\x20\x7f]", value)):
        return None
    return value


def _converter():
    converter = markdown_lib.Markdown(extensions=["sane_lists"], output_format="html")
    # Raw HTML blocks and inline HTML become text, so what a writer types as
    # "<b>" is shown as "<b>", never interpreted.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


def render(text):
    """Markdown text as sanitised HTML (Markup). Headings # and ## come out as h3."""
    html = _converter().convert(text or "")
    for level in (1, 2):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        attribute_filter=_safe_attribute,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(clean)
