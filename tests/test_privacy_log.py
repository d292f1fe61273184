# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .test_privacy import PrivacyCommon


class TestPrivacyLogLanguage(PrivacyCommon):
    """The privacy log's details read in the reader's language, whoever
    wrote them and in whatever language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in ("fr_FR", "de_DE"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["travel_customer"], ["fr_FR", "de_DE"], overwrite=True
        )

    def _log(self, partner, operation):
        return self.env["privacy.log"].search(
            [
                ("travel_partner_id", "=", partner.id),
                ("travel_operation", "=", operation),
            ]
        )

    def test_anonymization_details_in_each_language(self):
        customer = self._fake_customer()
        self.env["travel.participant"].create(
            {"first_name": "Lea", "last_name": "Child", "partner_id": customer.id}
        )
        # an English-speaking officer anonymizes
        self.officer.lang = "en_US"
        customer.with_user(self.officer).action_travel_anonymize()
        log = self._log(customer, "anonymize")
        self.assertIn("Anonymized on request.", log.travel_summary)
        self.assertIn("Participants: 1", log.travel_summary)
        french = log.with_context(lang="fr_FR").travel_summary
        self.assertIn("Anonymisé à la demande.", french)
        self.assertIn("Participants : 1", french)
        self.assertNotIn("Anonymized", french)
        german = log.with_context(lang="de_DE").travel_summary
        self.assertIn("Auf Anfrage anonymisiert.", german)

    def test_export_details_in_each_language(self):
        customer = self._fake_customer()
        self.Privacy.with_user(self.officer)._export(customer)
        log = self._log(customer, "export")
        self.assertIn("Exported by a privacy officer.", log.travel_summary)
        self.assertIn("Bookings: 0", log.travel_summary)
        german = log.with_context(lang="de_DE").travel_summary
        self.assertIn("Von einem Datenschutzbeauftragten exportiert.", german)
        self.assertNotIn("Exported", german)
