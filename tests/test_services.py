# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's invoices split between trips and services."""

from odoo.tests import Form, tagged

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestServices(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stay = cls.env["product.product"].create(
            {
                "name": "Crete week",
                "type": "service",
                "travel_is_stay": True,
                "list_price": 900.0,
                "invoice_policy": "order",
            }
        )
        cls.insurance = cls.env["product.product"].create(
            {
                "name": "Cancellation insurance",
                "type": "service",
                "list_price": 45.0,
                "invoice_policy": "order",
            }
        )

    def _invoice(self, *products, post=True):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": p.id}) for p in products],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        if post:
            invoice.action_post()
        return invoice

    def test_invoices_split_between_trips_and_services(self):
        trip = self._invoice(self.stay, self.insurance)
        service = self._invoice(self.insurance)
        draft_service = self._invoice(self.insurance, post=False)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.travel_trip_invoice_ids, trip)
        self.assertEqual(
            self.customer.travel_service_invoice_ids, service | draft_service
        )
        self.assertEqual(
            self.customer.travel_trip_invoice_ids
            | self.customer.travel_service_invoice_ids,
            self.customer.travel_invoice_ids,
        )
        self.assertEqual(service.payment_state, "not_paid")

    def test_form_shows_both_tabs(self):
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn('name="travel_trip_invoices"', arch)
        self.assertIn('name="travel_service_invoices"', arch)
        trip = self._invoice(self.stay)
        form = Form(self.customer)
        self.assertEqual(form.travel_trip_invoice_ids.ids, trip.ids)
