# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestParticipantPortal(HttpCase):
    """A guardian sees and updates its own participants only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Participant = cls.env["travel.participant"]
        cls.family = cls.env["res.partner"].create({"name": "Famille Guardianed"})
        cls.guardian = new_test_user(
            cls.env, login="guardian_one", groups="base.group_portal", name="Gina One"
        )
        cls.other = new_test_user(
            cls.env, login="guardian_two", groups="base.group_portal", name="Gus Two"
        )
        cls.tom = Participant.create(
            {
                "first_name": "Tom",
                "last_name": "Guardianed",
                "birth_date": date(2016, 5, 4),
                "partner_id": cls.family.id,
                "guardian_ids": [(4, cls.guardian.partner_id.id)],
                "allergies": "Pollen",
            }
        )
        cls.ines = Participant.create(
            {
                "first_name": "Inès",
                "last_name": "Other",
                "partner_id": cls.family.id,
                "guardian_ids": [(4, cls.other.partner_id.id)],
                "allergies": "Gluten",
            }
        )

    def _csrf(self, url):
        return re.search(r'name="csrf_token" value="([^"]+)"', self.url_open(url).text)[
            1
        ]

    def test_guardian_sees_its_participants_only(self):
        self.authenticate("guardian_one", "guardian_one")
        page = self.url_open("/my/participants").text
        self.assertIn("Tom Guardianed", page)
        self.assertNotIn("Inès", page)
        page = self.url_open(f"/my/participants/{self.tom.id}").text
        self.assertIn("Pollen", page)
        with mute_logger("odoo.http", "werkzeug"):
            response = self.url_open(f"/my/participants/{self.ines.id}")
            self.assertEqual(response.status_code, 404)
            self.assertNotIn("Gluten", response.text)
            response = self.url_open(
                f"/my/participants/{self.ines.id}",
                data={
                    "allergies": "None",
                    "csrf_token": self._csrf(f"/my/participants/{self.tom.id}"),
                },
            )
            self.assertEqual(response.status_code, 404)
        self.assertEqual(self.ines.allergies, "Gluten")

    def test_guardian_updates_address_and_health(self):
        self.authenticate("guardian_one", "guardian_one")
        url = f"/my/participants/{self.tom.id}"
        response = self.url_open(
            url,
            data={
                "street": "5 place Kléber",
                "zip": "67000",
                "city": "Strasbourg",
                "country_id": str(self.env.ref("base.fr").id),
                "allergies": "Pollen, nuts",
                "treatments": "Antihistamine",
                "csrf_token": self._csrf(url),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.tom.city, "Strasbourg")
        self.assertEqual(self.tom.allergies, "Pollen, nuts")
        self.assertEqual(self.tom.treatments, "Antihistamine")
        # the name and birth date are not the guardian's to change
        self.assertEqual(self.tom.name, "Tom Guardianed")

    def test_customer_sees_its_participants(self):
        customer = new_test_user(
            self.env, login="family_user", groups="base.group_portal"
        )
        customer.partner_id.parent_id = self.family
        self.authenticate("family_user", "family_user")
        page = self.url_open("/my/participants").text
        self.assertIn("Tom Guardianed", page)
        self.assertIn("Inès Other", page)

    def test_counter(self):
        self.authenticate("guardian_one", "guardian_one")
        counts = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["travel_participant_count"]}
        )
        self.assertEqual(counts["travel_participant_count"], 1)

    def test_tour_guardian_updates_allergies(self):
        self.start_tour("/my", "travel_customer_guardian_portal", login="guardian_one")
        self.assertEqual(self.tom.allergies, "Pollen, cats")
