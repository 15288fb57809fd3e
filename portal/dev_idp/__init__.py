"""Test identity providers, for development and tests only: never configure them in production.

`nemlogin` is a small fake NemLog-in (a SAML IdP built on pysaml2's IdP server)
with the demo's people as test persons; `python -m portal.dev_idp` starts it.
Its entity id is DEV_IDP_ENTITY_ID, so a production check can refuse it. This
module imports nothing heavy: checking the constant costs nothing.
"""
from ..config import TEST_MITID_ENTITY_ID as DEV_IDP_ENTITY_ID  # config.finish refuses it in production
DEV_IDP_PORT = 5001
DEV_IDP_URL = f"http://127.0.0.1:{DEV_IDP_PORT}"


def development_folder(config):
    """Where the test identity providers' throwaway keys and metadata live: beside the database."""
    from pathlib import Path

    return Path(config["DATABASE"]).resolve().parent / "dev_idp"


def development_sp_files(config):
    """The portal's side of the test MitID: our key pair, and the fake NemLog-in's metadata (made when missing).

    The fake NemLog-in (`python -m portal.dev_idp --keys FOLDER`) uses the key
    pair in the same folder, so the metadata made here is the one it serves.
    """
    from .keys import ensure_keypair
    from .nemlogin import idp_metadata, settings_for

    folder = development_folder(config)
    key_file, cert_file = ensure_keypair(folder, "sp", common_name="Familieportalen (kun til udvikling)")
    metadata = folder / "idp-metadata.xml"
    if not metadata.exists():
        settings = settings_for(folder, config.get("MITID_TEST_IDP_URL") or DEV_IDP_URL, sp_metadata="")
        metadata.write_text(idp_metadata(settings), encoding="utf-8")
    return {"key_file": key_file, "cert_file": cert_file, "idp_metadata_file": str(metadata)}
