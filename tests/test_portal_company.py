# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Viewing the portal as a customer who booked with several companies:
staff choose the company whose portal opens."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import TravelBookingMixin, keep_server_session


@tagged("post_install", "-at_install")
class TestPortalCompany(TravelBookingMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Brand Mountains"})
        cls.staff = new_test_user(
            cls.env,
            login="brand_impersonator",
            groups="base.group_user,travel_customer.group_travel_portal_impersonation",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id, cls.company_b.id],
        )
        cls.clerk = new_test_user(
            cls.env,
            login="brand_clerk",
            groups="base.group_user,travel_customer.group_travel_user",
        )
        cls.customer_user = new_test_user(
            cls.env, login="brand_customer", groups="base.group_portal"
        )
        cls.customer = cls.customer_user.partner_id
        cls.product = cls.env["product.product"].create(
            {"name": "Brand trip", "type": "service", "list_price": 300.0}
        )
        for company in (cls.company_a, cls.company_b):
            order = (
                cls.env["sale.order"]
                .with_company(company)
                .create(
                    {
                        "partner_id": cls.customer.id,
                        "company_id": company.id,
                        "order_line": [(0, 0, {"product_id": cls.product.id})],
                    }
                )
            )
            order.action_confirm()

    def _call(self, model, method, args):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": {}},
        )

    def test_choose_the_company_then_view_its_portal(self):
        partner = self.customer.with_user(self.staff)
        self.assertEqual(
            partner._travel_portal_companies(), self.company_a | self.company_b
        )
        self.authenticate("brand_impersonator", "brand_impersonator")
        action = self._call("res.partner", "action_travel_view_portal", [partner.ids])
        self.assertEqual(action["res_model"], "travel.portal.company")
        wizard = (
            self.env["travel.portal.company"]
            .with_user(self.staff)
            .create({"partner_id": partner.id, "company_id": self.company_b.id})
        )
        action = self._call("travel.portal.company", "action_open", [wizard.ids])
        self.assertEqual(action["url"], "/my")
        self.assertEqual(self.customer_user.company_id, self.company_b)
        keep_server_session(self.opener)
        page = self.url_open("/my").text
        self.assertIn("o_travel_impersonation_banner", page)
        self.assertIn("Brand Mountains", page)

    def test_refusals(self):
        wizard = (
            self.env["travel.portal.company"]
            .with_user(self.staff)
            .create({"partner_id": self.customer.id})
        )
        other = self.env["res.company"].create({"name": "No booking here"})
        with self.assertRaises(UserError):
            wizard.company_id = other
            wizard.action_open()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.clerk).action_travel_view_portal()
        wizard = (
            self.env["travel.portal.company"]
            .with_user(self.clerk)
            .create({"partner_id": self.customer.id, "company_id": self.company_a.id})
        )
        with self.assertRaises(AccessError):
            wizard.action_open()
        self.assertEqual(self.customer_user.company_id, self.company_a)
