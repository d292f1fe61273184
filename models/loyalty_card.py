# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools import format_amount

WALLET_PROGRAM = "travel_customer.loyalty_program_wallet"


class LoyaltyCard(models.Model):
    """A customer's travel e-wallet is its card of the e-wallet program:
    Odoo keeps the balance and its history, sale_loyalty spends it."""

    _inherit = "loyalty.card"

    @api.model
    def _travel_wallet(self, partner, create=True):
        program = self.env.ref(WALLET_PROGRAM).sudo()
        customer = partner.commercial_partner_id
        card = self.sudo().search(
            [("program_id", "=", program.id), ("partner_id", "=", customer.id)],
            limit=1,
        )
        if not card and create:
            card = self.sudo().create(
                {"program_id": program.id, "partner_id": customer.id, "points": 0}
            )
        return card

    def _format_points(self, points):
        """The e-wallet holds money: its balance reads as an amount of the
        company's currency everywhere (portal card, tile and page), never
        as "Points"."""
        self.ensure_one()
        if self.program_id == self.env.ref(WALLET_PROGRAM, raise_if_not_found=False):
            currency = self.program_id.currency_id or self.env.company.currency_id
            return format_amount(self.env, points, currency)
        return super()._format_points(points)

    def _travel_move(self, amount, description, order=None):
        """Credit (or, negative, take back) ``amount`` with its history line."""
        self.ensure_one()
        card = self.sudo()
        card.points += amount
        self.env["loyalty.history"].sudo().create(
            {
                "card_id": card.id,
                "description": description,
                "issued": max(amount, 0.0),
                "used": max(-amount, 0.0),
                "order_model": order._name if order else False,
                "order_id": order.id if order else False,
            }
        )
