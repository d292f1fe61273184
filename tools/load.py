"""A bounded load run on this machine: ``make load``.

Odoo is started with several HTTP workers on the bench database (``make bench``
builds it). Then, at the same time:

- 50 back-office users search customers (the multi-word search) and open
  customer forms;
- 50 portal users browse their bookings and their departures;
- the duplicate scan and the nightly assignment run.

Each user makes a fixed number of requests, pausing between them as a person
reading the screen does (``--think``, 1 to 5 s by default), and the users log
in over the first minute (``--ramp-up``); ``--think 0 --ramp-up 5`` is the
stress run of everyone clicking at once. The run prints throughput, median and
95th percentile latencies and the errors, per kind of request.
"""

import argparse
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402
import dev  # noqa: E402

PASSWORD = "load-test-1"
WORDS = ["martin", "muller", "rossi", "bernard", "paris", "berlin", "anna", "jean"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(db, staff, portal):
    """Staff and portal users of the load run (made once, kept)."""
    with bench.odoo_env(db) as env:
        Users = env["res.users"].with_context(no_reset_password=True)
        travel_user = env.ref("travel_customer.group_travel_user")
        salesman = env.ref("sales_team.group_sale_salesman")
        professional = env.ref("travel_customer.customer_type_professional")
        for index in range(staff):
            login = f"load_staff_{index}"
            if not Users.search_count([("login", "=", login)]):
                Users.create(
                    {
                        "name": f"Load Staff {index}",
                        "login": login,
                        "password": PASSWORD,
                        "groups_id": [(6, 0, [travel_user.id, salesman.id])],
                    }
                )
        partners = env["res.partner"].search(
            [("parent_id", "=", False), ("user_ids", "=", False)], limit=portal
        )
        portal_group = env.ref("base.group_portal")
        for index, partner in enumerate(partners):
            login = f"load_portal_{index}"
            if not Users.search_count([("login", "=", login)]):
                partner.customer_type_id = professional
                Users.create(
                    {
                        "login": login,
                        "password": PASSWORD,
                        "partner_id": partner.id,
                        "groups_id": [(6, 0, [portal_group.id])],
                    }
                )
        env.cr.commit()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = {}
        self.errors = {}

    def add(self, kind, seconds, ok):
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1


def timed(stats, kind, call):
    start = time.monotonic()
    try:
        response = call()
        ok = response.status_code == 200 and '"error"' not in response.text[:200]
    except requests.RequestException:
        ok = False
    stats.add(kind, time.monotonic() - start, ok)


def login(base, login_name, stats):
    """A logged-in session; a refused or timed-out login is an error."""
    session = requests.Session()
    for attempt in range(5):
        start = time.monotonic()
        try:
            response = session.post(
                f"{base}/web/session/authenticate",
                json={
                    "jsonrpc": "2.0",
                    "params": {"db": DB, "login": login_name, "password": PASSWORD},
                },
                timeout=60,
            )
            ok = response.status_code == 200 and "error" not in response.json()
        except requests.RequestException:
            ok = False
        stats.add("login", time.monotonic() - start, ok)
        if ok:
            return session
        time.sleep(1 + attempt)
    return None


def call_kw(session, base, model, method, args, kwargs):
    return session.post(
        f"{base}/web/dataset/call_kw/{model}/{method}",
        json={
            "jsonrpc": "2.0",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs,
            },
        },
        timeout=60,
    )


def think(rng):
    """The pause of a user between two clicks (reading the screen)."""
    if THINK:
        time.sleep(rng.uniform(THINK / 3, THINK * 5 / 3))


def staff_user(base, index, requests_per_user, stats):
    session = login(base, f"load_staff_{index}", stats)
    if not session:
        return
    rng = random.Random(index)
    for _ in range(requests_per_user):
        think(rng)
        words = " ".join(rng.sample(WORDS, 2))
        timed(
            stats,
            "search customers",
            lambda w=words: call_kw(
                session,
                base,
                "res.partner",
                "name_search",
                [],
                {"name": w, "limit": 10},
            ),
        )
        partner_id = rng.randint(1000, 150_000)
        timed(
            stats,
            "open a customer form",
            lambda p=partner_id: call_kw(
                session,
                base,
                "res.partner",
                "web_read",
                [[p]],
                {
                    "specification": {
                        "name": {},
                        "email": {},
                        "customer_type_id": {"fields": {"display_name": {}}},
                        "travel_level_id": {"fields": {"display_name": {}}},
                        "travel_booking_count": {},
                        "travel_quotation_count": {},
                    }
                },
            ),
        )
        think(rng)


