# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
from contextlib import contextmanager
from datetime import timedelta

import psycopg2
from faker import Faker

from odoo import SUPERUSER_ID, Command, api
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase
from odoo.tools import SQL

from odoo.addons.base.tests.common import BaseCommon
from odoo.addons.base.tests.test_ir_cron import CronMixinCase
from odoo.addons.mail.tests.common import mail_new_test_user


def keep_server_session(opener):
    """Keep in ``opener`` (a test's requests session) only the session id a
    browser would send, and return it: the one the server set last, as when
    viewing the portal as a customer renews it. The jar also keeps the id
    the test set, under no domain, and would send both: that one is
    dropped."""
    domains = {c.domain for c in opener.cookies if c.name == "session_id"}
    if "" in domains and len(domains) > 1:
        opener.cookies.clear("", "/", "session_id")
    return opener.cookies["session_id"]


class TravelBookingMixin:
    """Bookings and a privacy officer, for transaction and browser tests
    alike (``cls.product`` is the trip booked)."""

    @classmethod
    def _create_order(cls, partner, **values):
        return cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [(0, 0, {"product_id": cls.product.id})],
                **values,
            }
        )

    @classmethod
    def _booking(cls, partner, end, **values):
        """A confirmed booking of ``partner`` ending on ``end``."""
        order = cls._create_order(
            partner,
            travel_date_start=end - timedelta(days=7),
            travel_date_end=end,
            **values,
        )
        order.action_confirm()
        return order

    @classmethod
    def _privacy_officer(cls):
        return mail_new_test_user(
            cls.env,
            login="privacy_officer",
            groups="base.group_user,travel_customer.group_travel_privacy",
        )


class TravelCustomerCommon(TravelBookingMixin, CronMixinCase, BaseCommon):
    """Customers, a product and users of each travel group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.faker = Faker(["fr_FR", "de_DE", "de_CH", "it_IT", "en_GB"])
        Faker.seed(4321)
        cls.Partner = cls.env["res.partner"]
        cls.CustomerType = cls.env["travel.customer.type"]
        cls.type_walk_in = cls.env.ref("travel_customer.customer_type_walk_in")
        cls.type_regular = cls.env.ref("travel_customer.customer_type_regular")
        cls.type_vip = cls.env.ref("travel_customer.customer_type_vip")
        cls.type_prospect = cls.env.ref("travel_customer.customer_type_prospect")
        cls.level_vip = cls.env.ref("travel_customer.customer_level_vip")
        cls.level_do_not_book = cls.env.ref(
            "travel_customer.customer_level_do_not_book"
        )
        cls.channel_direct = cls.env.ref("travel_customer.sales_channel_direct")
        cls.channel_airbnb = cls.env.ref("travel_customer.sales_channel_airbnb")
        cls.product = cls.env["product.product"].create(
            {"name": "Test trip", "type": "service", "list_price": 500.0}
        )
        cls.customer = cls.Partner.create(
            {"name": "Camille Durand", "email": "camille.durand@example.org"}
        )
        cls.salesman = mail_new_test_user(
            cls.env,
            login="travel_salesman",
            groups="base.group_user,sales_team.group_sale_salesman,"
            "travel_customer.group_travel_user",
        )
        cls.travel_manager = mail_new_test_user(
            cls.env,
            login="travel_manager",
            groups="base.group_user,sales_team.group_sale_salesman,"
            "travel_customer.group_travel_manager",
        )
        cls.employee = mail_new_test_user(
            cls.env,
            login="plain_employee",
            groups="base.group_user,base.group_partner_manager",
        )

    @classmethod
    def _fake_customer(cls, **values):
        return cls.Partner.create(
            {
                "name": cls.faker.name(),
                "street": cls.faker.street_address(),
                "zip": cls.faker.postcode(),
                "city": cls.faker.city(),
                "email": cls.faker.email(),
                **values,
            }
        )

    @classmethod
    def _merge_wizard(cls, master, partners):
        """The merge dialog of ``master`` with ``partners`` ticked."""
        return cls.env["travel.customer.merge"].create(
            {
                "partner_id": master.id,
                "line_ids": [
                    Command.create({"partner_id": p.id, "selected": True})
                    for p in master | partners
                ],
            }
        )

    def _create_history(self, partner):
        """What a customer holds: a booking, a quotation, a posted and paid
        invoice, a message, an attachment and a follower."""
        booking = self._create_order(partner)
        booking.action_confirm()
        invoice = booking._create_invoices()
        invoice.action_post()
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
            ._create_payments()
        )
        partner.message_subscribe(partner_ids=[self.salesman.partner_id.id])
        return {
            "booking": booking,
            "quotation": self._create_order(partner),
            "invoice": invoice,
            "payment": payment,
            "message": partner.message_post(body="A note on the duplicate"),
            "attachment": self.env["ir.attachment"].create(
                {
                    "name": "passport.pdf",
                    "res_model": "res.partner",
                    "res_id": partner.id,
                }
            ),
        }


class CommittedDataCase(TransactionCase):
    """Tests that work on committed data, each transaction on a connection of
    its own (the test's own transaction is never used), as users' requests
    and cron jobs do; they remove what they committed."""

    @classmethod
    @contextmanager
    def _env(cls, uid=None):
        """An environment on a connection of its own (``uid``, else the
        class's ``admin_id``, else the superuser), committed when the block
        ends normally."""
        cr = db_connect(cls.cr.dbname).cursor()
        try:
            yield api.Environment(cr, uid or getattr(cls, "admin_id", SUPERUSER_ID), {})
            cr.commit()  # pylint: disable=invalid-commit
        finally:
            with contextlib.suppress(psycopg2.Error):
                cr.close()  # a dropped connection: the pool lets go of it

    @classmethod
    def _sql(cls, query):
        with cls._env() as env:
            env.cr.execute(query)
            return env.cr.fetchall() if env.cr.description else []

    @classmethod
    def _delete(cls, table, column, extra, *ids):
        """Remove what a test committed (extra: SQL run first)."""
        for query in extra:
            cls._sql(query)
        cls._sql(
            SQL(
                "DELETE FROM %s WHERE %s = ANY(%s)",
                SQL.identifier(table),
                SQL.identifier(column),
                list(ids),
            )
        )
