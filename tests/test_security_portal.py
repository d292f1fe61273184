# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import json
import re
import zipfile
from datetime import date

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import keep_server_session

STAFF_GROUPS = "base.group_user,travel_customer.group_travel_portal_impersonation"
HEALTH = "travel_customer.group_travel_health"


@tagged("post_install", "-at_install")
class TestSecurityPortal(HttpCase):
    """Attacks on viewing the portal as a customer, on the logs, on health
    data and on the routes that write."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = new_test_user(
            cls.env, login="sec_staff", groups=STAFF_GROUPS, name="Stan Staff"
        )
        cls.nurse = new_test_user(
            cls.env,
            login="sec_nurse",
            groups=f"{STAFF_GROUPS},{HEALTH}",
            name="Nina Nurse",
        )
        cls.colleague = new_test_user(
            cls.env, login="sec_colleague", groups="base.group_user"
        )
        cls.admin = cls.env.ref("base.user_admin")
        cls.customer = new_test_user(
            cls.env, login="sec_customer", groups="base.group_portal", name="Carla Cust"
        )
        cls.officer = new_test_user(
            cls.env,
            login="sec_officer",
            groups="base.group_user,travel_customer.group_travel_privacy",
        )
        cls.participant = cls.env["travel.participant"].create(
            {
                "first_name": "Pia",
                "last_name": "Cust",
                "birth_date": date(2015, 3, 2),
                "partner_id": cls.customer.partner_id.id,
                "allergies": "Peanuts",
                "treatments": "Inhaler",
            }
        )
        cls.Log = cls.env["impersonate.log"]
        cls.PrivacyLog = cls.env["privacy.log"]

    # ------------------------------------------------------------ helpers
    def _rpc(self, model, method, args, kwargs=None):
        """The JSON-RPC answer: ``result`` or ``error``."""
        response = self.opener.post(
            f"{self.base_url()}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": kwargs or {},
                },
            },
        )
        return response.json()

    def _session_uid(self):
        """Whom the browser's session is logged in as, on the server."""
        session = http.root.session_store.get(keep_server_session(self.opener))
        return session["uid"]

    def _csrf(self, url):
        page = self.url_open(url).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]

    def _view_portal_as_customer(self, login):
        self.authenticate(login, login)
        answer = self._rpc(
            "res.partner", "action_travel_view_portal", [self.customer.partner_id.ids]
        )
        self.assertEqual(answer["result"]["url"], "/my")
        self.assertEqual(self._session_uid(), self.customer.id)

    def _json_of(self, content):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return json.loads(archive.read("personal_data.json"))

    # ------------------------------------------------------------ impersonation
    def test_impersonating_an_employee_is_refused_over_the_orm(self):
        Users = self.env["res.users"].with_user(self.staff)
        for victim in (self.admin, self.colleague):
            with self.assertRaisesRegex(AccessError, "not a portal user"):
                Users.browse(victim.id).impersonate_login()
        # an employee outside the group may not view anyone
        with self.assertRaisesRegex(AccessError, "Portal impersonation"):
            self.customer.with_user(self.colleague).impersonate_login()
        self.assertFalse(self.Log.search([("user_id", "=", self.staff.id)]))

    def test_impersonating_an_employee_is_refused_over_http(self):
        self.authenticate("sec_staff", "sec_staff")
        for victim in (self.admin, self.colleague):
            with mute_logger("odoo.http"):
                answer = self._rpc("res.users", "impersonate_login", [victim.ids])
            self.assertIn("not a portal user", answer["error"]["data"]["message"])
            # the session is still the staff member's
            self.assertEqual(self._session_uid(), self.staff.id)
        self.assertFalse(self.Log.search([("user_id", "=", self.staff.id)]))
        # OCA's "Switch Login" lists portal users only
        action = self._rpc("res.users", "action_impersonate_login", [])["result"]
        self.assertIn(("share", "=", True), [tuple(d) for d in action["domain"]])

    def test_impersonating_a_portal_user_is_logged_with_the_staff_name(self):
        self.authenticate("sec_staff", "sec_staff")
        answer = self._rpc("res.users", "impersonate_login", [self.customer.ids])
        self.assertNotIn("error", answer)
        self.assertEqual(self._session_uid(), self.customer.id)
        log = self.Log.search(
            [("impersonated_partner_id", "=", self.customer.partner_id.id)]
        )
        self.assertEqual(log.user_id, self.staff)
        # going back is a POST with the CSRF token
        with mute_logger("odoo.http", "werkzeug"):
            response = self.url_open("/travel_customer/impersonate/back")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self._session_uid(), self.customer.id)
        log.invalidate_recordset()
        self.assertFalse(log.date_end)
        with mute_logger("odoo.http", "werkzeug"):
            response = self.url_open(
                "/travel_customer/impersonate/back", data={"nothing": "1"}
            )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._session_uid(), self.customer.id)
        token = self._csrf("/my")
        response = self.url_open(
            "/travel_customer/impersonate/back", data={"csrf_token": token}
        )
        self.assertIn(f"/odoo/contacts/{self.customer.partner_id.id}", response.url)
        self.assertEqual(self._session_uid(), self.staff.id)
        log.invalidate_recordset()
        self.assertTrue(log.date_end)

    # ------------------------------------------------------------ logs
    def test_impersonation_log_cannot_be_forged(self):
        log = self.Log.sudo().create(
            {
                "user_id": self.staff.id,
                "impersonated_partner_id": self.customer.partner_id.id,
                "date_start": "2025-01-01 10:00:00",
            }
        )
        for user in (self.staff, self.colleague, self.admin):
            Log = self.Log.with_user(user)
            with self.assertRaises(AccessError):
                Log.browse(log.id).write({"user_id": self.colleague.id})
            with self.assertRaises(AccessError):
                Log.browse(log.id).unlink()
            with self.assertRaises(AccessError):
                Log.create({"user_id": user.id, "date_start": "2025-01-02 10:00:00"})
        # over RPC too
        self.authenticate("sec_staff", "sec_staff")
        with mute_logger("odoo.http"):
            answer = self._rpc(
                "impersonate.log", "write", [log.ids, {"date_end": False}]
            )
            self.assertIn("error", answer)
            self.assertIn("error", self._rpc("impersonate.log", "unlink", [log.ids]))
        log.invalidate_recordset()
        self.assertTrue(log.exists())
        self.assertEqual(log.user_id, self.staff)
        self.assertEqual(str(log.date_start), "2025-01-01 10:00:00")

    def test_privacy_log_cannot_be_changed_and_is_newest_first(self):
        older, newer = self.PrivacyLog.sudo().create(
            [
                {
                    "anonymized_name": "Old Name",
                    "anonymized_email": "old@example.org",
                    "date": "2024-01-01 10:00:00",
                },
                {
                    "anonymized_name": "New Name",
                    "anonymized_email": "new@example.org",
                    "date": "2025-01-01 10:00:00",
                },
            ]
        )
        for user in (self.officer, self.admin):
            PrivacyLog = self.PrivacyLog.with_user(user)
            with self.assertRaises(AccessError):
                PrivacyLog.browse(older.id).write({"additional_note": "forged"})
            with self.assertRaises(AccessError):
                PrivacyLog.browse(older.id).unlink()
            with self.assertRaises(AccessError):
                PrivacyLog.create(
                    {"anonymized_name": "Fake", "anonymized_email": "f@example.org"}
                )
        self.assertTrue(older.exists())
        self.assertFalse(older.additional_note)
        logs = self.PrivacyLog.with_user(self.officer).search(
            [("id", "in", (older + newer).ids)]
        )
        self.assertEqual(logs.ids, [newer.id, older.id])

    # ------------------------------------------------------------ health data
    def test_staff_viewing_the_portal_sees_no_health_data(self):
        self._view_portal_as_customer("sec_staff")
        url = f"/my/participants/{self.participant.id}"
        page = self.url_open(url).text
        self.assertIn("Pia Cust", page)
        self.assertNotIn("Peanuts", page)
        self.assertNotIn("Inhaler", page)
        self.assertNotIn('name="allergies"', page)
        self.assertIn("o_travel_health_hidden", page)
        # posting them anyway is refused, nothing saved
        response = self.url_open(
            url,
            data={
                "city": "Lyon",
                "allergies": "",
                "treatments": "",
                "csrf_token": self._csrf(url),
            },
        )
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("Peanuts", response.text)
        self.participant.invalidate_recordset()
        self.assertEqual(self.participant.allergies, "Peanuts")
        self.assertFalse(self.participant.city)
        # the address alone is saved, the health data untouched
        self.url_open(url, data={"city": "Lyon", "csrf_token": self._csrf(url)})
        self.participant.invalidate_recordset()
        self.assertEqual(self.participant.city, "Lyon")
        self.assertEqual(self.participant.allergies, "Peanuts")
        self.assertEqual(self.participant.treatments, "Inhaler")

    def test_health_group_staff_viewing_the_portal_sees_health_data(self):
        self._view_portal_as_customer("sec_nurse")
        page = self.url_open(f"/my/participants/{self.participant.id}").text
        self.assertIn("Peanuts", page)

    def test_staff_download_on_the_portal_is_logged_in_its_name(self):
        self._view_portal_as_customer("sec_staff")
        response = self.url_open(
            "/my/personal_data", data={"csrf_token": self._csrf("/my/personal_data")}
        )
        self.assertEqual(response.status_code, 200)
        data = self._json_of(response.content)
        (pia,) = data["participants"]
        self.assertEqual(pia["first_name"], "Pia")
        self.assertNotIn("allergies", pia)
        self.assertNotIn("Peanuts", response.content.decode("latin-1"))
        self.assertIn("Health data group", data["health_data"])
        log = self.PrivacyLog.search(
            [("travel_partner_id", "=", self.customer.partner_id.id)]
        )
        self.assertEqual(log.user_id, self.staff)
        self.assertIn("Stan Staff", log.execution_details)

    def test_customer_downloads_its_own_health_data(self):
        self.authenticate("sec_customer", "sec_customer")
        response = self.url_open(
            "/my/personal_data", data={"csrf_token": self._csrf("/my/personal_data")}
        )
        data = self._json_of(response.content)
        self.assertEqual(data["participants"][0]["allergies"], "Peanuts")
        self.assertIsNone(data["health_data"])
        log = self.PrivacyLog.search(
            [("travel_partner_id", "=", self.customer.partner_id.id)]
        )
        self.assertEqual(log.user_id, self.customer)

    def test_officer_export_leaves_health_data_out_outside_the_group(self):
        Privacy = self.env["travel.customer.privacy"]
        _name, content = Privacy.with_user(self.officer)._export(
            self.customer.partner_id
        )
        data = self._json_of(content)
        self.assertNotIn("allergies", data["participants"][0])
        self.assertIn("Health data group", data["health_data"])
        self.officer.groups_id += self.env.ref(HEALTH)
        _name, content = Privacy.with_user(self.officer)._export(
            self.customer.partner_id
        )
        data = self._json_of(content)
        self.assertEqual(data["participants"][0]["allergies"], "Peanuts")
        self.assertEqual(data["participants"][0]["treatments"], "Inhaler")

    # ------------------------------------------------------------ GET / POST
    def test_get_on_writing_routes_writes_nothing(self):
        partner = self.customer.partner_id
        domain = [("travel_partner_id", "=", partner.id)]
        # the customer's download: GET shows the button, writes no log
        self.authenticate("sec_customer", "sec_customer")
        response = self.url_open("/my/personal_data")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_travel_personal_data_form", response.text)
        self.assertNotEqual(response.headers["Content-Type"], "application/zip")
        # a POST without the CSRF token is refused
        with mute_logger("odoo.http"):
            response = self.url_open("/my/personal_data", data={"nothing": "1"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.PrivacyLog.search(domain))
        # the officer's export
        self.authenticate("sec_officer", "sec_officer")
        url = f"/travel_customer/personal_data/{partner.id}"
        with mute_logger("odoo.http", "werkzeug"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 405)
            response = self.url_open(url, data={"nothing": "1"})
            self.assertEqual(response.status_code, 400)
        self.assertFalse(self.PrivacyLog.search(domain))
        action = partner.with_user(self.officer).action_travel_export_personal_data()
        self.assertEqual(action["tag"], "travel_customer.post_download")
        self.assertEqual(action["params"]["url"], url)
        # what the back-office sends: the web client's CSRF token
        token = re.search(r'csrf_token: "([^"]+)"', self.url_open("/odoo").text)[1]
        response = self.url_open(url, data={"csrf_token": token})
        self.assertEqual(response.headers["Content-Type"], "application/zip")
        self.assertEqual(self.PrivacyLog.search(domain).user_id, self.officer)

    def test_logged_out_order_answers_alike(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.partner_id.id}
        )
        missing = order.id + 100000
        self.assertFalse(self.env["sale.order"].browse(missing).exists())
        existing = self.url_open(f"/my/orders/{order.id}")
        absent = self.url_open(f"/my/orders/{missing}")
        self.assertEqual(existing.status_code, absent.status_code)
        self.assertEqual(
            existing.headers["Content-Type"], absent.headers["Content-Type"]
        )
        self.assertIn("/web/login", existing.url)
        self.assertIn("/web/login", absent.url)
        self.assertNotIn(order.name, existing.text)
        # a logged-in stranger is sent to its portal home for both
        portal = new_test_user(
            self.env, login="sec_stranger", groups="base.group_portal"
        )
        self.authenticate(portal.login, portal.login)
        for url in (f"/my/orders/{order.id}", f"/my/orders/{missing}"):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303)
            self.assertTrue(response.headers["Location"].endswith("/my"))
            self.assertNotIn(order.name, self.url_open(url).text)
