"""Load the fictional demo municipality: Familien Holm and Familien Nielsen."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .data.clock import from_db_time, now_text, to_db_time
from .data.db import get_db

LOCAL = ZoneInfo("Europe/Copenhagen")

COORDINATOR_EMAIL = "mette.lund@demo-kommune.dk"
PARENT_EMAIL = "sara.holm@example.dk"


def _at(days_from_now, hour, minute=0):
    """A local Copenhagen time `days_from_now` days ahead, stored as UTC."""
    day = datetime.now(LOCAL).date() + timedelta(days=days_from_now)
    return to_db_time(datetime.combine(day, time(hour, minute), tzinfo=LOCAL))


def load():
    """Insert the demo data once; running it again changes nothing."""
    db = get_db()
    if db["staff"].count_where("email = ?", [COORDINATOR_EMAIL]):
        return False
    now = now_text()
    with db.atomic():
        staff = db["staff"]
        cover_id = staff.insert(
            {"name": "Jonas Berg", "title": "Familiekoordinator", "department": "Børn og Familie",
             "email": "jonas.berg@demo-kommune.dk", "phone": "+45 70 10 10 12",
             "reachable": "Mandag–fredag kl. 9–12", "role": "coordinator", "created_at": now}
        ).last_pk
        mette_id = staff.insert(
            {"name": "Mette Lund", "title": "Familiekoordinator", "department": "Børn og Familie",
             "email": COORDINATOR_EMAIL, "phone": "+45 70 10 10 11",
             "reachable": "Mandag–torsdag kl. 8.30–10 og efter aftale", "role": "coordinator",
             "covered_by_id": cover_id, "created_at": now}
        ).last_pk
        staff.insert({"name": "Anne Krogh", "title": "Afdelingsleder", "department": "Børn og Familie",
                      "email": "anne.krogh@demo-kommune.dk", "role": "admin", "created_at": now})

        holm = db["families"].insert({"name": "Familien Holm", "coordinator_id": mette_id, "created_at": now}).last_pk
        sara = db["parents"].insert({"family_id": holm, "name": "Sara Holm", "relation": "mor",
                                     "email": PARENT_EMAIL, "phone": "+4520304050", "created_at": now}).last_pk
        thomas = db["parents"].insert({"family_id": holm, "name": "Thomas Holm", "relation": "far",
                                       "email": "thomas.holm@example.dk", "phone": "+4560708090", "created_at": now}).last_pk
        emil = db["children"].insert({"family_id": holm, "first_name": "Emil", "birth_year": datetime.now().year - 9}).last_pk
        db["children"].insert({"family_id": holm, "first_name": "Alma", "birth_year": datetime.now().year - 3})

        people = {}
        for key, name, role, org, phone in [
            ("case", "Lars Østergaard", "Sagsbehandler", "Børn og Familie", "+45 70 10 10 20"),
            ("teacher", "Hanne Bech", "Klasselærer, 3.b", "Demoby Skole", "+45 70 10 20 30"),
            ("ppr", "Rasmus Kjær", "Psykolog", "PPR – Pædagogisk Psykologisk Rådgivning", "+45 70 10 10 40"),
            ("nurse", "Birgit Skov", "Sundhedsplejerske", "Sundhedsplejen", "+45 70 10 10 50"),
            ("job", "Ali Hassan", "Jobkonsulent", "Jobcenter Demo Kommune", "+45 70 10 10 60"),
            ("therapist", "Karen Dahl", "Familiebehandler", "Familiehuset", "+45 70 10 10 70"),
        ]:
            people[key] = db["people_involved"].insert(
                {"family_id": holm, "name": name, "role": role, "organisation": org, "phone": phone}
            ).last_pk

        def meeting(kind, starts, hours, place, purpose, who, status="planned", reason=None):
            meeting_id = db["meetings"].insert(
                {"family_id": holm, "kind": kind, "starts_at": starts,
                 "ends_at": to_db_time(from_db_time(starts) + timedelta(hours=hours)),
                 "place": place, "purpose": purpose, "status": status, "cancelled_reason": reason, "created_at": now}
            ).last_pk
            for kind_key, ref in who:
                db["meeting_participants"].insert({"meeting_id": meeting_id, kind_key: ref})
            return meeting_id

        network = meeting("network", _at(10, 10), 1.5, "Familiehuset, Skolevej 4, 9999 Demoby",
                "Vi ser på jeres plan sammen. Hvad går godt? Hvad skal der ske nu?",
                [("parent_id", sara), ("parent_id", thomas), ("staff_id", mette_id),
                 ("person_involved_id", people["case"]), ("person_involved_id", people["teacher"]),
                 ("person_involved_id", people["ppr"]), ("person_involved_id", people["nurse"]),
                 ("person_involved_id", people["job"])])
        meeting("follow_up", _at(4, 14), 1, "Demoby Skole, mødelokale 2",
                "Hvordan går det for Emil i klassen efter jul?",
                [("parent_id", sara), ("person_involved_id", people["teacher"]), ("person_involved_id", people["ppr"])])
        meeting("conversation", _at(17, 9, 30), 1, "Hjemme hos jer",
                "En snak om morgenerne og hvad der kan gøre dem lettere.",
                [("parent_id", sara), ("parent_id", thomas), ("person_involved_id", people["therapist"])])
        meeting("home_visit", _at(7, 13), 1, "Hjemme hos jer", "Alma – 3-års besøg.",
                [("parent_id", sara), ("person_involved_id", people["nurse"])],
                status="cancelled", reason="Sundhedsplejersken er syg. I får en ny tid.")
        meeting("network", _at(-21, 10), 1.5, "Rådhuset, mødelokale 3", "Første netværksmøde: hvem gør hvad?",
                [("parent_id", sara), ("parent_id", thomas), ("staff_id", mette_id),
                 ("person_involved_id", people["case"]), ("person_involved_id", people["teacher"])],
                status="held")

        db["agenda_points"].insert({"meeting_id": network, "written_by_parent_id": sara, "created_at": now,
                                    "text": "Hvordan kan Emil få en god start på skoledagen, når morgenerne er svære?"})

        today = datetime.now(LOCAL).date()
        for order, (what, responsible, when, status) in enumerate([
            ("Familiebehandling hjemme: gode morgenrutiner", "Karen Dahl, Familiehuset", "Hver tirsdag kl. 7–9", "active"),
            ("Støtte til Emil i klassen og i frikvarteret", "Hanne Bech, Demoby Skole, med råd fra PPR", "Hver skoledag", "active"),
            ("Undersøgelse af Emils trivsel", "Rasmus Kjær, PPR", "Færdig inden næste netværksmøde", "planned"),
            ("Plads i børnehave til Alma", "Børn og Familie", "Fra 1. februar", "planned"),
            ("Afklaring af praktik for Sara", "Ali Hassan, Jobcenter Demo Kommune", "Når Alma er faldet til", "planned"),
            ("Forældrekursus om søvn", "Sundhedsplejen", "Efteråret", "done"),
        ]):
            db["plan_items"].insert({"family_id": holm, "what": what, "responsible": responsible,
                                     "when_text": when, "status": status, "sort_order": order, "created_at": now})

        for information, between, purpose, given, expires, withdrawn in [
            ("Oplysninger om Emils trivsel og skolegang", "Demoby Skole, PPR og Børn og Familie",
             "Så skolen og PPR kan hjælpe Emil på samme måde.", -60, 305, None),
            ("Oplysninger om familiens hverdag og behov for støtte", "Alle, der deltager i netværksmøderne",
             "Så alle kender jeres plan og ved, hvem der gør hvad.", -21, 344, None),
            ("Oplysninger om Saras helbred", "Egen læge og Jobcenter Demo Kommune",
             "Til at planlægge praktik.", -90, 275, -30),
        ]:
            db["consents"].insert({
                "family_id": holm, "given_by_parent_id": sara, "information": information,
                "shared_between": between, "purpose": purpose,
                "given_on": (today + timedelta(days=given)).isoformat(),
                "expires_on": (today + timedelta(days=expires)).isoformat(),
                "withdrawn_on": (today + timedelta(days=withdrawn)).isoformat() if withdrawn else None,
                "created_at": now,
            })

        goal_ids = []
        for text, by_parent, by_staff, child, parent in [
            ("Emil skal have det godt i skolen og have en ven at lege med i frikvarteret.", sara, None, emil, None),
            ("Vi vil have roligere morgener, så vi kommer ud af døren uden at råbe.", thomas, None, None, None),
            ("Jeg vil gerne i praktik, når Alma er faldet til i børnehaven.", None, mette_id, None, sara),
        ]:
            goal_ids.append(db["goals"].insert({
                "family_id": holm, "text": text, "written_by_parent_id": by_parent, "written_by_staff_id": by_staff,
                "for_child_id": child, "for_parent_id": parent, "status": "active", "created_at": now,
            }).last_pk)
        # Followed up at network meetings: "where are we now, from 0 to 10?"
        for goal_id, days_ago, score in [(goal_ids[0], 42, 3), (goal_ids[0], 21, 5), (goal_ids[1], 21, 4)]:
            db["goal_scores"].insert({"goal_id": goal_id, "score": score, "noted_by_staff_id": mette_id,
                                      "noted_on": (today - timedelta(days=days_ago)).isoformat(), "created_at": now})

        # A second family with another coordinator: authorisation can be seen working.
        peter = staff.insert({"name": "Peter Friis", "title": "Familiekoordinator", "department": "Handicap og Familie",
                              "email": "peter.friis@demo-kommune.dk", "phone": "+45 70 10 10 13",
                              "role": "coordinator", "created_at": now}).last_pk
        nielsen = db["families"].insert({"name": "Familien Nielsen", "coordinator_id": peter, "created_at": now}).last_pk
        lene = db["parents"].insert({"family_id": nielsen, "name": "Lene Nielsen", "relation": "mor",
                                     "email": "lene.nielsen@example.dk", "phone": "+4522334455", "created_at": now}).last_pk
        db["children"].insert({"family_id": nielsen, "first_name": "Noah", "birth_year": datetime.now().year - 6})
        advisor = db["people_involved"].insert({"family_id": nielsen, "name": "Sofie Lind", "role": "Rådgiver",
                                                "organisation": "Handicap og Familie"}).last_pk
        m = db["meetings"].insert({"family_id": nielsen, "kind": "conversation", "starts_at": _at(6, 11),
                                   "place": "Rådhuset", "purpose": "Aflastning i weekenderne.",
                                   "status": "planned", "created_at": now}).last_pk
        db["meeting_participants"].insert({"meeting_id": m, "parent_id": lene})
        db["meeting_participants"].insert({"meeting_id": m, "person_involved_id": advisor})
        db["goals"].insert({"family_id": nielsen, "text": "Noah skal kunne sove hos mormor en weekend om måneden.",
                            "written_by_parent_id": lene, "status": "active", "created_at": now})
    return True
