# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import TravelBookingMixin


@tagged("post_install", "-at_install")
class TestCheckinTour(TravelBookingMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Lake Garda week", "type": "service", "list_price": 900.0}
        )

    def test_tour_checkin_and_card(self):
        self.env.company.country_id = self.env.ref("base.it")
        # printed straight away, without the document layout configurator
        self.env.company.external_report_layout_id = self.env.ref(
            "web.external_layout_standard"
        )
        today = fields.Date.context_today(self.env.user)
        guest = self.env["res.partner"].create(
            {
                "name": "Marco Tour",
                "travel_birth_date": "1985-02-03",
                "travel_birth_place": "Verona",
                "travel_nationality_id": self.env.ref("base.it").id,
                "travel_id_type_id": self.env.ref(
                    "travel_customer.document_type_id_card"
                ).id,
                "travel_id_number": "CA0000001",
                "travel_id_country_id": self.env.ref("base.it").id,
            }
        )
        order = self._create_order(
            guest,
            travel_date_start=today,
            travel_date_end=today + timedelta(days=7),
        )
        order.action_confirm()
        self.start_tour(
            f"/odoo/sales/{order.id}", "travel_customer_checkin", login="admin"
        )
        self.assertTrue(order.travel_checkin_date)
