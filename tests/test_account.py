# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user

from odoo.addons.mail.tests.common import MockEmail

from .common import TravelCustomerCommon


class TestAccountActions(TravelCustomerCommon, MockEmail):
    """Portal access link and password reset from the customer form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env,
            login="account_clerk",
            groups="base.group_user,travel_customer.group_travel_user",
        )
        cls.outsider = new_test_user(
            cls.env, login="account_outsider", groups="base.group_user"
        )
        cls.camille = cls.Partner.create(
            {"name": "Camille Portal", "email": "camille@portal.example"}
        )

    def _notes(self, partner):
        return partner.message_ids.filtered(
            lambda m: m.author_id == self.clerk.partner_id
        ).mapped("body")

    def test_send_portal_access_grants_then_invites_again(self):
        with self.mock_mail_gateway():
            self.camille.with_user(self.clerk).action_travel_send_portal_access()
        self.assertSentEmail(self.clerk.partner_id, [self.camille])
        user = self.camille.user_ids
        self.assertTrue(user.share)
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertIn(
            "Portal access granted and link sent by", self._notes(self.camille)[0]
        )
        with self.mock_mail_gateway():
            self.camille.with_user(self.clerk).action_travel_send_portal_access()
        self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(self.camille.user_ids, user)
        self.assertIn("Portal access link sent again by", self._notes(self.camille)[0])

    def test_password_reset_needs_an_account_and_shows_no_password(self):
        with self.assertRaisesRegex(UserError, "has no portal account"):
            self.camille.with_user(self.clerk).action_travel_send_password_reset()
        with self.mock_mail_gateway():
            self.camille.with_user(self.clerk).action_travel_send_portal_access()
            self.camille.with_user(self.clerk).action_travel_send_password_reset()
        self.assertEqual(len(self._new_mails), 2)
        self.assertIn("Password reset e-mail sent by", self._notes(self.camille)[0])
        user = self.camille.user_ids
        self.assertTrue(
            user.signup_type == "reset" or user.partner_id.signup_type == "reset"
        )
        # staff reads no password: the field is never readable
        self.assertFalse(user.with_user(self.clerk).read(["password"])[0]["password"])

    def test_refusals(self):
        with self.assertRaises(AccessError):
            self.camille.with_user(self.outsider).action_travel_send_portal_access()
        with self.assertRaisesRegex(UserError, "one of our users"):
            self.clerk.partner_id.with_user(
                self.clerk
            ).action_travel_send_portal_access()
        with self.assertRaisesRegex(AccessError, "Portal impersonation"):
            self.camille.with_user(self.clerk).action_travel_view_portal()
        self.camille.travel_anonymized = True
        with self.assertRaisesRegex(UserError, "anonymized"):
            self.camille.with_user(self.clerk).action_travel_send_portal_access()
        self.assertFalse(self.camille.user_ids)

    def test_actions_in_the_action_menu_for_the_group(self):
        views = self.Partner.with_user(self.clerk).get_views(
            [(False, "form")], {"toolbar": True}
        )
        names = [a["name"] for a in views["views"]["form"]["toolbar"]["action"]]
        self.assertIn("Send portal access link", names)
        self.assertIn("Send password reset", names)
        self.assertNotIn("View portal as this customer", names)
        views = self.Partner.with_user(self.outsider).get_views(
            [(False, "form")], {"toolbar": True}
        )
        names = [a["name"] for a in views["views"]["form"]["toolbar"].get("action", [])]
        self.assertNotIn("Send portal access link", names)

    def test_online_payment_refused_where_the_type_forbids_ordering(self):
        """Portal, payment links and the website shop all pay through a
        transaction: it is refused to the customer, not to our staff."""
        portal = new_test_user(self.env, login="pay_portal", groups="base.group_portal")
        portal.partner_id.customer_type_id = self.env.ref(
            "travel_customer.customer_type_prospect"
        )
        order = self._create_order(portal.partner_id)
        values = {
            "provider_id": self.env["payment.provider"].search([], limit=1).id,
            "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
            "amount": order.amount_total,
            "currency_id": order.currency_id.id,
            "partner_id": portal.partner_id.id,
            "sale_order_ids": [Command.set(order.ids)],
        }
        Transaction = self.env["payment.transaction"]
        with self.assertRaisesRegex(ValidationError, "contact our customer service"):
            with self.env.cr.savepoint():
                Transaction.with_user(portal).sudo().create(
                    {**values, "reference": "T-1"}
                )
        order.invalidate_recordset()
        self.assertFalse(order.transaction_ids)
        Transaction.create({**values, "reference": "T-2"})
        self.assertTrue(order.transaction_ids)
