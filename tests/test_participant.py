# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import json
import zipfile
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user
from odoo.tools import mute_logger

from .common import TravelCustomerCommon


class TestParticipant(TravelCustomerCommon):
    """Participants, their ages and guardians; health data for a few only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Participant = cls.env["travel.participant"]
        cls.family = cls.Partner.create(
            {
                "name": "Famille Müller",
                "street": "3 rue des Lilas",
                "zip": "67000",
                "city": "Strasbourg",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.mother = cls.Partner.create(
            {"name": "Anna Müller", "email": "anna@m.example"}
        )
        cls.lea = cls.Participant.create(
            {
                "first_name": "Léa",
                "last_name": "Müller",
                "birth_date": date(2015, 7, 1),
                "partner_id": cls.family.id,
                "guardian_ids": [(4, cls.mother.id)],
                "allergies": "Peanuts",
            }
        )
        cls.stay = cls.env["product.product"].create(
            {"name": "Vercors camp", "type": "service", "travel_is_stay": True}
        )
        cls.camp = cls.env["travel.departure"].create(
            {
                "product_id": cls.stay.id,
                "date_start": date(2026, 7, 1),
                "date_end": date(2026, 7, 14),
                "age_min": 8,
                "age_max": 11,
            }
        )
        cls.user = new_test_user(
            cls.env,
            login="travel_clerk",
            groups="base.group_user,sales_team.group_sale_salesman,"
            "travel_customer.group_travel_user,base.group_allow_export",
        )
        cls.nurse = new_test_user(
            cls.env,
            login="travel_nurse",
            groups="base.group_user,travel_customer.group_travel_health",
        )

    def test_age_counts_the_birthday_on_the_day(self):
        self.assertEqual(self.lea._age_on(date(2026, 7, 1)), 11)
        self.assertEqual(self.lea._age_on(date(2026, 6, 30)), 10)
        on_start = self.lea.with_context(travel_age_on=date(2026, 6, 30))
        self.assertEqual(on_start.age, 10)
        self.assertIsNone(self.Participant.new({"first_name": "X"})._age_on())

    def test_address_defaults_to_the_customer(self):
        self.assertEqual(self.lea.city, "Strasbourg")
        self.assertEqual(self.lea.country_id, self.env.ref("base.fr"))
        self.lea.city = "Colmar"
        self.family.city = "Mulhouse"
        self.assertEqual(self.lea.city, "Colmar")

    def test_search_several_words_accents_ignored(self):
        other = self.Participant.create(
            {"first_name": "Lea", "last_name": "Martin", "partner_id": self.family.id}
        )
        for text in ("lea muller", "MULLER Léa", "müll"):
            self.assertEqual(
                self.Participant.name_search(text), [(self.lea.id, "Léa Müller")]
            )
        self.assertEqual(
            self.Participant.search([("display_name", "ilike", "lea")]),
            self.lea | other,
        )

    def test_health_data_hidden_outside_the_group(self):
        clerk = self.lea.with_user(self.user)
        self.assertEqual(clerk.read(["name"])[0]["name"], "Léa Müller")
        for call in (
            lambda: clerk.read(["allergies"]),
            lambda: clerk.search_read([("id", "=", self.lea.id)], ["treatments"]),
            lambda: clerk.export_data(["medical_notes"]),
            lambda: clerk.search([("allergies", "ilike", "peanut")]),
            lambda: clerk.write({"allergies": "None"}),
        ):
            with self.assertRaises(AccessError):
                call()
        self.assertNotIn("allergies", clerk.fields_get())
        arch = self.Participant.with_user(self.user).get_views([(False, "form")])
        self.assertNotIn("allergies", arch["views"]["form"]["arch"])
        partner_form = self.Partner.with_user(self.user).get_views([(False, "form")])
        self.assertNotIn('name="allergies"', partner_form["views"]["form"]["arch"])
        # the health group reads and writes them
        nurse = self.lea.with_user(self.nurse)
        self.assertEqual(nurse.allergies, "Peanuts")
        nurse.treatments = "Inhaler"
        self.assertEqual(self.lea.treatments, "Inhaler")

    def test_age_range_refused_with_names(self):
        order = self._create_order(self.family, travel_departure_id=self.camp.id)
        hugo = self.Participant.create(
            {
                "first_name": "Hugo",
                "last_name": "Müller",
                "birth_date": date(2014, 6, 1),  # 12 on the start date
                "partner_id": self.family.id,
            }
        )
        order.travel_participant_ids = self.lea
        with self.assertRaisesRegex(ValidationError, "Hugo Müller: 12 years old"):
            with self.env.cr.savepoint():
                order.travel_participant_ids = self.lea | hugo
                order.flush_recordset()
        self.env.invalidate_all()
        self.assertEqual(order.travel_participant_ids, self.lea)
        # without a birth date the range cannot be checked
        nobody = self.Participant.create(
            {"first_name": "Zoé", "last_name": "Müller", "partner_id": self.family.id}
        )
        with self.assertRaisesRegex(ValidationError, "Zoé Müller: birth date unknown"):
            with self.env.cr.savepoint():
                order.travel_participant_ids |= nobody
                order.flush_recordset()
        # a range narrowed afterwards is checked against the bookings
        with self.assertRaisesRegex(ValidationError, "Léa Müller: 11 years old"):
            with self.env.cr.savepoint():
                self.camp.age_max = 10
        with self.assertRaisesRegex(ValidationError, "above its maximum"):
            with self.env.cr.savepoint():
                self.camp.age_min = 12
        self.env.invalidate_all()
        self.assertEqual((self.camp.age_min, self.camp.age_max), (8, 11))

    def test_bookings_history_and_guardians(self):
        order = self._create_order(self.family, travel_departure_id=self.camp.id)
        order.travel_participant_ids = self.lea
        self.assertEqual(self.lea.order_ids, order)
        self.assertEqual(self.lea.booking_count, 1)
        self.assertEqual(self.family.travel_participant_ids, self.lea)
        self.assertEqual(self.family.travel_guardian_ids, self.mother)
        self.assertTrue(self.mother.travel_is_guardian)
        self.assertFalse(self.family.travel_is_guardian)
        self.assertIn(
            self.mother, self.Partner.search([("travel_is_guardian", "=", True)])
        )
        self.assertEqual(self.lea.action_open_customer()["res_id"], self.family.id)
        # a quotation started from the guardian lists its participants
        action = self.mother.action_travel_new_booking()
        with Form(self.env["sale.order"].with_context(**action["context"])) as form:
            self.assertEqual(form.partner_id, self.mother)
            self.assertEqual(form.travel_participant_ids[:], self.lea)
            with form.order_line.new() as line:
                line.product_id = self.stay

    def test_participants_added_from_the_customer_form(self):
        with Form(self.family) as form:
            with form.travel_participant_ids.new() as line:
                line.first_name = "Hugo"
                line.last_name = "Müller"
                line.birth_date = date(2018, 3, 3)
        hugo = self.family.travel_participant_ids - self.lea
        self.assertEqual(hugo.name, "Hugo Müller")
        self.assertEqual(hugo.city, "Strasbourg")

    def test_guardian_portal_account_follows_the_customer_type(self):
        walk_in = self.env.ref("travel_customer.customer_type_walk_in")
        regular = self.env.ref("travel_customer.customer_type_regular")
        self.family.customer_type_id = walk_in
        wizard = self.env["portal.wizard"].create(
            {"partner_ids": [(6, 0, self.mother.ids)]}
        )
        with self.assertRaisesRegex(UserError, "does not allow guardian portal"):
            wizard.user_ids.action_grant_access()
        self.assertFalse(self.mother.user_ids)
        self.family.customer_type_id = regular
        with mute_logger("odoo.addons.mail.models.mail_mail"):
            wizard.user_ids.action_grant_access()
        self.assertTrue(self.mother.user_ids.share)

    def test_participants_move_with_a_merge(self):
        duplicate = self.Partner.create({"name": "Famille Muller"})
        hugo = self.Participant.create(
            {
                "first_name": "Hugo",
                "last_name": "Muller",
                "partner_id": duplicate.id,
                "guardian_ids": [(4, duplicate.id)],
            }
        )
        wizard = self._merge_wizard(self.family, duplicate)
        line = wizard.line_ids.filtered(lambda ln: ln.partner_id == duplicate)
        self.assertEqual(line.participant_count, 1)
        wizard.action_merge()
        self.assertEqual(hugo.partner_id, self.family)
        self.assertEqual(hugo.guardian_ids, self.family)
        self.assertEqual(self.family.travel_participant_ids, self.lea | hugo)

    def test_participants_anonymized_with_their_customer(self):
        officer = self._privacy_officer()
        self.lea.message_post(body="Léa forgot her inhaler")
        self.family.with_user(officer).action_travel_anonymize()
        self.env.invalidate_all()
        self.assertTrue(self.lea.name.startswith("Anonymized participant"))
        self.assertFalse(self.lea.birth_date)
        self.assertFalse(self.lea.allergies)
        self.assertFalse(self.lea.city)
        self.assertNotIn("inhaler", " ".join(self.lea.message_ids.mapped("body")))
        self.env.cr.execute(
            "SELECT count(*) FROM travel_participant WHERE partner_id = %s "
            "AND (first_name = 'Léa' OR allergies IS NOT NULL)",
            [self.family.id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_export_lists_participants(self):
        officer = self._privacy_officer()
        officer.groups_id += self.env.ref("travel_customer.group_travel_health")
        _name, content = (
            self.env["travel.customer.privacy"].with_user(officer)._export(self.family)
        )
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            data = json.loads(archive.read("personal_data.json"))
        (lea,) = data["participants"]
        self.assertEqual(lea["first_name"], "Léa")
        self.assertEqual(lea["allergies"], "Peanuts")
        self.assertEqual(lea["guardians"], ["Anna Müller"])
