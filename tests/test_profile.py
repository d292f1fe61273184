# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import Form, tagged

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestProfile(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.family = cls.Partner.create({"name": "Famille Garnier", "is_company": True})
        cls.member = cls.Partner.create(
            {"name": "Luc Garnier", "parent_id": cls.family.id}
        )
        cls.past = cls._create_order(
            cls.family,
            travel_date_start=today - timedelta(days=30),
            travel_date_end=today - timedelta(days=23),
            travel_channel_id=cls.channel_direct.id,
        )
        cls.upcoming = cls._create_order(
            cls.member,
            travel_date_start=today + timedelta(days=10),
            travel_date_end=today + timedelta(days=17),
            travel_channel_id=cls.channel_airbnb.id,
        )
        cls.quotation = cls._create_order(cls.family)
        cls.cancelled = cls._create_order(cls.family)
        (cls.past | cls.upcoming).action_confirm()
        cls.cancelled._action_cancel()

    def test_bookings_tabs(self):
        self.assertEqual(self.family.travel_booking_count, 2)
        self.assertEqual(self.family.travel_quotation_count, 1)
        self.assertEqual(self.family.travel_upcoming_booking_ids, self.upcoming)
        self.assertEqual(self.family.travel_past_booking_ids, self.past)
        self.assertEqual(self.family.travel_quotation_ids, self.quotation)
        self.assertEqual(self.family.travel_first_channel_id, self.channel_direct)
        # a member sees the bookings of its customer account
        self.assertEqual(self.member.travel_booking_count, 2)

    def test_invoices_tab(self):
        invoice = self.past._create_invoices()
        invoice.action_post()
        self.assertEqual(self.family.travel_invoice_ids, invoice)
        self.assertEqual(self.family.travel_invoice_count, 1)
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_new_booking_for_this_customer(self):
        action = self.family.action_travel_new_booking()
        self.assertEqual(action["res_model"], "sale.order")
        with Form(self.env["sale.order"].with_context(**action["context"])) as order:
            self.assertEqual(order.partner_id, self.family)
            with order.order_line.new() as line:
                line.product_id = self.product
        self.assertEqual(self.family.travel_quotation_count, 2)

    def test_smart_button_actions(self):
        bookings = self.env["sale.order"].search(
            self.family.action_travel_view_bookings()["domain"]
        )
        self.assertEqual(bookings, self.past | self.upcoming)
        quotations = self.env["sale.order"].search(
            self.family.action_travel_view_quotations()["domain"]
        )
        self.assertEqual(quotations, self.quotation)

    def test_profile_fields_on_form(self):
        with Form(self.family) as form:
            form.travel_level_id = self.level_vip
            form.travel_dispute = True
            form.comment = "<p>Allergic to feathers</p>"
        self.assertEqual(self.member.travel_level_id, self.level_vip)
        self.assertTrue(self.member.travel_dispute)
        self.assertEqual(self.upcoming.travel_level_id, self.level_vip)
        self.assertIn("feathers", self.upcoming.travel_partner_note)
