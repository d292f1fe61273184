# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestJobs(TravelCustomerCommon):
    """Each scheduled job's run is recorded, with its figures or its
    failure, and a manager starts a job through the scheduler."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param(
            "travel_customer.cashback_percent", "5"
        )
        cls.today = fields.Date.context_today(cls.env["sale.order"])
        cls.job = cls.env.ref("travel_customer.travel_job_cashback")
        cls.cron = cls.env.ref("travel_customer.ir_cron_cashback")

    def _ended_booking(self):
        order = self._create_order(
            self.customer,
            travel_date_start=self.today - timedelta(days=10),
            travel_date_end=self.today - timedelta(days=3),
        )
        order.order_line.write({"price_unit": 1000.0, "tax_id": False})
        order.action_confirm()
        return order

    def _run_cron(self):
        """What the scheduler runs: the cron's server action."""
        self.cron.ir_actions_server_id.run()

    def test_run_recorded_with_its_figures(self):
        self.env["loyalty.card"]._cron_travel_cashback()  # the demo's ended trips
        self._ended_booking()
        self._ended_booking()
        self._run_cron()
        run = self.job.run_ids
        self.assertEqual(len(run), 1)
        self.assertEqual(run.state, "done")
        self.assertEqual(run.figures, {"cashbacks": 2})
        self.assertIn("2", run.summary)
        self.assertTrue(run.date_start and run.date_end)
        self.assertGreaterEqual(run.duration, 0)
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(self.job.last_state, "done")
        # nothing left to credit: a second run, with its own figures
        self._run_cron()
        self.job.invalidate_recordset()
        self.assertEqual(len(self.job.run_ids), 2)
        self.assertEqual(self.job.last_run_id.figures, {"cashbacks": 0})

    def test_counted_around_a_method_that_returns_nothing(self):
        """The scan returns nothing: the open groups are counted after it."""
        Group = self.env["travel.duplicate.group"]
        self._fake_customer(name="Anne Martin", email="anne.martin@example.org")
        self._fake_customer(name="Anne Martin", email="anne.martin@example.org")
        self.env.ref(
            "travel_customer.ir_cron_duplicate_scan"
        ).ir_actions_server_id.run()
        run = self.env.ref("travel_customer.travel_job_scan").last_run_id
        self.assertEqual(run.state, "done")
        self.assertEqual(
            run.figures, {"groups": Group.search_count([("state", "=", "open")])}
        )
        self.assertGreaterEqual(run.figures["groups"], 1)

    def test_failed_run_with_its_reason_and_an_activity(self):
        self._ended_booking()
        LoyaltyCard = type(self.env["loyalty.card"])
        failure = None
        # not assertRaises: Odoo's rolls back what the block wrote
        with patch.object(
            LoyaltyCard,
            "_cron_travel_cashback",
            side_effect=ValueError("wallet program missing"),
        ):
            try:
                self._run_cron()
            except ValueError as error:
                failure = error
        self.assertTrue(failure, "the failure reaches the scheduler")
        run = self.job.run_ids
        self.assertEqual(run.state, "failed")
        self.assertIn("wallet program missing", run.error)
        self.assertIn("wallet program missing", run.summary)
        activities = run.activity_ids
        self.assertIn(self.travel_manager, activities.user_id)
        self.assertNotIn(self.salesman, activities.user_id)
        self.assertIn("Cashback", activities[0].summary)
        # the manager reads the run and marks its activity done
        mine = activities.filtered(lambda a: a.user_id == self.travel_manager)
        mine.with_user(self.travel_manager).action_done()
        self.assertFalse(
            run.activity_ids.filtered(lambda a: a.user_id == self.travel_manager)
        )

    def test_batches_are_one_run(self):
        """A job the cron calls again while work remains is one run."""
        Run = self.env["travel.job.run"]
        Progress = self.env["ir.cron.progress"]
        job = self.env.ref("travel_customer.travel_job_retention")
        cron = self.env.ref("travel_customer.ir_cron_retention")
        batches = [(2, 3), (3, 0)]  # (done, remaining) of each call
        before = job.run_ids  # runs of other tests that committed theirs

        for _i in range(2):
            progress = Progress.create({"cron_id": cron.id})
            Cron = self.env["ir.cron"].with_context(ir_cron_progress_id=progress.id)

            def batch(cron=Cron):
                done, remaining = batches.pop(0)
                cron._notify_progress(done=done, remaining=remaining)
                return done

            Run.with_context(ir_cron_progress_id=progress.id)._run("retention", batch)
            if batches:  # work left: the run goes on, at 2 of 5
                job.run_ids.invalidate_recordset()
                self.assertEqual((job.run_ids - before).state, "running")
                self.assertAlmostEqual((job.run_ids - before).progress, 40.0)
        run = job.run_ids - before
        self.assertEqual(len(run), 1)
        self.assertEqual(run.state, "done")
        self.assertEqual(run.batch_count, 2)
        self.assertEqual(run.figures, {"anonymized": 5})

    def test_run_now_through_the_scheduler(self):
        with (
            self.capture_triggers(self.cron.id) as triggers,
            patch.object(
                type(self.env["loyalty.card"]), "_cron_travel_cashback"
            ) as cron,
        ):
            action = self.job.with_user(self.travel_manager).action_run_now()
            cron.assert_not_called()  # not in the web request
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(len(triggers.records), 1)
        with self.assertRaises(AccessError):
            self.job.with_user(self.salesman).action_run_now()
