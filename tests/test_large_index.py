# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestLargeIndex(TravelCustomerCommon):
    """The search's indexes (the similar customers read its names' words):
    built with the install on a small base, left to the job "Search indexes"
    on a large one, which builds what is missing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.LargeIndex = cls.env["travel.large.index"]
        cls.job = cls.env.ref("travel_customer.travel_job_indexes")
        cls.cron = cls.env.ref("travel_customer.ir_cron_large_indexes")
        cls.indexes = cls.env["travel.customer.search"]._travel_large_indexes()

    def _drop(self, name):
        self.env.execute_query(SQL("DROP INDEX %s", SQL.identifier(name)))

    def test_small_base_built_with_the_install(self):
        self.assertEqual(
            set(self.indexes),
            {
                "res_partner_travel_search_index",
                "res_partner_travel_name_prefix_index",
                "res_partner_travel_name_words_array_index",
                "res_partner_travel_text_words_index",
            },
        )
        self.assertEqual(self.LargeIndex._travel_missing(self.indexes), [])
        # a missing index on a small base: made again by the module's update
        self._drop("res_partner_travel_search_index")
        self.env["travel.customer.search"].init()
        self.assertEqual(self.LargeIndex._travel_missing(self.indexes), [])

    def test_large_base_left_to_the_job(self):
        # the names' words: the search's, read by the similar customers too
        name = "res_partner_travel_name_words_array_index"
        self._drop(name)
        search = self.env["travel.customer.search"]
        with self.capture_triggers(self.cron.id) as triggers:
            self.LargeIndex._travel_create(search._travel_large_indexes(), large_rows=0)
        # not built within the install: the job is asked to run at once
        self.assertEqual(self.LargeIndex._travel_missing(self.indexes), [name])
        self.assertEqual(len(triggers.records), 1)
        # what the scheduler runs
        self.cron.ir_actions_server_id.run()
        self.assertEqual(self.LargeIndex._travel_missing(self.indexes), [])
        run = self.job.last_run_id
        self.assertEqual(run.state, "done")
        self.assertEqual(run.figures, {"indexes": 1})
        self.assertEqual(run.summary, "indexes built: 1")
        # the statistics of its expression gathered for the planner
        [(stats,)] = self.env.execute_query(
            SQL("SELECT count(*) FROM pg_stats WHERE tablename = %s", name)
        )
        self.assertTrue(stats)
        # the similar customers find their match through it again
        first = self._fake_customer(name="Gwendolyn Featherstone")
        second = self._fake_customer(name="Gwendolyn Featherston")
        similarity = self.env["travel.customer.similarity"]
        found = [s["partner_id"] for s in similarity._similar_customers(first)]
        self.assertIn(second.id, found)

    def _words_kept(self):
        """How many of the text's most common words PostgreSQL keeps (the
        statistics target of the index of the text's words)."""
        [(target,)] = self.env.execute_query(
            SQL(
                "SELECT attstattarget FROM pg_attribute WHERE attrelid = "
                "'res_partner_travel_text_words_index'::regclass"
            )
        )
        return target

    def test_common_words_kept_by_every_build(self):
        """The search takes the most common words as found without asking:
        PostgreSQL keeps many of them, however the index was built."""
        self.assertEqual(self._words_kept(), 1000)
        # built again by the job
        self._drop("res_partner_travel_text_words_index")
        self.LargeIndex._travel_create(self.indexes, large_rows=0)
        self.cron.ir_actions_server_id.run()
        self.assertEqual(self._words_kept(), 1000)
        # an index of an earlier version: set by the module's update
        self.env.execute_query(
            SQL(
                "ALTER INDEX res_partner_travel_text_words_index "
                "ALTER COLUMN 1 SET STATISTICS -1"
            )
        )
        self.env["travel.customer.search"].init()
        self.assertEqual(self._words_kept(), 1000)

    def test_nothing_missing_nothing_built(self):
        self.cron.ir_actions_server_id.run()
        self.assertEqual(self.job.last_run_id.figures, {"indexes": 0})
        self.assertEqual(self.LargeIndex._travel_missing(self.indexes), [])

    def test_only_a_manager_starts_it(self):
        with self.assertRaises(AccessError):
            self.job.with_user(self.salesman).action_run_now()
        with self.capture_triggers(self.cron.id) as triggers:
            self.job.with_user(self.travel_manager).action_run_now()
        self.assertEqual(len(triggers.records), 1)
