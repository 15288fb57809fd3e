"""A parent who has no working link can ask for a new one."""
import json
import multiprocessing
import re

from portal import create_app

from conftest import Auth, csrf_from, deliver


def ask(client, contact, **environ):
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"csrf_token": token, "contact": contact}, **environ)


def outbox(app):
    """What reached the (development) SMS and e-mail outbox once the worker ran."""
    from pathlib import Path

    deliver(app)
    return [json.loads(p.read_text()) for p in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.json"))]


def test_a_known_email_gets_a_link_that_lasts_15_minutes(app, client, db):
    page = ask(client, "Sara.Holm@example.dk")
    assert page.status_code == 200
    assert "Se din e-mail" in page.text
    messages = outbox(app)
    assert len(messages) == 1 and messages[0]["to"] == "sara.holm@example.dk"
    assert "http://localhost/login/" in messages[0]["text"]
    assert "15 minutter" in messages[0]["text"]
    link = next(db.query("SELECT * FROM sign_in_links"))
    assert link["origin"] == "requested"


def test_a_known_mobile_number_in_any_format_gets_an_sms(app, client):
    ask(client, "20 30 40 50")
    ask(client, "+45 2030 4050")
    messages = outbox(app)
    assert [m["channel"] for m in messages] == ["sms", "sms"]
    assert all(m["to"] == "+4520304050" for m in messages)


def test_the_answer_is_the_same_whether_or_not_we_know_the_address(app, client):
    known = ask(client, "sara.holm@example.dk")
    unknown = ask(client, "nobody@example.dk")
    assert known.status_code == unknown.status_code == 200
    strip = lambda html: html.split('<main id="indhold">')[1].split("</main>")[0]
    assert strip(known.text) == strip(unknown.text)
    assert len(outbox(app)) == 1


def test_messages_hold_the_link_and_sender_but_nothing_about_the_case(app, client):
    ask(client, "sara.holm@example.dk")
    text = outbox(app)[0]["text"]
    assert "Demo Kommune" in text
    for private in ("Emil", "Alma", "Holm", "Sara", "netværksmøde", "Mette"):
        assert private not in text


def test_blank_or_nonsense_input_gets_a_clear_danish_message(client):
    blank = ask(client, "   ")
    assert blank.status_code == 400 and "Skriv din e-mail eller dit mobilnummer" in blank.text
    nonsense = ask(client, "hej med dig")
    assert nonsense.status_code == 400 and "Det ligner ikke" in nonsense.text
    assert 'value="hej med dig"' in nonsense.text


def test_requests_are_limited_per_identifier_without_locking_the_parent_out(app, client, db):
    """Beyond the limit nothing more is sent, but the page is the same: no 429 a stranger can cause."""
    pages = [ask(client, "sara.holm@example.dk") for _ in range(5)]
    assert [page.status_code for page in pages] == [200] * 5
    body = lambda page: page.text.split('<main id="indhold">')[1].split("</main>")[0]
    assert body(pages[0]) == body(pages[4])
    assert len(outbox(app)) == 3
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'sign_in.link_request_limited'").fetchone()[0] == 2
    # Another address from the same place still works.
    assert ask(client, "thomas.holm@example.dk").status_code == 200


def test_requests_are_limited_per_ip(app, client):
    app.config["LINK_REQUESTS_PER_IP"] = 4
    statuses = [ask(client, f"person{i}@example.dk").status_code for i in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    other = app.test_client()
    assert ask(other, "x@example.dk", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200


def _worker_requests(database, outbox_dir, count, queue):
    app = create_app({"TESTING": True, "DATABASE": database, "OUTBOX_DIR": outbox_dir, "BASE_URL": "http://localhost"})
    client = app.test_client()
    queue.put([ask(client, "sara.holm@example.dk").status_code for _ in range(count)])


def test_the_limit_holds_across_worker_processes(app):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_worker_requests, args=(app.config["DATABASE"], app.config["OUTBOX_DIR"], 3, queue))
        for _ in range(3)
    ]
    for w in workers:
        w.start()
    results = [queue.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    statuses = [s for r in results for s in r]
    assert statuses == [200] * 9
    assert len(outbox(app)) == 3


def test_a_stranger_asking_for_a_parents_link_never_keeps_her_from_a_working_one(app, client, set_clock):
    """A stranger asks for Sara's links again and again, from ever new addresses; whenever she asks
    herself, the newest link in her inbox signs her in - whether or not her own request was sent."""
    stranger = app.test_client()
    inbox = lambda: [m for m in outbox(app) if m["to"] == "sara.holm@example.dk"]
    for stranger_at, sara_at in ((0, 20), (30, 31), (50, 64)):
        set_clock(stranger_at)
        for n in range(5):
            ask(stranger, "sara.holm@example.dk", environ_base={"REMOTE_ADDR": f"10.0.{stranger_at}.{n}"})
        deliver(app)  # the worker sends within a second
        set_clock(sara_at)
        assert "Se din e-mail" in ask(client, "sara.holm@example.dk").text
        newest = re.search(r"http://localhost(/login/\S+)", inbox()[-1]["text"]).group(1)
        signed_in = Auth(app, client).use(newest)
        assert signed_in.status_code == 302, (stranger_at, sara_at)
        Auth(app, client).sign_out()


def test_the_per_ip_limit_still_counts_a_whole_hour(app, client, set_clock):
    """The per-address limit counts only a link's 15 minutes; that must not shorten the other limits."""
    app.config["LINK_REQUESTS_PER_IP"] = 4
    set_clock(0)
    assert [ask(client, f"person{i}@example.dk").status_code for i in range(4)] == [200] * 4
    set_clock(40)
    other = app.test_client()
    assert ask(other, "sara.holm@example.dk", environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 200
    assert ask(client, "person9@example.dk").status_code == 429
    set_clock(61)
    assert ask(client, "person9@example.dk").status_code == 200
