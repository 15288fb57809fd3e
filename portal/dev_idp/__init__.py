"""Test identity providers, for development and tests only: never configure them in production.

`nemlogin` is a small fake NemLog-in (a SAML IdP built on pysaml2's IdP server)
with the demo's people as test persons; `python -m portal.dev_idp` starts it.
Its entity id is DEV_IDP_ENTITY_ID, so a production check can refuse it. This
module imports nothing heavy: checking the constant costs nothing.
"""
DEV_IDP_ENTITY_ID = "https://test-idp.familieportalen.invalid/nemlogin"
DEV_IDP_PORT = 5001
