# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.sql_db import db_connect
from odoo.tools import mute_logger

from .common import TravelCustomerCommon


class DepartureCommon(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.Partner)
        cls.stay = cls.env["product.product"].create(
            {"name": "Corsica week", "type": "service", "travel_is_stay": True}
        )
        cls.Departure = cls.env["travel.departure"]
        cls.Assignment = cls.env["travel.departure.assignment"]
        cls.june = cls._departure(30, price=1000.0)
        cls.july = cls._departure(60, price=1200.0)
        cls.professional = cls.env.ref("travel_customer.customer_type_professional")
        cls.town_hall = cls._fake_customer(
            is_company=True,
            customer_type_id=cls.professional.id,
            travel_markup=10.0,
        )
        cls.works_council = cls._fake_customer(
            is_company=True, customer_type_id=cls.professional.id, travel_markup=5.0
        )

    @classmethod
    def _departure(cls, days, length=7, **values):
        start = cls.today + timedelta(days=days)
        return cls.Departure.create(
            {
                "product_id": cls.stay.id,
                "date_start": start,
                "date_end": start + timedelta(days=length),
                "capacity": 10,
                **values,
            }
        )


class TestDeparture(DepartureCommon):
    def test_dates_and_capacity(self):
        with self.assertRaises(ValidationError), mute_logger("odoo.sql_db"):
            self.june.date_end = self.june.date_start - timedelta(days=1)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.june.capacity = -1
                self.june.flush_recordset()

    def test_booking_takes_departure_dates(self):
        order = self._create_order(self.customer, travel_departure_id=self.june.id)
        self.assertEqual(order.travel_date_start, self.june.date_start)
        self.assertEqual(order.travel_date_end, self.june.date_end)

    def test_seats_counted_on_confirmation_only(self):
        quotation = self._create_order(
            self.customer, travel_departure_id=self.june.id, travel_seats=4
        )
        self.assertEqual(self.june.seats_taken, 0)
        self.assertEqual(self.june.seats_left, 10)
        quotation.action_confirm()
        self.june.invalidate_recordset()
        self.assertEqual(self.june.seats_taken, 4)
        self.assertEqual(self.june.seats_left, 6)

    def test_booking_follows_departure_dates(self):
        order = self._create_order(self.customer, travel_departure_id=self.june.id)
        self.june.date_end += timedelta(days=1)
        self.assertEqual(order.travel_date_end, self.june.date_end)

    def test_confirmed_bookings_stay_within_capacity(self):
        order = self._create_order(
            self.customer, travel_departure_id=self.june.id, travel_seats=8
        )
        order.action_confirm()
        with self.assertRaisesRegex(ValidationError, "would be overbooked"):
            with self.env.cr.savepoint():
                order.travel_seats = 11
                order.flush_recordset()
        with self.assertRaisesRegex(ValidationError, "would be overbooked"):
            with self.env.cr.savepoint():
                self.june.capacity = 7
                self.june.flush_recordset()
        self.env.invalidate_all()
        self.assertEqual((order.travel_seats, self.june.capacity), (8, 10))
        order.travel_seats = 10
        self.assertEqual(self.june.seats_left, 0)

    def test_full_departure_refused(self):
        first = self._create_order(
            self.customer, travel_departure_id=self.june.id, travel_seats=8
        )
        first.action_confirm()
        second = self._create_order(
            self._fake_customer(), travel_departure_id=self.june.id, travel_seats=3
        )
        with self.assertRaisesRegex(UserError, "is full: 2 seats left, 3 asked"):
            second.action_confirm()
        self.env.invalidate_all()
        self.assertEqual(second.state, "draft")
        self.assertEqual(self.june.seats_left, 2)
        second.travel_seats = 2
        second.action_confirm()
        self.assertEqual(second.state, "sale")


