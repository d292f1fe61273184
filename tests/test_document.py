# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from .common import TravelCustomerCommon

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class TestDocument(TravelCustomerCommon):
    """Customer documents: kinds of files, expiry, and what they unlock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Document = cls.env["travel.customer.document"]
        cls.id_card = cls.env.ref("travel_customer.document_type_id_card")
        cls.passport = cls.env.ref("travel_customer.document_type_passport")
        cls.today = fields.Date.context_today(cls.Document)

    def _document(self, partner=None, **values):
        return self.Document.create(
            {
                "partner_id": (partner or self.customer).id,
                "type_id": self.id_card.id,
                "number": "X123",
                **values,
            }
        )

    def test_file_kind_and_size_checked(self):
        document = self._document(file=base64.b64encode(PDF), file_name="id.pdf")
        self.assertTrue(document.file)
        with self.assertRaisesRegex(ValidationError, "not accepted"):
            with self.env.cr.savepoint():
                self._document(file=base64.b64encode(b"MZ\x90\x00 an executable"))
        self.env["ir.config_parameter"].set_param(
            "travel_customer.document_max_size_mb", "1"
        )
        with self.assertRaisesRegex(ValidationError, "too big: 1 MB"):
            with self.env.cr.savepoint():
                self._document(file=base64.b64encode(PDF + b"0" * 1024 * 1024))
        self.env.invalidate_all()
        self.assertEqual(self.customer.travel_document_ids, document)

    def test_expires_within_three_months_filter(self):
        soon = self._document(expiry_date=self.today + timedelta(days=40))
        later = self._document(expiry_date=self.today + timedelta(days=200))
        self._document(expiry_date=self.today - timedelta(days=1))  # expired already
        # the search view's own filter, evaluated as the web client does
        arch = etree.fromstring(
            self.env.ref("travel_customer.travel_customer_document_view_search").arch
        )
        (node,) = arch.xpath("//filter[@name='expires_soon']")
        domain = safe_eval(
            node.get("domain"),
            # the user's today, as the web client computes it (not the
            # server's: they differ around midnight)
            {"context_today": lambda: self.today, "relativedelta": relativedelta},
        ) + [("partner_id", "=", self.customer.id)]
        self.assertEqual(self.Document.search(domain), soon)
        self.assertFalse(later.expired)

    def _paid_booking(self, **values):
        order = self._create_order(
            self.customer,
            travel_date_start=self.today + timedelta(days=20),
            travel_date_end=self.today + timedelta(days=30),
            **values,
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        return order

    def test_travel_documents_need_payment_and_required_documents(self):
        order = self._create_order(self.customer)
        self.assertIn("confirmed booking", order._travel_documents_refusal())
        order.action_confirm()
        refusal = order._travel_documents_refusal()
        self.assertIn("not fully paid", refusal)
        self.assertIn("ID card", refusal)
        paid = self._paid_booking()
        self.assertTrue(paid._travel_is_paid())
        refusal = paid._travel_documents_refusal()
        self.assertNotIn("not fully paid", refusal)
        self.assertIn("ID card", refusal)
        # an ID card expiring during the trip does not do
        card = self._document(expiry_date=self.today + timedelta(days=25))
        self.assertIn("ID card", paid._travel_documents_refusal())
        card.expiry_date = self.today + timedelta(days=400)
        self.assertFalse(paid._travel_documents_refusal())

    def test_type_flag_lets_documents_go(self):
        order = self._create_order(self.customer)
        order.action_confirm()
        self.customer.customer_type_id.documents_despite_incomplete = True
        self.assertFalse(order._travel_documents_refusal())

    def test_expiry_activity_for_the_salesperson(self):
        order = self._paid_booking(user_id=self.env.user.id)
        self._document(
            type_id=self.passport.id, expiry_date=self.today + timedelta(days=25)
        )
        self.assertEqual(self.Document._cron_expiry_activities(), 0)  # not required
        card = self._document(expiry_date=self.today + timedelta(days=25))
        self.assertEqual(self.Document._cron_expiry_activities(), 1)
        activity = order.activity_ids
        self.assertEqual(activity.user_id, self.env.user)
        self.assertIn(card.display_name, activity.summary)
        # once only
        self.assertEqual(self.Document._cron_expiry_activities(), 0)
