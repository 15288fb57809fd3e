"""The two traffic models: client threads that send GETs back to back, in a closed loop or from a rotation.

closed loop: each connection is one signed-in person reloading their own page.
real traffic: each request is the next signed-in person's, from a shared rotation,
and no one comes back within FRESH_SECONDS.
"""
import http.client
import math
import os
import threading
import time

# Under real traffic no parent comes back sooner than this.
FRESH_SECONDS = 60


class Rotation:
    """The real-traffic model: each request is the next visit in turn, whichever client thread asks (thread-safe).

    visits: [(jar, path)]. With fresh_after, a visit's person is handed out again only
    that many seconds after their last request ended; when the next one is not
    fresh yet, the round ends instead (never a repeat). A round may also be given a
    budget: at most that many visits.
    """

    def __init__(self, visits, fresh_after=None):
        self.visits = list(visits)
        self.fresh_after = fresh_after
        self.position = 0
        self.lock = threading.Lock()
        self.start_round()

    def __len__(self):
        return len(self.visits)

    def start_round(self, budget=None):
        self.budget, self.handed_out, self.ran_out = budget, 0, False

    def take(self, _thread=None):
        with self.lock:
            if self.budget is not None and self.handed_out >= self.budget:
                return None
            jar, path = self.visits[self.position]
            now = time.monotonic()
            if self.fresh_after is not None and now - jar.last_done < self.fresh_after:
                self.ran_out = True
                return None
            jar.last_done = now  # in flight: not fresh (set again when it ends)
            self.position = (self.position + 1) % len(self.visits)
            self.handed_out += 1
            return jar, path

    def ended_by(self):
        if self.ran_out:
            return "no fresh person"
        if self.budget is not None and self.handed_out >= self.budget:
            return "budget"
        return "time"


def drive(browsers, pick, duration, check=None):
    """Each browser (a client thread on its kept-alive connection) sends GETs back to back.

    pick(thread number) gives (jar or None for the browser's own cookies, path), or
    None to stop that thread. The round lasts `duration` seconds or until every
    thread has stopped; a response counts if it is a 200 containing `check`.
    """
    results = [{"ok": 0, "errors": 0, "latencies": []} for _ in browsers]
    start = threading.Barrier(len(browsers) + 1)
    deadline = [0.0]

    def run(number, browser, result):
        start.wait()
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline[0]:
                return
            visit = pick(number)
            if visit is None:
                return
            jar, path = visit
            try:
                status, body = browser.request("GET", path, jar=jar)
            except (http.client.HTTPException, OSError):
                result["errors"] += 1
                continue
            finally:
                if jar is not None:
                    jar.last_done = time.monotonic()
            if status == 200 and (check is None or check in body):
                result["ok"] += 1
                result["latencies"].append(time.perf_counter() - t0)
            else:
                result["errors"] += 1

    threads = [threading.Thread(target=run, args=(n, b, r), daemon=True)
               for n, (b, r) in enumerate(zip(browsers, results))]
    for thread in threads:
        thread.start()
    cpu0 = time.process_time()
    began = time.perf_counter()
    deadline[0] = began + duration
    start.wait()
    for thread in threads:
        thread.join(timeout=duration + 30)
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu0
    latencies = sorted(x for r in results for x in r["latencies"])
    ok = sum(r["ok"] for r in results)
    return {
        "requests_per_second": ok / elapsed,
        "ok": ok,
        "errors": sum(r["errors"] for r in results),
        "seconds": elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else None,
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else None,
        "client_cpu_share": cpu / elapsed / (os.cpu_count() or 1),
    }


def closed_loop(browsers, path, duration, check=None):
    """Each browser reloads `path` with its own cookies for `duration` seconds."""
    return drive(browsers, lambda _number: (None, path), duration, check)


def real_traffic_budget(pool, rounds, cycle_seconds):
    """Visits per real-traffic round, so that no one in a pool of `pool` comes back within FRESH_SECONDS.

    A round's visits come back `pool ÷ budget` rounds later; rounds are at least
    `cycle_seconds` apart. With no more rounds than that, no one comes back at all.
    """
    rounds_apart = max(1, math.ceil(FRESH_SECONDS / max(cycle_seconds, 0.001)))
    return max(1, pool // min(rounds_apart, rounds))


def real_round(browsers, rotation, duration, check, budget=None):
    rotation.start_round(budget)
    result = drive(browsers, lambda _number: rotation.take(), duration, check)
    result["ended_by"] = rotation.ended_by()
    result["handed_out"] = rotation.handed_out
    return result
