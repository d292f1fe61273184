# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's own tests of ``sale`` that meet one of the addon's rules, run as they
are once the rule is met.

The portal refuses to sign or pay a quotation until the customer has
confirmed its contact preferences for that order (the consents asked at each
order). Odoo's payment tests pay their quotation without that step: here they
run, every one of them, on a quotation whose preferences are confirmed
(``make test`` runs this class in place of Odoo's ``TestSalePayment``).
"""

from odoo.tests import tagged

from odoo.addons.sale.tests import test_payment_flow


@tagged("-at_install", "post_install")
class TestSalePaymentConsented(test_payment_flow.TestSalePayment):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sale_order.travel_consent_confirmed = True

    def test_unconfirmed_preferences_refuse_payment(self):
        """Without the confirmation, Odoo's payment of the quotation is
        refused and no transaction is created."""
        self.sale_order.travel_consent_confirmed = False
        route_values = self._prepare_pay_values()
        route_values["sale_order_id"] = self.sale_order.id
        tx_context = self._get_portal_pay_context(**route_values)
        Transaction = self.env["payment.transaction"]
        before = Transaction.search_count([])
        with self.assertRaises(test_payment_flow.JsonRpcException) as refusal:
            self._get_processing_values(
                tx_route=tx_context["transaction_route"],
                provider_id=self.provider.id,
                payment_method_id=self.payment_method_id,
                token_id=None,
                amount=tx_context["amount"],
                flow="direct",
                tokenization_requested=False,
                landing_route=tx_context["landing_route"],
                access_token=tx_context["access_token"],
            )
        self.assertIn("ValidationError", str(refusal.exception))
        self.assertEqual(Transaction.search_count([]), before)
        self.assertFalse(self.sale_order.transaction_ids)
