# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo.http import root
from odoo.service import security
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import TravelBookingMixin, keep_server_session


@tagged("post_install", "-at_install")
class TestAccountHttp(TravelBookingMixin, HttpCase):
    """Viewing the portal as a customer, sign-up with a type, ordering rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = new_test_user(
            cls.env,
            login="impersonator",
            groups="base.group_user,travel_customer.group_travel_portal_impersonation",
            name="Ingrid Staff",
        )
        cls.customer = new_test_user(
            cls.env,
            login="viewed_customer",
            groups="base.group_portal",
            name="Vera Viewed",
        )
        cls.prospect_type = cls.env.ref("travel_customer.customer_type_prospect")
        cls.regular_type = cls.env.ref("travel_customer.customer_type_regular")
        cls.product = cls.env["product.product"].create(
            {"name": "Account trip", "type": "service", "list_price": 500.0}
        )

    def _call(self, model, method, ids):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": [ids], "kwargs": {}},
        )

    def _rpc_error(self, url, params):
        """The message of the error a JSON-RPC call answers."""
        response = self.opener.post(
            self.base_url() + url,
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
        )
        return response.json()["error"]["data"]["message"]

    def _call_error(self, model, method, ids):
        return self._rpc_error(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": [ids], "kwargs": {}},
        )

    def test_view_portal_as_customer_is_logged(self):
        partner = self.customer.partner_id
        self.authenticate("impersonator", "impersonator")
        action = self._call("res.partner", "action_travel_view_portal", partner.ids)
        self.assertEqual(action["url"], "/my")
        keep_server_session(self.opener)
        log = self.env["impersonate.log"].search(
            [("impersonated_partner_id", "=", partner.id)]
        )
        self.assertEqual(log.user_id, self.staff)
        self.assertTrue(log.date_start)
        self.assertFalse(log.date_end)
        page = self.url_open("/my").text
        self.assertIn("o_travel_impersonation_banner", page)
        self.assertIn("Vera Viewed", page)
        self.assertIn(
            "Portal viewed as this customer by Ingrid Staff",
            partner.message_ids[0].body,
        )
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        response = self.url_open(
            "/travel_customer/impersonate/back", data={"csrf_token": token}
        )
        self.assertIn(f"/odoo/contacts/{partner.id}", response.url)
        log.invalidate_recordset()
        self.assertTrue(log.date_end)
        self.assertGreaterEqual(log.travel_duration, 0)
        # back as the staff member: no banner any more
        self.assertNotIn("o_travel_impersonation_banner", self.url_open("/my").text)

    def test_view_portal_with_a_request_in_flight(self):
        """A request of the back office sent before the switch (the chatter,
        the bus) checks its session after it: neither the portal nor the way
        back may end on the login page."""
        partner = self.customer.partner_id
        self.authenticate("impersonator", "impersonator")
        in_flight = root.session_store.get(self.session.sid)
        self._call("res.partner", "action_travel_view_portal", partner.ids)
        self.assertTrue(security.check_session(in_flight, self.env))
        # the staff member's former session id no longer opens anything
        self.assertNotEqual(keep_server_session(self.opener), in_flight.sid)
        self.assertFalse(root.session_store.get(in_flight.sid).uid)
        page = self.url_open("/my")
        self.assertNotIn("/web/login", page.url)
        self.assertIn("o_travel_impersonation_banner", page.text)
        self.assertIn("Vera Viewed", page.text)
        # and back
        in_flight = root.session_store.get(keep_server_session(self.opener))
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        self.url_open("/travel_customer/impersonate/back", data={"csrf_token": token})
        self.assertTrue(security.check_session(in_flight, self.env))
        self.assertFalse(root.session_store.get(in_flight.sid).uid)
        page = self.url_open("/my")
        self.assertNotIn("/web/login", page.url)
        self.assertNotIn("o_travel_impersonation_banner", page.text)
        self.assertIn("Ingrid Staff", page.text)

    def test_view_portal_refusals(self):
        self.authenticate("impersonator", "impersonator")
        colleague = new_test_user(self.env, login="colleague", groups="base.group_user")
        with mute_logger("odoo.http"):
            self.assertIn(
                "one of our users",
                self._call_error(
                    "res.partner", "action_travel_view_portal", colleague.partner_id.ids
                ),
            )
            self.customer.partner_id.travel_anonymized = True
            self.assertIn(
                "anonymized",
                self._call_error(
                    "res.partner",
                    "action_travel_view_portal",
                    self.customer.partner_id.ids,
                ),
            )
        self.assertFalse(
            self.env["impersonate.log"].search([("user_id", "=", self.staff.id)])
        )
        # a user outside the group
        self.authenticate("colleague", "colleague")
        with mute_logger("odoo.http"):
            self.assertIn(
                "Only Travel customers users",
                self._call_error(
                    "res.partner",
                    "action_travel_view_portal",
                    self.customer.partner_id.ids,
                ),
            )

    def _signup(self, **values):
        self.env["ir.config_parameter"].set_param("auth_signup.invitation_scope", "b2c")
        page = self.url_open("/web/signup").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        return page, self.url_open(
            "/web/signup",
            data={
                "login": values.get("login", "new@signup.example"),
                "name": "Nora New",
                "password": "a-long-password-1",
                "confirm_password": "a-long-password-1",
                "csrf_token": token,
                **values,
            },
        )

    def test_signup_with_a_selectable_type(self):
        page, response = self._signup(travel_customer_type_id=str(self.regular_type.id))
        self.assertIn('name="travel_customer_type_id"', page)
        self.assertIn(self.regular_type.name, page)
        self.assertNotIn(f'value="{self.prospect_type.id}"', page)
        self.assertEqual(response.status_code, 200)
        user = self.env["res.users"].search([("login", "=", "new@signup.example")])
        self.assertEqual(user.partner_id.customer_type_id, self.regular_type)

    def test_signup_with_a_forged_type_is_refused(self):
        with mute_logger("odoo.addons.auth_signup.controllers.main"):
            _page, response = self._signup(
                travel_customer_type_id=str(self.prospect_type.id)
            )
        self.assertIn("cannot be chosen at sign-up", response.text)
        self.assertFalse(
            self.env["res.users"].search([("login", "=", "new@signup.example")])
        )

    def test_signup_without_a_type_gets_the_default(self):
        self._signup(login="plain@signup.example")
        user = self.env["res.users"].search([("login", "=", "plain@signup.example")])
        self.assertEqual(
            user.partner_id.customer_type_id,
            self.env["travel.customer.type"]._get_default(),
        )

    def _quotation(self, customer_type):
        self.customer.partner_id.customer_type_id = customer_type
        order = self._create_order(self.customer.partner_id, require_signature=True)
        order.action_quotation_sent()
        return order

    def test_ordering_refused_by_the_customer_type(self):
        self.env.company.write(
            {"phone": "+33 4 95 00 00 00", "email": "help@travel.example"}
        )
        order = self._quotation(self.prospect_type)
        self.authenticate("viewed_customer", "viewed_customer")
        page = self.url_open(f"/my/orders/{order.id}").text
        self.assertIn("o_travel_ordering_refused", page)
        self.assertIn("+33 4 95 00 00 00", page)
        self.assertNotIn('data-bs-target="#modalaccept"', page)
        # a crafted request is refused too
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": order.access_token, "name": "Vera", "signature": "R0lGOD"},
        )
        self.assertIn("contact our customer service", result["error"])
        with mute_logger("odoo.http"):
            self.assertIn(
                "contact our customer service",
                self._rpc_error(
                    f"/my/orders/{order.id}/transaction",
                    {"access_token": order.access_token, "amount": 500},
                ),
            )
        order.invalidate_recordset()
        self.assertEqual(order.state, "sent")
        self.assertFalse(order.signature)
        self.assertFalse(order.transaction_ids)

    def test_ordering_allowed_by_the_customer_type(self):
        order = self._quotation(self.regular_type)
        self.authenticate("viewed_customer", "viewed_customer")
        page = self.url_open(f"/my/orders/{order.id}").text
        self.assertNotIn("o_travel_ordering_refused", page)
        self.assertIn('data-bs-target="#modalaccept"', page)

    def test_tour_view_portal_banner(self):
        self.start_tour(
            f"/odoo/contacts/{self.customer.partner_id.id}",
            "travel_customer_view_portal",
            login="impersonator",
        )
        self.assertTrue(
            self.env["impersonate.log"].search([("user_id", "=", self.staff.id)])
        )

    def test_tour_signup_with_type(self):
        self.env["ir.config_parameter"].set_param("auth_signup.invitation_scope", "b2c")
        self.start_tour("/web/signup", "travel_customer_signup")
        user = self.env["res.users"].search([("login", "=", "tour@signup.example")])
        self.assertEqual(user.partner_id.customer_type_id, self.regular_type)
        self.assertTrue(user.partner_id.travel_consent_us)
