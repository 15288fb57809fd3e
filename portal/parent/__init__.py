"""The parent's pages: a short home page, and meetings, plan, goals, people and consents a tap away."""
from flask import Blueprint, request

from ..sign_in.sessions import refuse_unless

bp = Blueprint("parent", __name__)


@bp.before_request
def parents_only():
    # The front page welcomes visitors who are not signed in; every other page is a parent's.
    if request.endpoint != "parent.home":
        return refuse_unless("parent")
    return None


from . import feed, goals, home, insight, meetings, messages, pages, timeline  # noqa: E402,F401  (routes register on bp)
