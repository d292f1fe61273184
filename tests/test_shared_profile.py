# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user

from odoo.addons.mail.tests.common import MockEmail

from .common import TravelCustomerCommon


class TestSharedProfile(TravelCustomerCommon, MockEmail):
    """One profile across companies, contact persons, fields the law asks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_a.country_id = cls.env.ref("base.it")
        cls.company_b = cls.env["res.company"].create(
            {"name": "Hotel Berlin", "country_id": cls.env.ref("base.de").id}
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company_b, install_demo=False
        )
        groups = (
            "base.group_user,sales_team.group_sale_salesman_all_leads,"
            "account.group_account_invoice,travel_customer.group_travel_user"
        )
        cls.user_a = new_test_user(
            cls.env,
            login="hotel_a",
            groups=groups,
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.user_b = new_test_user(
            cls.env,
            login="hotel_b",
            groups=groups,
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        cls.guest = cls.Partner.create(
            {
                "name": "Giulia Shared",
                "comment": "<p>Prefers a quiet room</p>",
                "travel_level_id": cls.env["travel.customer.level"]
                .search([], limit=1)
                .id,
            }
        )
        cls.stay_dates = {
            "travel_date_start": date(2027, 8, 1),
            "travel_date_end": date(2027, 8, 8),
        }

    def _order(self, company, partner=None, **values):
        return (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": (partner or self.guest).id,
                    "company_id": company.id,
                    "order_line": [(0, 0, {"product_id": self.product.id})],
                    **self.stay_dates,
                    **values,
                }
            )
        )

    def _fill_identity(self, person):
        person.write(
            {
                "travel_birth_date": date(1990, 3, 4),
                "travel_birth_place": "Torino",
                "travel_nationality_id": self.env.ref("base.it").id,
                "travel_id_type_id": self.env.ref(
                    "travel_customer.document_type_id_card"
                ).id,
                "travel_id_number": "CA1234567",
                "travel_id_country_id": self.env.ref("base.it").id,
                "travel_id_issue_date": date(2020, 1, 1),
                "street": "Via Roma 1",
            }
        )

    def test_profile_shared_bookings_per_company(self):
        order_a = self._order(self.company_a)
        order_b = self._order(self.company_b)
        (order_a | order_b).action_confirm()
        guest_a = self.guest.with_user(self.user_a).with_context(
            allowed_company_ids=self.company_a.ids
        )
        self.assertEqual(guest_a.name, "Giulia Shared")
        self.assertTrue(guest_a.travel_level_id)
        self.assertIn("quiet room", guest_a.comment)
        self.assertEqual(guest_a.travel_upcoming_booking_ids, order_a)
        self.assertEqual(
            guest_a.travel_company_booking_summary, f"{self.company_a.name}: 1"
        )
        with self.assertRaises(AccessError):
            order_b.with_user(self.user_a).read(["name"])
        invoice_b = order_b._create_invoices()
        self.assertNotIn(invoice_b, guest_a.travel_invoice_ids)
        with self.assertRaises(AccessError):
            invoice_b.with_user(self.user_a).read(["name"])
        # a user of both companies sees both, with a count per company
        both = self.guest.with_context(
            allowed_company_ids=(self.company_a | self.company_b).ids
        )
        self.assertEqual(both.travel_upcoming_booking_ids, order_a | order_b)
        self.assertIn("Hotel Berlin: 1", both.travel_company_booking_summary)

    def test_new_customers_restricted_to_their_company_on_request(self):
        Partner = self.Partner.with_user(self.user_b).with_company(self.company_b)
        self.assertFalse(Partner.create({"name": "Shared by default"}).company_id)
        self.env["ir.config_parameter"].set_param(
            "travel_customer.customer_company_restricted", "True"
        )
        self.assertEqual(
            Partner.create({"name": "Of Berlin"}).company_id, self.company_b
        )

    def test_contact_person_gets_the_booking_emails(self):
        agency = self.Partner.create(
            {
                "name": "Agence Lumière",
                "is_company": True,
                "email": "agence@lumiere.example",
            }
        )
        booker = self.Partner.create(
            {
                "name": "Lou Booker",
                "parent_id": agency.id,
                "email": "lou@lumiere.example",
            }
        )
        accounting = self.Partner.create(
            {
                "name": "Compta Lumière",
                "parent_id": agency.id,
                "email": "compta@lumiere.example",
                "travel_transactional_cc": True,
            }
        )
        agency.travel_contact_person_id = booker
        order = self._order(self.company_a, partner=agency)
        self.assertEqual(order.travel_contact_person_id, booker)
        self.assertEqual(
            self._order(self.company_a).travel_contact_person_id, self.guest
        )
        order.action_confirm()
        with self.mock_mail_gateway():
            order._send_order_confirmation_mail()
        message = order.message_ids[0]
        self.assertEqual(message.partner_ids, booker | accounting)
        self.assertSentEmail(self.env.user.partner_id, [booker])
        self.assertSentEmail(self.env.user.partner_id, [accounting])

    def test_fields_required_at_confirmation_and_checkin(self):
        # Italy: arrival and departure at confirmation
        order = self._order(
            self.company_a, travel_date_start=False, travel_date_end=False
        )
        with self.assertRaisesRegex(ValidationError, "Arrival and departure"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        order.write(self.stay_dates)
        order.action_confirm()
        child = self.env["travel.participant"].create(
            {"first_name": "Nino", "last_name": "Shared", "partner_id": self.guest.id}
        )
        order.travel_participant_ids = child
        with self.assertRaises(ValidationError) as refusal:
            order.action_travel_checkin()
        message = str(refusal.exception)
        self.assertIn("Giulia Shared: Birth date, Birth place, Nationality", message)
        self.assertIn("Nino Shared: Birth date", message)
        self.assertNotIn("ID document issue date", message)  # Spain asks it, not Italy
        self.assertFalse(order.travel_checkin_date)
        self._fill_identity(self.guest)
        child.write(
            {
                "birth_date": date(2016, 5, 5),
                "birth_place": "Torino",
                "nationality_id": self.env.ref("base.it").id,
                "id_type_id": self.env.ref("travel_customer.document_type_id_card").id,
                "id_number": "CB7654321",
                "id_country_id": self.env.ref("base.it").id,
            }
        )
        order.action_travel_checkin()
        self.assertTrue(order.travel_checkin_date)
        # Germany asks the address, not the birth place
        self.guest.street = False
        order_b = self._order(self.company_b)
        order_b.action_confirm()
        with self.assertRaisesRegex(ValidationError, "Giulia Shared: Address"):
            order_b.action_travel_checkin()

    def test_registration_card_per_country(self):
        self._fill_identity(self.guest)
        order_it = self._order(self.company_a)
        order_de = self._order(self.company_b, travel_vehicle_plate="B-TR 2026")
        (order_it | order_de).action_confirm()
        report = self.env.ref("travel_customer.action_report_registration_card")
        html_it = str(report._render_qweb_html(report.report_name, order_it.ids)[0])
        html_de = str(report._render_qweb_html(report.report_name, order_de.ids)[0])
        for text in (
            "Giulia Shared",
            "Birth place",
            "Torino",
            "CA1234567",
            "03/04/1990",  # the birth date, as the (English) guest writes it
            "Signature",
        ):
            self.assertIn(text, html_it)
        self.assertNotIn("Vehicle plate", html_it)
        self.assertIn("Hotel Berlin", html_de)
        self.assertIn("B-TR 2026", html_de)
        self.assertIn("Via Roma 1", html_de)
        self.assertNotIn("Birth place", html_de)
        self.assertNotIn("CA1234567", html_de)

    def test_registration_card_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.guest.lang = "fr_FR"
        self._fill_identity(self.guest)
        order = self._order(self.company_a)
        order.action_confirm()
        report = self.env.ref("travel_customer.action_report_registration_card")
        html = str(report._render_qweb_html(report.report_name, order.ids)[0])
        self.assertIn("Giulia Shared", html)
        self.assertIn("04/03/1990", html)  # dates as the French write them
