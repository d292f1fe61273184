# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models


class AccountMove(models.Model):
    """A refund of a booking whose cashback was credited takes it back."""

    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        refunds = posted.filtered(lambda m: m.move_type == "out_refund")
        orders = refunds.line_ids.sale_line_ids.order_id.filtered(
            lambda o: o.travel_cashback_amount and not o.travel_cashback_reversed
        )
        for order in orders.sudo():
            card = self.env["loyalty.card"]._travel_wallet(order.partner_id)
            card._travel_move(
                -order.travel_cashback_amount,
                _("Cashback of %s taken back: the booking was refunded", order.name),
                order,
            )
            order.travel_cashback_reversed = True
        return posted
