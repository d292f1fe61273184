# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import polib

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import file_path
from odoo.tools.translate import TranslationModuleReader

LANGS = ("fr_FR", "de_DE")


@tagged("post_install", "-at_install")
class TestTranslations(HttpCase):
    """French and German cover every term of the addon."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in LANGS:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["travel_customer"], list(LANGS), overwrite=True
        )

    def test_every_term_translated(self):
        for lang in LANGS:
            po_file = file_path(f"travel_customer/i18n/{lang[:2]}.po")
            # a translation equal to its source (Airbnb, VIP...) reads as empty
            same = {e.msgid for e in polib.pofile(po_file) if e.msgstr == e.msgid}
            missing = sorted(
                {
                    source
                    for module, _type, _name, _res_id, source, value, _comments in (
                        TranslationModuleReader(self.env.cr, ["travel_customer"], lang)
                    )
                    if module == "travel_customer"
                    and source.strip()
                    and not value
                    and source not in same
                }
            )
            self.assertFalse(missing, f"untranslated in {lang}: {missing[:20]}")

    def test_terms_in_use(self):
        Field = self.env["ir.model.fields"]
        allergies = Field._get("travel.participant", "allergies")
        self.assertEqual(
            allergies.with_context(lang="fr_FR").field_description, "Allergies"
        )
        self.assertEqual(
            allergies.with_context(lang="de_DE").field_description, "Allergien"
        )
        order = self.env["sale.order"].with_context(lang="de_DE")
        self.assertIn(
            "Online-Bestellungen",
            order.env._(
                "Ordering online is not available for your account: please contact "
                "our customer service%(contact)s.",
                contact="",
            ),
        )

    def test_tour_portal_in_french(self):
        user = new_test_user(
            self.env,
            login="client_fr",
            groups="base.group_portal",
            name="Claire Français",
        )
        user.lang = "fr_FR"
        child = self.env["travel.participant"].create(
            {
                "first_name": "Tom",
                "last_name": "Guardianed",
                "partner_id": user.partner_id.id,
                "guardian_ids": [(4, user.partner_id.id)],
            }
        )
        self.start_tour("/my", "travel_customer_portal_fr", login="client_fr")
        self.assertEqual(child.sudo().allergies, "Pollen")
