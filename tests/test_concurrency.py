"""Many parents writing at the same moment: every write waits its turn, none is refused or lost."""
import threading

from conftest import Auth, csrf_from


def test_concurrent_writers_all_succeed(app, db):
    app.config["PARENT_WRITES_PER_HOUR"] = 10_000
    parents = ["sara.holm@example.dk", "thomas.holm@example.dk", "nadia.yilmaz@example.dk",
               "martin.andersen@example.dk", "lene.nielsen@example.dk"] * 2
    clients = []
    for email in parents:
        client = app.test_client()
        Auth(app, client).sign_in(email)
        clients.append((client, csrf_from(client.get("/goals").text)))
    before = db["goals"].count
    statuses, lock, start = [], threading.Lock(), threading.Barrier(len(clients))

    def write(number, client, token):
        start.wait()
        mine = []
        for count in range(25):
            # Each change reads (the family's members, the write limit) before it writes.
            response = client.post("/goals", data={"csrf_token": token, "text": f"Mål {number}-{count}",
                                                   "for_whom": "family"})
            mine.append(response.status_code)
        with lock:
            statuses.extend(mine)

    threads = [threading.Thread(target=write, args=(number, client, token))
               for number, (client, token) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(clients) * 25
    assert db["goals"].count == before + len(clients) * 25
