# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager

from odoo import api
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .test_departure import DepartureCommon

REFUSED_DISCOUNT = "needs a supervisor|recorded by the application"


class TestSecurityRules(DepartureCommon):
    """Issue 18, as the attacks: a context key, a public method called over
    RPC, another path to a protected field, a staff-only field read by a
    portal user. Each is refused and leaves the data as it was."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.council = cls.Partner.create({"name": "CSE Aerospace", "is_company": True})
        cls.staff = cls.Partner.create({"name": "Paula Staff"})
        cls.Link = cls.env["travel.customer.link"]
        cls.Group = cls.env["travel.duplicate.group"]
        # a reseller and its portal user
        cls.agency = cls._fake_customer(
            name="Agence Soleil",
            is_company=True,
            customer_type_id=cls.professional.id,
            travel_markup=10.0,
            comment="<p>Negotiated hard, watch the margin</p>",
            travel_level_id=cls.level_vip.id,
            travel_dispute=True,
        )
        cls.portal = new_test_user(
            cls.env, login="sec_agency_portal", groups="base.group_portal"
        )
        cls.portal.partner_id.parent_id = cls.agency
        cls.Assignment.create(
            {"partner_id": cls.agency.id, "departure_id": cls.june.id}
        )

    @contextmanager
    def _refused(self, exception, pattern):
        """The refusal, with its message; whatever it wrote is rolled back,
        as the request's transaction is."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    # ------------------------------------------------------------ CONTEXT
    def test_context_key_approves_no_discount(self):
        link = self.Link.with_user(self.salesman).create(
            {"partner_id": self.council.id, "linked_partner_id": self.staff.id}
        )
        forged = link.with_user(self.salesman).with_context(
            travel_supervisor_approved=True
        )
        with self._refused(AccessError, REFUSED_DISCOUNT):
            forged.write({"discount": 50.0, "approved_by_id": self.travel_manager.id})
        self.assertEqual(link.discount, 0.0)
        self.assertFalse(link.approved_by_id)
        self.assertFalse(link.approved_on)
        # nor through the default values of a new link
        other = self.Partner.create({"name": "Marc Staff"})
        with self._refused(AccessError, REFUSED_DISCOUNT):
            self.Link.with_user(self.salesman).with_context(
                travel_supervisor_approved=True,
                default_discount=50.0,
                default_approved_by_id=self.travel_manager.id,
            ).create({"partner_id": self.council.id, "linked_partner_id": other.id})
        self.assertFalse(self.Link.search([("linked_partner_id", "=", other.id)]))

    def test_wizard_approves_with_the_code_checked_server_side(self):
        self.env.company.with_user(self.travel_manager)._travel_set_supervisor_code(
            "2468"
        )
        Wizard = self.env["travel.link.discount"].with_user(self.salesman)
        values = {
            "partner_id": self.council.id,
            "linked_partner_id": self.staff.id,
            "discount": 8.0,
            "supervisor_id": self.travel_manager.id,
        }
        Wizard.create({**values, "supervisor_code": "0000"}).action_apply()
        self.assertFalse(self.Link.search([("linked_partner_id", "=", self.staff.id)]))
        Wizard.create({**values, "supervisor_code": "2468"}).action_apply()
        link = self.Link.search([("linked_partner_id", "=", self.staff.id)])
        self.assertEqual(
            (link.discount, link.approved_by_id), (8.0, self.travel_manager)
        )
        # a portal user cannot use the wizard at all
        with self.assertRaises(AccessError):
            self.env["travel.link.discount"].with_user(self.portal).create(values)

    # ------------------------------------------------------------ PUBLIC METHODS
    def _open_group(self):
        return self.Group.create(
            {"partner_ids": [(6, 0, (self.customer | self.staff).ids)], "score": 90}
        )

    def test_portal_user_cannot_scan(self):
        group = self._open_group()
        for user in (self.portal, self.salesman):
            with self._refused(AccessError, "manager may scan"):
                self.Group.with_user(user).action_scan()
            self.assertTrue(group.exists())
            self.assertEqual(group.state, "open")

    def test_scan_now_button(self):
        twin = self.Partner.create(
            {"name": "Camille Durand", "email": "camille.durand@example.org"}
        )
        cron = self.env.ref("travel_customer.ir_cron_duplicate_scan")
        # as the web client calls a list header button: the selected ids first
        with self.capture_triggers(cron.id) as triggers:
            action = api.call_kw(
                self.Group.with_user(self.travel_manager), "action_scan", [[]], {}
            )
        # handed to the scheduler, not run in the request
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("scan will start", action["params"]["message"])
        self.assertEqual(len(triggers.records), 1)
        self.assertFalse(self.Group.search([("partner_ids", "in", twin.id)]))
        cron.ir_actions_server_id.run()
        groups = self.Group.search([("partner_ids", "in", twin.id)])
        self.assertIn(self.customer, groups.partner_ids)

    def test_portal_reseller_cannot_assign_itself(self):
        offers = self.env["travel.departure.offer"].with_user(self.portal)
        mine = offers.search([("partner_id", "=", self.agency.id)])
        self.assertTrue(mine)  # it reads its own offers
        with self.assertRaises(AccessError):
            offers.with_context(
                travel_all=True, active_domain=[("partner_id", "=", self.agency.id)]
            ).action_assign()
        with self.assertRaises(AccessError):
            mine.action_unassign()
        self.assertEqual(self.agency.travel_assignment_ids.departure_id, self.june)

    # ------------------------------------------------------------ CUSTOMER TYPE
    def test_contacts_user_changes_no_type_through_a_parent(self):
        person = self.Partner.create({"name": "Jean Dupont"})
        as_contacts = person.with_user(self.employee)
        # attached to the reseller, it takes its type as any contact does
        as_contacts.write({"parent_id": self.agency.id})
        self.assertEqual(person.customer_type_id, self.professional)
        # detached, it is a customer of its own again: the default type, not
        # the reseller's (nor its markup)
        as_contacts.write({"parent_id": False})
        self.assertEqual(person.customer_type_id, self.type_walk_in)
        self.assertEqual(person.travel_markup, 0.0)
        # made a company: the same
        contact = self.Partner.create(
            {"name": "Lea Agent", "parent_id": self.agency.id}
        )
        contact.with_user(self.employee).write({"is_company": True})
        self.assertEqual(contact.customer_type_id, self.type_walk_in)
        # a customer's own type is never replaced by its new company's
        vip = self.Partner.create(
            {"name": "Victor Important", "customer_type_id": self.type_vip.id}
        )
        with self._refused(AccessError, "Only members of the group Travel"):
            vip.with_user(self.employee).write({"parent_id": self.agency.id})
        self.assertEqual(vip.customer_type_id, self.type_vip)
        self.assertFalse(vip.parent_id)
        # a Travel user keeps the type when detaching
        person.with_user(self.salesman).write({"parent_id": self.agency.id})
        person.with_user(self.salesman).write({"parent_id": False})
        self.assertEqual(person.customer_type_id, self.professional)

    def test_contacts_user_creates_customers_of_the_default_type(self):
        Partner = self.Partner.with_user(self.employee)
        with self._refused(AccessError, "Only members of the group Travel"):
            Partner.create({"name": "Forged Vip", "customer_type_id": self.type_vip.id})
        with self._refused(AccessError, "Only members of the group Travel"):
            Partner.with_context(default_customer_type_id=self.type_vip.id).create(
                {"name": "Forged Vip"}
            )
        self.assertFalse(self.Partner.search([("name", "=", "Forged Vip")]))
        self.assertEqual(
            Partner.create({"name": "Plain New"}).customer_type_id, self.type_walk_in
        )
        # a new contact of a customer takes its type
        agent = Partner.create({"name": "New Agent", "parent_id": self.agency.id})
        self.assertEqual(agent.customer_type_id, self.professional)
        # and the import as well
        with mute_logger("odoo.models"):
            result = Partner.load(
                ["name", "customer_type_id/.id"],
                [["Imported Vip", str(self.type_vip.id)]],
            )
        self.assertFalse(result["ids"])
        self.assertIn(
            "Only members of the group Travel", result["messages"][0]["message"]
        )
        self.assertFalse(self.Partner.search([("name", "=", "Imported Vip")]))

    def test_every_customer_has_a_type(self):
        with self.assertRaises(ValidationError), mute_logger("odoo.sql_db"):
            self.customer.with_user(self.salesman).write({"customer_type_id": False})
        self.assertEqual(self.customer.customer_type_id, self.type_walk_in)

    # ------------------------------------------------------------ MARKUP
    def test_markup_set_by_managers_only_and_bounded(self):
        for user in (self.employee, self.salesman):
            with self._refused(AccessError, "manager can set"):
                self.agency.with_user(user).write({"travel_markup": -150.0})
        self.assertEqual(self.agency.travel_markup, 10.0)
        with self._refused(AccessError, "manager can set"):
            self.Partner.with_user(self.salesman).create(
                {"name": "Forged Reseller", "travel_markup": 30.0}
            )
        for markup in (-150.0, -100.0, 5000.0):
            with self._refused(ValidationError, "must be above"):
                self.agency.with_user(self.travel_manager).write(
                    {"travel_markup": markup}
                )
        self.assertEqual(self.agency.travel_markup, 10.0)
        self.agency.with_user(self.travel_manager).write({"travel_markup": 12.5})
        self.assertEqual(self.agency.travel_markup, 12.5)

    def test_departure_markup_set_by_managers_only_and_bounded(self):
        assignment = self.agency.travel_assignment_ids
        self.assertAlmostEqual(assignment.reseller_price, 1100.0)
        with self._refused(AccessError, "manager can set"):
            assignment.with_user(self.salesman).write(
                {"markup_override": True, "markup": -150.0}
            )
        with self._refused(ValidationError, "must be above"):
            assignment.with_user(self.travel_manager).write(
                {"markup_override": True, "markup": -150.0}
            )
        self.assertFalse(assignment.markup_override)
        self.assertAlmostEqual(assignment.reseller_price, 1100.0)
        offers = self.env["travel.departure.offer"].with_user(self.salesman)
        with self._refused(AccessError, "manager can set"):
            offers.search([("partner_id", "=", self.agency.id)]).action_set_markup()

    # ------------------------------------------------------------ STAFF-ONLY
    def test_portal_user_reads_no_staff_only_field(self):
        me = self.portal.partner_id.with_user(self.portal)
        company = self.agency.with_user(self.portal)
        self.assertEqual(company.read(["name"])[0]["name"], "Agence Soleil")
        for fname in (
            "comment",
            "travel_level_id",
            "travel_dispute",
            "travel_markup",
            "travel_all_offers",
        ):
            with self.assertRaises(AccessError, msg=fname):
                company.read([fname])
            with self.assertRaises(AccessError, msg=fname):
                me.search_read([("id", "=", self.agency.id)], [fname])
            with self.assertRaises(AccessError, msg=fname):
                me.read([fname])
        order = self._create_order(self.agency, travel_departure_id=self.june.id)
        # nor through the booking lists' colour
        self.assertFalse(order.with_user(self.portal).travel_dispute_highlight)
        for fname in (
            "travel_partner_note",
            "travel_partner_dispute",
            "travel_level_id",
        ):
            with self.assertRaises(AccessError, msg=fname):
                order.with_user(self.portal).read([fname])
        offers = self.env["travel.departure.offer"].with_user(self.portal)
        mine = offers.search(
            [("partner_id", "=", self.agency.id), ("assigned", "=", True)]
        )
        self.assertAlmostEqual(
            mine.read(["reseller_price"])[0]["reseller_price"], 1100.0
        )
        for fname in ("price", "markup", "markup_override"):
            with self.assertRaises(AccessError, msg=fname):
                mine.read([fname])
        # staff still read them
        self.assertIn(
            "watch the margin",
            self.agency.with_user(self.salesman).read(["comment"])[0]["comment"],
        )
