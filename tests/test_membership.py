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
    def _type(cls, mode, category, group_exempt=False):
        return cls.Type.create(
            {
                "name": f"Type {mode} {category} {group_exempt}",
                "membership_mode": mode,
                "category": category,
                "membership_group_exempt": group_exempt,
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

    def _school(self, mode):
        school = self._fake_customer(
            is_company=True, customer_type_id=self._type(mode, "individual", True).id
        )
        pupils = self.env["travel.participant"].create(
            [
                {"first_name": name, "last_name": "Pupil", "partner_id": school.id}
                for name in ("Eva", "Fay", "Gus")
            ]
        )
        return school, pupils

    def test_no_membership_on_group_orders(self):
        school, pupils = self._school("individual")
        order = self._order(school, pupils)
        self.assertEqual(self._fee_qty(order), 0)
        order.action_confirm()
        self.assertFalse(
            order.order_line.filtered(lambda ln: ln.product_id == self.membership)
        )
        self.assertFalse(
            self.env["travel.membership"].search([("partner_id", "=", school.id)]),
            "a group order makes no one a member",
        )

    def test_pupil_alone_after_a_group_order_pays_as_the_mode_says(self):
        """The same year, a pupil of a group order booked alone is no member
        yet: individual mode, it pays its membership."""
        school, pupils = self._school("individual")
        self._order(school, pupils).action_confirm()
        single = self._order(school, pupils[:1], start=date(2027, 9, 1))
        self.assertEqual(self._fee_qty(single), 1)
        single.action_confirm()
        (membership,) = self.env["travel.membership"].search(
            [("partner_id", "=", school.id)]
        )
        self.assertEqual(
            (membership.participant_id, membership.year, membership.paid),
            (pupils[0], 2027, True),
        )

    def test_group_flag_combines_with_collective_mode(self):
        family, kids = self._school("collective")
        self._order(family, kids).action_confirm()
        # alone: the collective rule, at most two paying members a year
        for kid in kids:
            order = self._order(family, kid, start=date(2027, 9, 1))
            order.action_confirm()
        memberships = self.env["travel.membership"].search(
            [("partner_id", "=", family.id)]
        )
        self.assertEqual(sorted(memberships.mapped("paid")), [False, True, True])

    def test_earlier_none_mode_becomes_the_group_flag(self):
        """A type saved as "none for group orders" by an earlier version is
        individual mode with the flag once the addon is updated."""
        ctype = self._type("individual", "individual")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE travel_customer_type SET membership_mode = 'none' WHERE id = %s",
            [ctype.id],
        )
        self.Type.init()
        ctype.invalidate_recordset()
        self.assertEqual(
            (ctype.membership_mode, ctype.membership_group_exempt),
            ("individual", True),
        )

    def test_membership_valid_for_the_year_of_the_booking(self):
        """Invoiced, the membership runs over the calendar year of the
        booking, whatever dates the product was given at installation."""
        self.membership.write(
            {
                "membership_date_from": date(2020, 1, 1),
                "membership_date_to": date(2020, 12, 31),
            }
        )
        self.family.customer_type_id = self._type("individual", "individual")
        order = self._order(self.family, self.kids[:1], start=date(2027, 7, 1))
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        line = self.env["membership.membership_line"].search(
            [("partner", "=", self.family.id)]
        )
        self.assertEqual(
            (line.date_from, line.date_to), (date(2027, 1, 1), date(2027, 12, 31))
        )
        next_year = self._order(self.family, self.kids[1:2], start=date(2028, 2, 1))
        next_year.action_confirm()
        next_year._create_invoices().action_post()
        line = self.env["membership.membership_line"].search(
            [("partner", "=", self.family.id), ("id", "!=", line.id)]
        )
        self.assertEqual(
            (line.date_from, line.date_to), (date(2028, 1, 1), date(2028, 12, 31))
        )
