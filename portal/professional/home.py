"""Mine familier: the families a professional may see, and the meetings they are called to."""
from flask import render_template

from . import bp
from ..data.reads import professionals
from ..sign_in import who


@bp.route("/")
def home():
    professional = who.current_professional()
    return render_template("professional/home.html", professional=professional,
                           families=professionals.families(professional["id"]),
                           meetings=professionals.meetings(professional["id"]))
