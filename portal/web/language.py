"""The language switch: a form in every page's footer, no JavaScript."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request, url_for
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from .forms import PortalForm
from ..i18n import LANGUAGES
from .i18n import COOKIE

bp = Blueprint("language", __name__)


class LanguageForm(PortalForm):
    lang = SelectField(choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()])


@bp.route("/language", methods=["POST"])
def choose():
    form = LanguageForm()
    response = redirect(safe_next(request.form.get("next")))
    if form.validate_on_submit():
        response.set_cookie(
            COOKIE,
            form.lang.data,
            max_age=365 * 24 * 3600,
            secure=current_app.config["PRODUCTION"],
            httponly=True,
            samesite="Lax",
        )
    return response


def safe_next(target):
    """Only ever go back to a path on this site."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(ord(character) > 32 for character in target)
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("parent.home")
