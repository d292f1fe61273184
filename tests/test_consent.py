# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import new_test_user

from .common import TravelCustomerCommon


class TestConsent(TravelCustomerCommon):
    """Two consents, their history, and what respects them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "consent@customer.example"
        cls.us = cls.env.ref("travel_customer.privacy_activity_contact_us")
        cls.partners = cls.env.ref("travel_customer.privacy_activity_contact_partners")

    def _history(self):
        return self.customer.travel_consent_record_ids

    def test_back_office_change_keeps_a_record(self):
        self.assertFalse(self.customer.travel_consent_us)
        self.customer.travel_consent_us = True
        self.assertTrue(self.customer.travel_consent_us)
        (record,) = self._history()
        self.assertEqual(
            (record.activity_id, record.accepted, record.channel, record.user_id),
            (self.us, True, "backoffice", self.env.user),
        )
        consent = self.env["privacy.consent"].search(
            [("partner_id", "=", self.customer.id), ("activity_id", "=", self.us.id)]
        )
        self.assertEqual((consent.state, consent.accepted), ("answered", True))
        # unchanged answers write nothing more
        self.customer.write({"travel_consent_us": True})
        self.assertEqual(len(self._history()), 1)
        self.customer.travel_consent_partners = True
        self.customer.travel_consent_us = False
        self.assertEqual(self._history().mapped("activity_id"), self.us | self.partners)
        self.assertEqual(
            len(self._history()),
            3,
            self._history().read(["activity_id", "accepted", "channel"]),
        )
        self.assertFalse(self._history().sorted("id")[-1].accepted)

    def test_mass_mailing_and_exports_respect_the_answer(self):
        Blacklist = self.env["mail.blacklist"]
        self.customer.travel_consent_us = False
        self.customer.travel_consent_us = True
        self.assertFalse(self.customer.is_blacklisted)
        self.customer.travel_consent_us = False
        self.customer.invalidate_recordset(["is_blacklisted"])
        self.assertTrue(self.customer.is_blacklisted)
        self.assertTrue(Blacklist.search([("email", "=", "consent@customer.example")]))
        self.customer.travel_consent_partners = True
        agreeing = self.Partner.search([("travel_consent_partners", "=", True)])
        self.assertIn(self.customer, agreeing)
        self.assertNotIn(
            self.customer, self.Partner.search([("travel_consent_us", "=", True)])
        )

    def test_back_office_confirmation_records_no_answer_nobody_gave(self):
        """Confirming in the back office is no answer of the customer: "not
        asked" stays neutral, nothing is recorded, the e-mail is not
        blacklisted; an answer the customer gave stays as it was."""
        self.customer.travel_consent_partners = True
        before = self._history()
        salesman = new_test_user(
            self.env,
            login="consent_salesman",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
        )
        order = self._create_order(self.customer, user_id=salesman.id)
        order.with_user(salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.travel_consent_confirmed)
        self.assertFalse(order.travel_consent_record_ids)
        self.assertEqual(self._history(), before)
        consents = self.env["privacy.consent"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(
            {(c.activity_id, c.state, c.accepted) for c in consents},
            {(self.partners, "answered", True)},
            "the purpose never asked has no answer",
        )
        self.customer.invalidate_recordset(["is_blacklisted"])
        self.assertFalse(self.customer.is_blacklisted)
        self.assertFalse(
            self.env["mail.blacklist"].search(
                [("email", "=", "consent@customer.example")]
            )
        )
        self.assertTrue(self.customer.travel_consent_partners)

    def test_anonymization_keeps_answers_without_ip(self):
        self.customer._travel_record_consents(
            {"us": True}, channel="portal", ip_address="203.0.113.7"
        )
        officer = self._privacy_officer()
        self.customer.with_user(officer).action_travel_anonymize()
        self.env.invalidate_all()
        record = self._history()
        self.assertTrue(record.accepted)
        self.assertFalse(record.ip_address)
        self.env.cr.execute(
            "SELECT count(*) FROM privacy_consent WHERE last_metadata LIKE %s",
            ["%203.0.113.7%"],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
