# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestBooking(TravelCustomerCommon):
    def _assign_type_activities(self, partner):
        activity_type = self.env.ref(
            "travel_customer.mail_activity_type_assign_customer_type"
        )
        return partner.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )

    def test_end_date_not_before_start(self):
        with self.assertRaisesRegex(ValidationError, "is before its start date"):
            self._create_order(
                self.customer,
                travel_date_start=date(2027, 7, 10),
                travel_date_end=date(2027, 7, 3),
            )
        order = self._create_order(
            self.customer,
            travel_date_start=date(2027, 7, 3),
            travel_date_end=date(2027, 7, 10),
        )
        with (
            self.assertRaisesRegex(ValidationError, "is before its start date"),
            self.env.cr.savepoint(),
        ):
            order.travel_date_end = date(2027, 7, 1)
        order.invalidate_recordset()
        self.assertEqual(order.travel_date_end, date(2027, 7, 10))

    def test_channel_is_ours_or_external(self):
        order = self._create_order(
            self.customer, travel_channel_id=self.channel_airbnb.id
        )
        self.assertTrue(order.travel_channel_external)
        order.travel_channel_id = self.channel_direct
        self.assertFalse(order.travel_channel_external)

    def test_level_blocking_confirmation(self):
        self.customer.travel_level_id = self.level_do_not_book
        order = self._create_order(self.customer)
        self.assertTrue(order.travel_level_blocks_booking)
        with (
            self.assertRaisesRegex(UserError, "blocks booking"),
            self.env.cr.savepoint(),
        ):
            order.action_confirm()
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
        # another level lets it through
        self.customer.travel_level_id = self.level_vip
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_booking_shows_profile_and_dispute(self):
        self.customer.write(
            {
                "customer_type_id": self.type_vip.id,
                "travel_level_id": self.level_vip.id,
                "travel_dispute": True,
                "comment": "<p>Late payer</p>",
            }
        )
        order = self._create_order(self.customer)
        self.assertRecordValues(
            order,
            [
                {
                    "travel_customer_type_id": self.type_vip.id,
                    "travel_level_id": self.level_vip.id,
                    "travel_partner_dispute": True,
                }
            ],
        )
        self.assertIn("Late payer", order.travel_partner_note)
        list_arch = self.env["sale.order"].get_views([(False, "list")])["views"][
            "list"
        ]["arch"]
        self.assertIn('decoration-danger="travel_dispute_highlight"', list_arch)
        self.assertTrue(order.with_user(self.salesman).travel_dispute_highlight)
        form_arch = self.env["sale.order"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn("This customer is in dispute", form_arch)
        disputed = self.env["sale.order"].search(
            [("travel_partner_dispute", "=", True)]
        )
        self.assertIn(order, disputed)

    def test_edit_customer_from_booking(self):
        company = self.Partner.create({"name": "Club Alpin", "is_company": True})
        contact = self.Partner.create({"name": "Eva", "parent_id": company.id})
        order = self._create_order(contact)
        action = order.action_travel_edit_customer()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("res.partner", company.id)
        )
        view_id = action["views"][0][0]
        with Form(company, view=view_id) as form:
            form.customer_type_id = self.type_regular
        self.assertEqual(order.travel_customer_type_id, self.type_regular)

    def test_prospect_first_booking_creates_one_activity(self):
        prospect = self.Partner.create(
            {"name": "Nina Prospect", "customer_type_id": self.type_prospect.id}
        )
        first = self._create_order(prospect, user_id=self.salesman.id)
        second = self._create_order(prospect, user_id=self.salesman.id)
        self.assertFalse(self._assign_type_activities(prospect))
        first.action_confirm()
        activity = self._assign_type_activities(prospect)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Assign the right customer type")
        self.assertEqual(activity.user_id, self.salesman)
        second.action_confirm()
        self.assertEqual(self._assign_type_activities(prospect), activity)
        # once done, later bookings do not ask again
        activity.action_done()
        self._create_order(prospect).action_confirm()
        self.assertFalse(self._assign_type_activities(prospect))

    def test_no_activity_for_typed_customers(self):
        order = self._create_order(self.customer)
        order.action_confirm()
        self.assertFalse(self._assign_type_activities(self.customer))
