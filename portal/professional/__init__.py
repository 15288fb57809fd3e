"""A professional's pages (/fagperson): "Mine familier" and what access.py lets them see of each family."""
from flask import Blueprint

from ..sign_in.sessions import refuse_unless

bp = Blueprint("professional", __name__, url_prefix="/fagperson")


@bp.before_request
def professionals_only():
    """Everyone but a signed-in professional gets 404 (or the way to sign in, when nobody is signed in)."""
    return refuse_unless("professional")


from . import home  # noqa: E402,F401  (routes register on bp)
from . import written_input  # noqa: E402,F401
from . import plan  # noqa: E402,F401
from . import handover  # noqa: E402,F401
from . import feed  # noqa: E402,F401
