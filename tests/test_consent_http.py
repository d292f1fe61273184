# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import TravelBookingMixin


@tagged("post_install", "-at_install")
class TestConsentHttp(TravelBookingMixin, HttpCase):
    """Consents given online: portal, sign-up, each order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, login="consenting", groups="base.group_portal", name="Cora Consent"
        )
        cls.partner = cls.user.partner_id
        cls.partner.email = "cora@consent.example"
        cls.product = cls.env["product.product"].create(
            {"name": "Consent trip", "type": "service", "list_price": 200.0}
        )

    def _token(self, url):
        return re.search(r'name="csrf_token" value="([^"]+)"', self.url_open(url).text)[
            1
        ]

    def test_portal_preferences(self):
        self.authenticate("consenting", "consenting")
        response = self.url_open(
            "/my/consents",
            data={
                "travel_consent_partners": "1",
                "csrf_token": self._token("/my/consents"),
            },
        )
        self.assertIn("Your answers are recorded", response.text)
        self.partner.invalidate_recordset()
        self.assertFalse(self.partner.travel_consent_us)
        self.assertTrue(self.partner.travel_consent_partners)
        records = self.partner.travel_consent_record_ids
        self.assertEqual(set(records.mapped("channel")), {"portal"})
        self.assertEqual(records[0].ip_address, "127.0.0.1")
        self.assertIn("Contacted by our partners", records[0].text_shown)
        # pre-filled with the current answers
        page = self.url_open("/my/consents").text
        self.assertRegex(page, r'name="travel_consent_partners"[^>]*checked')
        self.assertNotRegex(page, r'name="travel_consent_us"[^>]*checked')

    def test_signup_records_consents(self):
        self.env["ir.config_parameter"].set_param("auth_signup.invitation_scope", "b2c")
        self.url_open(
            "/web/signup",
            data={
                "login": "signed@consent.example",
                "name": "Sid Signed",
                "password": "a-long-password-1",
                "confirm_password": "a-long-password-1",
                "travel_consent_us": "1",
                "csrf_token": self._token("/web/signup"),
            },
        )
        partner = (
            self.env["res.users"]
            .search([("login", "=", "signed@consent.example")])
            .partner_id
        )
        self.assertTrue(partner.travel_consent_us)
        self.assertFalse(partner.travel_consent_partners)
        self.assertEqual(
            set(partner.travel_consent_record_ids.mapped("channel")), {"signup"}
        )

    def test_order_needs_confirmed_consents(self):
        order = self._create_order(self.partner, require_signature=True)
        order.action_quotation_sent()
        self.authenticate("consenting", "consenting")
        url = f"/my/orders/{order.id}"
        page = self.url_open(url).text
        self.assertIn("o_travel_order_consents", page)
        # signing before confirming the preferences is refused
        result = self.make_jsonrpc_request(
            f"{url}/accept",
            {"access_token": order.access_token, "name": "Cora", "signature": "R0lGOD"},
        )
        self.assertIn("confirm your contact preferences", result["error"])
        self.assertFalse(order.signature)
        self.url_open(
            f"{url}/consents",
            data={
                "access_token": order.access_token,
                "travel_consent_us": "1",
                "csrf_token": self._token(url),
            },
        )
        order.invalidate_recordset()
        self.assertTrue(order.travel_consent_confirmed)
        records = order.travel_consent_record_ids
        self.assertEqual(set(records.mapped("channel")), {"order"})
        self.assertEqual(records.partner_id, self.partner)
        self.assertTrue(self.partner.travel_consent_us)
        self.assertIn("o_travel_consents_confirmed", self.url_open(url).text)

    def test_other_customer_cannot_answer_for_this_order(self):
        order = self._create_order(self.partner, require_signature=True)
        order.action_quotation_sent()
        new_test_user(self.env, login="other_consent", groups="base.group_portal")
        self.authenticate("other_consent", "other_consent")
        token = self._token("/my/consents")
        with mute_logger("odoo.http", "werkzeug"):
            response = self.url_open(
                f"/my/orders/{order.id}/consents",
                data={"travel_consent_us": "1", "csrf_token": token},
            )
        self.assertEqual(response.status_code, 404)
        order.invalidate_recordset()
        self.assertFalse(order.travel_consent_confirmed)
        self.assertFalse(self.partner.travel_consent_record_ids)

    def test_tour_consents_at_checkout(self):
        order = self._create_order(self.partner, require_signature=True)
        order.action_quotation_sent()
        self.start_tour(
            f"/my/orders/{order.id}",
            "travel_customer_order_consents",
            login="consenting",
        )
        self.assertTrue(order.travel_consent_confirmed)
        self.assertTrue(self.partner.travel_consent_partners)
        self.assertEqual(
            set(order.travel_consent_record_ids.mapped("activity_id.name")),
            {"Contacted by us", "Contacted by our partners"},
        )
