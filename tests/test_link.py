# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import TravelCustomerCommon


class TestLinkedCustomers(TravelCustomerCommon):
    """Linked customers and their discount, approved by a supervisor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.council = cls.Partner.create({"name": "CSE Airbus", "is_company": True})
        cls.employee = cls.Partner.create({"name": "Paul Employee"})
        cls.clerk = new_test_user(
            cls.env,
            login="link_clerk",
            groups="base.group_user,sales_team.group_sale_salesman,"
            "travel_customer.group_travel_user",
        )
        cls.boss = new_test_user(
            cls.env,
            login="link_boss",
            groups="base.group_user,travel_customer.group_travel_manager",
        )
        cls.company = cls.env.company

    def _wizard(self, user, discount, code=None, link=None, supervisor=None):
        values = {"discount": discount, "supervisor_code": code}
        if code is not None:
            values["supervisor_id"] = (supervisor or self.boss).id
        if link:
            values["link_id"] = link.id
        else:
            values.update(
                partner_id=self.council.id, linked_partner_id=self.employee.id
            )
        return self.env["travel.link.discount"].with_user(user).create(values)

    def _link(self):
        return self.env["travel.customer.link"].search(
            [
                ("partner_id", "=", self.council.id),
                ("linked_partner_id", "=", self.employee.id),
            ]
        )

    def test_manager_grants_and_bookings_get_the_discount(self):
        self._wizard(self.boss, 10.0).action_apply()
        link = self._link()
        self.assertEqual((link.discount, link.approved_by_id), (10.0, self.boss))
        note = self.employee.message_ids[0]
        self.assertIn("approved by the manager", note.body)
        self.assertEqual(note.author_id, self.boss.partner_id)
        order = self._create_order(self.employee)
        self.assertEqual(order.order_line.discount, 10.0)
        self.assertAlmostEqual(order.amount_untaxed, self.product.list_price * 0.9)
        # customers that are not linked pay the full price
        self.assertEqual(self._create_order(self.customer).order_line.discount, 0.0)

    def test_refused_without_a_supervisor(self):
        link = (
            self.env["travel.customer.link"]
            .with_user(self.clerk)
            .create(
                {"partner_id": self.council.id, "linked_partner_id": self.employee.id}
            )
        )
        with self.assertRaisesRegex(AccessError, "needs a supervisor"):
            link.with_user(self.clerk).write({"discount": 15.0})
        wizard = self._wizard(self.clerk, 15.0, code="", link=link)
        action = wizard.action_apply()
        self.assertEqual(action["res_id"], wizard.id)  # the dialog stays open
        self.assertIn("No supervision code", wizard.message)
        self.assertEqual(link.discount, 0.0)

    def test_supervision_code_and_lock(self):
        self.company.with_user(self.boss)._travel_set_supervisor_code("4321")
        self.assertNotIn("4321", self.company.sudo().travel_supervisor_code_hash)
        wizard = self._wizard(self.clerk, 12.0, code="0000")
        wizard.action_apply()
        self.assertEqual(wizard.message, "Wrong supervision code.")
        self.assertFalse(self._link())
        self.assertEqual(self.company.sudo().travel_supervisor_failures, 1)
        self._wizard(self.clerk, 12.0, code="1111").action_apply()
        wizard = self._wizard(self.clerk, 12.0, code="2222")
        wizard.action_apply()
        self.assertIn("locked for 15 minutes", wizard.message)
        # even the right code waits for the lock to end
        wizard = self._wizard(self.clerk, 12.0, code="4321")
        wizard.action_apply()
        self.assertIn("locked until", wizard.message)
        self.assertFalse(self._link())
        self.company.sudo().travel_supervisor_locked_until = (
            fields.Datetime.now() - timedelta(minutes=1)
        )
        self._wizard(self.clerk, 12.0, code="4321").action_apply()
        link = self._link()
        # the supervisor who typed the code approved it, the clerk entered it
        self.assertEqual((link.discount, link.approved_by_id), (12.0, self.boss))
        body = self.council.message_ids[0].body
        self.assertIn(f"approved by the supervisor {self.boss.name}", body)
        self.assertIn(f"entered by {self.clerk.name}", body)

    def test_the_supervisor_is_a_manager(self):
        """The code alone does not name a supervisor: the clerk chooses one,
        a manager, recorded as the approver; no supervisor, or a user who is
        not a manager, is refused before the code is even checked."""
        self.company.with_user(self.boss)._travel_set_supervisor_code("4321")
        wizard = self._wizard(self.clerk, 12.0, code="4321")
        wizard.supervisor_id = False
        with self.assertRaisesRegex(UserError, "Choose the supervisor"):
            wizard.action_apply()
        wizard = self._wizard(self.clerk, 12.0, code="4321", supervisor=self.clerk)
        with self.assertRaisesRegex(UserError, "Choose the supervisor"):
            wizard.action_apply()
        self.assertFalse(self._link())
        self.assertEqual(self.company.sudo().travel_supervisor_failures, 0)

    def test_only_a_manager_sets_the_code(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.clerk)._travel_set_supervisor_code("9999")
        self.assertFalse(self.company.sudo().travel_supervisor_code_hash)
