"""The test persons of the fake NemLog-in: the demo's parents who can sign in, and a few more.

Each has a fixed pseudonym, in the form NemLog-in sends as the persistent
NameID (OIOSAML 3), so a binding made in one run still holds in the next, and
a fictional CPR number (or none). The portal must never meet these in
production; the fake IdP that sends them is refused there.
"""
import uuid
from dataclasses import dataclass

PSEUDONYM_PREFIX = "https://data.gov.dk/model/core/eid/person/uuid/"


@dataclass(frozen=True)
class TestPerson:
    key: str  # short and stable: the form field's value, and what tests name a person by
    first_name: str
    last_name: str
    cpr: str | None  # fictional; None for a person without a CPR number
    note: str = ""  # shown beside the name on the test page

    @property
    def name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def pseudonym(self):
        """The persistent NameID: a UUID made from the name, the same in every run."""
        made = uuid.uuid5(uuid.NAMESPACE_URL, f"https://familieportalen.invalid/demo/{self.name}")
        return PSEUDONYM_PREFIX + str(made)


PERSONS = (
    TestPerson("sara-holm", "Sara", "Holm", "1203854128", "mor i Familien Holm"),
    TestPerson("thomas-holm", "Thomas", "Holm", "0507824317", "far i Familien Holm"),
    TestPerson("nadia-yilmaz", "Nadia", "Yilmaz", "2811894236", "mor i Familien Yilmaz Andersen"),
    TestPerson("martin-andersen", "Martin", "Andersen", "1609874451", "far i Familien Yilmaz Andersen"),
    TestPerson("lene-nielsen", "Lene", "Nielsen", "0304914362", "mor i Familien Nielsen"),
    TestPerson("ny-person", "En ny", "person", "2202934519", "ikke kendt i portalen"),
    TestPerson("uden-cpr", "Amal", "Haddad", None, "uden CPR-nummer"),
)


def person(key_or_name):
    """The test person with this key ("sara-holm") or name ("Sara Holm")."""
    for candidate in PERSONS:
        if key_or_name in (candidate.key, candidate.name):
            return candidate
    raise KeyError(key_or_name)
