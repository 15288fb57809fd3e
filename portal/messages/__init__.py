"""Messages: every e-mail and SMS the portal sends, and how it gets there.

- texts.py: what each message says, in plain Danish;
- compose.py: a queued row (portal.data.outbox) made into the message as it is sent, with a fresh sign-in link;
- worker.py: claiming due rows, sending, retrying, giving up; the thread in every web worker;
- transports.py and sms_gateway.py: SMTP, the development outbox folder, the HTTP SMS gateway.

The write side queues a row through portal.data.outbox in the transaction of
the change that causes it; nothing here is imported below this package.
"""
