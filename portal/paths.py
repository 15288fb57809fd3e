"""Addresses from the URL map where no request is at hand: links made for messages and by the outbox worker.

Every address is built from the endpoint's rule, never written out beside it,
and starts with FAMILIEPORTAL_BASE_URL, never with a request's Host header.
"""
from flask import current_app


def url_for_message(endpoint, **values):
    """The portal's full address of `endpoint` (e.g. "staff.family.meeting"), built without a request."""
    path = current_app.url_map.bind("", url_scheme="https").build(endpoint, values)
    return f"{current_app.config['BASE_URL']}{path}"
