"""Every message the portal sends, in plain Danish: what it says, never anything about the family.

Phones are shared and lock screens show previews, so no message ever holds a
name, time, place, diagnosis or a child's name: it says that something
changed and carries a sign-in link, made as the message is sent.
"""
from ..data.vocabulary import main_topics
from ..settings import municipality


def _name(default="kommunen"):
    return municipality().get("name", default) or default


def link_subject():
    return f"Dit link til Familieportalen – {municipality().get('name', '')}".strip(" –")


def link_message(url, minutes):
    """A sign-in link, asked for or sent by staff."""
    name = _name()
    valid = f"{minutes // 60} timer" if minutes >= 120 else f"{minutes} minutter"
    return (
        f"Hej\n\n"
        f"Her er dit link til Familieportalen fra {name}:\n{url}\n\n"
        f"Linket virker i {valid} og kun én gang.\n"
        f"Har du ikke bedt om det, kan du se bort fra denne besked.\n\n"
        f"Vi spørger aldrig om din adgangskode.\n"
        f"Venlig hilsen\n{name}"
    )


def case_closed(retention_days):
    """(subject, body): the last message to a parent of a closed case: where their information is now, whom to ask."""
    m = municipality()
    name = m.get("name", "kommunen")
    contact = ", ".join(part for part in (m.get("department"), m.get("phone_display") and f"telefon {m['phone_display']}",
                                          m.get("email")) if part)
    body = (
        f"Hej\n\n"
        f"Din sag i Familieportalen er lukket, og du kan ikke længere logge ind.\n"
        f"Dine oplysninger findes nu i kommunens sagssystem.\n"
        f"Om {retention_days} dage sletter vi dem fra Familieportalen.\n\n"
        f"Har du spørgsmål, så kontakt {name}" + (f": {contact}" if contact else "") + ".\n\n"
        f"Venlig hilsen\n{name}"
    )
    return f"Din sag i Familieportalen er lukket – {municipality().get('name', '')}".strip(" –"), body


def cannot_come(url):
    """(subject, body): the e-mail to a coordinator when a parent cannot come: no names, times, places or reasons."""
    body = (
        f"Hej\n\n"
        f"En forælder har svaret \"kan ikke komme\" til et møde i Familieportalen.\n"
        f"Se svaret her (du skal logge ind):\n{url}\n\n"
        f"Venlig hilsen\nFamilieportalen, {_name()}"
    )
    return "Svar på et møde i Familieportalen", body


def meeting_changed(url):
    """(subject, body): a meeting a professional is called to moved or was cancelled: no names, times, places."""
    body = (
        f"Hej\n\n"
        f"Et møde, du er kaldt til i Familieportalen, er flyttet eller aflyst.\n"
        f"Log ind og se det her. Er det flyttet, så svar igen:\n{url}\n\n"
        f"Venlig hilsen\nFamilieportalen, {_name()}"
    )
    return "Et møde er ændret i Familieportalen", body


def call_reminder(url):
    """(subject, body): a called professional has not answered a meeting call: no names, times, places."""
    body = (
        f"Hej\n\n"
        f"Du har et mødekald i Familieportalen, som du ikke har svaret på.\n"
        f"Log ind og svar her:\n{url}\n\n"
        f"Venlig hilsen\nFamilieportalen, {_name()}"
    )
    return "Du har et mødekald i Familieportalen", body


def plan_overdue(url):
    """(subject, body): the e-mail to a professional whose plan items are past their date: no family, no item."""
    body = (
        f"Hej\n\n"
        f"Du har en opgave i Familieportalen, som er over tiden.\n"
        f"Se den her (du skal logge ind):\n{url}\n\n"
        f"Venlig hilsen\nFamilieportalen, {_name()}"
    )
    return "En opgave er over tiden i Familieportalen", body


def handover_declined(url):
    """(subject, body): whoever asked someone to take over plan items hears they said no: no names, no items."""
    body = (
        f"Hej\n\n"
        f"En fagperson har sagt nej til at overtage en opgave i Familieportalen.\n"
        f"Opgaven er stadig din, indtil en anden overtager den.\n"
        f"Se svaret her (du skal logge ind):\n{url}\n\n"
        f"Venlig hilsen\nFamilieportalen, {_name()}"
    )
    return "Svar på en overdragelse i Familieportalen", body


# What changed, by the notice topics of data.vocabulary.EVENT_KINDS; several topics at once give the general line.
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
# Added to the first notice after a meeting the parent took part in (data/reads/verdicts.ask_in_notice).
VERDICT_LINE = "Fortæl os, hvordan mødet var."


def notice(kind, topics, url, hours=72, ask_verdict=False):
    """(subject, body) of a notice: kind "changes" with its topics, or "reminder", with its sign-in link.

    ask_verdict adds a line that asks how a meeting went (it names no meeting).
    """
    name = municipality().get("name", "") or "Familieportalen"
    if kind == "reminder":
        line = REMINDER_LINE
        subject = "Påmindelse fra Familieportalen"
    else:
        named = main_topics(topics)
        line = TOPIC_LINES.get(named[0], GENERAL_LINE) if len(named) == 1 else GENERAL_LINE
        subject = "Nyt i Familieportalen"
    body = (f"{line}\nSe det her: {url}\n"
            + (f"{VERDICT_LINE}\n" if ask_verdict else "") +
            f"Linket virker i {hours} timer og kun én gang.\n"
            f"Hilsen {name}")
    return f"{subject} – {name}", body