def portal_user(base, index, requests_per_user, stats):
    session = login(base, f"load_portal_{index}", stats)
    if not session:
        return
    rng = random.Random(-index)
    for _ in range(requests_per_user):
        think(rng)
        timed(
            stats,
            "portal: my orders",
            lambda: session.get(f"{base}/my/orders", timeout=60),
        )
        think(rng)
        timed(
            stats,
            "portal: my departures",
            lambda: session.get(f"{base}/my/departures?sortby=price", timeout=60),
        )


def background_jobs(db, stats):
    """The duplicate scan and the nightly assignment, during the run."""
    with bench.odoo_env(db) as env:
        start = time.monotonic()
        env["travel.duplicate.group"]._cron_scan()
        env.cr.commit()
        stats.add("job: duplicate scan", time.monotonic() - start, True)
        start = time.monotonic()
        env["travel.departure.assignment"]._cron_assign_all_offers()
        env.cr.commit()
        stats.add("job: nightly assignment", time.monotonic() - start, True)


def report(stats, seconds):
    total = sum(len(t) for t in stats.times.values())
    bench.say(f"\nLoad run: {total:,} timed operations in {seconds:.1f} s")
    header = ("operation", "count", "req/s", "median", "p95", "errors")
    bench.say("{:28} {:>6} {:>7} {:>9} {:>9} {:>7}".format(*header))
    for kind, times in sorted(stats.times.items()):
        times = sorted(times)
        p95 = times[max(int(len(times) * 0.95) - 1, 0)]
        bench.say(
            f"{kind:28} {len(times):6} {len(times) / seconds:7.1f} "
            f"{statistics.median(times) * 1000:7.0f} ms {p95 * 1000:7.0f} ms "
            f"{stats.errors.get(kind, 0):7}"
        )


DB = "travel_customer_bench"
THINK = 3.0


def main():
    global DB, THINK
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=DB)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--portal", type=int, default=50)
    parser.add_argument("--requests", type=int, default=10, help="per user")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--think", type=float, default=THINK, help="mean pause between clicks (s)"
    )
    parser.add_argument(
        "--ramp-up", type=float, default=60, help="users log in over this time (s)"
    )
    args = parser.parse_args()
    DB, THINK = args.db, args.think
    dev.setup()
    if not dev.database_exists(args.db):
        sys.exit(f"{args.db} does not exist: run `make bench` first")
    prepare(args.db, args.staff, args.portal)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            str(dev.CONFIG),
            "-d",
            args.db,
            "--db-filter",
            f"^{args.db}$",
            "--http-port",
            str(port),
            "--workers",
            str(args.workers),
            "--max-cron-threads",
            "0",
            "--log-level",
            "warn",
            "--limit-time-real",
            "600",
        ],
        cwd=dev.BUILD,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/web/login", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(1)
        stats = Stats()
        threads = (
            [
                threading.Thread(
                    target=staff_user, args=(base, i, args.requests, stats)
                )
                for i in range(args.staff)
            ]
            + [
                threading.Thread(
                    target=portal_user, args=(base, i, args.requests, stats)
                )
                for i in range(args.portal)
            ]
            + [threading.Thread(target=background_jobs, args=(args.db, stats))]
        )
        start = time.monotonic()
        bench.say(
            f"{args.staff} staff and {args.portal} portal users, {args.requests} "
            f"actions each, {THINK:g} s between clicks on average, logging in "
            f"over {args.ramp_up:g} s; {args.workers} HTTP workers"
        )
        users, jobs = threads[:-1], threads[-1]
        for index, thread in enumerate(users):  # users arrive over the ramp-up
            if index == len(users) // 2:
                jobs.start()  # the jobs run while half the users are at work
            thread.start()
            time.sleep(args.ramp_up / len(users))
        for thread in threads:
            thread.join()
        report(stats, time.monotonic() - start)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
