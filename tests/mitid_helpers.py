"""The test MitID (portal/dev_idp) answering the portal's requests inside a test, with no server and no browser."""
from urllib.parse import urlsplit

from portal.dev_idp import DEV_IDP_URL, development_folder
from portal.dev_idp import nemlogin


class TestMitID:
    """Leave for MitID from `client`, let the fake NemLog-in answer for a test person, and come back.

    NemLog-in's answer is posted by a second client with no cookies, as a
    browser posts it from NemLog-in's site (SameSite=Lax keeps the cookie home).
    """

    __test__ = False

    def __init__(self, app, client):
        self.app, self.client = app, client
        self._settings = None

    def settings(self):
        if self._settings is None:
            folder = development_folder(self.app.config)
            self.client.get("/mitid/metadata")  # makes the key pairs and the IdP's metadata
            metadata = folder / "sp-metadata.xml"
            metadata.write_bytes(self.app.test_client().get("/mitid/metadata").data)
            self._settings = nemlogin.settings_for(folder, DEV_IDP_URL, str(metadata))
        return self._settings

    def leave(self, next_path=None):
        """GET /mitid/login: the redirect to the IdP."""
        return self.client.get("/mitid/login", query_string={"next": next_path} if next_path else None)

    def answer(self, redirect, person="sara-holm", **forge):
        """The fake IdP's answer to the redirect, posted to our ACS without cookies."""
        form = nemlogin.make_response(self.settings(), redirect.headers["Location"], person, **forge)
        assert urlsplit(form["url"]).path == "/mitid/acs"
        return self.app.test_client().post("/mitid/acs", data={"SAMLResponse": form["SAMLResponse"],
                                                               "RelayState": form["RelayState"]})

    def sign_in(self, person="sara-holm", next_path=None, **forge):
        """The whole round trip; the response of /mitid/finish (or of the ACS, if it refused)."""
        self.settings()
        posted = self.answer(self.leave(next_path), person, **forge)
        if posted.status_code != 303:
            return posted
        return self.client.get(posted.headers["Location"])
