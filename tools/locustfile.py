"""The users of ``make load`` (Locust; started by tools/load.py, which
passes the run's settings in ``LOAD_SETTINGS``).

Back-office users search customers (the multi-word search) and open customer
forms, portal users browse their bookings and their departures, each through
the routes the browser uses, pausing between clicks as a person reading the
screen does. Once every user is logged in, the duplicate scan and the
nightly assignment run in a process of their own, as on a cron server; their
durations are reported beside the requests (type ``JOB``).
"""

import itertools
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rpc  # noqa: E402

SETTINGS = json.loads(os.environ.get("LOAD_SETTINGS", "{}"))
THINK = SETTINGS.get("think", 3.0)
WORDS = ["martin", "muller", "rossi", "bernard", "paris", "berlin", "anna", "jean"]
FORM = {
    "name": {},
    "email": {},
    "customer_type_id": {"fields": {"display_name": {}}},
    "travel_level_id": {"fields": {"display_name": {}}},
    "travel_booking_count": {},
    "travel_quotation_count": {},
}
# users done with their actions, and whether the jobs are: the run ends
# when everyone is
DONE = {"users": 0, "jobs": not SETTINGS.get("jobs")}


class OdooUser(HttpUser):
    """A user logged in through the web client's route, making
    ``requests`` actions, then leaving."""

    abstract = True
    # the pause between two clicks (reading the screen)
    wait_time = between(THINK / 3, THINK * 5 / 3)
    prefix = ""
    counted = False  # in DONE

    def on_start(self):
        self.index = next(self.numbers)
        if self.index >= self.fixed_count:
            # Locust replaces the users that finished during the ramp-up:
            # every user of the run has had its turn, this one waits for
            # the end (it would log in as a user that does not exist),
            # pausing as the others do so that the end stops it at once
            self.counted = True
            while True:
                self.wait()
        self.rng = random.Random(f"{self.prefix}{self.index}")
        self.actions = 0
        self.odoo = rpc.Client(self.host, self.client, timeout=60)
        params = {
            "db": SETTINGS.get("db"),
            "login": f"load_{self.prefix}_{self.index}",
            "password": SETTINGS.get("password"),
        }
        if not self.timed("login", "/web/session/authenticate", params):
            raise StopUser()  # a refused or timed-out login: an error

    def timed(self, name, path, params):
        """POST a JSON-RPC call, timed under ``name``; an error is a failure.
        Whether it succeeded."""
        with self.odoo.post(path, params, name=name, catch_response=True) as response:
            try:
                rpc.result(response.json())
            except (rpc.RPCError, ValueError, KeyError) as error:
                response.failure(error)
                return False
            return True

    def count_action(self):
        self.actions += 1
        if self.actions >= SETTINGS.get("requests", 10):
            raise StopUser()

    def on_stop(self):
        if not self.counted:  # Locust may call it twice
            self.counted = True
            DONE["users"] += 1
            end_when_done(self.environment)


class StaffUser(OdooUser):
    prefix = "staff"

    @task
    def search_and_open(self):
        words = " ".join(self.rng.sample(WORDS, 2))
        kwargs = {"name": words, "limit": 10}
        call = rpc.call_kw("res.partner", "name_search", [], kwargs)
        self.timed("search customers", *call)
        self.wait()
        partner = self.rng.choice(SETTINGS.get("partners") or [1])
        call = rpc.call_kw(
            "res.partner", "web_read", [[partner]], {"specification": FORM}
        )
        self.timed("open a customer form", *call)
        self.count_action()


class PortalUser(OdooUser):
    prefix = "portal"

    @task
    def browse(self):
        self.client.get("/my/orders", name="portal: my orders", timeout=60)
        self.wait()
        departures = "/my/departures?sortby=price"
        self.client.get(departures, name="portal: my departures", timeout=60)
        self.count_action()


def count_users():
    """How many users of each kind (--staff, --portal), and their numbers."""
    for user in (StaffUser, PortalUser):
        user.fixed_count = SETTINGS.get(user.prefix, 0)
        user.numbers = itertools.count()


count_users()  # (a loop here would leave a User class in the module: a third)


def end_when_done(environment):
    """Quit once every user has made its actions and the jobs are over."""
    users = SETTINGS.get("staff", 0) + SETTINGS.get("portal", 0)
    if DONE["users"] >= users and DONE["jobs"] and environment.runner:
        gevent.spawn_later(0.1, environment.runner.quit)


def run_jobs(environment):
    """The background jobs, in their own process: each one's duration."""
    done = subprocess.run(SETTINGS["jobs"], capture_output=True, text=True, check=False)
    try:
        timings = json.loads(done.stdout.strip().splitlines()[-1])
        error = None
    except (IndexError, ValueError):
        timings = {"the jobs": 0}
        error = RuntimeError(f"the jobs failed: {done.stderr[-2000:]}")
    for name, seconds in timings.items():
        environment.events.request.fire(
            request_type="JOB",
            name=name,
            response_time=seconds * 1000,
            response_length=0,
            exception=error,
            context={},
        )
    DONE["jobs"] = True
    end_when_done(environment)


@events.init.add_listener
def on_init(environment, **_kwargs):
    """Once everyone is at work, the jobs start (once)."""

    def start_jobs(**_kwargs):
        if not SETTINGS.get("jobs_started"):
            SETTINGS["jobs_started"] = True
            gevent.spawn(run_jobs, environment)

    if SETTINGS.get("jobs"):
        environment.events.spawning_complete.add_listener(start_jobs)
