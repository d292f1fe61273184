# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer form as users walk it: every tab and button the guide names
is there, and each role changes what it may and nothing else."""

import re
from pathlib import Path

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import TravelCustomerCommon

USAGE = Path(__file__).resolve().parent.parent / "readme" / "USAGE.md"
TRAVEL_FIELDS = (
    "customer_type_id",
    "travel_level_id",
    "travel_dispute",
    "travel_birth_date",
    "travel_birth_place",
    "travel_nationality_id",
    "travel_id_type_id",
    "travel_id_number",
    "travel_id_issue_date",
    "travel_id_country_id",
    "travel_participant_ids",
    "travel_guarded_participant_ids",
    "travel_contact_person_id",
    "travel_transactional_cc",
)
STAFF_TABS = ("travel_documents", "travel_consents", "travel_wallet", "travel_links")


def guide_names():
    """The tabs and buttons the guide names: "tab **X**", "**X** tab",
    "button **X**", "buttons **X**"."""
    text = re.sub(r"\s+", " ", USAGE.read_text())
    tabs = set(re.findall(r"\btabs? \*\*([^*]+)\*\*", text))
    tabs |= set(re.findall(r"\*\*([^*]+)\*\* tabs?\b", text))
    buttons = set(re.findall(r"\bbuttons? \*\*([^*]+)\*\*", text))
    return tabs, buttons


class TestCustomerForm(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a Travel user with every role the guide describes
        cls.officer = new_test_user(
            cls.env,
            login="form_officer",
            groups="base.group_user,travel_customer.group_travel_manager,"
            "travel_customer.group_travel_privacy,travel_customer.group_travel_health,"
            "account.group_account_invoice",
        )

    def _arch(self, model, user):
        views = self.env[model].with_user(user).get_views([(False, "form")])
        return etree.fromstring(views["views"]["form"]["arch"])

    def test_guide_tabs_and_buttons_are_in_the_forms(self):
        """The customer's, the booking's and the participant's forms."""
        tabs, buttons = guide_names()
        # the parser finds what the guide describes (not an empty list)
        self.assertLessEqual(
            {"Identity", "Documents", "Consents", "E-wallet", "Linked Customers"}, tabs
        )
        self.assertLessEqual({"Link a customer", "Set discount"}, buttons)
        pages, labels = set(), set()
        for model in ("res.partner", "sale.order", "travel.participant"):
            arch = self._arch(model, self.officer)
            pages |= set(arch.xpath("//page/@string"))
            labels |= set(arch.xpath("//button/@string"))
            labels |= set(arch.xpath("//button[@type]//field/@string"))
        self.assertFalse(sorted(tabs - pages), "tabs of the guide missing in the forms")
        self.assertFalse(
            sorted(buttons - labels), "buttons of the guide missing in the forms"
        )

    def test_contacts_user_sees_travel_fields_read_only(self):
        """A Contacts user outside the Travel groups: the model refuses it the
        Travel fields, so the form shows them read-only, and the staff tabs
        not at all."""
        arch = self._arch("res.partner", self.employee)
        for tab in STAFF_TABS:
            self.assertFalse(arch.xpath(f"//page[@name='{tab}']"), tab)
        self.assertTrue(arch.xpath("//page[@name='travel_identity']"))
        for fname in TRAVEL_FIELDS:
            nodes = arch.xpath(f"//field[@name='{fname}']")
            self.assertTrue(nodes, fname)
            for node in nodes:
                readonly = node.get("readonly", "")
                self.assertTrue(
                    readonly == "1" or "not travel_can_edit" in readonly, fname
                )
        customer = self.customer.with_user(self.employee)
        self.assertFalse(customer.travel_can_edit)
        self.assertTrue(self.customer.with_user(self.salesman).travel_can_edit)
        # what the read-only fields stand for: the model refuses the write
        with self.assertRaises(AccessError):
            customer.write({"travel_birth_place": "Nantes"})
        self.assertFalse(self.customer.travel_birth_place)
        # the form loads for it: every field of its view is readable
        spec = {
            name: {}
            for name in set(arch.xpath("//sheet//field[not(ancestor::field)]/@name"))
            if self.customer._fields[name].type not in ("one2many", "many2many")
        }
        customer.web_read(spec)

    def test_travel_user_enters_identity(self):
        customer = self.customer.with_user(self.salesman)
        customer.write(
            {
                "travel_birth_date": "1980-04-05",
                "travel_birth_place": "Nantes",
                "travel_nationality_id": self.env.ref("base.fr").id,
                "travel_id_number": "FR123",
            }
        )
        self.assertEqual(self.customer.travel_birth_place, "Nantes")

    def test_consent_answers_recorded_by_staff(self):
        customer = self.customer.with_user(self.salesman)
        blacklist = self.env["mail.blacklist"].sudo()
        self.assertEqual(
            (
                customer.travel_consent_us_answer,
                customer.travel_consent_partners_answer,
            ),
            ("not_asked", "not_asked"),
        )
        # saving the form with another change records nothing
        customer.write({"travel_consent_us_answer": "not_asked", "phone": "0102030405"})
        self.assertFalse(self.customer.travel_consent_record_ids)
        self.assertFalse(blacklist.search([("email", "=", self.customer.email)]))
        # the customer refuses our partners and agrees to hear from us
        customer.write(
            {
                "travel_consent_partners_answer": "refused",
                "travel_consent_us_answer": "accepted",
            }
        )
        history = self.customer.travel_consent_record_ids
        self.assertEqual(len(history), 2)
        self.assertEqual(set(history.mapped("channel")), {"backoffice"})
        self.assertEqual(history.user_id, self.salesman)
        self.assertEqual(
            {(r.activity_id.name, r.accepted) for r in history},
            {
                (self.env.ref(f"travel_customer.privacy_activity_contact_{k}").name, a)
                for k, a in (("us", True), ("partners", False))
            },
        )
        self.assertFalse(self.customer.travel_consent_partners)
        self.assertTrue(self.customer.travel_consent_us)
        self.assertFalse(blacklist.search([("email", "=", self.customer.email)]))
        # the same answer again records nothing
        customer.write({"travel_consent_us_answer": "accepted"})
        self.assertEqual(len(self.customer.travel_consent_record_ids), 2)
        # an answer cannot be withdrawn as if never asked
        with self.assertRaisesRegex(UserError, "Not asked"):
            customer.write({"travel_consent_us_answer": "not_asked"})
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.travel_consent_us_answer, "accepted")
        # a refusal of "contacted by us" blacklists the e-mail address
        customer.write({"travel_consent_us_answer": "refused"})
        self.assertTrue(blacklist.search([("email", "=", self.customer.email)]))
        self.assertEqual(len(self.customer.travel_consent_record_ids), 3)

    def test_contacts_user_cannot_record_consents(self):
        customer = self.customer.with_user(self.employee)
        for fname in ("travel_consent_us_answer", "travel_consent_partners_answer"):
            with self.assertRaises(AccessError):
                customer.write({fname: "refused"})
        self.assertFalse(self.customer.travel_consent_record_ids)
        self.assertEqual(self.customer.travel_consent_us_answer, "not_asked")

    def test_link_and_wallet_reachable_from_the_form(self):
        action = self.customer.with_user(self.salesman).action_travel_link_customer()
        self.assertEqual(action["res_model"], "travel.link.discount")
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        # the E-wallet tab reads the wallet's history as a Travel user
        card = self.env["loyalty.card"]._travel_wallet(self.customer)
        card._travel_move(25.0, "Cashback: test")
        customer = self.customer.with_user(self.salesman)
        self.assertEqual(customer.travel_wallet_balance, 25.0)
        self.assertEqual(
            customer.travel_wallet_history_ids.read(["description", "issued"])[0][
                "issued"
            ],
            25.0,
        )


