# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Profile fields of the business's own: a custom field on customers and
participants, on their forms, the registration card, the checks, the
export, the anonymization and the portal."""

import json
import re
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestCustomProfileField(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env.company.country_id = cls.env.ref("base.it")
        cls.ProfileField = cls.env["travel.profile.field"]
        # only this test's rules
        cls.ProfileField.search([]).active = False
        cls.Custom = cls.env["travel.profile.custom.field"]
        cls.visa = cls.Custom.create(
            {"name": "x_test_visa", "label": "Visa number", "ttype": "char"}
        )
        cls.visa.with_context(lang="fr_FR").label = "Numéro de visa"
        cls.expiry = cls.Custom.create(
            {"name": "x_test_visa_expiry", "label": "Visa expiry", "ttype": "date"}
        )

    def _order(self):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
                "travel_date_start": date(2027, 8, 1),
                "travel_date_end": date(2027, 8, 8),
            }
        )

    def test_custom_field_set_by_travel_users_only(self):
        """A Contacts user outside the Travel groups may not enter a
        customer's visa number, as for the shipped identity fields."""
        with self.assertRaises(AccessError):
            self.customer.with_user(self.employee).write({"x_test_visa": "V123"})
        self.assertFalse(self.customer.x_test_visa)
        self.customer.with_user(self.salesman).write({"x_test_visa": "V123"})
        self.assertEqual(self.customer.x_test_visa, "V123")

    def test_custom_field_on_both_persons_and_forms(self):
        self.assertIn("x_test_visa", self.env["res.partner"]._fields)
        self.assertIn("x_test_visa", self.env["travel.participant"]._fields)
        self.assertEqual(len(self.visa.field_ids), 2)
        self.assertEqual(set(self.visa.field_ids.mapped("state")), {"manual"})
        for model in ("res.partner", "travel.participant"):
            arch = self.env[model].get_view(view_type="form")["arch"]
            self.assertIn('name="x_test_visa"', arch)
            self.assertIn('name="x_test_visa_expiry"', arch)
        # the label, translated, is the field's and the selection's
        french = self.env(context={"lang": "fr_FR"})
        self.assertEqual(
            french["res.partner"].fields_get(["x_test_visa"])["x_test_visa"]["string"],
            "Numéro de visa",
        )
        selection = dict(
            self.ProfileField._fields["key"]._description_selection(french)
        )
        self.assertEqual(selection["x_test_visa"], "Numéro de visa")
        self.assertEqual(selection["birth_date"], "Date de naissance")

    def test_required_at_confirmation_and_on_the_card(self):
        self.ProfileField.create(
            {
                "key": "x_test_visa",
                "country_ids": [(6, 0, self.env.ref("base.it").ids)],
                "required_at": "confirmation",
            }
        )
        order = self._order()
        with self.assertRaisesRegex(ValidationError, "Visa number"):
            order.action_confirm()
        self.customer.x_test_visa = "V-123"
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        values = dict(order._travel_registration_values(self.customer))
        self.assertEqual(values, {"Visa number": "V-123"})
        report = self.env.ref("travel_customer.action_report_registration_card")
        html = str(report._render_qweb_html(report.report_name, order.ids)[0])
        self.assertIn("V-123", html)

    def test_export_and_anonymization(self):
        self.customer.write(
            {"x_test_visa": "V-9", "x_test_visa_expiry": date(2030, 1, 31)}
        )
        participant = self.env["travel.participant"].create(
            {
                "first_name": "Lea",
                "last_name": "Durand",
                "partner_id": self.customer.id,
                "x_test_visa": "P-1",
            }
        )
        Privacy = self.env["travel.customer.privacy"]
        data = Privacy._export_identity(self.customer)
        self.assertEqual(data["x_test_visa"], "V-9")
        self.assertEqual(data["x_test_visa_expiry"], date(2030, 1, 31))
        self.assertEqual(Privacy._export_participant(participant)["x_test_visa"], "P-1")
        json.dumps(data, default=str)
        Privacy._anonymize(self.customer)
        self.assertFalse(self.customer.x_test_visa)
        self.assertFalse(self.customer.x_test_visa_expiry)
        self.assertFalse(participant.x_test_visa)

    def test_name_clash_refused(self):
        for name in ("name", "travel_id_number", "x_Bad", "x_", "x_a b"):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.Custom.create({"name": name, "label": "Clash"})
        # a field of Odoo's of that name (a custom one of another tool)
        self.env["ir.model.fields"].create(
            {
                "name": "x_test_other",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "ttype": "char",
                "state": "manual",
                "field_description": "Other",
            }
        )
        with self.assertRaisesRegex(ValidationError, "already a field"):
            self.Custom.create({"name": "x_test_other", "label": "Clash"})

    def test_type_fixed_and_delete_takes_all_along(self):
        with self.assertRaises(UserError):
            self.expiry.ttype = "char"
        rule = self.ProfileField.create(
            {
                "key": "x_test_visa_expiry",
                "country_ids": [(6, 0, self.env.ref("base.it").ids)],
                "required_at": "checkin",
            }
        )
        views = self.expiry.view_ids
        self.expiry.unlink()
        self.assertFalse(rule.exists())
        self.assertFalse(views.exists())
        self.assertNotIn("x_test_visa_expiry", self.env["res.partner"]._fields)

    def test_rights(self):
        with self.assertRaises(AccessError):
            self.Custom.with_user(self.salesman).create(
                {"name": "x_test_card", "label": "Card"}
            )
        with self.assertRaises(AccessError):
            self.visa.with_user(self.travel_manager).write({"view_ids": [(5,)]})
        card = self.Custom.with_user(self.travel_manager).create(
            {"name": "x_test_card", "label": "Card", "ttype": "integer"}
        )
        self.assertIn("x_test_card", self.env["res.partner"]._fields)
        self.assertEqual(card.sudo().field_ids.mapped("ttype"), ["integer", "integer"])


