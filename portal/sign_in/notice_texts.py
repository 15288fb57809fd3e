"""What a notice says: only the kind of change and a sign-in link, never anything about the family.

Phones are shared and lock screens show previews, so no name, time, place,
diagnosis or child's name is ever put in a notice. The link is filled in when
the message is sent (LINK below), so a link that expired in the queue is never sent.
"""
from ..settings import municipality

LINK = "{link}"

# What changed, by topic; several topics at once give the general line.
TOPIC_LINES = {
    "meeting": "Der er nyt om et møde i Familieportalen.",
    "summary": "Der er et nyt referat fra et møde i Familieportalen.",
    "plan": "Der er nyt i jeres plan i Familieportalen.",
    "contact_person": "I har fået en ny kontaktperson. Se hvem i Familieportalen.",
    "people": "Der er nyt om dem, der hjælper jer, i Familieportalen.",
    "goal": "Der er nyt om jeres mål i Familieportalen.",
    "consent": "Der er nyt om et samtykke i Familieportalen.",
    "case": "Jeres sag i Familieportalen er åbnet igen. I kan logge ind igen.",
}
GENERAL_LINE = "Der er nyt i Familieportalen."
REMINDER_LINE = "Husk: Du har et møde i morgen. Se det, og svar om du kommer."
# A summary's action points go into the plan: the summary says it all.
COVERED_BY = {"plan": "summary"}
# A reopened case covers every other news: the parents were told they could no longer sign in.
COVERS_ALL = "case"


def main_topics(topics):
    """The topics worth naming: a plan change that came with a summary is part of that summary."""
    topics = set(topics)
    if COVERS_ALL in topics:
        return [COVERS_ALL]
    return sorted(topic for topic in topics if COVERED_BY.get(topic) not in topics)


def notice(kind, topics=(), hours=72):
    """(subject, body) of a notice: kind "changes" with its topics, or "reminder". The body holds LINK."""
    name = municipality().get("name", "") or "Familieportalen"
    if kind == "reminder":
        line = REMINDER_LINE
        subject = "Påmindelse fra Familieportalen"
    else:
        named = main_topics(topics)
        line = TOPIC_LINES.get(named[0], GENERAL_LINE) if len(named) == 1 else GENERAL_LINE
        subject = "Nyt i Familieportalen"
    body = (f"{line}\nSe det her: {LINK}\n"
            f"Linket virker i {hours} timer og kun én gang.\n"
            f"Hilsen {name}")
    return f"{subject} – {name}", body


def with_link(body, url):
    return body.replace(LINK, url)