class TestReseller(DepartureCommon):
    def test_reseller_price(self):
        assignment = self.Assignment.create(
            {"partner_id": self.town_hall.id, "departure_id": self.june.id}
        )
        self.assertAlmostEqual(assignment.reseller_price, 1100.0)
        assignment.write({"markup_override": True, "markup": 25.0})
        self.assertAlmostEqual(assignment.reseller_price, 1250.0)
        assignment.markup_override = False
        self.town_hall.travel_markup = 20.0
        self.assertAlmostEqual(assignment.reseller_price, 1200.0)

    def test_assignment_unique(self):
        self.Assignment.create(
            {"partner_id": self.town_hall.id, "departure_id": self.june.id}
        )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.Assignment.create(
                    {"partner_id": self.town_hall.id, "departure_id": self.june.id}
                )

    def test_reseller_booked_only_on_assigned_departures(self):
        self.Assignment.create(
            {"partner_id": self.town_hall.id, "departure_id": self.june.id}
        )
        order = self._create_order(self.town_hall, travel_departure_id=self.june.id)
        self.assertEqual(order.travel_departure_id, self.june)
        with self.assertRaisesRegex(ValidationError, "only be booked on its assigned"):
            with self.env.cr.savepoint():
                self._create_order(self.town_hall, travel_departure_id=self.july.id)
        with self.assertRaisesRegex(ValidationError, "only be booked on its assigned"):
            with self.env.cr.savepoint():
                order.travel_departure_id = self.july
                order.flush_recordset()
        self.env.invalidate_all()
        self.assertEqual(order.travel_departure_id, self.june)
        self.assertEqual(order.travel_date_start, self.june.date_start)
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("partner_id", "=", self.town_hall.id)]
            ),
            1,
        )
        # a private customer books any departure
        self._create_order(self.customer, travel_departure_id=self.july.id)

    def test_snapshot(self):
        self.Assignment.create(
            [
                {"partner_id": self.town_hall.id, "departure_id": d.id}
                for d in self.june | self.july
            ]
        )
        self.assertEqual(
            self.town_hall.travel_assignment_ids.departure_id, self.june | self.july
        )
        later = self._departure(90)
        self.assertNotIn(later, self.town_hall.travel_assignment_ids.departure_id)
        # not by the nightly run either: the town hall does not benefit from all
        self.Assignment._cron_assign_all_offers()
        self.town_hall.invalidate_recordset()
        self.assertNotIn(later, self.town_hall.travel_assignment_ids.departure_id)

    def test_deleted_reseller_or_departure_takes_its_assignments(self):
        """What the database's ON DELETE CASCADE did, without its per-row
        foreign key checks."""
        late = self._departure(120)
        assignments = self.Assignment.create(
            [
                {"partner_id": reseller.id, "departure_id": departure.id}
                for reseller in self.town_hall | self.works_council
                for departure in self.june | late
            ]
        )
        late.unlink()
        self.assertEqual(len(assignments.exists()), 2)
        self.assertEqual(
            self.works_council.travel_assignment_ids.departure_id, self.june
        )
        self.town_hall.unlink()
        self.assertEqual(assignments.exists().partner_id, self.works_council)

    def test_missing_reseller_or_departure_refused(self):
        gone = self._departure(120)
        gone.unlink()
        with self.assertRaisesRegex(ValidationError, "no longer exists"):
            with self.env.cr.savepoint():
                self.Assignment.create(
                    {"partner_id": self.town_hall.id, "departure_id": gone.id}
                )
        with self.assertRaisesRegex(ValidationError, "no longer exists"):
            with self.env.cr.savepoint():
                self.Assignment.create(
                    {
                        "partner_id": self.town_hall.id + 10**8,
                        "departure_id": self.june.id,
                    }
                )
        self.assertFalse(self.town_hall.travel_assignment_ids)


class TestNightlyAssignment(DepartureCommon):
    def test_all_offers(self):
        # only this test's departures (the demo data may hold others)
        self.Departure.search([("product_id", "!=", self.stay.id)]).active = False
        self.env.ref("travel_customer.partner_nordsee_reisen").travel_all_offers = False
        self.town_hall.travel_all_offers = True
        finished = self._departure(-30)
        archived = self._departure(100, active=False)
        created = self.Assignment._cron_assign_all_offers()
        assigned = self.town_hall.travel_assignment_ids
        self.assertEqual(created, 2)
        self.assertEqual(assigned.departure_id, self.june | self.july)
        self.assertNotIn(finished, assigned.departure_id)
        self.assertNotIn(archived, assigned.departure_id)
        self.assertFalse(self.works_council.travel_assignment_ids)
        self.assertEqual(
            assigned.filtered(lambda a: a.departure_id == self.june).reseller_price,
            1100.0,
        )
        # a second night with nothing new adds nothing
        self.assertEqual(self.Assignment._cron_assign_all_offers(), 0)
        # a new departure is picked up the next night
        august = self._departure(90)
        self.assertEqual(self.Assignment._cron_assign_all_offers(), 1)
        self.town_hall.invalidate_recordset()
        self.assertIn(august, self.town_hall.travel_assignment_ids.departure_id)

    def test_batches_skip_locked_resellers(self):
        """Resellers are taken batch by batch; one that another transaction
        holds is left to the next night, which picks it up."""
        self.Departure.search([("product_id", "!=", self.stay.id)]).active = False
        # the demo reseller with all offers, held by another transaction
        held = self.env.ref("travel_customer.partner_nordsee_reisen")
        self.assertTrue(held.travel_all_offers)
        self.assertFalse(held.travel_offers_assigned_at, "demo reseller not yet run")
        other = db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute(
                "SELECT id FROM res_partner WHERE id = %s FOR UPDATE", [held.id]
            )
            (self.town_hall | self.works_council).travel_all_offers = True
            created = self.Assignment._cron_assign_all_offers(batch_size=1)
        finally:
            other.rollback()
            other.close()
        self.assertEqual(created, 4)
        for reseller in self.town_hall | self.works_council:
            self.assertEqual(
                reseller.travel_assignment_ids.departure_id, self.june | self.july
            )
            self.assertTrue(reseller.travel_offers_assigned_at)
        self.assertNotIn(self.june, held.travel_assignment_ids.departure_id)
        self.assertEqual(self.Assignment._cron_assign_all_offers(batch_size=1), 2)
        held.invalidate_recordset()
        self.assertEqual(held.travel_assignment_ids.departure_id, self.june | self.july)
