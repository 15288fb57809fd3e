"""Generate a fictional, Copenhagen-scale Familieportalen database for benchmarks.

    python bench/generate.py --families 5000 --out bench/out/copenhagen.db

Per family by default: 2 parents (in one family of 12 they live apart and one
parent's address is protected), 1-3 children, 4-7 people involved, 10 meetings
(published; past ones held, with summaries and action points; future ones
planned, some drafts; one in ten cancelled; some moved; agenda points from
parents), 20 goals with 0-10 scores and notes, 8 plan items (kinds, who is
responsible, some due dates passed), 3 plan updates, consents with who gave them,
and the family_events (with their audit lines) that the writes in
portal/data/changes would have left, spread over the family's months. One
coordinator per 30 families (every tenth is away, covered by the next), a few
admins; what each coordinator has already seen of each family, and each
parent's previous visit.

The output is deterministic for a given --seed and --anchor-date (everything is
placed around the anchor date, which defaults to today). Each family's content
comes from its own random stream, seeded by (seed, family number), so family 1
is the same whatever --families is. The schema is the project's own: the real
migrations are applied first; rows are written with plain INSERTs, with the
schema's triggers set aside during the load and put back, unchanged, after it.
"""
import argparse
import hashlib
import json
import operator
import os
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from portal.data.db import connect, migrate  # noqa: E402
from portal.data.migrations import rebuild_result_summaries  # noqa: E402

# Bump when the generated data changes shape, so stale databases are rebuilt.
GENERATOR_VERSION = 4  # 4: professionals and their involvements (m025)
META_TABLE = "bench_generated"
LOCAL = ZoneInfo("Europe/Copenhagen")

FIRST_NAMES_FEMALE = [
    "Sara", "Mette", "Anne", "Louise", "Camilla", "Maria", "Julie", "Sofie", "Line", "Nanna",
    "Ida", "Emma", "Katrine", "Signe", "Cecilie", "Maja", "Fatima", "Aisha", "Zeynep", "Agnieszka",
    "Hanne", "Trine", "Pernille", "Rikke", "Amalie", "Nadia", "Leyla", "Marianne",
]
FIRST_NAMES_MALE = [
    "Thomas", "Mads", "Jonas", "Rasmus", "Mikkel", "Anders", "Martin", "Kasper", "Jesper", "Peter",
    "Lars", "Morten", "Christian", "Søren", "Nikolaj", "Mohammed", "Ali", "Omar", "Emre", "Piotr",
    "Henrik", "Frederik", "Jakob", "Simon", "Ahmad", "Bo",
]
CHILD_NAMES = [
    "Emil", "Alma", "Noah", "Ella", "William", "Freja", "Oscar", "Karla", "Lucas", "Agnes",
    "Victor", "Clara", "Alfred", "Olivia", "Carl", "Ida", "Malthe", "Asta", "Aksel", "Vigga",
    "Yusuf", "Zainab", "Elias", "Lea", "Storm", "Luna", "Adam", "Esther", "Bertram", "Liva",
]
SURNAMES = [
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen",
    "Johansen", "Møller", "Mortensen", "Holm", "Kjær", "Lund", "Dahl", "Bech", "Skov", "Østergaard",
    "Hassan", "Ahmed", "Yilmaz", "Nowak", "Ali", "Khan", "Berg", "Friis", "Krogh", "Lind",
]
DISTRICTS = [
    "Nørrebro", "Vesterbro", "Østerbro", "Amager Øst", "Amager Vest", "Valby", "Vanløse",
    "Brønshøj-Husum", "Bispebjerg", "Sydhavn", "Indre By",
]
STREETS = [
    "Blågårdsgade", "Istedgade", "Jagtvej", "Amagerbrogade", "Valby Langgade", "Frederikssundsvej",
    "Tagensvej", "Mozartsvej", "Enghavevej", "Sønder Boulevard", "Husumvej", "Nørrebrogade",
]
# (role, organisation) of professionals a family may meet.
PROFESSIONALS = [
    ("Sagsbehandler", "Børne- og Ungdomsforvaltningen, Borgercenter Børn og Unge"),
    ("Klasselærer", "{district} Skole"),
    ("Psykolog", "PPR – Pædagogisk Psykologisk Rådgivning"),
    ("Sundhedsplejerske", "Sundhedsplejen {district}"),
    ("Jobkonsulent", "Jobcenter København"),
    ("Familiebehandler", "Familiehuset {district}"),
    ("Pædagog", "Børnehaven {street}"),
    ("Socialrådgiver", "Socialforvaltningen, Handicapcenter"),
    ("Læge", "Lægehuset {street}"),
    ("Kontaktperson", "Ungecenter København"),
    ("Børne- og ungdomspsykiater", "Børne- og Ungdomspsykiatrisk Center"),
]
# Meeting kinds with weights: network meetings and follow-ups are the most common.
MEETING_KINDS = ["network"] * 3 + ["follow_up"] * 3 + ["conversation"] * 2 + ["home_visit"] * 2 + ["professionals"]
MEETING_PURPOSES = [
    "Vi ser på jeres plan sammen. Hvad går godt? Hvad skal der ske nu?",
    "Hvordan går det for {child} i skolen?",
    "En snak om morgenerne og hvad der kan gøre dem lettere.",
    "Vi følger op på målene fra sidste møde.",
    "Hvem gør hvad de næste tre måneder?",
    "{child} – status fra børnehaven og hjemmet.",
    "Vi taler om aflastning i weekenderne.",
    "En snak om praktik og hverdagen derhjemme.",
]
CANCEL_REASONS = [
    "Mødet er aflyst på grund af sygdom. I får en ny tid.",
    "Vi flytter mødet. Din kontaktperson ringer til dig.",
]
SUMMARY_GOING_WELL = [
    "{child} er glad for sin klasse og har fået en ven.",
    "Morgenerne er blevet roligere. I kommer oftere ud af døren til tiden.",
    "I hjælper hinanden om aftenen, og {child} sover bedre.",
    "{child} kommer i skole næsten hver dag.",
]
SUMMARY_WORRIES = [
    "{child} er tit alene i frikvarteret.",
    "Økonomien fylder meget, og regningerne hober sig op.",
    "{child} sover dårligt og er træt i skolen.",
    "Det er svært at nå det hele, når der kun er én voksen hjemme.",
]
SUMMARY_NEXT = [
    "Familiebehandleren kommer hjem til jer hver uge.\nSkolen giver besked, hvis {child} er fraværende.",
    "PPR ser på, hvordan {child} har det i skolen.\nVi mødes igen om tre måneder.",
    "Jobcentret ringer til jer om praktik.\nI søger om aflastning.",
]
# (what, kind) of plan items (indsatser).
PLAN_ITEMS = [
    ("Familiebehandling hjemme: gode morgenrutiner", "family_support"),
    ("Støtte til {child} i klassen og i frikvarteret", "school"),
    ("Undersøgelse af {child}s trivsel", "assessment"),
    ("Samtaler med psykolog for {child}", "treatment"),
    ("Aflastning en weekend om måneden", "respite"),
    ("Afklaring af praktik", "employment"),
    ("Hjælp til at lægge et budget", "employment"),
    ("Fritidsaktivitet for {child}", "leisure"),
    ("Sundhedsplejerske: råd om søvn", "health"),
    ("Plads i børnehave til {child}", "other"),
    ("Forældrekursus", "family_support"),
    ("Støttepædagog i børnehaven", "school"),
    ("Kontaktperson til {child}", "family_support"),
    ("Udredning på børne- og ungdomspsykiatrisk", "assessment"),
]
PLAN_WHEN = ["Hver tirsdag kl. 7–9", "Hver skoledag", "En gang om måneden", "Fra januar", "Inden næste netværksmøde",
             "Hver anden uge", "Efter sommerferien", None]
