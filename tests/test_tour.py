# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestTour(HttpCase):
    def test_change_type_and_book(self):
        """In the browser: open a customer, change its type, book for it."""
        customer = self.env["res.partner"].create(
            {"name": "Tour Customer", "email": "tour.customer@example.org"}
        )
        self.env["product.product"].create(
            {"name": "Tour test trip", "type": "service", "list_price": 990.0}
        )
        self.start_tour(
            f"/odoo/contacts/{customer.id}",
            "travel_customer_type_and_booking",
            login="admin",
        )
        self.assertEqual(
            customer.customer_type_id, self.env.ref("travel_customer.customer_type_vip")
        )
        order = self.env["sale.order"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.order_line.product_id.name, "Tour test trip")
        self.assertEqual(
            order.travel_channel_id, self.env.ref("travel_customer.sales_channel_phone")
        )
        self.assertEqual(order.travel_customer_type_id.name, "VIP / Incentive")

    def test_merge_duplicates(self):
        """In the browser: open "Test, Testine", merge its duplicates."""
        Partner = self.env["res.partner"]
        product = self.env["product.product"].create(
            {"name": "Merge trip", "type": "service"}
        )
        # elsewhere than the demo's Testine Test: only these three are one
        address = {"zip": "69002", "city": "Lyon", "street": "3 rue de la République"}
        customers = Partner.create(
            [
                {"name": "Test, Testine", "email": "testine@example.org", **address},
                {"name": "Testine Test", "email": "testine@example.org", **address},
                {"name": "TEST Testine", "email": "Testine@example.org", **address},
            ]
        )
        orders = self.env["sale.order"].create(
            [
                {"partner_id": p.id, "order_line": [(0, 0, {"product_id": product.id})]}
                for p in customers
            ]
        )
        orders.action_confirm()
        master = customers[0]
        self.start_tour(
            f"/odoo/contacts/{master.id}", "travel_customer_merge", login="admin"
        )
        self.assertEqual(customers.filtered("active"), master)
        # the demo's look-alikes were not merged with them
        merged = Partner.with_context(active_test=False).search(
            [("travel_merged_into_id", "=", master.id)]
        )
        self.assertEqual(merged, customers - master)
        self.assertEqual(orders.partner_id, master)
        self.assertEqual(master.travel_booking_count, 3)
