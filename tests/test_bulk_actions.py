# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestBulkActions(TravelCustomerCommon):
    """Bulk changes: what may be changed is, the rest is refused and listed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["sale.order"])
        cls.other_company = cls.env["res.company"].create({"name": "Other Agency"})
        cls.company_customer = cls.Partner.create(
            {"name": "Schule am See", "is_company": True}
        )
        cls.contact = cls.Partner.create(
            {"name": "Anna Lehrer", "parent_id": cls.company_customer.id}
        )
        cls.hidden = cls.Partner.create(
            {"name": "Hidden Customer", "company_id": cls.other_company.id}
        )
        cls.vip_already = cls.Partner.create(
            {"name": "Already VIP", "customer_type_id": cls.type_vip.id}
        )
        cls.professional = cls.env.ref("travel_customer.customer_type_professional")
        stay = cls.env["product.product"].create(
            {"name": "Lake stay", "type": "service", "travel_is_stay": True}
        )
        cls.departures = cls.env["travel.departure"].create(
            [
                {
                    "product_id": stay.id,
                    "date_start": cls.today + timedelta(days=days),
                    "date_end": cls.today + timedelta(days=days + 7),
                    "capacity": 10,
                    "price": 500.0,
                }
                for days in (30, 60, -30)
            ]
        )
        cls.resellers = cls.Partner.create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "customer_type_id": cls.professional.id,
                }
                for name in ("Agence Nord", "Agence Sud")
            ]
        )

    def _edit_wizard(self, user, partners, **values):
        return (
            self.env["travel.partner.bulk.edit"]
            .with_user(user)
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .create(values)
        )

    def test_change_type_and_level_with_refusals(self):
        partners = (
            self.customer | self.company_customer | self.contact | self.vip_already
        )
        wizard = self._edit_wizard(
            self.salesman,
            partners,
            customer_type_id=self.type_vip.id,
            change_level=True,
            level_id=self.level_vip.id,
        )
        # the customer of another company is not in the user's selection...
        self.assertEqual(wizard.partner_ids, partners)
        # ...but an RPC call may still name it: refused too
        wizard.sudo().partner_ids = [Command.link(self.hidden.id)]
        wizard.action_apply()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(self.customer.customer_type_id, self.type_vip)
        self.assertEqual(self.customer.travel_level_id, self.level_vip)
        self.assertEqual(self.company_customer.customer_type_id, self.type_vip)
        # Already VIP: only its level changed
        self.assertEqual(self.vip_already.travel_level_id, self.level_vip)
        self.assertNotEqual(self.hidden.customer_type_id, self.type_vip)
        summary = wizard.summary
        self.assertIn("Changed: 3", summary)
        self.assertIn("Refused: 2", summary)
        self.assertIn("Anna Lehrer", summary)
        self.assertIn("a contact of Schule am See", summary)
        self.assertIn(f"Customer #{self.hidden.id}", summary)
        self.assertNotIn("Hidden Customer", summary)
        self.assertIn("Camille Durand", summary)

    def test_change_refused_to_other_roles(self):
        with self.assertRaises(AccessError):
            self._edit_wizard(
                self.employee, self.customer, customer_type_id=self.type_vip.id
            ).action_apply()
        self.assertNotEqual(self.customer.customer_type_id, self.type_vip)

    def test_assign_departures_to_several_resellers(self):
        regular = self.Partner.create(
            {"name": "Not A Reseller", "customer_type_id": self.type_regular.id}
        )
        Assignment = self.env["travel.departure.assignment"]
        Assignment.create(
            {"partner_id": self.resellers[0].id, "departure_id": self.departures[0].id}
        )
        wizard = (
            self.env["travel.departure.bulk.assign"]
            .with_user(self.travel_manager)
            .with_context(
                active_model="travel.departure", active_ids=self.departures.ids
            )
            .create({"reseller_ids": [Command.set((self.resellers | regular).ids)]})
        )
        self.assertEqual(wizard.departure_ids, self.departures)
        wizard.action_apply()
        assigned = Assignment.search([("partner_id", "in", self.resellers.ids)])
        self.assertEqual(len(assigned), 4)  # 2 open departures x 2 resellers
        self.assertNotIn(self.departures[2], assigned.departure_id)
        self.assertFalse(Assignment.search([("partner_id", "=", regular.id)]))
        summary = wizard.summary
        self.assertIn("Assignments created: 3", summary)
        self.assertIn("Agence Nord: 1 new, 1 already assigned", summary)
        self.assertIn("Agence Sud: 2 new, 0 already assigned", summary)
        self.assertIn("Refused: 2", summary)
        self.assertIn("already over", summary)
        self.assertIn("Not A Reseller: not a reseller", summary)

    def test_assign_refused_to_travel_users(self):
        wizard = (
            self.env["travel.departure.bulk.assign"]
            .sudo()
            .create(
                {
                    "departure_ids": [Command.set(self.departures.ids)],
                    "reseller_ids": [Command.set(self.resellers.ids)],
                }
            )
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.salesman).action_apply()
