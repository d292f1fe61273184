# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reads on a real hot standby, writes on the primary.

The test starts what ``make cluster`` starts, with the same functions
(``tools/cluster.py``), in a temporary folder of its own: a PostgreSQL 15
primary holding a copy of the test database, a hot standby following it by
streaming replication, and an Odoo server using the standby as its replica
(``db_replica_host`` / ``db_replica_port``). Both PostgreSQL servers log
every statement they run: what a user's request ran where is read from
their logs, by what only that request sends (the words searched, the
portal's table, the booking's update). Everything it started is stopped and
removed when the class ends, failed or not.

The tests run in the order of their names: the last one stops the standby
(Odoo 18 then stops using it until the server restarts).
"""

import contextlib
import importlib
import os
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import requests

from odoo.tests import TransactionCase, tagged

TOOLS = Path(__file__).resolve().parent.parent / "tools"
PREFIX = "travel_customer-standby-"  # the test's folders, in the temporary one
OWNER = "owner.pid"  # the test process that made the folder
SEARCHED = "Quentin Replicant"
LOG_TAIL = 40  # lines of each log shown when the cluster fails


def cluster_tools():
    """``tools/cluster.py``, the module of ``make cluster``."""
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))
    return importlib.import_module("cluster")


class OdooClient:
    """A user's browser session on an Odoo server: JSON-RPC and pages."""

    def __init__(self, base, db):
        self.base, self.db = base, db
        self.session = requests.Session()

    def rpc(self, path, params):
        response = self.session.post(
            f"{self.base}{path}",
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=60,
        )
        response.raise_for_status()
        answer = response.json()
        if "error" in answer:
            raise AssertionError(f"{path}: {answer['error']}")
        return answer["result"]

    def login(self, login, password):
        return self.rpc(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def button(self, record, method):
        model, record_id = record
        return self.rpc(
            f"/web/dataset/call_button/{model}/{method}",
            {"model": model, "method": method, "args": [[record_id]], "kwargs": {}},
        )

    def page(self, path):
        return self.session.get(f"{self.base}{path}", timeout=60)


@tagged("post_install", "-at_install")
class TestReplicaStandby(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster = cluster = cluster_tools()
        cls._remove_left_over(cluster)
        root = Path(tempfile.mkdtemp(prefix=PREFIX))
        cls.addClassCleanup(shutil.rmtree, root, ignore_errors=True)
        root.chmod(0o755)  # as root, PostgreSQL runs as its own user
        cls.place = place = cluster.Place(root)
        place.make()
        (root / OWNER).write_text(f"{os.getpid()}\n")
        cls.addClassCleanup(cluster.stop_all, place)
        free_port = cluster.dev.free_port
        http_port = free_port()
        cls.state = state = {
            "db": cls.env.cr.dbname,
            "primary_port": free_port(),
            "standby_port": free_port(),
            "http_ports": [http_port],
            "gevent_ports": [http_port],
            "workers": 0,  # threaded: one process, its log in one file
        }
        cls.base = f"http://127.0.0.1:{http_port}"
        try:
            cluster.check_postgresql()
            cluster.ensure_postgresql(state, place, settings=["log_statement=all"])
            # the test database as it is committed, with its file store
            cluster.copy_from_usual_server(state["db"], state["primary_port"], place)
            options = cluster.http_server_options(state, 0)
            cluster.server_config(state, "http", options, place)
            cluster.start_odoo("http", place)
            cluster.wait_http(
                f"{cls.base}/web/health",
                "the test's Odoo server",
                cluster.read_pid(place.run / "odoo-http.pid"),
                timeout=180,
                place=place,
            )
            cls._prepare_data()
        except Exception as error:
            raise AssertionError(f"{error}\n{cls._logs_tail()}") from error

    @staticmethod
    def _remove_left_over(cluster):
        """Stop and remove what a run killed before its end left behind."""
        for root in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
            owner = cluster.read_pid(root / OWNER)
            if owner and not cluster.pid_alive(owner):
                cluster.stop_all(cluster.Place(root))
                shutil.rmtree(root, ignore_errors=True)

    @classmethod
    def _prepare_data(cls):
        """A customer, a trip and a quotation, created as staff over RPC
        (on the primary), replayed by the standby."""
        cls.admin = OdooClient(cls.base, cls.state["db"])
        cls.admin.login("admin", "admin")
        cls.customer_id = cls.admin.call(
            "res.partner",
            "create",
            {"name": SEARCHED, "email": "quentin.replicant@example.org"},
        )
        product_id = cls.admin.call(
            "product.product",
            "create",
            {"name": "Standby trip", "type": "service", "list_price": 500.0},
        )
        start = date.today() + timedelta(days=30)
        cls.order_id = cls.admin.call(
            "sale.order",
            "create",
            {
                "partner_id": cls.customer_id,
                "order_line": [(0, 0, {"product_id": product_id})],
                "travel_date_start": start.isoformat(),
                "travel_date_end": (start + timedelta(days=7)).isoformat(),
            },
        )
        cls.cluster.wait_replayed(cls.state, cls.place)

    @classmethod
    def _logs_tail(cls):
        """The end of the servers' logs (the folder goes when the test ends)."""
        tails = []
        logs = [cls.place.log / "odoo-http.log", cls.place.log / "odoo-http.out"]
        logs += [cls.place.pg / f"{name}.log" for name in ("primary", "standby")]
        for log in logs:
            with contextlib.suppress(OSError):
                lines = log.read_text(errors="replace").splitlines()[-LOG_TAIL:]
                tails.append(f"--- {log.name}\n" + "\n".join(lines))
        return "\n".join(tails)

    @contextlib.contextmanager
    def _statements(self):
        """Yields {"primary": text, "standby": text}, filled when the block
        ends with the statements each server ran meanwhile (lowercase)."""
        logs = {name: self.place.pg / f"{name}.log" for name in ("primary", "standby")}
        sizes = {name: log.stat().st_size for name, log in logs.items()}
        ran = {}
        yield ran
        for name, log in logs.items():
            with log.open("rb") as file:
                file.seek(sizes[name])
                ran[name] = file.read().decode(errors="replace").lower()

    def _search(self):
        """The customer search of a booking's customer field."""
        with self._statements() as ran:
            found = self.admin.call("res.partner", "name_search", name=SEARCHED)
        self.assertIn(self.customer_id, [row[0] for row in found])
        return ran

    def test_1_customer_search_on_the_standby(self):
        ran = self._search()
        self.assertIn("replicant", ran["standby"], "the search ran on the standby")
        self.assertNotIn("replicant", ran["primary"], "and not on the primary")

    def test_2_portal_list_on_the_standby(self):
        reseller = OdooClient(self.base, self.state["db"])
        reseller.login("karim.benali@soleil-voyages.example.fr", "soleil-voyages")
        with self._statements() as ran:
            page = reseller.page("/my/departures")
        self.assertEqual(page.status_code, 200, page.text[-2000:])
        self.assertIn("/my/departures/", page.text, "the reseller sees departures")
        self.assertIn("travel_departure", ran["standby"], "read on the standby")
        self.assertNotIn("travel_departure", ran["primary"], "not on the primary")

    def test_3_booking_confirmation_on_the_primary(self):
        with self._statements() as ran:
            self.admin.button(("sale.order", self.order_id), "action_confirm")
        self.assertIn('update "sale_order"', ran["primary"], "written on the primary")
        self.assertNotIn("update ", ran["standby"], "nothing written on the standby")
        self.cluster.wait_replayed(self.state, self.place)
        # the booking as the list shows it: read on the standby, confirmed
        with self._statements() as ran:
            rows = self.admin.call(
                "sale.order",
                "web_search_read",
                [("id", "=", self.order_id)],
                {"state": {}},
            )
        self.assertEqual(rows["records"][0]["state"], "sale")
        self.assertIn('from "sale_order"', ran["standby"])
        self.assertNotIn('from "sale_order"', ran["primary"])

    def test_4_standby_stopped_reads_from_the_primary(self):
        self.cluster.pg_stop("standby", self.place.pg / "standby")
        ran = self._search()
        self.assertIn("replicant", ran["primary"], "the search ran on the primary")
        log = (self.place.log / "odoo-http.log").read_text(errors="replace")
        self.assertIn("Failed to open a readonly cursor", log)
