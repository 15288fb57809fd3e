"""Generate a fictional, Copenhagen-scale Familieportalen database for benchmarks.

    python bench/generate.py --families 5000 --out bench/out/copenhagen.db

Per family by default: 2 parents, 1-3 children, 4-7 people involved, 10 meetings
(with participants, some past, some cancelled) and 20 goals; one coordinator per
20 families. The output is deterministic for a given --seed and --anchor-date
(meetings are placed around the anchor date, which defaults to today).

Each family's content comes from its own random stream, seeded by (seed, family
number), so family 1 is the same whatever --families is. The schema is the
project's own: the real migrations are applied first.
"""
import argparse
import json
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

# Bump when the generated data changes shape, so stale databases are rebuilt.
GENERATOR_VERSION = 1
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
MEETING_KINDS = ["network", "follow_up", "conversation", "home_visit"]
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
FLUSH_EVERY = 1000  # families held in memory before their rows are written
GOAL_STATUSES = ["active"] * 6 + ["reached"] * 3 + ["paused"]


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=5000, help="number of families (default 5000)")
    parser.add_argument("--out", required=True, help="path of the database to write (replaced)")
    parser.add_argument("--parents-per-family", type=int, default=2)
    parser.add_argument("--meetings-per-family", type=int, default=10)
    parser.add_argument("--goals-per-family", type=int, default=20)
    parser.add_argument("--families-per-coordinator", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--anchor-date", default=None, help="YYYY-MM-DD that meetings are placed around (default today)")
    return parser.parse_args()


def params_for(families, *, parents_per_family=2, meetings_per_family=10, goals_per_family=20,
               families_per_coordinator=20, seed=2026, anchor_date=None):
    """The parameters that fully determine a generated database."""
    return {
        "generator_version": GENERATOR_VERSION,
        "families": families,
        "parents_per_family": parents_per_family,
        "meetings_per_family": meetings_per_family,
        "goals_per_family": goals_per_family,
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


class _Ids:
    """Hand out primary keys, so rows can refer to each other before insert."""

    def __init__(self):
        self.next = {}

    def __call__(self, table):
        value = self.next.get(table, 1)
        self.next[table] = value + 1
        return value


def _staff_rows(count, coordinators, created_at):
    rng = random.Random(f"staff:{count}")
    rows = []
    for staff_id in range(1, count + 1):
        female = rng.random() < 0.7
        first = rng.choice(FIRST_NAMES_FEMALE if female else FIRST_NAMES_MALE)
        last = rng.choice(SURNAMES)
        is_coordinator = staff_id <= coordinators
        rows.append({
            "id": staff_id,
            "name": f"{first} {last}",
            "title": "Familiekoordinator" if is_coordinator else "Afdelingsleder",
            "department": rng.choice(["Børn og Familie", "Handicap og Familie", "Familiecenter København"]),
            "email": f"{first}.{last}.{staff_id}@bench-kommune.dk".lower().replace(" ", ""),
            "phone": f"+45 33 {staff_id // 100 % 100:02d} {staff_id % 100:02d} {rng.randint(10, 99)}",
            "reachable": rng.choice(["Mandag–fredag kl. 9–12", "Mandag–torsdag kl. 8.30–10 og efter aftale",
                                     "Tirsdag og torsdag kl. 12–14"]),
            "role": "coordinator" if is_coordinator else "admin",
            # Every tenth coordinator is away and covered by the next one.
            "covered_by_id": staff_id + 1 if is_coordinator and staff_id % 10 == 0 and staff_id < coordinators else None,
            "away_until": None,
            "created_at": created_at,
        })
    return rows


def _family(number, p, ids, anchor, coordinator_id, created_at, out):
    """Append one family's rows to the lists in `out`."""
    rng = random.Random(f"{p['seed']}:{number}")
    surname = rng.choice(SURNAMES)
    district = rng.choice(DISTRICTS)
    street = rng.choice(STREETS)
    family_id = ids("families")
    out["families"].append({"id": family_id, "name": f"Familien {surname}",
                            "coordinator_id": coordinator_id, "created_at": created_at})

    parent_ids = []
    for index in range(p["parents_per_family"]):
        female = index == 0 if rng.random() < 0.85 else index != 0
        first = rng.choice(FIRST_NAMES_FEMALE if female else FIRST_NAMES_MALE)
        parent_id = ids("parents")
        parent_ids.append(parent_id)
        out["parents"].append({
            "id": parent_id, "family_id": family_id, "name": f"{first} {surname}",
            "relation": "mor" if female else "far",
            "email": f"{first}.{surname}.{parent_id}@example.dk".lower(),
            "phone": f"+45{20000000 + parent_id * 7 % 79999999}",
            "can_sign_in": 1, "created_at": created_at,
        })

    child_ids, child_names = [], []
    for _ in range(rng.choice([1, 1, 2, 2, 2, 3])):
        child_id = ids("children")
        name = rng.choice(CHILD_NAMES)
        child_ids.append(child_id)
        child_names.append(name)
        out["children"].append({"id": child_id, "family_id": family_id, "first_name": name,
                                "birth_year": anchor.year - rng.randint(0, 17)})

    people = []
    for role, organisation in rng.sample(PROFESSIONALS, rng.randint(4, 7)):
        first = rng.choice(FIRST_NAMES_FEMALE + FIRST_NAMES_MALE)
        person_id = ids("people_involved")
        people.append(person_id)
        out["people_involved"].append({
            "id": person_id, "family_id": family_id, "name": f"{first} {rng.choice(SURNAMES)}",
            "role": role, "organisation": organisation.format(district=district, street=street),
            "phone": f"+45 70 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            "email": None,
        })

    for _ in range(p["meetings_per_family"]):
        meeting_id = ids("meetings")
        days = rng.randint(-150, 120)
        day = anchor + timedelta(days=days)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        starts = datetime.combine(day, clock(rng.randint(8, 15), rng.choice([0, 30])), tzinfo=LOCAL)
        past = day < anchor
        cancelled = rng.random() < 0.1
        kind = rng.choice(MEETING_KINDS)
        out["meetings"].append({
            "id": meeting_id, "family_id": family_id, "kind": kind,
            "starts_at": _utc_text(starts),
            "ends_at": _utc_text(starts + timedelta(minutes=rng.choice([45, 60, 90]))),
            "place": "Hjemme hos jer" if kind == "home_visit" else f"{rng.choice(STREETS)} {rng.randint(1, 120)}, København",
            "purpose": rng.choice(MEETING_PURPOSES).format(child=rng.choice(child_names)),
            "status": "cancelled" if cancelled else ("held" if past else "planned"),
            "cancelled_reason": rng.choice(CANCEL_REASONS) if cancelled else None,
            "created_at": created_at,
        })
        who = [("parent_id", pid) for pid in parent_ids if rng.random() < 0.8] or [("parent_id", parent_ids[0])]
        if kind == "network" or rng.random() < 0.3:
            who.append(("staff_id", coordinator_id))
        count = len(people) if kind == "network" else rng.randint(1, 3)
        who += [("person_involved_id", pid) for pid in rng.sample(people, min(count, len(people)))]
        for column, ref in who:
            row = {"id": ids("meeting_participants"), "meeting_id": meeting_id,
                   "person_involved_id": None, "parent_id": None, "staff_id": None}
            row[column] = ref
            out["meeting_participants"].append(row)

    for _ in range(p["goals_per_family"]):
        by_parent = rng.random() < 0.6
        target = rng.random()
        created = datetime.combine(anchor - timedelta(days=rng.randint(1, 700)),
                                   clock(rng.randint(7, 21), rng.randint(0, 59)), tzinfo=LOCAL)
        out["goals"].append({
            "id": ids("goals"), "family_id": family_id,
            "text": rng.choice(GOAL_TEXTS).format(child=rng.choice(child_names)),
            "written_by_parent_id": rng.choice(parent_ids) if by_parent else None,
            "written_by_staff_id": None if by_parent else coordinator_id,
            "for_child_id": rng.choice(child_ids) if target < 0.45 else None,
            "for_parent_id": rng.choice(parent_ids) if 0.45 <= target < 0.65 else None,
            "status": rng.choice(GOAL_STATUSES),
            "created_at": _utc_text(created),
        })


def _insert_many(db, table, rows):
    """Insert dicts with one executemany: sqlite-utils' insert_all spends more time
    checking each value than SQLite spends writing it, and these rows are plain."""
    columns = list(rows[0])
    sql = 'INSERT INTO [{}] ({}) VALUES ({})'.format(
        table, ", ".join(f"[{c}]" for c in columns), ", ".join("?" for _ in columns)
    )
    db.conn.executemany(sql, [tuple(row[c] for c in columns) for row in rows])


TABLE_ORDER = ["families", "parents", "children", "people_involved", "meetings", "meeting_participants", "goals"]


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
    created_at = _utc_text(datetime.combine(anchor - timedelta(days=730), clock(9), tzinfo=LOCAL))
    coordinators = max(1, -(-families // p["families_per_coordinator"]))
    admins = max(1, coordinators // 50)
    counts = {}
    with db.atomic():
        staff = _staff_rows(coordinators + admins, coordinators, created_at)
        _insert_many(db, "staff", staff)
        counts["staff"] = len(staff)
        ids = _Ids()
        out = {name: [] for name in TABLE_ORDER}
        for number in range(1, families + 1):
            coordinator_id = (number - 1) // p["families_per_coordinator"] + 1
            _family(number, p, ids, anchor, coordinator_id, created_at, out)
            if number % FLUSH_EVERY == 0 or number == families:
                for name in TABLE_ORDER:
                    if out[name]:
                        _insert_many(db, name, out[name])
                        counts[name] = counts.get(name, 0) + len(out[name])
                        out[name].clear()
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
        goals_per_family=args.goals_per_family, families_per_coordinator=args.families_per_coordinator,
        seed=args.seed, anchor_date=args.anchor_date,
    )
    elapsed = time.perf_counter() - started
    size = Path(args.out).stat().st_size / 1e6
    print(f"Wrote {args.out} ({size:.1f} MB) in {elapsed:.1f} s:")
    for name, count in counts.items():
        print(f"  {name:22} {count:>9,}")


if __name__ == "__main__":
    main()
