# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command

from .common import TravelCustomerCommon


class TestMembership(TravelCustomerCommon):
    """The association membership billed on bookings, by customer type."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.membership = cls.env.ref("travel_customer.product_membership")
        cls.Type = cls.env["travel.customer.type"]
        cls.family = cls._fake_customer(
            customer_type_id=cls._type("collective", "individual").id
        )
        cls.kids = cls.env["travel.participant"].create(
            [
                {"first_name": name, "last_name": "Family", "partner_id": cls.family.id}
                for name in ("Ann", "Bob", "Cid", "Dan")
            ]
        )

    @classmethod
    def _type(cls, mode, category):
        return cls.Type.create(
            {
                "name": f"Type {mode} {category}",
                "membership_mode": mode,
                "category": category,
            }
        )

    def _order(self, partner, participants, start=date(2027, 7, 1)):
        return self._create_order(
            partner,
            travel_date_start=start,
            travel_date_end=start.replace(day=8),
            travel_participant_ids=[Command.set(participants.ids)],
        )

    def _fee_qty(self, order):
        return sum(
            order.order_line.filtered(
                lambda ln: ln.product_id == self.membership
            ).mapped("product_uom_qty")
        )

    def test_collective_family_pays_at_most_two(self):
        order = self._order(self.family, self.kids[:3])
        self.assertEqual(self._fee_qty(order), 2)
        order.action_confirm()
        memberships = self.env["travel.membership"].search(
            [("partner_id", "=", self.family.id)]
        )
        self.assertEqual(len(memberships), 3)
        self.assertEqual(sorted(memberships.mapped("paid")), [False, True, True])
        # same year: members already, and a fourth child is an associate member
        again = self._order(self.family, self.kids)
        self.assertEqual(self._fee_qty(again), 0)
        # the next year, the fee again
        next_year = self._order(self.family, self.kids[:1], start=date(2028, 7, 1))
        self.assertEqual(self._fee_qty(next_year), 1)

    def test_individual_every_participant_pays(self):
        self.family.customer_type_id = self._type("individual", "individual")
        order = self._order(self.family, self.kids[:3])
        self.assertEqual(self._fee_qty(order), 3)
        order.travel_participant_ids = self.kids[:1]
        self.assertEqual(self._fee_qty(order), 1)
        order.travel_participant_ids = False
        self.assertEqual(self._fee_qty(order), 0)

    def test_no_membership_on_collective_orders_of_a_professional(self):
        school = self._fake_customer(
            is_company=True, customer_type_id=self._type("none", "professional").id
        )
        pupils = self.env["travel.participant"].create(
            [
                {"first_name": name, "last_name": "Pupil", "partner_id": school.id}
                for name in ("Eva", "Fay", "Gus")
            ]
        )
        order = self._order(school, pupils)
        self.assertEqual(self._fee_qty(order), 0)
        order.action_confirm()
        self.assertAlmostEqual(
            sum(
                order.order_line.filtered(
                    lambda ln: ln.product_id == self.membership
                ).mapped("price_subtotal")
            ),
            0.0,
        )
        single = self._order(school, pupils[:1], start=date(2028, 3, 1))
        self.assertEqual(self._fee_qty(single), 1)
