# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

SCRIPT = "<script>alert('x')</script>"


@tagged("post_install", "-at_install")
class TestPortalInput(HttpCase):
    """Malformed portal input: a clear error or escaped, never a server error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, login="input_user", groups="base.group_portal", name="Ines Input"
        )
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Input Agency",
                "is_company": True,
                "customer_type_id": cls.env.ref(
                    "travel_customer.customer_type_professional"
                ).id,
            }
        )
        cls.user.partner_id.parent_id = cls.agency
        today = fields.Date.context_today(cls.env.user)
        stay = cls.env["product.product"].create(
            {"name": "Input stay", "type": "service", "travel_is_stay": True}
        )
        cls.departure = cls.env["travel.departure"].create(
            {
                "product_id": stay.id,
                "date_start": today + timedelta(days=30),
                "date_end": today + timedelta(days=37),
                "price": 100.0,
            }
        )
        cls.env["travel.departure.assignment"]._assign(cls.agency, cls.departure)
        cls.child = cls.env["travel.participant"].create(
            {
                "first_name": "Kid",
                "last_name": "Input",
                "partner_id": cls.agency.id,
                "allergies": "None",
            }
        )

    def setUp(self):
        super().setUp()
        self.authenticate("input_user", "input_user")

    def _token(self, url="/my/documents"):
        return re.search(r'name="csrf_token" value="([^"]+)"', self.url_open(url).text)[
            1
        ]

    def test_oversized_fields(self):
        url = f"/my/departures/{self.departure.id}/quotation"
        response = self.url_open(
            url,
            data={
                "client_name": "x" * 200_000,
                "client_email": "a@b.example",
                "participants": "1",
                "csrf_token": self._token(),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("too long", response.text)
        self.assertFalse(self.departure.order_ids)
        response = self.url_open(
            f"/my/participants/{self.child.id}",
            data={"allergies": "y" * 5000, "csrf_token": self._token()},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Too long: Allergies", response.text)
        self.assertEqual(self.child.allergies, "None")

    def test_unknown_and_wrong_ids(self):
        with mute_logger("odoo.http", "werkzeug"):
            for url in (
                "/my/departures/999999999",
                "/my/participants/999999999",
                "/my/documents/999999999/file",
                "/my/orders/999999999/travel_documents",
            ):
                self.assertEqual(self.url_open(url).status_code, 404, url)
        page = self.url_open("/my/departures?stay=abc&price_above=cheap").text
        self.assertIn("abc is not a valid filter value", page)
        response = self.url_open(
            "/my/documents/upload",
            data={"type_id": "999999", "csrf_token": self._token()},
            files={"file": ("id.pdf", b"%PDF-1.4\n%%EOF\n")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Choose the type of the document", response.text)
        response = self.url_open(
            f"/my/participants/{self.child.id}",
            data={"country_id": "999999", "csrf_token": self._token()},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.child.country_id)

    def test_script_is_escaped(self):
        self.url_open(
            f"/my/participants/{self.child.id}",
            data={"allergies": SCRIPT, "city": SCRIPT, "csrf_token": self._token()},
        )
        self.assertEqual(self.child.allergies, SCRIPT)
        page = self.url_open(f"/my/participants/{self.child.id}").text
        self.assertNotIn(SCRIPT, page)
        self.assertIn("&lt;script&gt;", page)
        response = self.url_open(
            f"/my/departures/{self.departure.id}/quotation",
            data={
                "client_name": SCRIPT,
                "client_email": "script@client.example",
                "participants": "1",
                "csrf_token": self._token(),
            },
        )
        self.assertEqual(response.status_code, 200)
        order = self.departure.order_ids
        self.assertEqual(order.travel_end_client_id.name, SCRIPT)
        self.assertNotIn(SCRIPT, self.url_open(order.get_portal_url()).text)
