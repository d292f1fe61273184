# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tours of issue 28: a reseller's rate code on the portal, a newsletter
subscriber who becomes a prospect."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import TravelBookingMixin


@tagged("post_install", "-at_install")
class TestRateCodeTour(TravelBookingMixin, HttpCase):
    def test_tour_rate_code_on_the_portal(self):
        today = fields.Date.context_today(self.env.user)
        stay = self.env["product.product"].create(
            {"name": "Rate Corsica", "type": "service", "travel_is_stay": True}
        )
        departure = self.env["travel.departure"].create(
            {
                "product_id": stay.id,
                "date_start": today + timedelta(days=30),
                "date_end": today + timedelta(days=37),
                "capacity": 8,
                "price": 1000.0,
            }
        )
        code = self.env["product.pricelist"].create(
            {
                "name": "AZUR-NET",
                "travel_rate_code": True,
                "currency_id": self.env.company.currency_id.id,
                "item_ids": [
                    (
                        0,
                        0,
                        {
                            "applied_on": "1_product",
                            "product_tmpl_id": stay.product_tmpl_id.id,
                            "compute_price": "fixed",
                            "fixed_price": 777.0,
                        },
                    )
                ],
            }
        )
        agency = self.env["res.partner"].create(
            {
                "name": "Agence Tarif",
                "is_company": True,
                "customer_type_id": self.env.ref(
                    "travel_customer.customer_type_professional"
                ).id,
                "travel_rate_code_ids": [(6, 0, code.ids)],
            }
        )
        user = new_test_user(self.env, login="rate_portal", groups="base.group_portal")
        user.partner_id.parent_id = agency
        self.start_tour(
            "/my/departures", "travel_customer_rate_code_portal", login="rate_portal"
        )
        order = departure.order_ids
        self.assertEqual(order.order_line.price_unit, 777.0)
        self.assertEqual(order.travel_seats, 2)

    def test_tour_newsletter_prospect(self):
        self.start_tour(
            "/odoo/action-mass_mailing.action_view_mass_mailing_contacts/new",
            "travel_customer_newsletter_prospect",
            login="admin",
        )
        contact = self.env["mailing.contact"].search(
            [("email", "=", "zoe.newsletter@example.org")]
        )
        self.assertEqual(
            contact.travel_partner_id.customer_type_id,
            self.env.ref("travel_customer.customer_type_prospect"),
        )
