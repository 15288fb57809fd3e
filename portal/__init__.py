"""Familieportalen: one contact person, one plan, goals in the family's own words."""
from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import config as config_module


class IdConverter(IntegerConverter):
    """A database id in a URL: a positive number SQLite can hold, else 404."""

    # ASCII digits only: \d and int() would also read "١" and "１" as 1.
    regex = r"[0-9]+"

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**63 - 1)


def create_app(test_config=None):
    """Create the portal: defaults, then environment, then test overrides."""
    from .web import framework

    config = config_module.from_environment()
    if test_config:
        config.update(test_config)
    config = config_module.finish(config)
    app = framework.make_app(__name__, plain=config["PLAIN_FRAMEWORK"])
    app.url_map.converters["id"] = IdConverter
    app.config.update(config)
    if app.config["PRODUCTION"] and not app.config["PROXY_COUNT"]:
        app.logger.warning(
            "FAMILIEPORTAL_PROXY_COUNT is 0: behind a reverse proxy every visitor shares the "
            "proxy's address, so link-request limits per IP apply to everyone together."
        )
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"]
        )

    from . import cli, ops
    from .data import db
    from .sign_in import sessions as auth
    from .web import i18n, security

    db.init_app(app)
    cli.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    framework.init_app(app)
    security.install_log_filters()
    ops.init_app(app)

    from . import child, info_site, parent, professional, staff
    from .sign_in import mitid, passkeys, staff_sso
    from .sign_in import views as sign_in
    from .web import language

    app.register_blueprint(info_site.bp)
    app.register_blueprint(sign_in.bp)
    mitid.init_app(app)
    staff_sso.init_app(app)
    passkeys.init_app(app)
    app.register_blueprint(language.bp)
    app.register_blueprint(parent.bp)
    app.register_blueprint(parent.feed.public_bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(professional.bp)
    app.register_blueprint(professional.feed.public_bp)
    child.init_app(app)

    @app.after_request
    def headers(response):
        return security.set_headers(response, app.config["PRODUCTION"])

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        # Text is shown back only to our own pages: never let another site put words on ours.
        kept = request.form.get("text") if security.same_origin_request() else None
        return render_template("errors/csrf.html", kept_text=kept), 400

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(413)
    def too_large(error):
        return render_template("errors/413.html"), 413

    @app.errorhandler(429)
    def too_many(error):
        return render_template("errors/429.html"), 429

    @app.errorhandler(500)
    def server_error(error):
        return render_template("errors/500.html"), 500

    return app