PLAN_STATUSES = ["planned"] * 3 + ["active"] * 4 + ["done"] * 2 + ["stopped"]
UPDATE_BODIES = [
    "**Status efter netværksmødet**\n\nVi har aftalt, hvem der gør hvad:\n\n- {person} kommer hver uge.\n"
    "- Skolen giver besked, hvis {child} er fraværende.\n\nRing gerne, hvis noget er svært.",
    "Kort nyt: **aflastningen** er bevilget fra næste måned. {person} ringer til jer om de praktiske ting.",
    "Vi har fået svar fra PPR. Undersøgelsen af {child} er *færdig*, og vi taler om den på næste møde.\n\n"
    "Læs mere om jeres rettigheder på [kommunens side](https://www.kk.dk/).",
    "Planen er opdateret:\n\n1. Familiebehandlingen fortsætter.\n2. {child} starter til fodbold.\n"
    "3. Vi mødes igen efter jul.",
]
AGENDA_TEXTS = [
    "Hvordan kan {child} få en god start på skoledagen, når morgenerne er svære?",
    "Jeg vil gerne tale om weekenderne.",
    "Kan vi få hjælp til transport til fritidsaktiviteten?",
    "Jeg er bekymret for {child}s søvn.",
    "Hvem skal jeg ringe til, hvis skolen ikke svarer?",
]
SCORE_NOTES = [None, None, "Det går bedre end sidst.", "{child} har haft en svær periode.", "Lidt fremgang."]
GOAL_COMMENTS = ["Det arbejder vi videre med til næste møde.", "Familiebehandleren hjælper jer med det.",
                 "Godt skrevet. Lad os tale om det på mødet."]
