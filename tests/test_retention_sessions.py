# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The retention as cron servers run it, on committed data.

Two database sessions (two cron servers, or a cron server and a manual run)
running the retention at once share its customers: each locks its batch and
skips the customers the other holds, so that the job is done once, no
customer anonymized twice.
"""

import threading
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL

from .common import CommittedDataCase

CUSTOMERS = 8
YEARS = 10


@tagged("post_install", "-at_install")
class TestRetentionSessions(CommittedDataCase):
    def setUp(self):
        super().setUp()
        params = {
            "travel_customer.retention": "True",
            "travel_customer.retention_years": str(YEARS),
        }
        with self._env() as env:
            config = env["ir.config_parameter"]
            saved = {key: config.get_param(key) for key in params}
            for key, value in params.items():
                config.set_param(key, value)
            self.customer_ids = (
                env["res.partner"]
                .create(
                    [
                        {
                            "name": f"Retention-session customer {number}",
                            "customer_rank": 1,
                        }
                        for number in range(CUSTOMERS)
                    ]
                )
                .ids
            )
            env.flush_all()
            long_ago = fields.Date.context_today(config) - timedelta(days=365 * 12)
            env.cr.execute(
                SQL(
                    "UPDATE res_partner SET create_date = %s WHERE id = ANY(%s)",
                    long_ago,
                    self.customer_ids,
                )
            )
        self.addCleanup(self._restore, saved)

    def _restore(self, saved):
        with self._env() as env:
            for key, value in saved.items():
                env["ir.config_parameter"].set_param(key, value or False)
        self._sql(
            SQL(
                """
                DELETE FROM privacy_log WHERE travel_partner_id = ANY(%(ids)s);
                DELETE FROM res_partner WHERE id = ANY(%(ids)s);
                """,
                ids=self.customer_ids,
            )
        )

    def _assert_only_ours(self):
        """The retention must not touch the rest of the database: its
        candidates are this test's customers only."""
        with self._env() as env:
            candidates, total = env["travel.customer.privacy"]._retention_candidates(
                YEARS, 1000
            )
            self.assertEqual(sorted(candidates.ids), self.customer_ids)
            self.assertEqual(total, CUSTOMERS)

    def _retention_logs(self):
        return dict(
            self._sql(
                SQL(
                    "SELECT travel_partner_id, count(*) FROM privacy_log "
                    "WHERE travel_operation = 'retention' "
                    "AND travel_partner_id = ANY(%s) GROUP BY travel_partner_id",
                    self.customer_ids,
                )
            )
        )

    def _anonymized(self):
        rows = self._sql(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s) AND travel_anonymized "
                "ORDER BY id",
                self.customer_ids,
            )
        )
        return [row[0] for row in rows]

    def test_two_sessions_take_different_batches(self):
        """A second session does not wait for the first one's batch: it
        takes the next customers, and each anonymizes its own."""
        self._assert_only_ours()
        cr_a = db_connect(self.cr.dbname).cursor()
        cr_b = db_connect(self.cr.dbname).cursor()
        try:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            Privacy_a = env_a["travel.customer.privacy"]
            Privacy_b = env_b["travel.customer.privacy"]
            batch_a, total_a = Privacy_a._retention_candidates(YEARS, 3)
            cr_b.execute("SET lock_timeout = '5s'")  # SKIP LOCKED never waits
            batch_b, total_b = Privacy_b._retention_candidates(YEARS, 3)
            self.assertEqual(batch_a.ids, self.customer_ids[:3])
            self.assertEqual(batch_b.ids, self.customer_ids[3:6])
            # the count includes what the other session holds
            self.assertEqual((total_a, total_b), (CUSTOMERS, CUSTOMERS))
            Privacy_b._retention_anonymize(batch_b)
            cr_b.commit()
            Privacy_a._retention_anonymize(batch_a)
            cr_a.commit()
            # what is left for the next batch
            left, total = Privacy_a._retention_candidates(YEARS, 3)
            self.assertEqual(left.ids, self.customer_ids[6:])
            self.assertEqual(total, 2)
        finally:
            cr_a.close()
            cr_b.close()
        self.assertEqual(self._anonymized(), self.customer_ids[:6])
        self.assertEqual(
            self._retention_logs(), dict.fromkeys(self.customer_ids[:6], 1)
        )

    def test_two_cron_servers_run_the_job_once(self):
        """Two sessions running the scheduled job at once, a customer a
        batch, each batch committed as a cron server does: every customer is
        anonymized once, and the two together did the job once."""
        self._assert_only_ours()
        done = {}
        errors = []
        start = threading.Barrier(2)

        def cron_server(name):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    start.wait(30)
                    done[name] = 0
                    while batch := env["travel.customer.privacy"]._cron_retention(
                        batch_size=1
                    ):
                        done[name] += batch
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as error:  # reported by the test below
                errors.append(error)

        threads = [
            threading.Thread(target=cron_server, args=(name,), name=f"travel_{name}")
            for name in ("cron_1", "cron_2")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertFalse(errors)
        self.assertEqual(sum(done.values()), CUSTOMERS, done)
        self.assertEqual(self._anonymized(), self.customer_ids)
        self.assertEqual(self._retention_logs(), dict.fromkeys(self.customer_ids, 1))
