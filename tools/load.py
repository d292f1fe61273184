"""A bounded load run on this machine: ``make load``.

Odoo is started with one HTTP worker per core on the bench database (``make
bench`` builds it). Then, at the same time:

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
import json
import math
import os
import random
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
    LOGGED_IN.wait()  # everyone at work: the steady state begins
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
    LOGGED_IN.wait()  # everyone at work: the steady state begins
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


def run_jobs(db):
    """The duplicate scan and the nightly assignment, one after the other:
    ``{job: seconds}``."""
    timings = {}
    with bench.odoo_env(db) as env:
        for name, job in (
            ("job: duplicate scan", env["travel.duplicate.group"]._cron_scan),
            (
                "job: nightly assignment",
                env["travel.departure.assignment"]._cron_assign_all_offers,
            ),
        ):
            start = time.monotonic()
            job()
            env.cr.commit()
            timings[name] = time.monotonic() - start
    return timings


def background_jobs(db, stats):
    """The jobs during the run, in a process of their own as on a cron server
    (in this one they would hold the clients' interpreter lock)."""
    done = subprocess.run(
        [sys.executable, __file__, "--db", db, "--jobs-only"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        timings = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        bench.say(f"the jobs failed:\n{done.stderr[-2000:]}")
        stats.add("job: duplicate scan", 0, False)
        return
    for name, seconds in timings.items():
        stats.add(name, seconds, True)


def report(stats, seconds, phase):
    total = sum(len(t) for t in stats.times.values())
    bench.say(f"\n{phase}: {total:,} timed operations in {seconds:.1f} s")
    header = ("operation", "count", "req/s", "median", "p95", "errors")
    bench.say("{:28} {:>6} {:>7} {:>9} {:>9} {:>7}".format(*header))
    for kind, times in sorted(stats.times.items()):
        times = sorted(times)
        p95 = times[math.ceil(len(times) * 0.95) - 1]  # nearest rank
        bench.say(
            f"{kind:28} {len(times):6} {len(times) / seconds:7.1f} "
            f"{statistics.median(times) * 1000:7.0f} ms {p95 * 1000:7.0f} ms "
            f"{stats.errors.get(kind, 0):7}"
        )


DB = "travel_customer_bench"
THINK = 3.0
LOGGED_IN = None  # a barrier: users, then the main thread


def main():
    global DB, THINK, LOGGED_IN
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=DB)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--portal", type=int, default=50)
    parser.add_argument("--requests", type=int, default=10, help="per user")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="HTTP workers (default: one per core)",
    )
    parser.add_argument(
        "--think", type=float, default=THINK, help="mean pause between clicks (s)"
    )
    parser.add_argument(
        "--ramp-up", type=float, default=60, help="users log in over this time (s)"
    )
    parser.add_argument(
        "--no-jobs", action="store_true", help="without the scan and assignment"
    )
    parser.add_argument("--jobs-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    DB, THINK = args.db, args.think
    if args.jobs_only:
        print(json.dumps(run_jobs(args.db)))
        return
    dev.setup()
    if not dev.database_exists(args.db):
        sys.exit(f"{args.db} does not exist: run `make bench` first")
    prepare(args.db, args.staff, args.portal)
    with dev.serve(
        args.db, f"--workers={args.workers}", "--limit-time-real=600"
    ) as base:
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
        LOGGED_IN = threading.Barrier(args.staff + args.portal + 1)
        start = time.monotonic()
        bench.say(
            f"{args.staff} staff and {args.portal} portal users, {args.requests} "
            f"actions each, {THINK:g} s between clicks on average, logging in "
            f"over {args.ramp_up:g} s; {args.workers} HTTP workers"
        )
        users, jobs = threads[:-1], threads[-1]
        for thread in users:  # users log in over the ramp-up
            thread.start()
            time.sleep(args.ramp_up / len(users))
        LOGGED_IN.wait()
        logins = Stats()
        logins.times["login"] = stats.times.pop("login", [])
        logins.errors["login"] = stats.errors.pop("login", 0)
        report(logins, time.monotonic() - start, "Ramp-up")
        start = time.monotonic()
        if not args.no_jobs:
            jobs.start()  # the jobs run while everyone is at work
        for thread in threads[: None if not args.no_jobs else -1]:
            thread.join()
        report(stats, time.monotonic() - start, "Steady state")


if __name__ == "__main__":
    main()
