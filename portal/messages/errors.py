"""Why a message was not handed over: tried again later, or never."""


class DeliveryError(Exception):
    """A message could not be handed to the mail server or SMS gateway; it is tried again later."""


class PermanentDeliveryError(DeliveryError):
    """The gateway refused the message itself (a 4xx answer): trying again would only fail again."""