@tagged("post_install", "-at_install")
class TestCustomerFormTour(HttpCase):
    """The customer form in Chromium, as a Travel user and as a Contacts user."""

    def setUp(self):
        super().setUp()
        self.customer = self.env["res.partner"].create(
            {"name": "Form Tour Customer", "email": "form.tour@example.org"}
        )
        new_test_user(
            self.env,
            login="form_travel",
            groups="base.group_user,travel_customer.group_travel_user",
        )
        new_test_user(
            self.env,
            login="form_contacts",
            groups="base.group_user,base.group_partner_manager",
        )

    def test_travel_user_walks_the_tabs(self):
        self.start_tour(
            f"/odoo/contacts/{self.customer.id}",
            "travel_customer_form_tabs",
            login="form_travel",
        )
        self.assertEqual(self.customer.travel_birth_place, "Grenoble")
        self.assertEqual(self.customer.travel_consent_partners_answer, "refused")
        self.assertEqual(self.customer.travel_consent_us_answer, "not_asked")
        self.assertFalse(
            self.env["mail.blacklist"].search([("email", "=", "form.tour@example.org")])
        )

    def test_contacts_user_sees_read_only(self):
        self.customer.travel_birth_place = "Lyon"
        self.start_tour(
            f"/odoo/contacts/{self.customer.id}",
            "travel_customer_form_read_only",
            login="form_contacts",
        )
        self.assertEqual(self.customer.travel_birth_place, "Lyon")
