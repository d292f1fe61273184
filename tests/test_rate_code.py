# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rate codes: a reseller's pricelists offer it the departures of the stays
they cover, at their price, at once and by the nightly assignment."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from . import test_reseller_portal
from .common import TravelBookingMixin
from .test_departure import DepartureCommon


@tagged("post_install", "-at_install")
class TestRateCode(DepartureCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Pricelist = cls.env["product.pricelist"]
        cls.trek = cls.env["product.product"].create(
            {"name": "Alps trek", "type": "service", "travel_is_stay": True}
        )
        cls.alps = cls.Departure.create(
            {
                "product_id": cls.trek.id,
                "date_start": cls.today + timedelta(days=40),
                "date_end": cls.today + timedelta(days=47),
                "price": 300.0,
            }
        )
        currency = cls.env.company.currency_id
        # Corsica at a fixed price, per product
        cls.code_corsica = cls.Pricelist.create(
            {
                "name": "AGT-CORSICA",
                "travel_rate_code": True,
                "currency_id": currency.id,
                "item_ids": [
                    (
                        0,
                        0,
                        {
                            "applied_on": "1_product",
                            "product_tmpl_id": cls.stay.product_tmpl_id.id,
                            "compute_price": "fixed",
                            "fixed_price": 900.0,
                        },
                    )
                ],
            }
        )
        # every stay at 20 % off the departure's base price
        cls.code_global = cls.Pricelist.create(
            {
                "name": "AGT-20",
                "travel_rate_code": True,
                "currency_id": currency.id,
                "item_ids": [
                    (
                        0,
                        0,
                        {
                            "applied_on": "3_global",
                            "compute_price": "percentage",
                            "percent_price": 20.0,
                        },
                    )
                ],
            }
        )

    def _assignments(self, reseller):
        return self.Assignment.search([("partner_id", "=", reseller.id)])

    def test_rate_code_assigns_covered_departures_at_its_price(self):
        self.town_hall.travel_rate_code_ids = self.code_corsica
        assignments = self._assignments(self.town_hall)
        self.assertEqual(assignments.departure_id, self.june | self.july)
        self.assertEqual(set(assignments.mapped("reseller_price")), {900.0})
        self.assertEqual(assignments.pricelist_id, self.code_corsica)
        # the screen says which rate code gives each departure
        offers = self.env["travel.departure.offer"].search(
            [("partner_id", "=", self.town_hall.id), ("assigned", "=", True)]
        )
        self.assertEqual(offers.pricelist_id, self.code_corsica)
        self.assertEqual(set(offers.mapped("reseller_price")), {900.0})
        # not covered: the trek is not offered
        self.assertNotIn(self.alps, assignments.departure_id)

    def test_lowest_rate_code_price_wins_and_recomputes(self):
        self.town_hall.travel_rate_code_ids = self.code_corsica | self.code_global
        by_departure = {a.departure_id: a for a in self._assignments(self.town_hall)}
        # June 1000: 900 fixed beats 800 (20 % off)? no: 800 is lower
        self.assertEqual(by_departure[self.june].reseller_price, 800.0)
        self.assertEqual(by_departure[self.june].pricelist_id, self.code_global)
        self.assertEqual(by_departure[self.alps].reseller_price, 240.0)
        # the departure's price changes: the rate code's price follows
        self.alps.price = 400.0
        self.assertEqual(by_departure[self.alps].reseller_price, 320.0)
        # an own markup overrides the rate code
        by_departure[self.alps].with_user(self.travel_manager).write(
            {"markup_override": True, "markup": 10.0}
        )
        self.assertAlmostEqual(by_departure[self.alps].reseller_price, 440.0)

    def test_nightly_assigns_new_departures_by_rate_code(self):
        self.town_hall.travel_rate_code_ids = self.code_corsica
        self.Assignment._cron_assign_all_offers()
        september = self._departure(120, price=1100.0)
        trek_later = self.Departure.create(
            {
                "product_id": self.trek.id,
                "date_start": self.today + timedelta(days=80),
                "date_end": self.today + timedelta(days=87),
                "price": 350.0,
            }
        )
        self.Assignment._cron_assign_all_offers()
        assignments = self._assignments(self.town_hall)
        self.assertIn(september, assignments.departure_id)
        self.assertNotIn(trek_later, assignments.departure_id)
        new = assignments.filtered(lambda a: a.departure_id == september)
        self.assertEqual(new.reseller_price, 900.0)
        self.assertEqual(new.pricelist_id, self.code_corsica)
        # a rule added to the rate code: the next night looks again
        self.code_corsica.item_ids = [
            (
                0,
                0,
                {
                    "applied_on": "0_product_variant",
                    "product_id": self.trek.id,
                    "compute_price": "fixed",
                    "fixed_price": 250.0,
                },
            )
        ]
        self.Assignment._cron_assign_all_offers()
        trek = self._assignments(self.town_hall).filtered(
            lambda a: a.departure_id == trek_later
        )
        self.assertEqual(trek.reseller_price, 250.0)
        # the other reseller has no rate code: nothing assigned
        self.assertFalse(self._assignments(self.works_council))

    def test_all_offers_reseller_gets_rate_code_price(self):
        self.works_council.write(
            {"travel_all_offers": True, "travel_rate_code_ids": self.code_corsica}
        )
        self.Assignment._cron_assign_all_offers()
        by_departure = {
            a.departure_id: a for a in self._assignments(self.works_council)
        }
        self.assertEqual(by_departure[self.june].reseller_price, 900.0)
        # not covered: at the markup (5 %)
        self.assertEqual(by_departure[self.alps].reseller_price, 315.0)
        self.assertFalse(by_departure[self.alps].pricelist_id)

    def test_removing_a_rate_code_removes_its_assignments(self):
        self.Assignment._assign(self.town_hall, self.alps)
        self.town_hall.travel_rate_code_ids = self.code_corsica
        self.town_hall.travel_rate_code_ids = False
        self.assertEqual(self._assignments(self.town_hall).departure_id, self.alps)

    def test_refuses_rate_code_of_another_company(self):
        other = self.env["res.company"].create({"name": "Alpine Brand"})
        foreign = self.Pricelist.create(
            {"name": "ALP-NET", "company_id": other.id, "travel_rate_code": True}
        )
        self.town_hall.company_id = self.env.company
        with self.assertRaisesRegex(ValidationError, "belongs to Alpine Brand"):
            self.town_hall.travel_rate_code_ids = foreign

    def test_refuses_a_pricelist_that_is_no_rate_code(self):
        retail = self.Pricelist.create({"name": "Retail"})
        with self.assertRaisesRegex(ValidationError, "marked as a rate code"):
            self.town_hall.travel_rate_code_ids = retail

    def test_rate_code_is_never_a_customer_default_pricelist(self):
        self.Pricelist.search([("travel_rate_code", "=", False)]).active = False
        self.assertFalse(
            self.Pricelist._get_partner_pricelist_multi(self.customer.ids)[
                self.customer.id
            ]
        )

    def test_rate_code_rights(self):
        with self.assertRaises(AccessError):
            self.town_hall.with_user(
                self.salesman
            ).travel_rate_code_ids = self.code_corsica
        self.town_hall.with_user(
            self.travel_manager
        ).travel_rate_code_ids = self.code_corsica
        assignment = self._assignments(self.town_hall)[:1]
        with self.assertRaises(AccessError):
            assignment.with_user(self.salesman).pricelist_id = self.code_global
        with self.assertRaises(AccessError):
            self.Assignment.with_user(self.salesman).create(
                {
                    "partner_id": self.works_council.id,
                    "departure_id": self.june.id,
                    "pricelist_id": self.code_corsica.id,
                }
            )


@tagged("post_install", "-at_install")
class TestRateCodePortal(TravelBookingMixin, HttpCase):
    """The reseller sees which rate code gives each departure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.stay = cls.env["product.product"].create(
            {"name": "Portal Corsica", "type": "service", "travel_is_stay": True}
        )
        cls.council = cls.env["res.partner"].create(
            {
                "name": "Works Council Nord",
                "is_company": True,
                "customer_type_id": cls.env.ref(
                    "travel_customer.customer_type_professional"
                ).id,
            }
        )
        cls.june = cls._departure(30, 1000.0)
        cls.july = cls._departure(60, 1500.0)
        cls.august = cls._departure(90, 900.0)
        cls.council_user = cls._portal_user("council_portal", cls.council)

    # the helpers of the reseller portal's tests, not its tests
    _departure = test_reseller_portal.TestResellerPortal.__dict__["_departure"]
    _portal_user = test_reseller_portal.TestResellerPortal.__dict__["_portal_user"]
    _rows = test_reseller_portal.TestResellerPortal._rows
    _ids = test_reseller_portal.TestResellerPortal._ids

    def test_portal_shows_rate_code(self):
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
                            "product_tmpl_id": self.stay.product_tmpl_id.id,
                            "compute_price": "fixed",
                            "fixed_price": 777.0,
                        },
                    )
                ],
            }
        )
        self.council.travel_rate_code_ids = code
        self.authenticate("council_portal", "council_portal")
        response = self.url_open("/my/departures")
        self.assertIn("AZUR-NET", response.text)
        self.assertIn("777.00", response.text)
        self.assertEqual(
            self._rows("/my/departures"),
            self._ids(self.june, self.july, self.august),
        )
        response = self.url_open(f"/my/departures/{self.june.id}")
        self.assertIn("AZUR-NET", response.text)