@tagged("post_install", "-at_install")
class TestCustomProfileFieldPortal(HttpCase):
    """The family sees and updates the custom fields of its participant."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Custom = cls.env["travel.profile.custom.field"]
        Custom.create({"name": "x_test_card", "label": "Hotel card", "ttype": "char"})
        Custom.create({"name": "x_test_nights", "label": "Nights", "ttype": "integer"})
        family = cls.env["res.partner"].create({"name": "Famille Custom"})
        cls.guardian = new_test_user(
            cls.env, login="guardian_custom", groups="base.group_portal"
        )
        cls.tom = cls.env["travel.participant"].create(
            {
                "first_name": "Tom",
                "last_name": "Custom",
                "partner_id": family.id,
                "guardian_ids": [(4, cls.guardian.partner_id.id)],
                "x_test_card": "HC-1",
            }
        )

    def _post(self, **values):
        url = f"/my/participants/{self.tom.id}"
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.url_open(url).text)
        return self.url_open(url, data={"csrf_token": token[1], **values})

    def test_shown_and_updated(self):
        self.authenticate("guardian_custom", "guardian_custom")
        page = self.url_open(f"/my/participants/{self.tom.id}").text
        self.assertIn("Hotel card", page)
        self.assertIn('value="HC-1"', page)
        self._post(x_test_card="HC-2", x_test_nights="4", city="Lyon")
        self.assertEqual(self.tom.x_test_card, "HC-2")
        self.assertEqual(self.tom.x_test_nights, 4)
        self.assertEqual(self.tom.city, "Lyon")
        # a value that is not a number: nothing saved, with the reason
        response = self._post(x_test_card="HC-3", x_test_nights="four")
        self.assertIn("Not valid: Nights", response.text)
        self.assertEqual(self.tom.x_test_card, "HC-2")
