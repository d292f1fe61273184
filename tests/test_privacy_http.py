# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import json
import re
import xmlrpc.client
import zipfile
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import TravelBookingMixin


@tagged("post_install", "-at_install")
class TestPrivacyHttp(TravelBookingMixin, HttpCase):
    """Anonymization through RPC, personal data on the portal, in the browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer = cls._privacy_officer()
        cls.product = cls.env["product.product"].create(
            {"name": "Privacy trip", "type": "service", "list_price": 700.0}
        )
        cls.today = fields.Date.context_today(cls.officer)
        portal = "base.group_portal"
        cls.alice = new_test_user(
            cls.env, login="alice_portal", groups=portal, name="Alice Zimmermann"
        )
        cls.bruno = new_test_user(
            cls.env, login="bruno_portal", groups=portal, name="Bruno Ventura"
        )

    def test_rpc_refused_with_the_reason(self):
        customer = self.env["res.partner"].create({"name": "Rosa Rpc"})
        booking = self._booking(customer, self.today)
        with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as error:
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.officer.id,
                "privacy_officer",
                "res.partner",
                "action_travel_anonymize",
                [[customer.id]],
            )
        self.assertIn(f"Booking {booking.name} ends on", error.exception.faultString)
        customer.invalidate_recordset()
        self.assertEqual(customer.name, "Rosa Rpc")
        self.assertFalse(customer.travel_anonymized)

    def _csrf_token(self):
        """The CSRF token of the current session, as a page gives it."""
        page = self.url_open("/my").text
        return re.search(r'csrf_token: "([^"]+)"', page)[1]

    def _download(self, url):
        response = self.url_open(url, data={"csrf_token": self._csrf_token()})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/zip")
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return json.loads(archive.read("personal_data.json"))

    def test_portal_download_my_data(self):
        booking = self._booking(self.alice.partner_id, self.today)
        self.authenticate("alice_portal", "alice_portal")
        self.assertIn("Download my data", self.url_open("/my").text)
        data = self._download("/my/personal_data")
        self.assertEqual(data["customer"]["name"], "Alice Zimmermann")
        self.assertEqual(data["bookings"][0]["reference"], booking.name)
        log = self.env["privacy.log"].search(
            [("travel_partner_id", "=", self.alice.partner_id.id)]
        )
        self.assertEqual(log.travel_operation, "export")
        self.assertEqual(log.user_id, self.alice)

    def test_other_customers_data_is_not_reachable(self):
        self._booking(self.alice.partner_id, self.today)
        self.authenticate("bruno_portal", "bruno_portal")
        url = f"/travel_customer/personal_data/{self.alice.partner_id.id}"
        with mute_logger("odoo.http"):
            response = self.url_open(url, data={"csrf_token": self._csrf_token()})
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"Zimmermann", response.content)
        data = self._download("/my/personal_data")
        self.assertEqual(data["customer"]["name"], "Bruno Ventura")
        self.assertEqual(data["bookings"], [])
        self.assertFalse(
            self.env["privacy.log"].search(
                [("travel_partner_id", "=", self.alice.partner_id.id)]
            )
        )

    def test_officer_download(self):
        self.authenticate("privacy_officer", "privacy_officer")
        data = self._download(
            f"/travel_customer/personal_data/{self.alice.partner_id.id}"
        )
        self.assertEqual(data["customer"]["name"], "Alice Zimmermann")

    def test_tour_anonymize(self):
        """A privacy officer anonymizes an eligible customer; for an
        ineligible one, the reason is shown."""
        eligible = self.env["res.partner"].create(
            {"name": "Gustave Eligible", "email": "gustave@example.org"}
        )
        self._booking(eligible, self.today - timedelta(weeks=10))
        blocked = self.env["res.partner"].create({"name": "Olga Blocked"})
        booking = self._booking(
            blocked,
            self.today - timedelta(weeks=10),
            travel_channel_id=self.env.ref(
                "travel_customer.sales_channel_booking_com"
            ).id,
        )
        self.start_tour(
            f"/odoo/contacts/{eligible.id}",
            "travel_customer_anonymize",
            login="privacy_officer",
        )
        self.assertTrue(eligible.travel_anonymized)
        self.assertEqual(eligible.name, f"Anonymized customer {eligible.id}")
        self.assertFalse(eligible.email)
        self.start_tour(
            f"/odoo/contacts/{blocked.id}",
            "travel_customer_anonymize_blocked",
            login="privacy_officer",
        )
        self.assertFalse(blocked.travel_anonymized)
        self.assertIn(
            booking.name, blocked.with_user(self.officer).travel_anonymize_blockers
        )
