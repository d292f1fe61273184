# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The database connection dropped in the middle of a merge, an
anonymization or a retention batch.

These tests work on committed data, each transaction on a connection of its
own (the test's own transaction is never used): a trigger ends the
operation's database connection midway, as a crashed server or a lost
network would. The database is then checked row by row (nothing of the
operation is left) and the operation is run again to its end.
"""

import json
import time
from contextlib import contextmanager
from datetime import timedelta

import psycopg2

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import CommittedDataCase

KILLER = "travel_customer_test_drop_connection"
# what a client sees when its server connection is ended under it
# (OperationalError, or InterfaceError once the connection is closed)
CONNECTION_LOST = psycopg2.Error


@tagged("post_install", "-at_install")
class ConnectionDropCase(CommittedDataCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls._env() as env:
            cls.admin_id = env.ref("base.user_admin").id
            product = env["product.product"].create(
                {"name": "Fault-test trip", "type": "service"}
            )
            cls.product_id = product.id
            template_id = product.product_tmpl_id.id
        cls.addClassCleanup(
            cls._delete,
            "product_template",
            "id",
            [SQL("DELETE FROM product_product WHERE id = %s", cls.product_id)],
            template_id,
        )

    def _cleanup_customer(self, partner_id):
        """Remove the customer and what it holds once the test is over."""
        orders = SQL("SELECT id FROM sale_order WHERE partner_id = %s", partner_id)
        self.addCleanup(
            self._delete,
            "res_partner",
            "id",
            [
                SQL(
                    "DELETE FROM %s WHERE %s = %s AND res_id IN (%s)",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    model,
                    res_ids,
                )
                for table, column in (
                    ("mail_message", "model"),
                    ("mail_followers", "res_model"),
                    ("mail_activity", "res_model"),
                    ("ir_attachment", "res_model"),
                )
                for model, res_ids in (
                    ("sale.order", orders),
                    ("res.partner", SQL("%s", partner_id)),
                )
            ]
            + [
                SQL("DELETE FROM sale_order WHERE id IN (%s)", orders),
                SQL("DELETE FROM privacy_log WHERE travel_partner_id = %s", partner_id),
                SQL("DELETE FROM privacy_consent WHERE partner_id = %s", partner_id),
                SQL(
                    "DELETE FROM travel_consent_record WHERE partner_id = %s",
                    partner_id,
                ),
                SQL(
                    "DELETE FROM travel_customer_merge_log WHERE master_id = %s",
                    partner_id,
                ),
            ],
            partner_id,
        )

    def _create_customer(self, env, name, **values):
        """A customer with a booking, a quotation, a note, an attachment and
        an activity."""
        customer = env["res.partner"].create(
            {"name": name, "street": "3 rue des Alpes", "zip": "38000", **values}
        )
        self._cleanup_customer(customer.id)
        booking = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [Command.create({"product_id": self.product_id})],
                "travel_date_start": fields.Date.today() - timedelta(days=400),
                "travel_date_end": fields.Date.today() - timedelta(days=393),
            }
        )
        booking.action_confirm()
        booking.message_post(body=f"{name} asked for a room with a view")
        env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [Command.create({"product_id": self.product_id})],
            }
        )
        customer.message_post(body=f"Called {name} about the trip")
        env["ir.attachment"].create(
            {
                "name": "passport.pdf",
                "raw": b"%PDF-1.4 passport",
                "res_model": "res.partner",
                "res_id": customer.id,
            }
        )
        customer.activity_schedule("mail.mail_activity_data_todo", summary="Call")
        return customer

    def _drop_connection_when(self, table, condition):
        """From now on, the connection updating a row of ``table`` that
        matches ``condition`` (an SQL trigger condition) is ended."""
        self._sql(
            SQL(
                """
                CREATE OR REPLACE FUNCTION %(killer)s() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_terminate_backend(pg_backend_pid());
                    RETURN NULL;
                END $$;
                CREATE TRIGGER %(killer)s AFTER UPDATE ON %(table)s
                FOR EACH ROW WHEN (%(condition)s) EXECUTE FUNCTION %(killer)s();
                """,
                killer=SQL.identifier(KILLER),
                table=SQL.identifier(table),
                condition=condition,
            )
        )
        self.addCleanup(self._restore_connection, table)

    def _restore_connection(self, table):
        # the function goes too: committed, it would outlive the tests
        self._sql(
            SQL(
                "SET LOCAL lock_timeout = '10s'; DROP TRIGGER IF EXISTS %s ON %s; "
                "DROP FUNCTION IF EXISTS %s() CASCADE",
                SQL.identifier(KILLER),
                SQL.identifier(table),
                SQL.identifier(KILLER),
            )
        )

    @contextmanager
    def _connection_dropped(self):
        """The block runs in a transaction of its own whose connection is
        ended midway; waits until PostgreSQL has let go of it."""
        pid = []
        with (
            mute_logger("odoo.sql_db", "odoo.addons.base.models.ir_cron"),
            self.assertRaises(CONNECTION_LOST) as caught,
        ):
            with self._env() as env:
                env.cr.execute("SELECT pg_backend_pid()")
                pid.append(env.cr.fetchone()[0])
                yield env
        # the first error of the chain is PostgreSQL ending the connection
        error, messages = caught.exception, []
        while error is not None:
            messages.append(str(error))
            error = error.__context__
        self.assertRegex(
            messages[-1], "terminating connection|server closed the connection"
        )
        for _i in range(100):
            if not self._sql(
                SQL("SELECT 1 FROM pg_stat_activity WHERE pid = %s", pid[0])
            ):
                break
            time.sleep(0.1)

    def _rows(self, partner_ids):
        """Every row that points to these customers, whole, keyed by table,
        column and id: rows of any table with a foreign key to a customer,
        the customers themselves, messages, attachments and activities of
        them and of their bookings."""
        fkeys = self._sql(
            SQL(
                """
                SELECT cl.relname, a.attname FROM pg_constraint c
                JOIN pg_class cl ON cl.oid = c.conrelid
                JOIN pg_attribute a
                  ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.contype = 'f' AND c.confrelid = 'res_partner'::regclass
                  AND cardinality(c.conkey) = 1
                """
            )
        )
        # the assignments' reseller has no database foreign key
        fkeys.append(("travel_departure_assignment", "partner_id"))
        orders = [
            row[0]
            for row in self._sql(
                SQL("SELECT id FROM sale_order WHERE partner_id = ANY(%s)", partner_ids)
            )
        ]
        queries = [
            (
                table,
                column,
                SQL(
                    "SELECT %s, to_jsonb(t)::text FROM %s t WHERE %s = ANY(%s)",
                    SQL.identifier(column),
                    SQL.identifier(table),
                    SQL.identifier(column),
                    partner_ids,
                ),
            )
            for table, column in fkeys + [("res_partner", "id")]
        ]
        for table, column in (
            ("mail_message", "model"),
            ("ir_attachment", "res_model"),
            ("mail_activity", "res_model"),
        ):
            for model, ids in (("res.partner", partner_ids), ("sale.order", orders)):
                queries.append(
                    (
                        table,
                        f"{model}.res_id",
                        SQL(
                            "SELECT res_id, to_jsonb(t)::text FROM %s t "
                            "WHERE %s = %s AND res_id = ANY(%s)",
                            SQL.identifier(table),
                            SQL.identifier(column),
                            model,
                            ids,
                        ),
                    )
                )
        rows = {}
        for table, column, query in queries:
            for value, row in self._sql(query):
                key = json.loads(row).get("id") or row
                rows[(table, column, key)] = (value, row)
        return rows

    def _logs(self, partner_ids):
        return self._sql(
            SQL(
                "SELECT travel_partner_id FROM privacy_log "
                "WHERE travel_partner_id = ANY(%s)",
                partner_ids,
            )
        )

    def _assert_anonymized(self, partner_id, name):
        rows = self._rows([partner_id])
        partner = json.loads(rows[("res_partner", "id", partner_id)][1])
        self.assertTrue(partner["travel_anonymized"])
        self.assertEqual(partner["name"], f"Anonymized customer {partner_id}")
        self.assertFalse(partner["email"] or partner["phone"] or partner["street"])
        # the name is nowhere in what points to the customer any more
        for key, (_value, row) in rows.items():
            self.assertNotIn(name, row, f"{key} still names the customer")
        self.assertFalse(
            [key for key in rows if key[0] in ("ir_attachment", "mail_activity")]
        )


class TestMergeConnectionDropped(ConnectionDropCase):
    def test_merge_all_or_nothing_then_done(self):
        with self._env() as env:
            master = self._create_customer(
                env, "Irène Berthier", email="irene.berthier@example.org"
            )
            dup = self._create_customer(
                env, "Irene Berthier", email="irene.berthier@example.org"
            )
            master_id, dup_id = master.id, dup.id
        before = self._rows([master_id, dup_id])
        moving = [key for key, (value, _row) in before.items() if value == dup_id]
        self.assertGreater(len(moving), 10)
        # the connection ends while the core moves the bookings
        self._drop_connection_when(
            "sale_order",
            SQL("OLD.partner_id = %s AND NEW.partner_id = %s", dup_id, master_id),
        )
        with self._connection_dropped() as env:
            self._merge(env, master_id, dup_id)
        # nothing of it happened, row by row
        self.assertEqual(self._rows([master_id, dup_id]), before)
        self._restore_connection("sale_order")
        # the user merges again: done
        with self._env() as env:
            self._merge(env, master_id, dup_id)
        after = self._rows([master_id, dup_id])
        for table, column, key in moving:
            if table == "res_partner" or isinstance(key, str):
                continue  # the duplicate itself; rows without an id
            if table == "privacy_consent":
                continue  # the master had one for that purpose (a refusal wins)
            self.assertEqual(
                after[(table, column, key)][0],
                master_id,
                f"{table}.{column} of row {key} still points to the duplicate",
            )
        with self._env() as env:
            dup = env["res.partner"].with_context(active_test=False).browse(dup_id)
            self.assertFalse(dup.active)
            self.assertEqual(dup.travel_merged_into_id.id, master_id)
            self.assertEqual(
                env["travel.customer.merge.log"].search_count(
                    [("master_id", "=", master_id)]
                ),
                1,
            )

    def _merge(self, env, master_id, dup_id):
        env["travel.customer.merge"].create(
            {
                "partner_id": master_id,
                "line_ids": [
                    Command.create({"partner_id": pid, "selected": True})
                    for pid in (master_id, dup_id)
                ],
            }
        ).action_merge()


class TestAnonymizeConnectionDropped(ConnectionDropCase):
    def test_anonymize_all_or_nothing_then_done(self):
        with self._env() as env:
            customer = self._create_customer(
                env,
                "Bérénice Aubert",
                email="berenice.aubert@example.org",
                phone="+33 4 76 00 11 22",
            )
            customer_id = customer.id
        before = self._rows([customer_id])
        # the connection ends while its chatter is being emptied
        self._drop_connection_when(
            "mail_message",
            SQL("OLD.model = 'res.partner' AND OLD.res_id = %s", customer_id),
        )
        with self._connection_dropped() as env:
            env["res.partner"].browse(customer_id).action_travel_anonymize()
        self.assertEqual(self._rows([customer_id]), before)
        self.assertFalse(self._logs([customer_id]))
        self._restore_connection("mail_message")
        with self._env() as env:
            env["res.partner"].browse(customer_id).action_travel_anonymize()
        self._assert_anonymized(customer_id, "Bérénice Aubert")
        self.assertEqual(len(self._logs([customer_id])), 1)


class TestRetentionConnectionDropped(ConnectionDropCase):
    def test_retention_batch_all_or_nothing_then_done(self):
        names = [
            "Aline Roche",
            "Bruno Vidal",
            "Chloé Marchand",
            "Denis Perrin",
            "Élodie Carré",
        ]
        long_ago = fields.Date.today() - timedelta(days=365 * 12)
        with self._env() as env:
            customers = [
                self._create_customer(env, name, email=f"customer{i}@example.org")
                for i, name in enumerate(names)
            ]
            ids = [customer.id for customer in customers]
            env.flush_all()
            env.cr.execute(
                SQL(
                    "UPDATE sale_order SET travel_date_start = %(start)s, "
                    "travel_date_end = %(start)s, create_date = %(start)s "
                    "WHERE partner_id = ANY(%(ids)s);"
                    "UPDATE res_partner SET create_date = %(start)s "
                    "WHERE id = ANY(%(ids)s)",
                    start=long_ago,
                    ids=ids,
                )
            )
            params = env["ir.config_parameter"].sudo()
            for key, value in (
                ("travel_customer.retention", "True"),
                ("travel_customer.retention_years", "10"),
                ("travel_customer.retention_batch_size", "2"),
            ):
                self.addCleanup(self._set_param, key, params.get_param(key))
                params.set_param(key, value)
            cron = env.ref("travel_customer.ir_cron_retention")
            # the scheduled job's runs are committed too: removed after
            env.cr.execute(SQL("SELECT coalesce(max(id), 0) FROM travel_job_run"))
            self.addCleanup(self._delete_job_runs, env.cr.fetchone()[0])
            job = {
                "id": cron.id,
                "cron_name": cron.cron_name,
                "user_id": cron.user_id.id,
                "lastcall": cron.lastcall,
                "timed_out_counter": 0,
                "ir_actions_server_id": cron.ir_actions_server_id.id,
                "active": True,
            }
            IrCron = type(env["ir.cron"])
        befores = {pid: self._rows([pid]) for pid in ids}
        # the cron's second batch (the 3rd and 4th customers) loses its
        # connection while the chatter of the 3rd is emptied
        self._drop_connection_when(
            "mail_message",
            SQL("OLD.model = 'res.partner' AND OLD.res_id = %s", ids[2]),
        )
        with mute_logger("odoo.sql_db", "odoo.addons.base.models.ir_cron"):
            with self.assertRaises(CONNECTION_LOST):
                IrCron._run_job(job)
        # the first batch is done, the others untouched, row by row
        for pid, name in zip(ids[:2], names[:2], strict=True):
            self._assert_anonymized(pid, name)
        self.assertEqual([row[0] for row in self._logs(ids)], ids[:2])
        for pid in ids[2:]:
            self.assertEqual(self._rows([pid]), befores[pid])
        self._restore_connection("mail_message")
        # the next run finishes the work
        self.assertEqual(IrCron._run_job(job), "fully done")
        for pid, name in zip(ids, names, strict=True):
            self._assert_anonymized(pid, name)
        self.assertEqual(sorted(row[0] for row in self._logs(ids)), ids)

    def _set_param(self, key, value):
        with self._env() as env:
            env["ir.config_parameter"].sudo().set_param(key, value or False)

    def _delete_job_runs(self, after_id):
        with self._env() as env:
            env.cr.execute(SQL("DELETE FROM travel_job_run WHERE id > %s", after_id))