CONSENT_TEXTS = [
    ("Oplysninger om {child}s trivsel og skolegang", "Skolen, PPR og Børn og Familie",
     "Så skolen og PPR kan hjælpe {child} på samme måde."),
    ("Oplysninger om helbred", "Egen læge og Jobcenter København", "Til at planlægge praktik."),
    ("Oplysninger om {child}s udvikling", "Sundhedsplejen og børnehaven", "Så alle ved, hvad {child} har brug for."),
]
CRISIS_CENTRE = ("Rådgiver", "Krisecentret København")
FLUSH_EVERY = 1000  # families held in memory before their rows are written
GOAL_STATUSES = ["active"] * 6 + ["reached"] * 3 + ["paused"]
SPLIT_FAMILY_SHARE = 1 / 12  # parents live apart; one has a protected address
HANDOVER_SHARE = 0.02  # families handed to a new contact person in the last weeks
GOAL_TEXTS = [
    "{child} skal have det godt i skolen og have en ven at lege med i frikvarteret.",
    "Vi vil have roligere morgener, så vi kommer ud af døren uden at råbe.",
    "Jeg vil gerne i praktik, når {child} er faldet til i børnehaven.",
    "{child} skal sove i sin egen seng hele natten.",
    "Vi vil spise aftensmad sammen mindst fire dage om ugen.",
    "Jeg vil have styr på økonomien, så regningerne bliver betalt til tiden.",
    "{child} skal komme i skole hver dag i en hel måned.",
    "Vi vil have én fast dag om ugen, hvor vi laver noget sjovt sammen 🙂",
    "Jeg vil lære at sige fra, når jeg har brug for en pause.",
    "{child} skal kunne sove hos mormor en weekend om måneden.",
    "Vi vil have færre møder og vide, hvem der gør hvad.",
    "Jeg vil gå til lægen med mine søvnproblemer.",
    "{child} skal have en fritidsaktivitet, som hun eller han glæder sig til.",
    "Vi vil tale pænt til hinanden, også når vi er uenige.\nDet skal børnene kunne mærke.",
]


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=5000, help="number of families (default 5000)")
    parser.add_argument("--out", required=True, help="path of the database to write (replaced)")
    parser.add_argument("--parents-per-family", type=int, default=2)
    parser.add_argument("--meetings-per-family", type=int, default=10)
    parser.add_argument("--goals-per-family", type=int, default=20)
    parser.add_argument("--plan-items-per-family", type=int, default=8)
    parser.add_argument("--updates-per-family", type=int, default=3)
    parser.add_argument("--families-per-coordinator", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--anchor-date", default=None, help="YYYY-MM-DD that everything is placed around (default today)")
    return parser.parse_args()


def params_for(families, *, parents_per_family=2, meetings_per_family=10, goals_per_family=20,
               plan_items_per_family=8, updates_per_family=3, families_per_coordinator=30, seed=2026,
               anchor_date=None):
    """The parameters that fully determine a generated database."""
    return {
        "generator_version": GENERATOR_VERSION,
        "families": families,
        "parents_per_family": parents_per_family,
        "meetings_per_family": meetings_per_family,
        "goals_per_family": goals_per_family,
        "plan_items_per_family": plan_items_per_family,
        "updates_per_family": updates_per_family,
        "families_per_coordinator": families_per_coordinator,
        "seed": seed,
        "anchor_date": anchor_date or date.today().isoformat(),
    }


def read_params(path):
    """The parameters a database at `path` was generated with, or None."""
    if not Path(path).exists():
        return None
    db = connect(path)
    try:
        if META_TABLE not in db.table_names():
            return None
        row = next(db[META_TABLE].rows, None)
        return json.loads(row["params"]) if row else None
    finally:
        db.conn.close()


def _utc_text(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_DAYS = {}


def _day(anchor, days):
    """(date text, UTC offset in hours) of the day `days` from the anchor, cached: the
    generator asks for a few hundred thousand times of a few hundred days."""
    key = (anchor, days)
    if key not in _DAYS:
        day = anchor + timedelta(days=days)
        noon = datetime.combine(day, clock(12), tzinfo=LOCAL)
        _DAYS[key] = (day.isoformat(), int(noon.utcoffset().total_seconds()) // 3600)
    return _DAYS[key]


def _day_text(anchor, days):
    return _day(anchor, days)[0]


def _at_text(anchor, days, hour, minute):
    """Copenhagen wall-clock time as stored: what _utc_text gives for hours 3-23 (no date change in UTC)."""
    text, offset = _day(anchor, days)
    return f"{text}T{hour - offset:02d}:{minute:02d}:00Z"


def coordinator_count(families, families_per_coordinator):
    return max(1, -(-families // families_per_coordinator))


def coordinator_of(number, families_per_coordinator):
    """The coordinator (staff id) of family `number` (1-based)."""
    return (number - 1) // families_per_coordinator + 1


def is_away(staff_id, coordinators):
    """Every tenth coordinator is away, covered by the next one."""
    return staff_id % 10 == 0 and staff_id < coordinators


class _Ids:
    """Hand out primary keys, so rows can refer to each other before insert."""

    def __init__(self):
        self.next = {}

    def __call__(self, table):
        value = self.next.get(table, 1)
        self.next[table] = value + 1
        return value


def _session_hash(seed, kind, user_id):
    # An ended session from before the benchmark: no cookie can ever match it.
    return hashlib.sha256(f"bench-session:{seed}:{kind}:{user_id}".encode()).hexdigest()


def _staff_rows(count, coordinators, anchor, seed, out):
    rng = random.Random(f"staff:{count}")
    created_at = _utc_text(datetime.combine(anchor - timedelta(days=900), clock(9), tzinfo=LOCAL))
    for staff_id in range(1, count + 1):
        female = rng.random() < 0.7
        first = rng.choice(FIRST_NAMES_FEMALE if female else FIRST_NAMES_MALE)
        last = rng.choice(SURNAMES)
        is_coordinator = staff_id <= coordinators
        away = is_coordinator and is_away(staff_id, coordinators)
        out["staff"].append({
            "id": staff_id,
            "name": f"{first} {last}",
            "title": "Familiekoordinator" if is_coordinator else "Afdelingsleder",
            "department": rng.choice(["Børn og Familie", "Handicap og Familie", "Familiecenter København"]),
            "email": f"{first}.{last}.{staff_id}@bench-kommune.dk".lower().replace(" ", ""),
            "phone": f"+45 33 {staff_id // 100 % 100:02d} {staff_id % 100:02d} {rng.randint(10, 99)}",
            "reachable": rng.choice(["Mandag–fredag kl. 9–12", "Mandag–torsdag kl. 8.30–10 og efter aftale",
                                     "Tirsdag og torsdag kl. 12–14"]),
            "role": "coordinator" if is_coordinator else "admin",
            "covered_by_id": staff_id + 1 if away else None,
            "away_until": (anchor + timedelta(days=14)).isoformat() if away else None,
            "created_at": created_at,
        })
        # Yesterday's session, ended.
        seen = datetime.combine(anchor - timedelta(days=1), clock(15, rng.randint(0, 59)), tzinfo=LOCAL)
        out["sessions"].append({
            "id_hash": _session_hash(seed, "staff", staff_id), "user_kind": "staff", "user_id": staff_id,
            "created_at": _utc_text(seen - timedelta(hours=6)), "last_seen_at": _utc_text(seen),
            "ended_at": _utc_text(seen + timedelta(minutes=30)),
        })


# One professional (a PPR psychologist) involved in this many families spread evenly over the database, each
# consent "Alle ..." covering their organisation: "Mine familier" for them is the same page at any scale.
PROFESSIONAL_FAMILIES = 40
PROFESSIONAL_EMAIL = "bench.fagperson@example.dk"
PROFESSIONAL_ORGANISATION = "PPR Bench"


def _bench_professional(ids, families, anchor, out):
    """(id, family numbers) of the benchmark's professional in many families."""
    professional_id = ids("people_involved")
    out["professionals"].append({
        "id": professional_id, "name": "Bench Fagperson", "phone": "+45 70 00 00 40", "email": PROFESSIONAL_EMAIL,
        "organisation": PROFESSIONAL_ORGANISATION, "active": 1,
        "created_at": _utc_text(datetime.combine(anchor - timedelta(days=900), clock(9), tzinfo=LOCAL)), "version": 0,
    })
    count = min(PROFESSIONAL_FAMILIES, families)
    return professional_id, {int(i * families / count) + 1 for i in range(count)}


class _Family:
    """One family's rows, and the events its writes would have left, from its own random stream.

    Times are days relative to the anchor date (negative: before it) at a working
    hour; everything that has happened happened on a day before the anchor.
    """

    def __init__(self, number, p, ids, anchor, staff, out):
        self.rng = random.Random(f"{p['seed']}:{number}")
        self.p, self.ids, self.anchor, self.out = p, ids, anchor, out
        self.number = number
        self.coordinator = coordinator_of(number, p["families_per_coordinator"])
        self.staff = staff  # {"coordinators": n, "admin": id}
        self.events = []
        self.sort_order = 0

    # --- time -----------------------------------------------------------------

    def int(self, low, high):
        """self.int(low, high), several times faster (a million calls per 5,000 families)."""
        return low + int(self.rng.random() * (high - low + 1))

    def day(self, days):
        return _day_text(self.anchor, days)

    def moment(self, days, hour=None, minute=None):
        hour = self.int(8, 16) if hour is None else hour
        minute = self.int(0, 59) if minute is None else minute
        return datetime.combine(self.anchor + timedelta(days=days), clock(hour, minute), tzinfo=LOCAL)

    def at(self, days, hour=None, minute=None):
        """A moment of a working day `days` from the anchor, as stored (UTC text)."""
        hour = self.int(8, 16) if hour is None else hour
        minute = self.int(0, 59) if minute is None else minute
        return _at_text(self.anchor, days, hour, minute)

    def some_day(self, first, last=-1):
        """A day in [first, last], never after yesterday; None if there is none."""
        last = min(last, -1)
        return self.int(first, last) if first <= last else None

    # --- the family's story -----------------------------------------------------

    def event(self, at, kind, item_kind, item_id, *, actor=("staff", None), for_family=True, **detail):
        """The family event that portal.data.changes' record() leaves (its audit line is left out:
        only the admin's audit pages read audit_log, and no benchmark measures them)."""
        actor_kind, actor_id = actor
        if actor_kind == "staff" and actor_id is None:
            actor_id = self.coordinator
        self.events.append({
            "at": at, "kind": kind, "item_kind": item_kind, "item_id": item_id, "actor_kind": actor_kind,
            "actor_id": actor_id, "for_family": int(for_family), "detail": detail,
        })

    def hide(self, item_kind, item_id, parent_id):
        self.out["hidden_from_parents"].append({"id": self.ids("hidden_from_parents"), "family_id": self.family_id,
                                                "item_kind": item_kind, "item_id": item_id, "parent_id": parent_id})

    def build(self):
        rng = self.rng
        self.surname = rng.choice(SURNAMES)
        self.district = rng.choice(DISTRICTS)
        self.street = rng.choice(STREETS)
        self.start = -self.int(200, 730)  # when the family started, in days
        self.family_id = self.ids("families")
        self.family_row = {"id": self.family_id, "name": f"Familien {self.surname}",
                           "coordinator_id": self.coordinator, "created_at": self.at(self.start)}
        self.out["families"].append(self.family_row)
        self.event(self.family_row["created_at"], "family.created", "family", self.family_id, for_family=False)
        self.split = self.p["parents_per_family"] >= 2 and rng.random() < SPLIT_FAMILY_SHARE
        self.members()
        self.people()
        self.consents()
        self.goals()
        self.meetings()
        self.plan()
        self.updates()
        if rng.random() < HANDOVER_SHARE:
            self.handover()
        self.finish()

    def members(self):
        rng, out = self.rng, self.out
        created_at = self.family_row["created_at"]
        self.parent_ids = []
        for index in range(self.p["parents_per_family"]):
            female = index == 0 if rng.random() < 0.85 else index != 0
            first = rng.choice(FIRST_NAMES_FEMALE if female else FIRST_NAMES_MALE)
            parent_id = self.ids("parents")
            self.parent_ids.append(parent_id)
            protected = self.split and index == 0
            out["parents"].append({
                "id": parent_id, "family_id": self.family_id, "name": f"{first} {self.surname}",
                "relation": "mor" if female else "far",
                "email": f"{first}.{self.surname}.{parent_id}@example.dk".lower(),
                "phone": f"+45{20000000 + parent_id * 7 % 79999999}",
                "can_sign_in": 1, "created_at": created_at,
                "custody": 0 if self.split and index > 0 and rng.random() < 0.3 else 1,
                "protected": int(protected),
                "address": f"{rng.choice(STREETS)} {self.int(1, 120)}, København" if self.split else None,
            })
            self.event(created_at, "parent.added", "parent", parent_id, for_family=False)
            # Most parents have been here before: "Nyt siden sidst" counts from then.
            if rng.random() < 0.7:
                seen = self.moment(-self.int(1, 45), self.int(7, 22))
                out["sessions"].append({
                    "id_hash": _session_hash(self.p["seed"], "parent", parent_id), "user_kind": "parent",
                    "user_id": parent_id, "created_at": _utc_text(seen - timedelta(minutes=5)),
                    "last_seen_at": _utc_text(seen), "ended_at": _utc_text(seen + timedelta(minutes=30)),
                })
        # In a split family: the parent whose address is protected, and the other one.
        self.protected_parent = self.parent_ids[0] if self.split else None
        self.other_parent = self.parent_ids[1] if self.split else None

        self.child_ids, self.child_names = [], []
        for _ in range(rng.choice([1, 1, 2, 2, 2, 3])):
            child_id = self.ids("children")
            name = rng.choice(CHILD_NAMES)
            self.child_ids.append(child_id)
            self.child_names.append(name)
            out["children"].append({"id": child_id, "family_id": self.family_id, "first_name": name,
                                    "birth_year": self.anchor.year - self.int(0, 17)})
            self.event(created_at, "child.added", "child", child_id, for_family=False)

    def child(self):
        return self.rng.choice(self.child_names)

    def people(self):
        rng = self.rng
        self.person_ids = []
        chosen = [(role, organisation.format(district=self.district, street=self.street))
                  for role, organisation in rng.sample(PROFESSIONALS, self.int(4, 7))]
        self.crisis_person = None
        self.organisations = {organisation for _role, organisation in chosen}
        professional_id, numbers = self.staff["professional"]
        if self.number in numbers:
            person_id = self.ids("people_involved")
            self.out["people_involved"].append({
                "id": person_id, "family_id": self.family_id, "professional_id": professional_id,
                "role": "Psykolog", "organisation": PROFESSIONAL_ORGANISATION, "started_on": self.day(self.start),
                "scope": "family", "show_contact": 1, "removed_at": None,
            })
            self.organisations.add(PROFESSIONAL_ORGANISATION)
            self.person_ids.append(person_id)
        if self.split:
            chosen.append(CRISIS_CENTRE)
            self.organisations.add(CRISIS_CENTRE[1])
        for role, organisation in chosen:
            first = rng.choice(FIRST_NAMES_FEMALE + FIRST_NAMES_MALE)
            person_id = self.ids("people_involved")
            # Each involvement its own professional here (same id); professionals in many families: see below.
            self.out["professionals"].append({
                "id": person_id, "name": f"{first} {rng.choice(SURNAMES)}",
                "phone": f"+45 70 {self.int(10, 99)} {self.int(10, 99)} {self.int(10, 99)}",
                "email": f"{first.lower()}.{person_id}@{'kk.dk' if rng.random() < 0.7 else 'example.dk'}",
                "organisation": organisation, "active": 1, "created_at": self.at(self.start), "version": 0,
            })
            self.out["people_involved"].append({
                "id": person_id, "family_id": self.family_id, "professional_id": person_id,
                "role": role, "organisation": organisation, "started_on": self.day(self.start), "scope": "family",
                "show_contact": int(rng.random() < 0.6), "removed_at": None,
            })
            self.event(self.at(self.start + self.int(0, 14)), "person.added", "person", person_id)
            if (role, organisation) == CRISIS_CENTRE:
                # Only the parent with the protected address may know of the crisis centre.
                self.crisis_person = person_id
                self.hide("person", person_id, self.other_parent)
            else:
                self.person_ids.append(person_id)

    def consents(self):
        rng, out = self.rng, self.out
        # The written consent to share at network meetings, from every parent: in force today.
        given = self.some_day(self.start + 5, self.start + 40)
        self._consent(given, self.parent_ids, network=True,
                      expires=None if rng.random() < 0.6 else self.day(self.int(30, 400)),
                      texts=("Oplysninger om familiens hverdag og behov for støtte",
                             "Alle, der deltager i netværksmøderne",
                             "Så alle kender jeres plan og ved, hvem der gør hvad."))
        # "Alle, der deltager i netværksmøderne" covers every organisation of the family (as m025 reads it).
        for organisation in sorted(self.organisations):
            out["consent_organisations"].append({"consent_id": out["consents"][-1]["id"], "organisation": organisation})
        for _ in range(self.int(0, 2)):
            given = self.some_day(self.start + 5, -5)
            information, between, purpose = rng.choice(CONSENT_TEXTS)
            child = self.child()
            expires = self.day(given + self.int(60, 120)) if rng.random() < 0.2 else None
            consent_id = self._consent(given, [rng.choice(self.parent_ids)], network=False, expires=expires,
                                       texts=(information.format(child=child), between, purpose.format(child=child)))
            if rng.random() < 0.25:
                withdrawn = self.some_day(given + 1)
                if withdrawn is not None:
                    row = out["consents"][-1]
                    row["withdrawn_on"] = self.day(withdrawn)
                    row["withdrawn_reason"] = "Jeg vil selv tale med dem." if rng.random() < 0.5 else None
                    row["version"] = 1
                    self.event(self.at(withdrawn), "consent.withdrawn", "consent", consent_id)

    def _consent(self, given, parent_ids, *, network, expires, texts):
        consent_id = self.ids("consents")
        created_at = self.at(given)
        information, between, purpose = texts
        self.out["consents"].append({
            "id": consent_id, "family_id": self.family_id, "shared_between": between, "information": information,
            "purpose": purpose, "given_on": self.day(given), "expires_on": expires, "withdrawn_on": None,
            "created_at": created_at, "version": 0, "network_meetings": int(network), "written": 1,
            "withdrawn_reason": None,
        })
        for parent_id in parent_ids:
            self.out["consent_givers"].append({"id": self.ids("consent_givers"), "consent_id": consent_id,
                                               "parent_id": parent_id})
        self.event(created_at, "consent.recorded", "consent", consent_id)
        return consent_id

    def goals(self):
        rng, out = self.rng, self.out
        self.goal_ids = []
        for _ in range(self.p["goals_per_family"]):
            by_parent = rng.random() < 0.6
            target = rng.random()
            created = self.some_day(self.start + 1)
            created_at = self.at(created)
            goal_id = self.ids("goals")
            self.goal_ids.append(goal_id)
            writer = rng.choice(self.parent_ids) if by_parent else None
            status = rng.choice(GOAL_STATUSES)
            row = {
                "id": goal_id, "family_id": self.family_id,
                "text": rng.choice(GOAL_TEXTS).format(child=self.child()),
                "written_by_parent_id": writer,
                "written_by_staff_id": None if by_parent else self.coordinator,
                "for_child_id": rng.choice(self.child_ids) if target < 0.45 else None,
                "for_parent_id": rng.choice(self.parent_ids) if 0.45 <= target < 0.65 else None,
                "status": status, "created_at": created_at, "version": 0, "updated_at": created_at,
            }
            out["goals"].append(row)
            self.event(created_at, "goal.added", "goal", goal_id,
                       actor=("parent", writer) if by_parent else ("staff", None))
            # Followed up on the 0-10 scale at meetings since.
            if status != "paused":
                score = self.int(1, 5)
                days = sorted(self.int(created + 7, -1) for _ in range(rng.choice([0, 0, 1, 2, 3, 4]))
                              if created + 7 <= -1)
                for noted in days:
                    score = max(0, min(10, score + self.int(-1, 3)))
                    note = rng.choice(SCORE_NOTES)
                    noted_at = self.at(noted)
                    out["goal_scores"].append({
                        "id": self.ids("goal_scores"), "goal_id": goal_id, "score": score,
                        "noted_on": self.day(noted), "noted_by_staff_id": self.coordinator, "created_at": noted_at,
                        "note": note.format(child=self.child()) if note else None,
                    })
                    self.event(noted_at, "goal.scored", "goal", goal_id, score=score)
            if status != "active":
                changed = self.some_day(created + 30)
                if changed is None:
                    row["status"] = "active"
                else:
                    changed_at = self.at(changed)
                    row.update(updated_at=changed_at, version=1)
                    out["goal_notes"].append({
                        "id": self.ids("goal_notes"), "goal_id": goal_id, "text": None, "status_from": "active",
                        "status_to": status, "written_by_staff_id": self.coordinator, "created_at": changed_at,
                    })
                    self.event(changed_at, "goal.status_changed", "goal", goal_id, status=status)
            if rng.random() < 0.1:
                commented = self.some_day(created)
                if commented is not None:
                    commented_at = self.at(commented)
                    out["goal_notes"].append({
                        "id": self.ids("goal_notes"), "goal_id": goal_id, "text": rng.choice(GOAL_COMMENTS),
                        "status_from": None, "status_to": None, "written_by_staff_id": self.coordinator,
                        "created_at": commented_at,
                    })
                    self.event(commented_at, "goal.commented", "goal", goal_id)

    def meetings(self):
        rng, out = self.rng, self.out
        for _ in range(self.p["meetings_per_family"]):
            meeting_id = self.ids("meetings")
            kind = rng.choice(MEETING_KINDS)
            days = self.int(-150, 120)
            while (self.anchor + timedelta(days=days)).weekday() >= 5:
                days += 1
            starts = self.moment(days, self.int(8, 15), rng.choice([0, 30]))
            past = days < 0
            cancelled = rng.random() < 0.1
            # Set up some weeks before (at the latest yesterday); a draft (future meetings only)
            # is not published yet.
            created = days - self.int(7, 45)
            if created > -1:
                created = -self.int(1, 40)
            created_at = self.at(created)
            draft = not past and not cancelled and rng.random() < 0.1
            # In a split family, some meetings are the protected parent's alone.
            hidden = self.split and kind in ("conversation", "home_visit") and rng.random() < 0.4
            row = {
                "id": meeting_id, "family_id": self.family_id, "kind": kind,
                "starts_at": _utc_text(starts),
                "ends_at": _utc_text(starts + timedelta(minutes=rng.choice([45, 60, 90]))),
                "place": "Hjemme hos jer" if kind == "home_visit" else f"{rng.choice(STREETS)} {self.int(1, 120)}, København",
                "purpose": rng.choice(MEETING_PURPOSES).format(child=self.child()),
                "status": "held" if past else "planned",
                "cancelled_reason": None, "created_at": created_at, "version": 0,
                "published_at": None if draft else created_at, "previous_starts_at": None,
                "updated_at": created_at,
                "protected_home_parent_id": self.protected_parent if self.split and kind == "home_visit" else None,
            }
            out["meetings"].append(row)
            if not draft:
                self.event(created_at, "meeting.published", "meeting", meeting_id)
            if hidden:
                self.hide("meeting", meeting_id, self.other_parent)

            parents = [pid for pid in self.parent_ids if not (hidden and pid == self.other_parent)]
            who = []
            if kind != "professionals":
                who = [("parent_id", pid) for pid in parents if rng.random() < 0.8] or [("parent_id", parents[0])]
            if kind in ("network", "professionals") or rng.random() < 0.3:
                who.append(("staff_id", self.coordinator))
            people = self.person_ids + ([self.crisis_person] if hidden else [])
            count = len(people) if kind == "network" else self.int(1, 3)
            who += [("person_involved_id", pid) for pid in rng.sample(people, min(count, len(people)))]
            # A network meeting names one participant responsible for follow-up.
            follow_up = rng.choice([w for w in who if w[0] != "parent_id"]) if kind == "network" else None
            for column, ref in who:
                participant = {"id": self.ids("meeting_participants"), "meeting_id": meeting_id,
                               "person_involved_id": None, "parent_id": None, "staff_id": None,
                               "follow_up": int((column, ref) == follow_up)}
                participant[column] = ref
                out["meeting_participants"].append(participant)

            if cancelled:
                when = self.some_day(created, days - 1)
                if when is not None:
                    row.update(status="cancelled", cancelled_reason=rng.choice(CANCEL_REASONS),
                               updated_at=self.at(when), version=1)
                    if not draft:
                        self.event(row["updated_at"], "meeting.cancelled", "meeting", meeting_id)
                    continue
            if not draft and rng.random() < 0.1:
                moved = self.some_day(created, days - 3)
                if moved is not None:
                    previous = starts - timedelta(days=self.int(2, min(14, days - moved)))
                    row.update(previous_starts_at=_utc_text(previous), updated_at=self.at(moved), version=1)
                    self.event(row["updated_at"], "meeting.moved", "meeting", meeting_id,
                               fields=["ends_at", "starts_at"])
            parent_takers = [ref for column, ref in who if column == "parent_id"]
            if not draft and parent_takers and rng.random() < 0.25:
                written = self.some_day(created, days - 1)
                if written is not None:
                    self._agenda_point(meeting_id, rng.choice(parent_takers), written)
            if past and kind != "professionals" and rng.random() < 0.7:
                self._summary(row, days, hidden)

    def _agenda_point(self, meeting_id, parent_id, written):
        point_id = self.ids("agenda_points")
        at = self.at(written)
        self.out["agenda_points"].append({
            "id": point_id, "meeting_id": meeting_id, "text": self.rng.choice(AGENDA_TEXTS).format(child=self.child()),
            "written_by_parent_id": parent_id, "written_by_staff_id": None, "created_at": at,
        })
        self.event(at, "agenda_point.added", "meeting", meeting_id, actor=("parent", parent_id),
                   agenda_point_id=point_id)

    def _summary(self, meeting, days, hidden):
        """A held meeting's summary, published a few days later; its action points joined the plan."""
        rng = self.rng
        written = days + self.int(1, 5)
        if written > -1:
            return
        at = self.at(written)
        child = self.child()
        self.out["meeting_summaries"].append({
            "id": self.ids("meeting_summaries"), "meeting_id": meeting["id"],
            "going_well": rng.choice(SUMMARY_GOING_WELL).format(child=child),
            "worries": rng.choice(SUMMARY_WORRIES).format(child=child),
            "next_steps": rng.choice(SUMMARY_NEXT).format(child=child),
            "written_by_staff_id": self.coordinator, "created_at": at, "updated_at": at, "published_at": at,
            "version": 1,
        })
        if meeting["kind"] in ("network", "follow_up"):
            for _ in range(self.int(1, 2)):
                item = self._plan_item(written, from_meeting=meeting["id"])
                if hidden:
                    self.hide("plan_item", item["id"], self.other_parent)
                self.out["action_points"].append({
                    "id": self.ids("action_points"), "meeting_id": meeting["id"], "what": item["what"],
                    "responsible_person_id": item["responsible_person_id"],
                    "responsible_family": item["responsible_family"], "due_on": item["due_on"],
                    "plan_item_id": item["id"], "created_at": at,
                })
        self.event(at, "meeting.summary_published", "meeting", meeting["id"])

    def _plan_item(self, created, *, from_meeting=None, what=None, kind=None, person=None):
        rng = self.rng
        text, random_kind = rng.choice(PLAN_ITEMS)
        kind = kind or random_kind
        by_family = person is None and rng.random() < 0.2
        person = None if by_family else (person or rng.choice(self.person_ids))
        status = rng.choice(PLAN_STATUSES)
        created_at = self.at(created)
        item = {
            "id": self.ids("plan_items"), "family_id": self.family_id,
            "what": what or text.format(child=self.child()), "responsible": None,
            "when_text": rng.choice(PLAN_WHEN), "status": status, "sort_order": self.sort_order,
            "created_at": created_at, "version": 0, "kind": kind,
            "responsible_person_id": person, "responsible_family": int(by_family),
            "goal_id": rng.choice(self.goal_ids) if self.goal_ids and rng.random() < 0.3 else None,
            "meeting_id": from_meeting,
            # Some have a date to be done by; running ones whose date has passed are overdue.
            "due_on": self.day(created + self.int(14, 120)) if rng.random() < 0.4 else None,
            "updated_at": created_at,
        }
        self.sort_order += 1
        self.out["plan_items"].append(item)
        self.event(created_at, "plan_item.added", "plan_item", item["id"],
                   **({"from_meeting": from_meeting} if from_meeting else {}))
        if status in ("done", "stopped"):
            ended = self.some_day(created + 14)
            if ended is None:
                item["status"] = "active"
            else:
                item.update(updated_at=self.at(ended), version=1)
                self.event(item["updated_at"], "plan_item.ended", "plan_item", item["id"], fields=["status"],
                           status=status)
        return item

    def plan(self):
        for _ in range(self.p["plan_items_per_family"]):
            self._plan_item(self.some_day(self.start + 10))
        if self.split:
            item = self._plan_item(self.some_day(self.start + 10), what="Samtaler om tryghed",
                                   kind="treatment", person=self.crisis_person)
            self.hide("plan_item", item["id"], self.other_parent)

    def updates(self):
        rng = self.rng
        for index in range(self.p["updates_per_family"]):
            created = self.some_day(max(self.start + 10, -200))
            created_at = self.at(created)
            draft = index == 0 and rng.random() < 0.1
            update_id = self.ids("plan_updates")
            self.out["plan_updates"].append({
                "id": update_id, "family_id": self.family_id,
                "body": rng.choice(UPDATE_BODIES).format(child=self.child(), person="Familiebehandleren"),
                "written_by_staff_id": self.coordinator, "created_at": created_at, "updated_at": created_at,
                "published_at": None if draft else created_at, "version": 0,
            })
            if not draft:
                self.event(created_at, "plan_update.published", "plan_update", update_id)

    def handover(self):
        """Handed over from a colleague in the last weeks; the parents are told for a month."""
        coordinators = self.staff["coordinators"]
        previous = self.coordinator % coordinators + 1
        if previous == self.coordinator:
            return
        effective = -self.int(1, 20)
        handover_id = self.ids("handovers")
        at = self.at(effective)
        self.out["handovers"].append({
            "id": handover_id, "family_id": self.family_id, "from_staff_id": previous,
            "to_staff_id": self.coordinator, "effective_on": self.day(effective),
            "notice_until": self.day(effective + 30), "by_staff_id": self.staff["admin"], "created_at": at,
        })
        self.event(at, "contact_person.changed", "family", self.family_id, actor=("staff", self.staff["admin"]),
                   handover_id=handover_id)

    def finish(self):
        """Events in the order they happened (ids follow time, as in the portal), and what the
        coordinator had seen of the family when last opening it."""
        out = self.out
        self.events.sort(key=lambda event: event["at"])
        last_look = self.at(-self.int(0, 21), 8, 0)
        seen_event = 0
        for event in self.events:
            event_id = self.ids("family_events")
            detail = event.pop("detail")
            out["family_events"].append({
                "id": event_id, "family_id": self.family_id, **event,
                "detail": json.dumps(detail, ensure_ascii=False) if detail else None,
            })
            if event["at"] < last_look:
                seen_event = event_id
        out["staff_family_seen"].append({"staff_id": self.coordinator, "family_id": self.family_id,
                                         "seen_event_id": seen_event, "seen_at": last_look})


def _insert_many(db, table, rows):
    """Insert dicts with one executemany: sqlite-utils' insert_all spends more time
    checking each value than SQLite spends writing it, and these rows are plain."""
    columns = list(rows[0])
    sql = 'INSERT INTO [{}] ({}) VALUES ({})'.format(
        table, ", ".join(f"[{c}]" for c in columns), ", ".join("?" for _ in columns)
    )
    values = operator.itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    db.conn.executemany(sql, map(values, rows))


TABLE_ORDER = [
    "staff", "sessions", "families", "parents", "children", "professionals", "people_involved", "consents",
    "consent_organisations", "consent_givers", "goals",
    "goal_scores", "goal_notes", "meetings", "meeting_participants", "agenda_points", "meeting_summaries",
    "plan_items", "action_points", "plan_updates", "hidden_from_parents", "handovers", "family_events", "staff_family_seen",
]


def _set_triggers_aside(db):
    """Drop the schema's triggers for the load; returns what puts them back exactly as they were.

    The generated rows are valid by construction; checking each against the
    triggers (e.g. a score is 0-10) would only slow the load.
    """
    triggers = list(db.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid"))
    for name, _sql in triggers:
        db.conn.execute(f"DROP TRIGGER [{name}]")
    return [sql for _name, sql in triggers]


def generate(path, families, **options):
    """Write a fresh database at `path` and return its row counts."""
    p = params_for(families, **options)
    anchor = date.fromisoformat(p["anchor_date"])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)

    db = connect(tmp)
    migrate(db)
    # Speed only: this file is thrown away if generation fails.
    db.conn.execute("PRAGMA foreign_keys = OFF")
    db.conn.execute("PRAGMA synchronous = OFF")
    coordinators = coordinator_count(families, p["families_per_coordinator"])
    admins = max(1, coordinators // 50)
    staff = {"coordinators": coordinators, "admin": coordinators + 1}
    counts = {}
    with db.atomic():
        triggers = _set_triggers_aside(db)
        ids = _Ids()
        out = {name: [] for name in TABLE_ORDER}
        _staff_rows(coordinators + admins, coordinators, anchor, p["seed"], out)
        staff["professional"] = _bench_professional(ids, families, anchor, out)
        for number in range(1, families + 1):
            _Family(number, p, ids, anchor, staff, out).build()
            if number % FLUSH_EVERY == 0 or number == families:
                for name in TABLE_ORDER:
                    if out[name]:
                        _insert_many(db, name, out[name])
                        counts[name] = counts.get(name, 0) + len(out[name])
                        out[name].clear()
        for sql in triggers:
            db.conn.execute(sql)
        # What the triggers would have kept while the rows were written: the leaders' results (migration m024).
        rebuild_result_summaries(db)
        db[META_TABLE].insert({"id": 1, "params": json.dumps(p, sort_keys=True)}, pk="id")
    db.conn.execute("PRAGMA foreign_keys = ON")
    problems = list(db.conn.execute("PRAGMA foreign_key_check"))
    if problems:
        raise RuntimeError(f"generated rows break foreign keys: {problems[:5]}")
    # No ANALYZE: a real deployment's database has no planner statistics either.
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, path)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    return counts


def ensure(path, families, **options):
    """Reuse the database at `path` if it was generated with the same parameters."""
    wanted = params_for(families, **options)
    if read_params(path) == wanted:
        # Same data; bring the schema up to date with migrations added since.
        db = connect(path)
        try:
            migrate(db)
        finally:
            db.conn.close()
        return False
    generate(path, families, **options)
    return True


def main():
    args = _parse()
    started = time.perf_counter()
    counts = generate(
        args.out, args.families,
        parents_per_family=args.parents_per_family, meetings_per_family=args.meetings_per_family,
        goals_per_family=args.goals_per_family, plan_items_per_family=args.plan_items_per_family,
        updates_per_family=args.updates_per_family, families_per_coordinator=args.families_per_coordinator,
        seed=args.seed, anchor_date=args.anchor_date,
    )
    elapsed = time.perf_counter() - started
    size = Path(args.out).stat().st_size / 1e6
    print(f"Wrote {args.out} ({size:.1f} MB) in {elapsed:.1f} s:")
    for name, count in counts.items():
        print(f"  {name:22} {count:>9,}")


if __name__ == "__main__":
    main()
