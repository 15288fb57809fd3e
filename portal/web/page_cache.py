"""Keep rendered pages in memory until the family's data changes.

Keys carry the family's data_version, which triggers bump on every write that
a family's pages show (migration m003), and the current minute, because which
meetings count as "next" depends on the clock. A stale entry is never served:
it just stops being asked for and falls out of the LRU.

A cached page holds a slot where each response gets its own CSRF token.
"""
import secrets
import threading
from collections import OrderedDict

from flask import current_app, render_template, session
from flask_wtf.csrf import generate_csrf

from ..data.clock import now_text
from ..sign_in.tokens import hash_id

# Random per process, so no text a parent writes can contain it.
CSRF_SLOT = f"csrf-slot-{secrets.token_hex(16)}"


class RenderCache:
    def __init__(self, size=2048):
        self.size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key, render):
        """Return the value cached under `key`, calling render() on a miss."""
        if not current_app.config["PAGE_CACHE"]:
            return render()
        key = (current_app.config["DATABASE"], *key)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = render()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

family_pages = RenderCache()


def render_cached(key, template, context):
    """Render `template` with context() once per key; each session gets its own CSRF token."""
    html = family_pages.get_or_render(
        key, lambda: render_template(template, csrf_token=lambda: CSRF_SLOT, **context())
    )
    return html.replace(CSRF_SLOT, _session_csrf_token())


def _session_csrf_token():
    """This session's CSRF token, signed at most once a minute.

    Signing costs an HMAC; a token signed a moment ago for the same session
    (same raw token in its cookie) is just as valid.
    """
    sid = session.get("sid")
    if not sid:
        return generate_csrf()
    return family_pages.get_or_render(("csrf", hash_id(sid), now_text()[:16]), generate_csrf)
