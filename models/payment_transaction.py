# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import ValidationError


class PaymentTransaction(models.Model):
    """Paying an order online is refused where the customer type forbids
    ordering online: the portal, payment links and the website shop
    (``website_sale``) all pay through a transaction."""

    _inherit = "payment.transaction"

    @api.model_create_multi
    def create(self, vals_list):
        transactions = super().create(vals_list)
        if self.env.user.share:  # a portal or public visitor, even as sudo
            for order in transactions.sale_order_ids:
                refusal = order._travel_online_ordering_refusal()
                if refusal:
                    raise ValidationError(refusal)
        return transactions
