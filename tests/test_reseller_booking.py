# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
from odoo.tests import Form

from .test_departure import DepartureCommon


class TestResellerBooking(DepartureCommon):
    """A reseller booked in the back office: on one of its departures, at its
    price, as on the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.june_assignment = cls.Assignment.create(
            {"partner_id": cls.town_hall.id, "departure_id": cls.june.id}
        )
        # the departure's own markup comes first
        cls.july_assignment = cls.Assignment.create(
            {
                "partner_id": cls.town_hall.id,
                "departure_id": cls.july.id,
                "markup_override": True,
                "markup": 15.0,
            }
        )
        cls.august = cls._departure(90, price=900.0)
        cls.Order = cls.env["sale.order"].with_user(cls.salesman)

    def _orders_of(self, partner):
        return self.env["sale.order"].search_count([("partner_id", "=", partner.id)])

    def _form(self, partner):
        form = Form(self.Order)
        form.partner_id = partner
        return form

    def test_no_booking_of_a_reseller_without_departure(self):
        with self.assertRaisesRegex(ValidationError, "Choose the departure"):
            with self.env.cr.savepoint():
                self.Order.create({"partner_id": self.town_hall.id})
        self.assertEqual(self._orders_of(self.town_hall), 0)
        # nor by removing the departure afterwards
        order = self.Order.create(
            {"partner_id": self.town_hall.id, "travel_departure_id": self.june.id}
        )
        with self.assertRaisesRegex(ValidationError, "Choose the departure"):
            with self.env.cr.savepoint():
                order.travel_departure_id = False
                order.flush_recordset()
        self.env.invalidate_all()
        self.assertEqual(order.travel_departure_id, self.june)
        # nor by giving a private customer's quotation to the reseller
        private = self.Order.create({"partner_id": self.customer.id})
        with self.assertRaisesRegex(ValidationError, "Choose the departure"):
            with self.env.cr.savepoint():
                private.partner_id = self.town_hall
                private.flush_recordset()
        self.env.invalidate_all()
        self.assertEqual(private.partner_id, self.customer)

    def test_confirm_refused_once_the_departure_is_no_longer_assigned(self):
        order = self.Order.create(
            {"partner_id": self.town_hall.id, "travel_departure_id": self.june.id}
        )
        self.june_assignment.unlink()
        with self.assertRaisesRegex(ValidationError, "only be booked on its assigned"):
            with self.env.cr.savepoint():
                order.action_confirm()
        self.env.invalidate_all()
        self.assertEqual(order.state, "draft")
        self.assertEqual(self.june.seats_taken, 0)

    def test_choosing_the_departure_adds_the_stay_at_the_reseller_price(self):
        form = self._form(self.town_hall)
        form.travel_departure_id = self.june
        form.travel_seats = 3
        self.assertEqual(len(form.order_line), 1)
        with form.order_line.edit(0) as line:
            self.assertEqual(line.product_id, self.stay)
            self.assertEqual(line.product_uom_qty, 3)
            # base 1000 x (1 + 10 %), the reseller's default markup
            self.assertAlmostEqual(line.price_unit, 1100.0)
        # another departure: the same line, at its own markup (15 %)
        form.travel_departure_id = self.july
        self.assertEqual(len(form.order_line), 1)
        with form.order_line.edit(0) as line:
            self.assertAlmostEqual(line.price_unit, 1380.0)
            self.assertEqual(line.product_uom_qty, 3)
        order = form.save()
        self.assertEqual(order.travel_departure_id, self.july)
        self.assertAlmostEqual(order.amount_untaxed, 3 * 1380.0)
        self.assertEqual(order.travel_date_start, self.july.date_start)
        # what the portal asks for the same departure
        offer = self.env["travel.departure.offer"].search(
            [
                ("partner_id", "=", self.town_hall.id),
                ("departure_id", "=", self.july.id),
            ]
        )
        self.assertAlmostEqual(offer.reseller_price, order.order_line.price_unit)

    def test_unassigned_departure_refused_in_the_form(self):
        form = self._form(self.town_hall)
        form.travel_departure_id = self.august
        with self.assertRaisesRegex(ValidationError, "only be booked on its assigned"):
            with self.env.cr.savepoint():
                form.save()
        self.assertEqual(self._orders_of(self.town_hall), 0)

    def test_private_customer_pays_the_departure_price(self):
        form = self._form(self.customer)
        form.travel_departure_id = self.august
        form.travel_seats = 2
        with form.order_line.edit(0) as line:
            self.assertEqual(line.product_id, self.stay)
            self.assertEqual(line.product_uom_qty, 2)
            self.assertAlmostEqual(line.price_unit, 900.0)
        order = form.save()
        self.assertAlmostEqual(order.amount_untaxed, 1800.0)

    def test_reseller_tab_shows_the_markup_applied(self):
        """Not "0.00": the reseller's default where the departure has none."""
        self.assertEqual(self.june_assignment.markup_applied, 10.0)
        self.assertEqual(self.july_assignment.markup_applied, 15.0)
        self.town_hall.with_user(self.travel_manager).travel_markup = 12.0
        self.assertEqual(self.june_assignment.markup_applied, 12.0)
        self.assertAlmostEqual(self.june_assignment.reseller_price, 1120.0)
