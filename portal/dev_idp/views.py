"""The fake NemLog-in's pages: pick a test person and a level, or "Afbryd"; answer logouts.

No session and no JavaScript: the page carries the portal's signed AuthnRequest
in hidden fields, and the answer checks its signature again, so nothing is
kept between the two requests. Plain Danish, for development and tests only.
"""
from flask import Flask, Response, abort, redirect, render_template, request

from . import nemlogin
from .persons import PERSONS, person as person_named

LEVEL_LABELS = {"Substantial": "Betydelig (standard)", "Low": "Lav", "High": "Høj"}
REQUEST_FIELDS = ("SAMLRequest", "RelayState", "SigAlg", "Signature")


def create_app(settings):
    app = Flask(__name__, template_folder="templates", static_folder="static", static_url_path="/static")
    app.config["IDP"] = settings

    @app.after_request
    def headers(response):
        # The answer page posts to the portal's ACS, another origin: form-action allows it.
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action *; frame-ancestors 'none'; "
            "base-uri 'none'")
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(400)
    def bad_request(error):
        return render_template("dev_idp/message.html", title="Forespørgslen kan ikke bruges",
                               text=error.description), 400

    @app.get("/")
    def index():
        return render_template("dev_idp/index.html", persons=PERSONS)

    @app.get("/metadata")
    def metadata():
        return Response(nemlogin.idp_metadata(settings), mimetype="application/samlmetadata+xml")

    @app.get("/sso")
    def choose():
        authn_request, _relay_state = _verified_request(settings, request.args)
        return render_template("dev_idp/choose.html", persons=PERSONS, levels=LEVEL_LABELS,
                               fields={key: request.args[key] for key in REQUEST_FIELDS if key in request.args},
                               force_authn=authn_request.force_authn == "true")

    @app.post("/sso")
    def answer():
        fields = {key: request.form[key] for key in REQUEST_FIELDS if key in request.form}
        _verified_request(settings, fields)
        if "cancel" in request.form:
            form = nemlogin.make_response(settings, fields, PERSONS[0], tamper="cancel")
        else:
            try:
                chosen = person_named(request.form.get("person", ""))
            except KeyError:
                abort(400, "Vælg en testperson.")
            loa = request.form.get("loa", "Substantial")
            if loa not in LEVEL_LABELS:
                abort(400, "Vælg et sikringsniveau.")
            form = nemlogin.make_response(settings, fields, chosen, loa=loa)
        return render_template("dev_idp/post.html", form=form)

    @app.get("/slo")
    def single_logout():
        if "SAMLRequest" in request.args:
            try:
                return redirect(nemlogin.answer_logout_request(settings, request.args), 303)
            except ValueError as error:
                abort(400, f"Log ud-forespørgslen kan ikke bruges ({error}).")
        return render_template("dev_idp/message.html", title="Du er logget ud",
                               text="Du er logget ud af Test-MitID.")

    @app.post("/logout")
    def logout_person():
        """Send the portal a LogoutRequest for a test person, as NemLog-in does when MitID ends a session."""
        try:
            chosen = person_named(request.form.get("person", ""))
            return redirect(nemlogin.logout_request_url(settings, chosen.pseudonym), 303)
        except (KeyError, ValueError, OSError):
            abort(400, "Portalen kan ikke nås, eller personen findes ikke.")

    return app


def _verified_request(settings, params):
    try:
        return nemlogin.read_authn_request(settings, params)
    except (ValueError, OSError) as error:
        abort(400, f"Forespørgslen fra portalen kunne ikke godkendes ({error}).")
