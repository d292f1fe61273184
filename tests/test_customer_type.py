# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2.errors import ForeignKeyViolation

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools.sql import index_exists

from odoo.addons.travel_customer.hooks import assign_default_customer_type

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestCustomerType(TravelCustomerCommon):
    def test_shipped_types(self):
        names = set(self.CustomerType.search([]).mapped("name"))
        self.assertTrue(
            {
                "Regular customer",
                "Walk-in customer",
                "Organizer (tour operator)",
                "VIP / Incentive",
                "Individual",
                "Professional (reseller)",
                "Prospect",
            }
            <= names
        )
        self.assertEqual(self.CustomerType._get_default(), self.type_walk_in)

    def test_default_type_on_create(self):
        partner = self.Partner.create({"name": "New Customer"})
        self.assertEqual(partner.customer_type_id, self.type_walk_in)

    def test_address_shows_commercial_partner_type(self):
        company = self.Partner.create(
            {
                "name": "Agence Azur",
                "is_company": True,
                "customer_type_id": self.type_vip.id,
            }
        )
        contact = self.Partner.create({"name": "Paul Azur", "parent_id": company.id})
        self.assertEqual(contact.customer_type_id, self.type_vip)
        company.customer_type_id = self.type_regular
        self.assertEqual(contact.customer_type_id, self.type_regular)

    def test_default_type_on_install(self):
        """Existing partners without a type get the default; others keep theirs."""
        typed = self.Partner.create(
            {"name": "Typed", "customer_type_id": self.type_vip.id}
        )
        untyped = self.Partner.create([{"name": f"Old {i}"} for i in range(5)])
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET customer_type_id = NULL WHERE id IN %s",
            [tuple(untyped.ids)],
        )
        self.Partner.invalidate_model(["customer_type_id"])
        self.assertFalse(any(untyped.mapped("customer_type_id")))

        assign_default_customer_type(self.env)

        self.assertEqual(untyped.customer_type_id, self.type_walk_in)
        self.assertEqual(typed.customer_type_id, self.type_vip)
        self.assertEqual(
            self.Partner.search_count([("customer_type_id", "=", False)]), 0
        )
        self.assertTrue(
            index_exists(self.env.cr, "res_partner__customer_type_id_index")
        )
        # the foreign key is back: a type in use cannot be deleted
        with self.assertRaises(ForeignKeyViolation), self.env.cr.savepoint():
            self.env.cr.execute(
                "DELETE FROM travel_customer_type WHERE id = %s", [self.type_vip.id]
            )
        # and a new partner still gets the default from the ORM
        self.assertEqual(
            self.Partner.create({"name": "After"}).customer_type_id, self.type_walk_in
        )

    def test_flags_stored(self):
        ctype = self.CustomerType.create(
            {
                "name": "School group",
                "category": "professional",
                "signup_selectable": True,
                "portal_order_allowed": False,
                "documents_despite_incomplete": True,
                "membership_mode": "collective",
                "membership_group_exempt": True,
                "guardian_portal_allowed": True,
            }
        )
        ctype.invalidate_recordset()
        self.assertRecordValues(
            ctype,
            [
                {
                    "category": "professional",
                    "signup_selectable": True,
                    "portal_order_allowed": False,
                    "documents_despite_incomplete": True,
                    "membership_mode": "collective",
                    "membership_group_exempt": True,
                    "guardian_portal_allowed": True,
                    "is_default": False,
                }
            ],
        )

    def test_exactly_one_default(self):
        self.type_regular.is_default = True
        self.assertFalse(self.type_walk_in.is_default)
        self.assertEqual(self.CustomerType._get_default(), self.type_regular)
        self.assertEqual(
            self.Partner.create({"name": "X"}).customer_type_id, self.type_regular
        )
        with (
            self.assertRaisesRegex(ValidationError, "Exactly one customer type"),
            self.env.cr.savepoint(),
        ):
            self.type_regular.is_default = False
        self.type_regular.invalidate_recordset()
        self.assertTrue(self.type_regular.is_default)

    def test_default_cannot_be_archived_or_deleted(self):
        with (
            self.assertRaisesRegex(ValidationError, "cannot be archived"),
            self.env.cr.savepoint(),
        ):
            self.type_walk_in.active = False
        self.type_walk_in.invalidate_recordset()
        self.assertTrue(self.type_walk_in.active)
        with self.assertRaisesRegex(ValidationError, "cannot be deleted"):
            self.type_walk_in.unlink()
        self.assertTrue(self.type_walk_in.exists())

    def test_only_managers_configure_types(self):
        for user in (self.employee, self.salesman):
            with self.assertRaises(AccessError):
                self.CustomerType.with_user(user).create({"name": "Sneaky"})
            with self.assertRaises(AccessError):
                self.type_vip.with_user(user).write({"name": "Renamed"})
        self.assertEqual(self.type_vip.name, "VIP / Incentive")
        ctype = self.CustomerType.with_user(self.travel_manager).create(
            {"name": "Students"}
        )
        self.assertEqual(ctype.name, "Students")

    def test_only_travel_users_change_a_customer_type(self):
        customer = self.customer.with_user(self.employee)
        with self.assertRaisesRegex(AccessError, "Only members of the group Travel"):
            customer.write({"customer_type_id": self.type_vip.id})
        self.assertEqual(self.customer.customer_type_id, self.type_walk_in)
        # other fields stay editable for them, and their new contacts take the
        # type of the customer they belong to
        customer.write({"phone": "+33 1 00 00 00 00"})
        self.customer.customer_type_id = self.type_regular
        contact = self.Partner.with_user(self.employee).create(
            {"name": "Lou Durand", "parent_id": self.customer.id}
        )
        self.assertEqual(contact.customer_type_id, self.type_regular)
        self.customer.with_user(self.salesman).customer_type_id = self.type_vip
        self.assertEqual(self.customer.customer_type_id, self.type_vip)
        self.assertEqual(contact.customer_type_id, self.type_vip)
