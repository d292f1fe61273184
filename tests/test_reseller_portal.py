# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import TravelBookingMixin


@tagged("post_install", "-at_install")
class TestResellerPortal(TravelBookingMixin, HttpCase):
    """ "My departures" on the portal: each reseller sees its own only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.stay = cls.env["product.product"].create(
            {"name": "Portal Corsica", "type": "service", "travel_is_stay": True}
        )
        professional = cls.env.ref("travel_customer.customer_type_professional")
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Agence Azur",
                "is_company": True,
                "customer_type_id": professional.id,
                "travel_markup": 10.0,
            }
        )
        cls.council = cls.env["res.partner"].create(
            {
                "name": "Works Council Nord",
                "is_company": True,
                "customer_type_id": professional.id,
            }
        )
        cls.june = cls._departure(30, 1000.0)
        cls.july = cls._departure(60, 1500.0)
        cls.august = cls._departure(90, 900.0)
        Assignment = cls.env["travel.departure.assignment"]
        Assignment._assign(cls.agency, cls.june | cls.july)
        Assignment._assign(cls.council, cls.august)
        cls.agency_user = cls._portal_user("agency_portal", cls.agency)
        cls.council_user = cls._portal_user("council_portal", cls.council)

    @classmethod
    def _departure(cls, days, price):
        start = cls.today + timedelta(days=days)
        return cls.env["travel.departure"].create(
            {
                "product_id": cls.stay.id,
                "date_start": start,
                "date_end": start + timedelta(days=7),
                "capacity": 8,
                "price": price,
            }
        )

    @classmethod
    def _portal_user(cls, login, company):
        user = new_test_user(cls.env, login=login, groups="base.group_portal")
        user.partner_id.parent_id = company
        return user

    def _rows(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.findall(r'href="/my/departures/(\d+)"', response.text)

    def _ids(self, *departures):
        return [str(d.id) for d in departures]

    def test_my_departures_lists_own_assigned_departures(self):
        self.authenticate("agency_portal", "agency_portal")
        response = self.url_open("/my/departures")
        self.assertIn("1,100.00", response.text)  # 1000 + 10 %
        self.assertEqual(self._rows("/my/departures"), self._ids(self.june, self.july))
        self.authenticate("council_portal", "council_portal")
        self.assertEqual(self._rows("/my/departures"), self._ids(self.august))

    def test_filters_sort_and_pages(self):
        self.authenticate("agency_portal", "agency_portal")
        url = "/my/departures?price_below=1200"
        self.assertEqual(self._rows(url), self._ids(self.june))
        url = "/my/departures?price_above=1200"
        self.assertEqual(self._rows(url), self._ids(self.july))
        start = self.july.date_start
        self.assertEqual(
            self._rows(f"/my/departures?start={start}"), self._ids(self.july)
        )
        end = self.june.date_end
        self.assertEqual(self._rows(f"/my/departures?end={end}"), self._ids(self.june))
        self.assertEqual(
            self._rows("/my/departures?sortby=price_desc"),
            self._ids(self.july, self.june),
        )
        # a wrong value is reported, not a crash
        response = self.url_open("/my/departures?start=someday")
        self.assertEqual(response.status_code, 200)
        self.assertIn("someday is not a valid filter value", response.text)
        # 22 departures: 20 on the first page, 2 on the second
        more = self.env["travel.departure"]
        for days in range(100, 120):
            more |= self._departure(days, 500.0)
        self.env["travel.departure.assignment"]._assign(self.agency, more)
        self.assertEqual(len(self._rows("/my/departures")), 20)
        self.assertEqual(len(self._rows("/my/departures/page/2")), 2)

    def test_other_resellers_departure_and_order_are_not_found(self):
        self.authenticate("agency_portal", "agency_portal")
        with mute_logger("odoo.http", "werkzeug"):
            response = self.url_open(f"/my/departures/{self.august.id}")
            self.assertEqual(response.status_code, 404)
            orders = self.env["sale.order"].search_count([])
            response = self.url_open(
                f"/my/departures/{self.august.id}/quotation",
                data={
                    "client_name": "Intruder",
                    "client_email": "intruder@example.com",
                    "participants": "2",
                    "csrf_token": self._csrf_token(),
                },
            )
            self.assertEqual(response.status_code, 404)
            self.assertEqual(self.env["sale.order"].search_count([]), orders)
            # the other reseller's booking
            council_order = (
                self.env["travel.departure.offer"]
                .search(
                    [
                        ("partner_id", "=", self.council.id),
                        ("departure_id", "=", self.august.id),
                    ]
                )
                ._create_quotation("Client Nord", "client@nord.example", 2)
            )
            response = self.url_open(f"/my/orders/{council_order.id}")
            self.assertTrue(response.url.endswith("/my"))  # its portal home
        self.assertNotIn("Client Nord", response.text)

    def _csrf_token(self):
        page = self.url_open(f"/my/departures/{self.june.id}").text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def test_quotation_from_the_portal(self):
        self.authenticate("agency_portal", "agency_portal")
        data = {
            "client_name": "Mairie de Calvi",
            "client_email": "accueil@calvi.example",
            "participants": "9",
            "csrf_token": self._csrf_token(),
        }
        response = self.url_open(f"/my/departures/{self.june.id}/quotation", data=data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Only 8 seats are left", response.text)
        self.assertIn('value="Mairie de Calvi"', response.text)
        self.assertFalse(self.june.order_ids)

        data["participants"] = "3"
        response = self.url_open(f"/my/departures/{self.june.id}/quotation", data=data)
        self.assertEqual(response.status_code, 200)
        order = self.june.order_ids
        self.assertEqual(len(order), 1)
        self.assertIn(f"/my/orders/{order.id}", response.url)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.agency_user.partner_id)
        self.assertEqual(order.travel_end_client_id.name, "Mairie de Calvi")
        self.assertAlmostEqual(order.amount_untaxed, 3300.0)
        self.assertEqual(self.june.seats_left, 8)

    def test_home_counter(self):
        self.authenticate("agency_portal", "agency_portal")
        response = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["travel_departure_count"]}
        )
        self.assertEqual(response["travel_departure_count"], 2)

    def test_tour_reseller_quotation(self):
        self.start_tour(
            "/my/departures", "travel_customer_reseller_portal", login="agency_portal"
        )
        order = self.june.order_ids
        self.assertEqual(order.travel_seats, 3)
        self.assertEqual(order.travel_end_client_id.email, "accueil@calvi.example")


@tagged("post_install", "-at_install")
class TestAssignmentTour(HttpCase):
    def test_tour_assignment_screen(self):
        today = fields.Date.context_today(self.env.user)
        stay = self.env["product.product"].create(
            {"name": "Tour Sardinia", "type": "service", "travel_is_stay": True}
        )
        # the only departures listed: the database's others are archived
        self.env["travel.departure"].search([]).active = False
        departures = self.env["travel.departure"].create(
            [
                {
                    "product_id": stay.id,
                    "date_start": today + timedelta(days=days),
                    "date_end": today + timedelta(days=days + 7),
                    "price": price,
                }
                for days, price in ((30, 1000.0), (60, 900.0), (90, 1400.0))
            ]
        )
        reseller = self.env["res.partner"].create(
            {
                "name": "Agence Tour",
                "is_company": True,
                "customer_type_id": self.env.ref(
                    "travel_customer.customer_type_professional"
                ).id,
                "travel_markup": 10.0,
            }
        )
        self.start_tour(
            f"/odoo/contacts/{reseller.id}", "travel_customer_assignment", login="admin"
        )
        self.assertEqual(reseller.travel_assignment_ids.departure_id, departures)
