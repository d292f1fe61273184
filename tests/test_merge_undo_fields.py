# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo_test_helper import FakeModelLoader

from odoo.tests import tagged

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestUndoRewrittenFields(TravelCustomerCommon):
    """Odoo's merge rewrites reference fields and company-dependent customer
    fields of any addon in place: an undo puts them back. Another addon's
    table with a partial expression unique index: the rows that do not clash
    move, the others are put back by an undo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .fake_models import TravelTestBadge, TravelTestHolder

        cls.loader.update_registry((TravelTestHolder, TravelTestBadge))
        cls.addClassCleanup(cls.loader.restore_registry)
        cls.master, cls.dup, cls.other = cls.Partner.create(
            [
                {"name": "Rewritten Test", "email": "rewritten@example.org"},
                {"name": "Test, Rewritten", "email": "rewritten@example.org"},
                {"name": "Somebody Else"},
            ]
        )
        cls.hotel = cls.env["res.company"].create({"name": "Hotel Bellevue"})

    def test_undo_puts_reference_and_company_dependent_values_back(self):
        Holder = self.env["travel.test.holder"]
        holder = Holder.create(
            {"name": "Voucher", "partner_ref": f"res.partner,{self.dup.id}"}
        )
        holder.partner_id = self.dup
        holder.with_company(self.hotel).partner_id = self.other
        untouched = Holder.create(
            {"name": "Other voucher", "partner_ref": f"res.partner,{self.other.id}"}
        )
        self._merge_wizard(self.master, self.dup).with_user(
            self.travel_manager
        ).action_merge()
        self.env.invalidate_all()
        self.assertEqual(holder.partner_ref, self.master)
        self.assertEqual(holder.partner_id, self.master)
        self.assertEqual(holder.with_company(self.hotel).partner_id, self.other)
        log = self.env["travel.customer.merge.log"].search(
            [("master_id", "=", self.master.id)]
        )
        log.with_user(self.travel_manager).action_undo()
        self.env.invalidate_all()
        self.assertEqual(holder.partner_ref, self.dup)
        self.assertEqual(holder.partner_id, self.dup)
        self.assertEqual(holder.with_company(self.hotel).partner_id, self.other)
        self.assertEqual(untouched.partner_ref, self.other)
        self.assertTrue(self.dup.active)

    def test_undo_puts_default_values_back(self):
        """Default values naming a duplicate (of a company-dependent field or
        not) name the master after the merge, the duplicate after an undo."""
        Default = self.env["ir.default"]
        Default.set("sale.order", "partner_id", self.dup.id)
        Default.set("travel.test.holder", "partner_id", self.dup.id)
        Default.set("sale.order", "partner_invoice_id", self.other.id)
        self._merge_wizard(self.master, self.dup).with_user(
            self.travel_manager
        ).action_merge()
        self.assertEqual(Default._get("sale.order", "partner_id"), self.master.id)
        self.assertEqual(
            Default._get("travel.test.holder", "partner_id"), self.master.id
        )
        self.env["travel.customer.merge.log"].search(
            [("master_id", "=", self.master.id)]
        ).with_user(self.salesman).action_undo()
        self.assertEqual(Default._get("sale.order", "partner_id"), self.dup.id)
        self.assertEqual(Default._get("travel.test.holder", "partner_id"), self.dup.id)
        self.assertEqual(
            Default._get("sale.order", "partner_invoice_id"), self.other.id
        )

    def test_partial_expression_unique_index_of_another_addon(self):
        """Badges are unique per customer and code (any case) among the
        active ones; NULL codes never clash."""
        Badge = self.env["travel.test.badge"]
        dup_2 = self.Partner.create(
            {"name": "Rewritten, Test", "email": "rewritten@example.org"}
        )
        mine = Badge.create({"name": "GOLD", "partner_id": self.master.id})
        theirs = Badge.create(
            [
                {"name": "gold", "partner_id": self.dup.id},  # clashes
                {"name": "gold", "partner_id": self.dup.id, "active": False},
                {"name": "silver", "partner_id": self.dup.id},
                {"name": False, "partner_id": self.dup.id},
                {"name": False, "partner_id": dup_2.id},
                {"name": "Bronze", "partner_id": self.dup.id},
                {"name": "bronze", "partner_id": dup_2.id},  # clashes with dup's
            ]
        )
        wizard = self._merge_wizard(self.master, self.dup | dup_2)
        self.assertIn("2 record(s)", "".join(wizard._clashes(self.dup | dup_2)))
        wizard.with_user(self.travel_manager).action_merge()
        self.env.invalidate_all()
        everything = Badge.with_context(active_test=False)
        kept = everything.search([("partner_id", "=", self.master.id)])
        self.assertEqual(kept, mine | theirs[1:6])
        self.assertFalse((theirs[0] | theirs[6]).exists())
        self.env["travel.customer.merge.log"].search(
            [("master_id", "=", self.master.id)]
        ).with_user(self.travel_manager).action_undo()
        self.env.invalidate_all()
        self.assertEqual(everything.search([("partner_id", "=", self.master.id)]), mine)
        self.assertEqual(
            everything.search([("partner_id", "=", self.dup.id)]).mapped("name"),
            ["gold", "gold", "silver", False, "Bronze"],
        )
        self.assertEqual(
            everything.search([("partner_id", "=", dup_2.id)]).mapped("name"),
            [False, "bronze"],
        )
