# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo_test_helper import FakeModelLoader

from odoo.tests import tagged

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestUndoRewrittenFields(TravelCustomerCommon):
    """Odoo's merge rewrites reference fields and company-dependent customer
    fields of any addon in place: an undo puts them back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .fake_models import TravelTestHolder

        cls.loader.update_registry((TravelTestHolder,))
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
