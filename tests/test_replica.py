# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which requests a database replica serves.

With ``db_replica_host`` / ``db_replica_port`` set, Odoo runs a request on a
cursor of the replica (a hot standby) when its route is read-only, or, for a
method called from the web client, when the method is: the customer search
(``name_search``, ``web_search_read``) and the portal's lists and pages. Any
write stays on the primary.

In a test, Odoo's test cursor stands for both servers: a read-only request
gets a cursor in a READ ONLY transaction, which refuses any write as a
standby does (Odoo would then run the request again on the primary, mode
``ro->rw``). Each request's cursor is recorded when it is answered: ``ro``
is the replica's, ``rw`` the primary's. ``test_replica_standby.py`` runs
the search, a portal list and a booking confirmation on a real standby.
"""

import contextlib
import threading
from datetime import timedelta
from unittest.mock import patch

from odoo import fields, sql_db
from odoo.http import request
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from .common import TravelBookingMixin

ADDON_CONTROLLERS = "odoo.addons.travel_customer."


@tagged("post_install", "-at_install")
class TestReplica(TravelBookingMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.product = cls.env["product.product"].create(
            {"name": "Replica trip", "type": "service", "list_price": 500.0}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Quentin Replicant", "email": "quentin.replicant@example.org"}
        )
        stay = cls.env["product.product"].create(
            {"name": "Replica Corsica", "type": "service", "travel_is_stay": True}
        )
        start = cls.today + timedelta(days=30)
        cls.departure = cls.env["travel.departure"].create(
            {
                "product_id": stay.id,
                "date_start": start,
                "date_end": start + timedelta(days=7),
                "capacity": 8,
                "price": 1000.0,
            }
        )
        agency = cls.env["res.partner"].create(
            {
                "name": "Agence Réplique",
                "is_company": True,
                "customer_type_id": cls.env.ref(
                    "travel_customer.customer_type_professional"
                ).id,
                "travel_markup": 10.0,
            }
        )
        cls.env["travel.departure.assignment"]._assign(agency, cls.departure)
        user = new_test_user(
            cls.env, login="replica_agency", groups="base.group_portal"
        )
        user.partner_id.parent_id = agency

    @contextlib.contextmanager
    def _cursors(self):
        """Yields {path: cursor mode} of the requests answered in the block:
        ``ro`` on the replica, ``rw`` on the primary, ``ro->rw`` a read-only
        request that wrote and was run again on the primary."""
        IrHttp = self.registry["ir.http"]
        post_dispatch = IrHttp._post_dispatch
        modes = {}

        def _post_dispatch(response):
            mode = threading.current_thread().cursor_mode
            self.assertEqual(request.env.cr.readonly, mode == "ro")
            modes[request.httprequest.path] = mode
            return post_dispatch(response)

        with patch.object(IrHttp, "_post_dispatch", _post_dispatch):
            yield modes

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def _get(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return response

    def test_customer_search_on_the_replica(self):
        self.authenticate("admin", "admin")
        with self._cursors() as modes:
            found = self._call("res.partner", "name_search", name="replicant quentin")
            rows = self._call(
                "res.partner",
                "web_search_read",
                [("display_name", "ilike", "quentin replicant")],
                {"display_name": {}},
            )
        self.assertIn(self.customer.id, [row[0] for row in found])
        self.assertEqual([row["id"] for row in rows["records"]], [self.customer.id])
        self.assertEqual(
            modes,
            {
                "/web/dataset/call_kw/res.partner/name_search": "ro",
                "/web/dataset/call_kw/res.partner/web_search_read": "ro",
            },
        )

    def test_portal_lists_and_pages_on_the_replica(self):
        self.authenticate("replica_agency", "replica_agency")
        urls = [
            "/my/departures",
            f"/my/departures/{self.departure.id}",
            "/my/client_bookings",
            "/my/client_quotes",
            "/my/documents",
            "/my/consents",
        ]
        with self._cursors() as modes:
            pages = {url: self._get(url) for url in urls}
        self.assertIn("Replica Corsica", pages["/my/departures"].text)
        self.assertEqual(modes, dict.fromkeys(urls, "ro"))

    def test_booking_confirmation_on_the_primary(self):
        order = self._create_order(
            self.customer,
            travel_date_start=self.today + timedelta(days=10),
            travel_date_end=self.today + timedelta(days=17),
        )
        self.authenticate("admin", "admin")
        with self._cursors() as modes:
            self._button(order, "action_confirm")
            # opening it again (a button that only reads) goes to the replica
            action = self._button(order, "action_travel_open")
        self.assertEqual(order.state, "sale")
        self.assertEqual(action["res_id"], order.id)
        self.assertEqual(
            modes,
            {
                "/web/dataset/call_button/sale.order/action_confirm": "rw",
                "/web/dataset/call_button/sale.order/action_travel_open": "ro",
            },
        )

    def _button(self, record, method):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_button/{record._name}/{method}",
            {
                "model": record._name,
                "method": method,
                "args": [record.ids],
                "kwargs": {},
            },
        )

    def test_a_form_posted_goes_to_the_primary(self):
        """A route that shows on GET and records on POST is read-only on GET
        only."""
        self.authenticate("replica_agency", "replica_agency")
        page = self._get("/my/consents")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        with self._cursors() as modes:
            response = self.url_open(
                "/my/consents",
                data={"csrf_token": token, "us": "yes"},
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(modes, {"/my/consents": "rw"})

    def test_writing_routes_never_read_only(self):
        """Every route of the addon that only takes POST (a change) runs on
        the primary; the read-only ones take GET."""
        thread = threading.current_thread()
        thread.dbname = getattr(thread, "dbname", self.env.cr.dbname)
        routes = []
        for rule in self.env["ir.http"].routing_map().iter_rules():
            endpoint = rule.endpoint.original_endpoint
            func = getattr(endpoint, "__func__", endpoint)
            if func.__module__.startswith(ADDON_CONTROLLERS):
                methods = set(rule.methods or ("GET", "POST")) - {"HEAD", "OPTIONS"}
                routes.append((rule.rule, methods, rule.endpoint.routing))
        self.assertTrue(routes)
        for url, methods, routing in routes:
            if methods == {"POST"}:
                self.assertFalse(routing["readonly"], url)
        readonly = {url for url, _m, routing in routes if routing["readonly"] is True}
        self.assertIn("/my/departures", readonly)
        self.assertIn("/my/departures/<int:departure_id>", readonly)

    def test_replica_connection(self):
        """What the cursors of the replica connect to: the replica's host and
        port, the rest (database, user) as the primary."""
        replica = {"db_replica_host": "standby.example", "db_replica_port": 5433}
        with patch.dict(config.options, replica):
            _db, primary = sql_db.connection_info_for(self.env.cr.dbname)
            _db, standby = sql_db.connection_info_for(self.env.cr.dbname, readonly=True)
        self.assertEqual((standby["host"], standby["port"]), ("standby.example", 5433))
        self.assertNotEqual(primary.get("port"), 5433)
        self.assertEqual(standby["database"], primary["database"])
        self.assertEqual(standby.get("user"), primary.get("user"))
