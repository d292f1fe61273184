# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The nightly assignment as the cron runs it, on committed data.

In a test's transaction the nightly action works alone in that transaction;
here it runs from a thread of its own, as in a cron worker: its two database
sessions commit batch after batch and share the resellers between them,
while another connection holds some resellers.
"""

import threading
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL

from .common import CommittedDataCase


@tagged("post_install", "-at_install")
class TestAssignmentSessions(CommittedDataCase):
    def _committed_resellers_and_departures(self):
        with self._env() as env:
            stay = env["product.product"].create(
                {"name": "Session-test stay", "type": "service", "travel_is_stay": True}
            )
            today = fields.Date.context_today(stay)
            departures = env["travel.departure"].create(
                [
                    {
                        "product_id": stay.id,
                        "date_start": today + timedelta(days=30 + week * 7),
                        "date_end": today + timedelta(days=36 + week * 7),
                        "price": 100.0,
                    }
                    for week in range(3)
                ]
            )
            professional = env.ref("travel_customer.customer_type_professional")
            resellers = env["res.partner"].create(
                [
                    {
                        "name": f"Session-test agency {number}",
                        "is_company": True,
                        "customer_type_id": professional.id,
                        "travel_all_offers": True,
                        "travel_markup": 10.0,
                    }
                    for number in range(5)
                ]
            )
            ids = (stay.id, stay.product_tmpl_id.id, departures.ids, resellers.ids)
        stay_id, template_id, departure_ids, reseller_ids = ids
        self.addCleanup(
            self._sql,
            SQL(
                """
                DELETE FROM travel_departure_assignment
                 WHERE partner_id = ANY(%(resellers)s)
                    OR departure_id = ANY(%(departures)s);
                DELETE FROM res_partner WHERE id = ANY(%(resellers)s);
                DELETE FROM travel_departure WHERE id = ANY(%(departures)s);
                DELETE FROM product_product WHERE id = %(stay)s;
                DELETE FROM product_template WHERE id = %(template)s;
                """,
                resellers=reseller_ids,
                departures=departure_ids,
                stay=stay_id,
                template=template_id,
            ),
        )
        return departure_ids, reseller_ids

    def _run_as_cron(self):
        """The nightly action from a thread of its own, two sessions, one
        reseller per batch: what it returned, or the error it raised."""
        outcome = {}

        def run():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    outcome["created"] = env[
                        "travel.departure.assignment"
                    ]._cron_assign_all_offers(batch_size=1, workers=2)
            except Exception as error:  # reported by the test below
                outcome["error"] = error

        thread = threading.Thread(target=run, name="travel_assign_test")
        thread.start()
        thread.join(120)
        return outcome

    def test_two_sessions_share_the_resellers(self):
        reseller_ids = self._committed_resellers_and_departures()[1]
        held_id = reseller_ids[0]
        # every other reseller with all offers (the demo's) is held too: this
        # test leaves the rest of the database as it found it
        holder = db_connect(self.cr.dbname).cursor()
        try:
            holder.execute(
                "SELECT id FROM res_partner WHERE id = %s OR (travel_all_offers "
                "AND id != ALL(%s)) FOR UPDATE",
                [held_id, reseller_ids],
            )
            outcome = self._run_as_cron()
        finally:
            holder.rollback()
            holder.close()
        self.assertNotIn("error", outcome)
        due = self._sql(
            SQL(
                "SELECT count(*) FROM travel_departure "
                "WHERE active AND date_end >= %s",
                fields.Date.context_today(self.env["res.partner"]),
            )
        )[0][0]
        self.assertEqual(outcome["created"], 4 * due)
        rows = dict(
            self._sql(
                SQL(
                    "SELECT p.id, count(a.id) FROM res_partner p "
                    "LEFT JOIN travel_departure_assignment a ON a.partner_id = p.id "
                    "WHERE p.id = ANY(%s) GROUP BY p.id",
                    reseller_ids,
                )
            )
        )
        self.assertEqual(rows, {held_id: 0} | dict.fromkeys(reseller_ids[1:], due))
        stamped = self._sql(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s) "
                "AND travel_offers_assigned_at IS NOT NULL ORDER BY id",
                reseller_ids,
            )
        )
        self.assertEqual([row[0] for row in stamped], sorted(reseller_ids[1:]))
