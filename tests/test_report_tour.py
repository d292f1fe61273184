# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Travel dashboard and the calendars, in the browser and as views."""

import base64
import json

from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools.misc import file_open

DASHBOARD_FILE = "travel_customer/data/files/travel_dashboard.json"


@tagged("post_install", "-at_install")
class TestDashboardData(TransactionCase):
    """Every pivot and chart of the dashboard reads fields that exist, with
    a domain the ORM takes: a renamed field breaks this test, not the
    dashboard in front of a manager."""

    def _data(self):
        with file_open(DASHBOARD_FILE) as fh:
            return json.load(fh)

    def _check_fields(self, model, names, where):
        Model = self.env[model]
        for name in names:
            field = name.split(":")[0]
            if field == "__count":
                continue
            self.assertIn(field, Model._fields, f"{where}: {model}.{field}")

    def test_pivots_and_charts_read_existing_fields(self):
        data = self._data()
        filters = {f["id"]: f for f in data["globalFilters"]}
        self.assertEqual({f["label"] for f in filters.values()}, {"Period", "Company"})
        sources = [
            (
                f"pivot {pid}",
                p["model"],
                p["domain"],
                [m["fieldName"] for m in p["measures"]]
                + [r["fieldName"] for r in p["rows"] + p["columns"]],
                p["fieldMatching"],
            )
            for pid, p in data["pivots"].items()
        ]
        for sheet in data["sheets"]:
            for figure in sheet["figures"]:
                chart = figure["data"]
                if not chart["type"].startswith("odoo_"):
                    continue
                meta = chart["metaData"]
                sources.append(
                    (
                        f"chart {figure['id']}",
                        meta["resModel"],
                        chart["searchParams"]["domain"],
                        [meta["measure"], *meta["groupBy"]],
                        chart["fieldMatching"],
                    )
                )
        for where, model, domain, names, matching in sources:
            self._check_fields(model, names, where)
            self._check_fields(model, [m["chain"] for m in matching.values()], where)
            self.assertLessEqual(set(matching), set(filters), where)
            self.env[model].search_count(domain)
        menus = data["chartOdooMenusReferences"]
        for xmlid in menus.values():
            self.assertTrue(self.env.ref(xmlid), xmlid)

    def test_dashboard_record(self):
        dashboard = self.env.ref("travel_customer.spreadsheet_dashboard_travel")
        self.assertEqual(dashboard.dashboard_group_id.name, "Travel")
        stored = json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))
        self.assertEqual(stored["pivots"].keys(), self._data()["pivots"].keys())
        self.assertIn(
            self.env.ref("travel_customer.group_travel_user"), dashboard.group_ids
        )
        # its terms are translated (data files are code translations)
        fr = self.env["ir.http"].get_translations_for_webclient(
            ["travel_customer"], "fr_FR"
        )[0]
        translated = {m["id"] for m in fr["travel_customer"]["messages"]}
        for term in ("Revenue per month", "Upcoming fill rate", "Period", "Company"):
            self.assertIn(term, translated)

    def test_calendar_views(self):
        departures = self.env["travel.departure"].get_views([(False, "calendar")])
        arch = departures["views"]["calendar"]["arch"]
        self.assertIn('date_start="date_start"', arch)
        self.assertIn("seats_left", arch)
        action = self.env.ref("travel_customer.sale_order_action_travel_calendar")
        views = self.env["sale.order"].get_views(
            [(v.view_id.id, v.view_mode) for v in action.view_ids]
        )
        self.assertIn(
            'date_start="travel_date_start"', views["views"]["calendar"]["arch"]
        )


@tagged("post_install", "-at_install")
class TestReportTours(HttpCase):
    def test_dashboard_loads(self):
        self.start_tour("/odoo/dashboards", "travel_customer_dashboard", login="admin")

    def test_calendars_load(self):
        # one booking on the calendar's month, whatever today is
        order = self.env["sale.order"].search(
            [("state", "=", "sale"), ("travel_date_start", "!=", False)], limit=1
        )
        today = self.env.cr.now().date()
        order.write({"travel_date_start": today, "travel_date_end": today})
        self.start_tour(
            "/odoo/action-travel_customer.sale_order_action_travel_calendar",
            "travel_customer_calendars",
            login="admin",
        )
