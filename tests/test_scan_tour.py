# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.base.tests.test_ir_cron import CronMixinCase


@tagged("post_install", "-at_install")
class TestScanTour(CronMixinCase, HttpCase):
    def test_manager_scans_from_the_list(self):
        """In the browser, a Travel manager (not an administrator) clicks
        "Scan now" on the list of duplicate candidates: the scan is handed to
        the scheduler (it outlasts a web request on a large base); once the
        scheduler ran it, the list shows the groups it found."""
        new_test_user(
            self.env,
            "scan_manager",
            "base.group_user,travel_customer.group_travel_manager",
            password="scan_manager",
        )
        Group = self.env["travel.duplicate.group"]
        Group.search([]).unlink()
        # two look-alikes of its own (the demo data has others)
        self.env["res.partner"].create(
            [{"name": "Solveig Amundsen", "email": "solveig.amundsen@example.org"}] * 2
        )
        cron = self.env.ref("travel_customer.ir_cron_duplicate_scan")
        with self.capture_triggers(cron.id) as triggers:
            self.start_tour(
                "/odoo/action-travel_customer.travel_duplicate_group_action",
                "travel_customer_scan",
                login="scan_manager",
            )
        self.assertEqual(len(triggers.records), 1)
        self.assertFalse(Group.search([("state", "=", "open")]))
        # what the scheduler runs
        cron.ir_actions_server_id.run()
        self.assertTrue(Group.search([("state", "=", "open")]))
        self.assertTrue(
            Group.search(
                [("state", "=", "open"), ("partner_ids.name", "=", "Solveig Amundsen")]
            )
        )
        self.start_tour(
            "/odoo/action-travel_customer.travel_duplicate_group_action",
            "travel_customer_scan_result",
            login="scan_manager",
        )
