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

``--cluster`` runs the same users against the cluster of ``make cluster``
instead (nginx's address, its database on the primary): the scan and the
nightly assignment are then triggered on its cron server, the replication
lag is sampled every second, and ``--drill standby`` or ``--drill http``
stops the standby, or the first HTTP server, during the run
(``--drill-after`` seconds after the start, for ``--drill-for`` seconds).
"""

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402
import cluster  # noqa: E402
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


CRON_JOBS = {
    # name: (the scheduled action, the travel.job of its runs)
    "duplicate scan": ("travel_customer.ir_cron_duplicate_scan", "scan"),
    "nightly assignment": ("travel_customer.ir_cron_assign_all_offers", "assignment"),
}


def use_cluster_primary(state):
    """Odoo's connections of this process go to the cluster's primary."""
    import odoo

    if not odoo.tools.config.get("db_user"):
        odoo.tools.config.parse_config(["-c", str(dev.CONFIG), "--log-level=warn"])
    odoo.tools.config["db_host"] = "localhost"
    odoo.tools.config["db_port"] = state["primary_port"]


def run_cron_jobs(db, timeout=1800):
    """The duplicate scan and the nightly assignment, triggered on the
    cluster's cron server (both at once, one per cron thread): ``{job:
    seconds}``, the time each one's run took (its batches summed)."""
    with bench.odoo_env(db) as env:
        Run = env["travel.job.run"]
        codes = {code: name for name, (_xmlid, code) in CRON_JOBS.items()}
        last = Run.search([], order="id desc", limit=1).id or 0
        for xmlid, _code in CRON_JOBS.values():
            env.ref(xmlid)._trigger()
        env.cr.commit()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            env.cr.rollback()  # a new snapshot
            env.invalidate_all()
            runs = Run.search(
                [
                    ("id", ">", last),
                    ("job_id.code", "in", list(codes)),
                    ("state", "!=", "running"),
                ]
            )
            if len(runs) >= len(codes):
                failed = runs.filtered(lambda run: run.state == "failed")
                if failed:
                    errors = "; ".join(failed.mapped("error"))
                    raise RuntimeError(f"failed on the cron server: {errors}")
                return {codes[run.job_id.code]: run.duration for run in runs}
            time.sleep(1)
    raise RuntimeError(f"the jobs did not end on the cron server in {timeout} s")


class ClusterWatch:
    """During a run on the cluster: the replication lag sampled every
    second, and the drill (the standby or the first HTTP server stopped for
    a while)."""

    def __init__(self, state, args):
        self.state, self.args = state, args
        self.lags, self.behind, self.events = [], [], []
        self.stop = threading.Event()
        self.started = time.monotonic()

    def note(self, message):
        seconds = time.monotonic() - self.started
        self.events.append(f"{seconds:.0f} s: {message}")
        bench.say(f"cluster, {seconds:.0f} s: {message}")

    def sample(self):
        while not self.stop.wait(1):
            with contextlib.suppress(cluster.ClusterError, ValueError, OSError):
                lag, behind = cluster.replication(self.state)
                if lag is not None:
                    self.lags.append(lag * 1000)
                    self.behind.append(behind)

    def drill(self):
        if self.stop.wait(self.args.drill_after):
            return
        pg = cluster.HERE.pg / "standby"
        if self.args.drill == "standby":
            self.note("stopping the standby")
            cluster.pg_stop("standby", pg)
            self.note("standby stopped")
            self.stop.wait(self.args.drill_for)
            cluster.pg_start("standby", pg, self.state["standby_port"])
            self.note("standby started again")
        else:
            name = cluster.HTTP_SERVERS[0]
            pid = cluster.read_pid(cluster.HERE.run / f"odoo-{name}.pid")
            self.note(f"stopping the Odoo {name} server")
            cluster.stop_pid(f"the Odoo {name} server", pid)
            self.note(f"{name} stopped")
            self.stop.wait(self.args.drill_for)
            cluster.start_http_server(self.state, name)
            self.note(f"{name} started again and tried by nginx")

    def __enter__(self):
        self.threads = [threading.Thread(target=self.sample, daemon=True)]
        if self.args.drill:
            self.threads.append(threading.Thread(target=self.drill, daemon=True))
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()
        if self.lags:
            lags = sorted(self.lags)
            bench.say(
                f"replication replay lag over {len(lags)} samples: median "
                f"{statistics.median(lags):.1f} ms, p95 "
                f"{bench.p95(lags):.1f} ms, max {lags[-1]:.1f} ms; "
                f"at most {max(self.behind)} bytes not replayed"
            )
        if self.args.drill == "standby":
            # Odoo 18 stops using a replica it failed to reach until the
            # process restarts: a rolling restart makes them use it again
            for name in cluster.HTTP_SERVERS:
                cluster.restart_http_server(self.state, name)
            self.note("HTTP servers restarted one after the other (standby used again)")


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
        else [
            sys.executable,
            __file__,
            *("--db", args.db, "--jobs-only"),
            *(("--cluster",) if args.cluster else ()),
        ],
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
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="on the running `make cluster` (its database; jobs on its cron server)",
    )
    parser.add_argument(
        "--drill",
        choices=["standby", "http"],
        help="with --cluster: stop the standby, or the first HTTP server, meanwhile",
    )
    parser.add_argument("--drill-after", type=float, default=45, help="seconds")
    parser.add_argument("--drill-for", type=float, default=30, help="seconds")
    args = parser.parse_args()
    if args.drill and not args.cluster:
        parser.error("--drill needs --cluster")
    return args


def main_cluster(args):
    """The run on the cluster of `make cluster`, through nginx."""
    try:
        state = cluster.running_state()
    except cluster.ClusterError as error:
        sys.exit(f"[{dev.ADDON}] {error}")
    args.db = state["db"]
    use_cluster_primary(state)
    partners = prepare(args.db, args.staff, args.portal)
    cluster.wait_replayed(state)
    base = f"http://localhost:{state['port']}"
    bench.say(
        f"on the cluster ({base}, {args.db}): {args.staff} staff and "
        f"{args.portal} portal users, {args.requests} actions each, "
        f"{args.think:g} s between clicks on average, logging in over "
        f"{args.ramp_up:g} s; jobs on the cron server; drill: {args.drill}"
    )
    with ClusterWatch(state, args):
        status = locust(base, args, partners)
    bench.say(f"Locust's report: {REPORTS / 'report.html'} (CSV files beside it)")
    sys.exit(status)


def main():
    args = parse_args()
    if args.jobs_only:
        if args.cluster:
            try:
                use_cluster_primary(cluster.running_state())
            except cluster.ClusterError as error:
                sys.exit(f"[{dev.ADDON}] {error}")
            print(json.dumps(run_cron_jobs(args.db)))
        else:
            print(json.dumps(run_jobs(args.db)))
        return
    dev.setup()
    if args.cluster:
        main_cluster(args)
        return
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
