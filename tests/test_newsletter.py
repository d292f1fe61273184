# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Newsletter subscriptions on Odoo's mailing lists: a customer's are
linked to it, a stranger's create a prospect."""

from odoo.tests import tagged

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestNewsletter(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.newsletter = cls.env["mailing.list"].create({"name": "Travel news"})
        cls.Contact = cls.env["mailing.contact"]
        cls.source = cls.env.ref("utm.utm_source_newsletter")

    def _subscribe(self, email, name="Subscriber", **values):
        return self.Contact.create(
            {
                "name": name,
                "email": email,
                "list_ids": [(4, self.newsletter.id)],
                **values,
            }
        )

    def test_customer_subscription_is_linked(self):
        contact = self._subscribe(" Camille.Durand@Example.org ")
        self.assertEqual(contact.travel_partner_id, self.customer)
        self.assertEqual(self.customer.travel_mailing_contact_ids, contact)
        # a contact person's e-mail: linked to its customer
        company = self.Partner.create({"name": "Durand SARL", "is_company": True})
        person = self.Partner.create(
            {"name": "Paul", "email": "paul@durand.example", "parent_id": company.id}
        )
        self.assertEqual(self._subscribe(person.email).travel_partner_id, company)

    def test_stranger_becomes_a_prospect(self):
        contact = self._subscribe(
            "nina.new@example.org", "Nina New", country_id=self.env.ref("base.fr").id
        )
        prospect = contact.travel_partner_id
        self.assertTrue(prospect)
        self.assertEqual(prospect.name, "Nina New")
        self.assertEqual(prospect.email, "nina.new@example.org")
        self.assertEqual(prospect.customer_type_id, self.type_prospect)
        self.assertEqual(prospect.travel_source_id, self.source)
        self.assertEqual(prospect.country_id, self.env.ref("base.fr"))
        # subscribing again (another list, another source) adds no prospect
        again = self._subscribe("NINA.NEW@example.org", "Nina")
        self.assertEqual(again.travel_partner_id, prospect)

    def test_prospect_first_booking_asks_for_its_type(self):
        prospect = self._subscribe("leo.first@example.org", "Leo").travel_partner_id
        order = self._create_order(prospect, user_id=self.salesman.id)
        order.action_confirm()
        activity_type = self.env.ref(
            "travel_customer.mail_activity_type_assign_customer_type"
        )
        activities = prospect.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.salesman)

    def test_import_of_many_and_subscription_record(self):
        contacts = self.Contact.create(
            [
                {"name": f"Import {n}", "email": f"import{n}@example.org"}
                for n in range(5)
            ]
            + [{"name": "Twice", "email": "import0@example.org"}]
        )
        prospects = contacts.travel_partner_id
        self.assertEqual(len(prospects), 5)
        self.assertEqual(contacts[0].travel_partner_id, contacts[5].travel_partner_id)
        # through Odoo's subscription model (a list's "add contacts")
        subscription = self.env["mailing.subscription"].create(
            {
                "contact_id": self._subscribe("sub@example.org").id,
                "list_id": self.env["mailing.list"].create({"name": "Other"}).id,
            }
        )
        self.assertEqual(
            subscription.contact_id.travel_partner_id.customer_type_id,
            self.type_prospect,
        )

    def test_changed_email_relinks_and_no_email_no_prospect(self):
        contact = self._subscribe("", "No mail")
        self.assertFalse(contact.travel_partner_id)
        contact.email = self.customer.email
        self.assertEqual(contact.travel_partner_id, self.customer)

    def test_anonymized_customer_not_linked(self):
        self.customer.sudo().write({"travel_anonymized": True})
        contact = self._subscribe(self.customer.email)
        self.assertNotEqual(contact.travel_partner_id, self.customer)
        self.assertEqual(contact.travel_partner_id.customer_type_id, self.type_prospect)

    def test_anonymization_deletes_the_subscriptions(self):
        contact = self._subscribe(self.customer.email)
        other = self._subscribe("someone.else@example.org")
        self.env["travel.customer.privacy"]._anonymize(self.customer)
        self.assertFalse(contact.exists())
        self.assertTrue(other.exists())
