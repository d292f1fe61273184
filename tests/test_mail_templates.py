# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, tagged

from .common import TravelCustomerCommon

LANGS = ("en_US", "fr_FR", "de_DE")
# words of each template's subject and body, in each language
EXPECTED = {
    "booking_confirmation": {
        "en_US": ("booking confirmed", "Participants", "missing"),
        "fr_FR": ("réservation confirmée", "Participants", "manquant"),
        "de_DE": ("Buchung bestätigt", "Teilnehmende", "fehlt"),
    },
    "trip_reminder": {
        "en_US": ("documents for your trip", "still missing", "missing"),
        "fr_FR": ("documents pour votre voyage", "manquent encore", "manquant"),
        "de_DE": ("Unterlagen für Ihre Reise", "fehlen noch", "fehlt"),
    },
    "end_client_quotation": {
        "en_US": ("Your quotation from", "travel agent", "Total"),
        "fr_FR": ("Votre devis de", "agence de voyages", "Total"),
        "de_DE": ("Ihr Angebot von", "Reisebüro", "Gesamt"),
    },
    "referral_invitation": {
        "en_US": ("invite your friends", "referral link", "/travel/referral/"),
        "fr_FR": ("invitez vos amis", "lien de parrainage", "/travel/referral/"),
        "de_DE": ("laden Sie Ihre Freunde ein", "Empfehlungslink", "/travel/referral/"),
    },
    "membership_renewal": {
        "en_US": ("your membership", "next booking", "loyalty"),
        "fr_FR": ("votre adhésion", "prochaine réservation", "fidélité"),
        "de_DE": ("Ihre Mitgliedschaft", "nächsten Buchung", "Treue"),
    },
}


@tagged("post_install", "-at_install")
class TestMailTemplates(TravelCustomerCommon):
    """The addon's e-mails, in the customer's language, sent as Odoo does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in LANGS[1:]:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["travel_customer"], list(LANGS[1:]), overwrite=True
        )
        cls.today = fields.Date.context_today(cls.env["sale.order"])
        cls.stay = cls.env["product.product"].create(
            {"name": "Corsica week", "type": "service", "travel_is_stay": True}
        )
        cls.departure = cls.env["travel.departure"].create(
            {
                "product_id": cls.stay.id,
                "date_start": cls.today + timedelta(days=5),
                "date_end": cls.today + timedelta(days=12),
                "capacity": 20,
                "price": 1000.0,
            }
        )
        cls.reseller = cls.Partner.create(
            {
                "name": "Voyages Soleil",
                "is_company": True,
                "email": "agence@soleil.example.org",
                "customer_type_id": cls.env.ref(
                    "travel_customer.customer_type_professional"
                ).id,
            }
        )
        cls.end_client = cls.Partner.create(
            {"name": "Paul Martin", "email": "paul.martin@example.org"}
        )
        cls.participant = cls.env["travel.participant"].create(
            {"first_name": "Léa", "last_name": "Durand", "partner_id": cls.customer.id}
        )

    def _booking_soon(self, partner=None, **values):
        order = self._create_order(
            partner or self.customer,
            travel_date_start=self.today + timedelta(days=5),
            travel_date_end=self.today + timedelta(days=12),
            travel_participant_ids=[Command.set(self.participant.ids)],
            **values,
        )
        order.action_confirm()
        return order

    def _render(self, xmlid, record):
        template = self.env.ref(f"travel_customer.mail_template_travel_{xmlid}")
        values = template._generate_template(record.ids, ["subject", "body_html"])
        return values[record.id]["subject"], str(values[record.id]["body_html"])

    def _check(self, key, record, partner):
        for lang in LANGS:
            partner.lang = lang
            subject, body = self._render(key, record)
            subject_word, body_word, other_word = EXPECTED[key][lang]
            self.assertIn(subject_word, subject, f"{key} {lang}")
            self.assertIn(body_word, body, f"{key} {lang}")
            self.assertIn(other_word, body, f"{key} {lang}")

    def test_booking_confirmation_in_three_languages(self):
        order = self._booking_soon()
        self._check("booking_confirmation", order, self.customer)
        _subject, body = self._render("booking_confirmation", order)
        self.assertIn("Léa Durand", body)
        self.assertIn(order.get_portal_url(), body.replace("&amp;", "&"))

    def test_trip_reminder_in_three_languages(self):
        self._check("trip_reminder", self._booking_soon(), self.customer)

    def test_end_client_quotation_in_three_languages(self):
        self.env["travel.departure.assignment"].create(
            {"partner_id": self.reseller.id, "departure_id": self.departure.id}
        )
        order = self._create_order(
            self.reseller,
            travel_end_client_id=self.end_client.id,
            travel_departure_id=self.departure.id,
        )
        self._check("end_client_quotation", order, self.end_client)
        _subject, body = self._render("end_client_quotation", order)
        self.assertIn("Voyages Soleil", body)
        self.assertIn(order.get_portal_url(), body.replace("&amp;", "&"))

    def test_referral_invitation_in_three_languages(self):
        self._check("referral_invitation", self.customer, self.customer)
        self.assertTrue(self.customer.travel_referral_code)

    def test_membership_renewal_in_three_languages(self):
        self._check("membership_renewal", self.customer, self.customer)

    def test_confirmation_sent_from_the_chatter_in_the_customer_language(self):
        self.customer.lang = "fr_FR"
        order = self._booking_soon(user_id=self.salesman.id)
        action = order.with_user(self.salesman).action_travel_send_confirmation()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.salesman)
            .with_context(**action["context"])
        )
        self.assertIn("réservation confirmée", composer.subject)
        composer.save()._action_send_mail()
        message = order.message_ids[0]
        self.assertIn("réservation confirmée", message.subject)
        self.assertIn(self.customer, message.partner_ids)

    def test_customer_mails_from_the_action_menu(self):
        action = self.customer.with_user(
            self.salesman
        ).action_travel_send_referral_invitation()
        self.assertEqual(
            action["context"]["default_template_id"],
            self.env.ref("travel_customer.mail_template_travel_referral_invitation").id,
        )
        several = self.customer | self.end_client
        action = several.with_user(
            self.salesman
        ).action_travel_send_membership_renewal()
        self.assertEqual(action["context"]["default_composition_mode"], "mass_mail")

    def test_reminder_sent_once_per_booking(self):
        SaleOrder = self.env["sale.order"]
        SaleOrder._cron_travel_trip_reminder()  # the demo's bookings
        order = self._booking_soon()
        later = self._create_order(
            self.customer,
            travel_date_start=self.today + timedelta(days=60),
            travel_date_end=self.today + timedelta(days=67),
        )
        later.action_confirm()
        self.assertEqual(SaleOrder._cron_travel_trip_reminder(), 1)
        self.assertTrue(order.travel_reminder_sent_date)
        self.assertFalse(later.travel_reminder_sent_date)
        self.assertIn("documents for your trip", order.message_ids[0].subject)
        self.assertEqual(SaleOrder._cron_travel_trip_reminder(), 0)
