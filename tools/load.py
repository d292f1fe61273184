"""A bounded load run on this machine: ``make load``, on Locust.

Odoo is started with one HTTP worker per core on the bench database (``make
bench`` builds it). Then Locust (headless, tools/locustfile.py) runs, at the
same time:

- 50 back-office users searching customers (the multi-word search) and
  opening customer forms;
- 50 portal users browsing their bookings and their departures;
- the duplicate scan and the nightly assignment, once everyone is logged in.

Each user makes a fixed number of actions, pausing between clicks as a
person reading the screen does (``--think``, 1 to 5 s by default), and the
users log in over the first minute (``--ramp-up``); ``--think 0 --ramp-up
5`` is the stress run of everyone clicking at once. ``--run-time`` bounds the
run whatever happens. Locust prints throughput, median and percentiles and
the failures per kind of request, and keeps its CSV files and its HTML report
(with charts) in .build/load/; the run fails when a request failed.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402
import dev  # noqa: E402

PASSWORD = "load-test-1"
REPORTS = dev.BUILD / "load"


def create_user(env, login, **values):
    """The user ``login`` of the run, made once and kept: whether it was
    made now."""
    Users = env["res.users"].with_context(no_reset_password=True)
    if Users.search_count([("login", "=", login)]):
        return False
    Users.create({"login": login, "password": PASSWORD, **values})
    return True


def prepare(db, staff, portal):
    """The users of the run, and a sample of the customers' ids (the forms
    staff users open)."""
    with bench.odoo_env(db) as env:
        groups = env.ref("travel_customer.group_travel_user") | env.ref(
            "sales_team.group_sale_salesman"
        )
        for index in range(staff):
            create_user(
                env,
                f"load_staff_{index}",
                name=f"Load Staff {index}",
                groups_id=[(6, 0, groups.ids)],
            )
        customers = [("parent_id", "=", False)]
        partners = env["res.partner"].search(
            [*customers, ("user_ids", "=", False)], limit=portal
        )
        portal_group = env.ref("base.group_portal")
        for index, partner in enumerate(partners):
            if create_user(
                env,
                f"load_portal_{index}",
                partner_id=partner.id,
                groups_id=[(6, 0, portal_group.ids)],
            ):
                partner.customer_type_id = env.ref(
                    "travel_customer.customer_type_professional"
                )
        env.cr.commit()
        ids = env["res.partner"].search(customers).ids
        return random.Random(7).sample(ids, min(len(ids), 2000))


def run_jobs(db):
    """The duplicate scan and the nightly assignment, one after the other:
    ``{job: seconds}``."""
    timings = {}
    with bench.odoo_env(db) as env:
        for name, job in (
            ("duplicate scan", env["travel.duplicate.group"]._cron_scan),
            (
                "nightly assignment",
                env["travel.departure.assignment"]._cron_assign_all_offers,
            ),
        ):
            start = time.monotonic()
            job()
            env.cr.commit()
            timings[name] = time.monotonic() - start
    return timings


def locust(base, args, partners):
    """Locust, headless, on Odoo at ``base``: its exit status."""
    settings = {
        "db": args.db,
        "password": PASSWORD,
        "staff": args.staff,
        "portal": args.portal,
        "requests": args.requests,
        "think": args.think,
        "partners": partners,
        # the jobs run with Odoo's Python, as on a cron server
        "jobs": None
        if args.no_jobs
        else [sys.executable, __file__, "--db", args.db, "--jobs-only"],
    }
    users = args.staff + args.portal
    REPORTS.mkdir(parents=True, exist_ok=True)
    command = [
        str(dev.tools_python()),
        *("-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py"))),
        *("--headless", "--only-summary", "--host", base),
        *("--users", str(users), "--spawn-rate", str(users / max(args.ramp_up, 1))),
        *("--run-time", args.run_time, "--stop-timeout", "60"),
        *("--csv", str(REPORTS / "load"), "--csv-full-history"),
        *("--html", str(REPORTS / "report.html")),
    ]
    env = dict(os.environ, LOAD_SETTINGS=json.dumps(settings))
    return subprocess.run(command, env=env, check=False).returncode


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="travel_customer_bench")
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
        "--think", type=float, default=3.0, help="mean pause between clicks (s)"
    )
    parser.add_argument(
        "--ramp-up", type=float, default=60, help="users log in over this time (s)"
    )
    parser.add_argument(
        "--run-time", default="30m", help="the run stops after this time at most"
    )
    parser.add_argument(
        "--no-jobs", action="store_true", help="without the scan and assignment"
    )
    parser.add_argument("--jobs-only", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def main():
    args = parse_args()
    if args.jobs_only:
        print(json.dumps(run_jobs(args.db)))
        return
    dev.setup()
    if not dev.database_exists(args.db):
        sys.exit(f"{args.db} does not exist: run `make bench` first")
    partners = prepare(args.db, args.staff, args.portal)
    with dev.serve(
        args.db, f"--workers={args.workers}", "--limit-time-real=600"
    ) as base:
        bench.say(
            f"{args.staff} staff and {args.portal} portal users, {args.requests} "
            f"actions each, {args.think:g} s between clicks on average, logging "
            f"in over {args.ramp_up:g} s; {args.workers} HTTP workers"
        )
        status = locust(base, args, partners)
    bench.say(f"Locust's report: {REPORTS / 'report.html'} (CSV files beside it)")
    sys.exit(status)  # not 0 when a request failed (see the report) or Locust did


if __name__ == "__main__":
    main()
